"""Storage faults told as they are, on real conditions: a full tmpfs, a read-only mount,
a second process holding the ledger, flipped bytes in a page or in a key slot. Each has its
own message and exit code; none is told as damage or as a wrong passphrase when it is not."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import cli, staff
from app.desk import open_desk
from db import keys, store
from db.errors import (
    DiskFull,
    KeySlotDamaged,
    LedgerBusy,
    LedgerDamaged,
    ReadOnlyStorage,
    WrongPassphrase,
)
from db.ledger import head
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.mounts import Mounts

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_PASSPHRASE = "fixture passphrase 1"


def clerkdesk(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: tuple[str, ...] = (PASSPHRASE,),
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in stdin)))
    try:
        code = cli.run([*argv, "--passphrase-stdin"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def verify_args(path: Path, user: str = "admin") -> tuple[str, ...]:
    return ("verify", "--ledger", str(path), "--user", user)


@pytest.fixture
def closed_desk(make_desk: Callable[..., Any]) -> tuple[Path, str]:
    desk, recovery = make_desk()
    path: Path = desk.path
    desk.close()
    return path, recovery


@pytest.fixture
def disk_desk(make_desk: Callable[..., Any], mounts: Mounts) -> Path:
    """A closed desk ledger with two accounts on a 3 MB disk."""
    disk = mounts.small_disk()
    desk, _ = make_desk(name=str(disk / "desk.ledger"))
    staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    desk.close()
    return disk / "desk.ledger"


# -- a full disk -------------------------------------------------------------------------------


def test_a_full_disk_is_told_as_a_full_disk_and_loses_nothing(
    disk_desk: Path,
    mounts: Mounts,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    filler = mounts.fill(disk_desk.parent)
    code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(disk_desk))
    assert code == 8, err
    assert "磁盘空间已满" in err and "只剩" in err and "不要用备份恢复" in err
    assert "损坏。请用备份" not in err  # the old, dangerous advice
    filler.unlink()
    code, out, err = clerkdesk(capsys, monkeypatch, *verify_args(disk_desk))
    assert code == 0, err
    assert "台账完好" in out


def test_a_write_that_hits_a_full_disk_is_undone_and_can_be_redone(
    disk_desk: Path, mounts: Mounts
) -> None:
    desk = open_desk(disk_desk, "admin", PASSPHRASE)
    try:
        before = head(desk.conn)
        filler = mounts.fill(disk_desk.parent)
        with pytest.raises(DiskFull, match="磁盘空间已满") as caught:
            # Enough to outgrow the WAL pages already on disk.
            for i in range(40):
                staff.add_account(desk, f"clerk{i:02d}", "窗" * 30, "clerk", f"pass word {i:04d}")
        assert caught.value.free_bytes is not None and caught.value.free_bytes < 64 * 1024
        assert caught.value.exit_code == 8
        done = head(desk.conn)[0] - before[0]
        filler.unlink()
        staff.add_account(desk, "redone", "重做", "clerk", "pass word redo")
        # Nothing half-written: every account before the failure, then the redone one.
        assert head(desk.conn)[0] == before[0] + done + 1
        assert staff.find(desk.conn, "redone") is not None
    finally:
        desk.close()


# -- a read-only folder ------------------------------------------------------------------------


def test_a_read_only_folder_says_read_only(
    disk_desk: Path,
    mounts: Mounts,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = mounts.read_only_view(disk_desk.parent)
    code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(view / "desk.ledger"))
    assert code == 9, err
    assert "只读" in err and "台账没有损坏" in err
    with pytest.raises(ReadOnlyStorage):
        open_desk(view / "desk.ledger", "admin", PASSPHRASE)


def test_creating_a_ledger_on_a_read_only_folder_says_read_only(
    make_desk: Callable[..., Any], mounts: Mounts
) -> None:
    view = mounts.read_only_view(mounts.small_disk())
    with pytest.raises(ReadOnlyStorage, match="只读"):
        make_desk(name=str(view / "desk.ledger"))
    assert list(view.iterdir()) == []


# -- another program holding the ledger --------------------------------------------------------

_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from db import keys, store
    from db.connection import open_encrypted
    files = store.LedgerFiles(Path(sys.argv[1]))
    key = keys.unlock_slot(store._read_keyfile(files), "admin", sys.argv[2])
    conn = open_encrypted(files.db, key)
    if sys.argv[3] == "exclusive":  # as a tool that takes the whole file would
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
    else:  # another writer in the middle of a long transaction
        conn.execute("BEGIN IMMEDIATE")
    print("held", flush=True)
    sys.stdin.read()
    """
)

_LOCK_HOLDER = textwrap.dedent(
    """
    import sys
    from filelock import FileLock
    with FileLock(sys.argv[1]):
        print("held", flush=True)
        sys.stdin.read()
    """
)


