"""The command line as an administrator or a script uses it."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import cli
from app.cli_common import date_arg
from tests.conftest import PASSPHRASE, current_clock

RECOVERY = re.compile(r"([A-Z2-7]{4}(?:-[A-Z2-7]{4}){13})")


def clerkdesk(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
    try:
        code = cli.run(list(argv), clock=current_clock())
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def ledger(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str]:
    path = tmp_path / "desk.ledger"
    code, out, err = clerkdesk(
        capsys,
        monkeypatch,
        "init",
        "--ledger",
        str(path),
        "--center-code",
        "510421100",
        "--center-name",
        "攀莲镇便民服务中心",
        "--admin",
        "admin",
        "--passphrase-stdin",
        stdin=PASSPHRASE + "\n",
    )
    assert code == 0, err
    match = RECOVERY.search(out)
    assert match, out
    return path, match.group(1)


def test_init_prints_the_recovery_key_once(ledger: tuple[Path, str]) -> None:
    path, recovery = ledger
    assert path.exists()
    assert recovery.encode() not in b"".join(p.read_bytes() for p in path.parent.iterdir())


def test_verify_ok_and_json(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    code, out, _ = clerkdesk(
        capsys,
        monkeypatch,
        "verify",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin=PASSPHRASE,
    )
    assert code == 0 and re.search(r"intact: \d+ events", out)
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    code, out, _ = clerkdesk(
        capsys, monkeypatch, "verify", "--ledger", str(path), "--user", "admin", "--json"
    )
    assert code == 0 and '"ok": true' in out


def test_verify_names_the_tampered_event(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.desk import open_desk

    path, _ = ledger
    desk = open_desk(path, "admin", PASSPHRASE)
    desk.conn.execute("DROP TRIGGER events_are_append_only_update")
    desk.conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2")
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    code, _, err = clerkdesk(
        capsys, monkeypatch, "verify", "--ledger", str(path), "--user", "admin"
    )
    assert code == 5
    assert "#2" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_wrong_passphrase_exit_code(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "verify",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin="nope nope nope\n",
    )
    assert code == 3 and "口令不正确" in err


def test_no_passphrase_source_is_a_usage_error(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    code, _, err = clerkdesk(
        capsys, monkeypatch, "verify", "--ledger", str(path), "--user", "admin"
    )
    assert code == 2 and "CLERKDESK_PASSPHRASE" in err


def test_user_add_list_remove_and_roles(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    common = ["--ledger", str(path), "--passphrase-stdin"]
    code, out, err = clerkdesk(
        capsys,
        monkeypatch,
        "user",
        "add",
        *common,
        "--user",
        "admin",
        "zhangsan",
        "--name",
        "张三",
        "--role",
        "clerk",
        stdin=f"{PASSPHRASE}\nzhang pass 1\n",
    )
    assert code == 0, err
    # A clerk may not manage accounts: refused by the rules, exit 4.
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "user",
        "add",
        *common,
        "--user",
        "zhangsan",
        "lisi",
        "--role",
        "clerk",
        stdin="zhang pass 1\nli pass 123\n",
    )
    assert code == 4 and "系统管理员" in err
    code, out, _ = clerkdesk(
        capsys,
        monkeypatch,
        "user",
        "list",
        *common,
        "--user",
        "zhangsan",
        "--json",
        stdin="zhang pass 1\n",
    )
    assert code == 0 and '"zhangsan"' in out
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "user",
        "remove",
        *common,
        "--user",
        "admin",
        "zhangsan",
        stdin=PASSPHRASE + "\n",
    )
    assert code == 0, err
    code, _, err = clerkdesk(
        capsys, monkeypatch, "verify", *common, "--user", "zhangsan", stdin="zhang pass 1\n"
    )
    assert code == 3


def test_passwd(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    common = ["--ledger", str(path), "--user", "admin", "--passphrase-stdin"]
    code, _, err = clerkdesk(
        capsys, monkeypatch, "passwd", *common, stdin=f"{PASSPHRASE}\nnew passphrase 2\n"
    )
    assert code == 0, err
    code, _, _ = clerkdesk(capsys, monkeypatch, "verify", *common, stdin="new passphrase 2\n")
    assert code == 0
    code, _, err = clerkdesk(capsys, monkeypatch, "passwd", *common, stdin="new passphrase 2\nx\n")
    assert code == 2 and "至少" in err


def test_backup_restore_and_force(ledger, capsys, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = ledger
    out_file = tmp_path / "b.cdbak"
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "backup",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--out",
        str(out_file),
        "--passphrase-stdin",
        stdin=PASSPHRASE,
    )
    assert code == 0, err
    code, _, err = clerkdesk(
        capsys, monkeypatch, "restore", "--from", str(out_file), "--ledger", str(path)
    )
    assert code == 6 and "--force" in err
    code, _, err = clerkdesk(
        capsys, monkeypatch, "restore", "--from", str(out_file), "--ledger", str(path), "--force"
    )
    assert code == 2 and "--user" in err  # the replaced ledger's numbers must be read
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        *("restore", "--from", str(out_file), "--ledger", str(path), "--force"),
        *("--user", "admin", "--passphrase-stdin"),
        stdin=PASSPHRASE,
    )
    assert code == 0, err
    code, _, _ = clerkdesk(
        capsys,
        monkeypatch,
        "verify",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin=PASSPHRASE,
    )
    assert code == 0


def test_rekey_and_recover(ledger, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path, old_recovery = ledger
    code, out, err = clerkdesk(
        capsys,
        monkeypatch,
        "rekey",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin=PASSPHRASE,
    )
    assert code == 0, err
    new_recovery = RECOVERY.search(out)
    assert new_recovery and new_recovery.group(1) != old_recovery
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "recover",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin=f"{old_recovery}\nrecovered pass 3\n",
    )
    assert code == 3, err
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "recover",
        "--ledger",
        str(path),
        "--user",
        "admin",
        "--passphrase-stdin",
        stdin=f"{new_recovery.group(1)}\nrecovered pass 3\n",
    )
    assert code == 0, err


def test_bad_input_gets_one_line(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "init",
        "--ledger",
        str(tmp_path / "x"),
        "--center-code",
        "51",
        "--center-name",
        "某中心",
        "--admin",
        "admin",
        "--passphrase-stdin",
        stdin=PASSPHRASE,
    )
    assert code == 2 and "centre_code" in err and len(err.strip().splitlines()) == 1
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "verify",
        "--ledger",
        str(tmp_path / "none"),
        "--user",
        "a",
        "--passphrase-stdin",
        stdin="x",
    )
    assert code == 6 and "找不到台账文件" in err


def _every_command(parser: argparse.ArgumentParser, prefix: list[str]) -> list[list[str]]:
    found = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.extend(_every_command(sub, [*prefix, name]))
    return found


ALL_COMMANDS = _every_command(cli.build_parser(), [])


def test_the_command_list_is_complete() -> None:
    assert ["case", "intake"] in ALL_COMMANDS and ["calendar", "add-workdays"] in ALL_COMMANDS
    assert len(ALL_COMMANDS) > 30


@pytest.mark.parametrize("argv", ALL_COMMANDS, ids=lambda a: " ".join(a) or "clerkdesk")
def test_help_everywhere(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.run([*argv, "--help"])
    assert exc.value.code == 0
    assert "usage: clerkdesk" in capsys.readouterr().out


def test_installed_command_runs_without_a_display(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("clerkdesk")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    result = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 1
    assert "没有可用的显示器" in result.stderr and "Traceback" not in result.stderr
    result = subprocess.run(
        [str(exe), "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0 and "exit codes" in result.stdout


@given(st.dates())
def test_a_date_argument_reads_every_iso_date(day: dt.date) -> None:
    assert date_arg(day.isoformat()) == day


@given(st.text(max_size=12))
def test_a_date_argument_refuses_anything_else_with_a_usage_message(text: str) -> None:
    try:
        expected = dt.date.fromisoformat(text)
    except ValueError:
        with pytest.raises(argparse.ArgumentTypeError, match="YYYY-MM-DD"):
            date_arg(text)
    else:
        assert date_arg(text) == expected
