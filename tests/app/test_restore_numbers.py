"""A restore over a ledger never lets a case, document or record number be issued twice,
and tells how many events of the replaced ledger the backup lacks and where they are."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app import cases, cli, consultations, restore
from app.desk import Desk, backup_desk, open_desk, verify_desk
from db import store
from db.errors import WrongPassphrase
from db.ledger import events_for_subject
from tests.app.case_helpers import MakeDesk, demo_desk, new_case
from tests.conftest import PASSPHRASE, FakeClock


def numbers(desk: Desk) -> tuple[set[str], set[str], set[str]]:
    case_nos = {r[0] for r in desk.conn.execute("SELECT case_no FROM cases")}
    docs = {r[0] for r in desk.conn.execute("SELECT accept_doc_no FROM cases") if r[0]}
    consults = {r[0] for r in desk.conn.execute("SELECT consult_no FROM consultations")}
    return case_nos, docs, consults


def work(desk: Desk, n: int) -> None:
    """A case received and accepted, and a consultation logged."""
    cases.accept(desk, new_case(desk, n=n))
    consultations.log(desk, "低保怎么申请？", "带户口本和身份证来窗口。", topic="低保")


def restore_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    try:
        code = cli.run(["restore", *argv, "--passphrase-stdin"])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def after_backup(
    make_desk: MakeDesk, tmp_path: Path
) -> tuple[Path, Path, set[str], set[str], set[str]]:
    """A desk backed up after one piece of work, then two more done after the backup."""
    desk = demo_desk(make_desk)
    work(desk, 1)
    out = tmp_path / "desk.backup"
    backup_desk(desk, out)
    work(desk, 2)
    work(desk, 3)
    issued = numbers(desk)
    path = desk.path
    desk.close()
    return path, out, *issued


def test_a_restore_continues_after_the_numbers_the_replaced_ledger_issued(
    after_backup: tuple[Path, Path, set[str], set[str], set[str]],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, out, case_nos, docs, consults = after_backup
    code, stdout, err = restore_cli(
        monkeypatch, capsys, "--from", str(out), "--ledger", str(path), "--force", "--user", "admin"
    )
    assert code == 0, err
    aside = next(path.parent.glob("desk.replaced-*.ledger"))
    assert str(aside) in stdout
    # Two cases, two acceptances, two consultations and the backup's own event were lost.
    assert "有 7 个事件不在此备份中" in stdout
    desk = open_desk(path, "admin", PASSPHRASE, clock=clock)
    try:
        work(desk, 4)
        new_cases, new_docs, new_consults = numbers(desk)
        # The case numbers, document numbers and record numbers of today are all new.
        assert len(new_cases - case_nos) == 1 and len(new_docs - docs) == 1
        assert len(new_consults - consults) == 1
        (restored_event,) = [
            e for e in events_for_subject(desk.conn, "desk") if e.kind == "ledger.restored"
        ]
        assert restored_event.body["how"] == "kept_aside"
        assert restored_event.body["kept_aside"] == aside.name
        assert restored_event.body["missing_events"] == 7
        assert verify_desk(desk).ok  # the continuation replays identically
    finally:
        desk.close()
    open_desk(aside, "admin", PASSPHRASE).close()  # the kept-aside ledger still opens


def test_an_unreadable_replaced_ledger_makes_the_numbers_jump(
    after_backup: tuple[Path, Path, set[str], set[str], set[str]],
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, out, case_nos, docs, consults = after_backup
    data = bytearray(path.read_bytes())
    for page in range(2, len(data) // store.PAGE_SIZE):
        data[page * store.PAGE_SIZE + 50] ^= 0xFF  # damage: why one restores
    path.write_bytes(bytes(data))
    code, stdout, err = restore_cli(
        monkeypatch, capsys, "--from", str(out), "--ledger", str(path), "--force", "--user", "admin"
    )
    assert code == 0, err
    assert "原台账无法读取" in stdout and "5001" in stdout
    desk = open_desk(path, "admin", PASSPHRASE, clock=clock)
    try:
        work(desk, 4)
        new_cases, new_docs, new_consults = numbers(desk)
        (case_no,) = new_cases - case_nos
        assert case_no.split("-")[3] == "5001"
        (doc_no,) = new_docs - docs
        assert doc_no.endswith("-10001号")  # the next block of acceptance numbers
        (consult_no,) = new_consults - consults
        assert consult_no.endswith("-5001")
        assert verify_desk(desk).ok
    finally:
        desk.close()


def test_a_wrong_passphrase_stops_the_restore_before_anything_moves(
    after_backup: tuple[Path, Path, set[str], set[str], set[str]],
) -> None:
    path, out, *_ = after_backup
    live = path.read_bytes()
    with pytest.raises(WrongPassphrase):
        restore.restore_desk(out, path, force=True, username="admin", passphrase="not it at all")
    assert path.read_bytes() == live
    assert not list(path.parent.glob("desk.replaced-*"))


def test_replacing_a_ledger_needs_the_user(
    after_backup: tuple[Path, Path, set[str], set[str], set[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, out, *_ = after_backup
    code, _, err = restore_cli(
        monkeypatch, capsys, "--from", str(out), "--ledger", str(path), "--force"
    )
    assert code == 2 and "--user" in err


def test_a_passphrase_changed_since_the_backup_is_told_before_anything_moves(
    after_backup: tuple[Path, Path, set[str], set[str], set[str]],
) -> None:
    path, out, *_ = after_backup
    store.change_passphrase(path, "admin", PASSPHRASE, "changed since 42")
    live = path.read_bytes()
    with pytest.raises(WrongPassphrase, match="备份之后改过口令"):
        restore.restore_desk(out, path, force=True, username="admin", passphrase="changed since 42")
    assert path.read_bytes() == live
    assert not list(path.parent.glob("desk.replaced-*"))