def _hold(script: str, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def test_a_ledger_held_by_another_program_says_so(
    closed_desk: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = closed_desk
    holder = _hold(_HOLDER, str(path), PASSPHRASE, "exclusive")
    try:
        code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(path))
    finally:
        _release(holder)
    assert code == 10, err
    assert "另一个程序占用" in err and "台账没有损坏" in err
    code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(path))
    assert code == 0, err


def test_the_key_file_lock_held_elsewhere_says_so(
    closed_desk: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = closed_desk
    monkeypatch.setattr(store, "LOCK_TIMEOUT_SECONDS", 0.5)
    holder = _hold(_LOCK_HOLDER, str(store.LedgerFiles(path).lock))
    try:
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{PASSPHRASE}\nanother pass 42\n"))
        with pytest.raises(SystemExit) as exited:
            cli.run(["passwd", "--ledger", str(path), "--user", "admin", "--passphrase-stdin"])
    finally:
        _release(holder)
    assert exited.value.code == 10
    assert "另一个程序占用" in capsys.readouterr().err


def test_a_write_waiting_on_another_writer_says_busy(
    closed_desk: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    desk.conn.execute("PRAGMA busy_timeout = 200")
    holder = _hold(_HOLDER, str(path), PASSPHRASE, "writer")
    try:
        with pytest.raises(LedgerBusy):
            staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    finally:
        _release(holder)
        desk.close()


# -- damage ------------------------------------------------------------------------------------


def _damage_page(path: Path, page: int) -> None:
    data = bytearray(path.read_bytes())
    data[(page - 1) * store.PAGE_SIZE + 100] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_page_is_told_as_damage(
    closed_desk: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = closed_desk
    other = path.with_name("other.ledger")
    shutil.copy(path, other)
    shutil.copy(store.LedgerFiles(path).keys, store.LedgerFiles(other).keys)
    _damage_page(path, 4)  # an index of the events: verify names the page
    code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(path))
    assert code == 5, err
    assert "页面校验失败" in err and "page 4" in err
    _damage_page(other, 10)  # the staff table, read by every command
    code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(other))
    assert code == 6, err
    assert "页面已损坏" in err and "备份恢复" in err and "磁盘空间" not in err


def _flip_slot(path: Path, field: str) -> None:
    keyfile = store.LedgerFiles(path).keys
    doc = json.loads(keyfile.read_text())
    slot = next(s for s in doc["slots"] if "check" in s)
    value = slot[field]
    # Another valid base64 character: the slot still decodes, only its bytes are wrong.
    slot[field] = ("B" if value[5] == "A" else "A").join((value[:5], value[6:]))
    keyfile.write_text(json.dumps(doc))


@pytest.mark.parametrize("field", ["salt", "wrapped_private_key", "sealed_ledger_key"])
def test_a_damaged_key_slot_is_not_a_wrong_passphrase(
    closed_desk: tuple[Path, str],
    field: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    desk.close()
    keyfile = keys.KeyFile.from_bytes(store.LedgerFiles(path).keys.read_bytes())
    admin_first = keyfile.slots[0].slot_id == keys.slot_id_for(keyfile.ledger_id, "admin")
    assert admin_first
    _flip_slot(path, field)
    for _ in range(store.FREE_ATTEMPTS + 1):
        code, _, err = clerkdesk(capsys, monkeypatch, *verify_args(path))
        assert code == 11, err
        assert "密钥槽已损坏" in err and "不是口令错误" in err
        assert "clerkdesk user reset admin" in err
    with pytest.raises(KeySlotDamaged):
        open_desk(path, "admin", PASSPHRASE)
    # Not counted toward the delay, and the other accounts still open.
    assert not store.LedgerFiles(path).attempts.exists()
    open_desk(path, "liuyang", "clerk pass 0001").close()
    with pytest.raises(WrongPassphrase):
        open_desk(path, "liuyang", "not the passphrase")


# Schema versions 1-6 were written before key slots carried their check; v7 on have it.
BEFORE_SLOT_CHECK = [FIXTURES / f"ledger-v{n}" for n in range(1, 7)]


def test_key_files_from_v7_on_carry_the_slot_check() -> None:
    later = [p for p in FIXTURES.glob("ledger-v*") if p not in BEFORE_SLOT_CHECK]
    assert later, "the newest fixture was written with the slot check"
    for fixture in later:
        slots = json.loads((fixture / "desk.ledger.keys").read_text())["slots"]
        assert all("check" in s for s in slots), fixture.name


@pytest.mark.parametrize("fixture", BEFORE_SLOT_CHECK, ids=lambda p: p.name)
def test_key_files_written_before_the_slot_check_still_open_and_gain_it(
    fixture: Path, tmp_path: Path
) -> None:
    for f in fixture.iterdir():
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "desk.ledger"
    keyfile = store.LedgerFiles(path).keys
    assert all("check" not in s for s in json.loads(keyfile.read_text())["slots"])
    store.open_with_passphrase(path, "admin", FIXTURE_PASSPHRASE).close()
    store.change_passphrase(path, "admin", FIXTURE_PASSPHRASE, "fixture passphrase 2")
    assert all("check" in s for s in json.loads(keyfile.read_text())["slots"])
    store.open_with_passphrase(path, "admin", "fixture passphrase 2").close()


def test_an_admin_resets_a_damaged_slot(
    closed_desk: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    desk.close()
    keyfile = store.LedgerFiles(path).keys
    doc = json.loads(keyfile.read_text())
    liuyang = keys.slot_id_for(doc["ledger_id"], "liuyang")
    slot = next(s for s in doc["slots"] if s["id"] == liuyang)
    slot["salt"] = slot["salt"][::-1]
    keyfile.write_text(json.dumps(doc))
    with pytest.raises(KeySlotDamaged):
        open_desk(path, "liuyang", "clerk pass 0001")
    code, out, err = clerkdesk(
        capsys,
        monkeypatch,
        *("user", "reset", "liuyang", "--ledger", str(path), "--user", "admin"),
        stdin=(PASSPHRASE, "fresh start 77"),
    )
    assert code == 0, err
    assert "clerkdesk passwd" in out
    open_desk(path, "liuyang", "fresh start 77").close()
    assert "check" in json.loads(keyfile.read_text())["slots"][-1]


def test_recover_lists_every_account_to_reset_and_how(
    closed_desk: tuple[Path, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, recovery = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    staff.add_account(desk, "zhaomin", "赵敏", "director", "director pass 9")
    staff.add_account(desk, "left", "离职", "clerk", "clerk pass 0002")
    staff.deactivate_account(desk, "left")
    desk.close()
    store.LedgerFiles(path).keys.unlink()  # lost: only the recovery key opens the ledger
    code, out, err = clerkdesk(
        capsys,
        monkeypatch,
        *("recover", "--ledger", str(path), "--user", "admin"),
        stdin=(recovery, "admin again 42"),
    )
    assert code == 0, err
    commands = [line.split(": ", 1)[1] for line in out.splitlines() if "user reset" in line]
    assert commands == [
        f"clerkdesk user reset {name} --ledger {path} --user admin"
        for name in ("liuyang", "zhaomin")
    ]
    # The listed command works as printed.
    argv = commands[0].split()[1:]
    code, _, err = clerkdesk(capsys, monkeypatch, *argv, stdin=("admin again 42", "clerk again 42"))
    assert code == 0, err
    open_desk(path, "liuyang", "clerk again 42").close()


@pytest.fixture(scope="module")
def sealed_keyfile() -> tuple[bytes, bytes]:
    """A key file with one checked slot (admin, PASSPHRASE) and the ledger key it opens."""
    ledger_key = bytes(range(32))
    keyfile = keys.KeyFile("01900000-0000-7000-8000-000000000000", keys.key_check_value(ledger_key))
    slot = keys.make_slot(keyfile.ledger_id, "admin", PASSPHRASE, ledger_key, FAST_KDF)
    return keyfile.with_slot(slot).to_bytes(), ledger_key


@settings(max_examples=150)
@given(data=st.data())
def test_any_flipped_byte_in_a_key_file_is_never_a_wrong_passphrase(
    sealed_keyfile: tuple[bytes, bytes], data: st.DataObject
) -> None:
    raw, ledger_key = sealed_keyfile
    at = data.draw(st.integers(0, len(raw) - 1), label="offset")
    mask = data.draw(st.integers(1, 255), label="xor")
    flipped = bytearray(raw)
    flipped[at] ^= mask
    try:
        key = keys.unlock_slot(keys.KeyFile.from_bytes(bytes(flipped)), "admin", PASSPHRASE)
    except LedgerDamaged:
        return  # told as damage (of a slot, or of the whole file)
    assert key == ledger_key  # a harmless byte (white space, cipher settings)


def test_verify_on_a_full_disk_says_full_not_damaged(disk_desk: Path, mounts: Mounts) -> None:
    from app import catalogue
    from app.desk import verify_desk

    desk = open_desk(disk_desk, "admin", PASSPHRASE)
    try:
        catalogue.install_demo(desk)  # projections large enough that a replay needs room
        desk.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        # A small page cache makes the replay spill to the WAL, as a big ledger's does.
        desk.conn.execute("PRAGMA cache_size = 8")
        filler = mounts.fill(disk_desk.parent)
        with pytest.raises(DiskFull):
            verify_desk(desk)
        filler.unlink()
        assert verify_desk(desk).ok  # it was never damaged
    finally:
        desk.close()


def test_a_backup_to_a_full_disk_says_so_and_leaves_nothing(
    closed_desk: tuple[Path, str], mounts: Mounts
) -> None:
    from app.desk import backup_desk

    path, _ = closed_desk
    disk = mounts.small_disk("usb", size_kib=512)  # a nearly full USB stick
    desk = open_desk(path, "admin", PASSPHRASE)
    try:
        with pytest.raises(DiskFull) as caught:
            backup_desk(desk, disk / "desk.backup")
    finally:
        desk.close()
    assert str(disk) in caught.value.message and ".clerkdesk-backup" not in caught.value.message
    assert list(disk.iterdir()) == []
