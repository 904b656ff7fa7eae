"""Regression tests for defects a review reproduced against the ledger layer."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from app import cases, catalogue, staff
from app.desk import Desk, backup_desk, open_desk, verify_desk
from db import keys, store
from db.connection import write_atomically
from db.errors import LedgerDamaged, TryLater, WrongPassphrase
from tests.app.case_helpers import LSJZ, person
from tests.conftest import PASSPHRASE

MakeDesk = Callable[..., tuple[Desk, str]]


def _accepted_case(desk: Desk) -> str:
    catalogue.install_demo(desk)
    item = catalogue.get_item(desk.conn, LSJZ).item
    ticks = {m.code: cases.MaterialTick("received") for m in item.materials}
    case_no = cases.intake(desk, LSJZ, person(1), ticks).case_no
    cases.accept(desk, case_no)
    return case_no


def test_verify_and_backup_from_a_fresh_connection(make_desk: MakeDesk, tmp_path: Path) -> None:
    # The calendar cache was poisoned by the replay's first, one-year calendar.
    desk, _ = make_desk()
    case_no = _accepted_case(desk)
    due = cases.get_case(desk.conn, case_no).summary.due_on
    path = desk.path
    desk.close()
    fresh = open_desk(path, "admin", PASSPHRASE)
    assert verify_desk(fresh).ok
    backup_desk(fresh, tmp_path / "b.cdbak")
    assert cases.get_case(fresh.conn, case_no).summary.due_on == due
    fresh.close()


def test_a_typo_after_an_interrupted_rotation_keeps_the_pending_key_file(
    make_desk: MakeDesk,
) -> None:
    desk, _ = make_desk()
    files = desk.opened.files
    secret = keys.new_recovery_secret()
    new_key = keys.ledger_key_from_recovery(secret)
    files.keys_next.write_bytes(keys.reseal_all(desk.opened.keyfile, new_key).to_bytes())
    desk.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")  # crash right after the rekey
    desk.close()
    with pytest.raises(WrongPassphrase):
        open_desk(files.db, "admin", "typo typo 1")
    assert files.keys_next.exists()
    open_desk(files.db, "admin", PASSPHRASE).close()
    assert not files.keys_next.exists()


def test_a_stale_session_never_writes_back_old_slots(make_desk: MakeDesk, clock) -> None:  # type: ignore[no-untyped-def]
    desk, _ = make_desk()  # the GUI's session, opened in the morning
    staff.add_account(desk, "bob", "鲍勃", "clerk", "bob pass 1234")
    staff.add_account(desk, "zhang", "张三", "clerk", "zhang old 1234")
    other = open_desk(desk.path, "admin", PASSPHRASE, clock=clock)  # the CLI, later
    staff.deactivate_account(other, "bob")
    other.close()
    store.change_passphrase(desk.path, "zhang", "zhang old 1234", "zhang new 5678")
    staff.add_account(desk, "carol", "卡萝", "clerk", "carol pass 1234")  # the old session writes
    with pytest.raises(Exception, match="没有账号|不存在|inactive|停用"):
        open_desk(desk.path, "bob", "bob pass 1234")
    with pytest.raises(WrongPassphrase):
        open_desk(desk.path, "zhang", "zhang old 1234")
    open_desk(desk.path, "zhang", "zhang new 5678").close()


@pytest.mark.parametrize("content", [b"", b"{not json", None])
def test_recovery_key_opens_despite_a_bad_key_file(
    make_desk: MakeDesk, content: bytes | None
) -> None:
    desk, recovery = make_desk()
    _, other_recovery = make_desk(name="other.ledger")
    path = desk.path
    desk.close()
    files = store.LedgerFiles(path)
    if content is None:  # a valid key file, but another ledger's
        files.keys.write_bytes(store.LedgerFiles(path.with_name("other.ledger")).keys.read_bytes())
    else:
        files.keys.write_bytes(content)
    opened = store.open_with_recovery(path, recovery)
    assert opened.conn.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    opened.close()
    assert any(".unusable-" in p.name for p in path.parent.iterdir())
    with pytest.raises(Exception):  # noqa: B017 - the other ledger's key stays wrong
        store.open_with_recovery(path, other_recovery)


def test_logging_in_as_oneself_does_not_reset_the_count_on_another_account(
    make_desk: MakeDesk,
) -> None:
    desk, _ = make_desk()
    staff.add_account(desk, "lisi", "李四", "director", "director secret 42")
    path = desk.path
    desk.close()
    now = [1000.0]
    for _ in range(store.FREE_ATTEMPTS):
        with pytest.raises(WrongPassphrase):
            store.open_with_passphrase(path, "lisi", "guess guess 1", clock=lambda: now[0])
        store.open_with_passphrase(path, "admin", PASSPHRASE, clock=lambda: now[0]).close()
    with pytest.raises(TryLater):
        store.open_with_passphrase(path, "lisi", "director secret 42", clock=lambda: now[0])


def test_the_director_override_is_throttled(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    staff.add_account(desk, "lisi", "李四", "director", "director secret 42")
    for _ in range(store.FREE_ATTEMPTS):
        with pytest.raises(WrongPassphrase):
            cases.authorize_override(desk, "lisi", "guess guess 1", "理由")
    with pytest.raises(TryLater):
        cases.authorize_override(desk, "lisi", "director secret 42", "理由")


def test_a_damaged_page_is_reported_not_crashed(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    path = desk.path
    desk.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    data = bytearray(path.read_bytes())
    data[len(data) - 100] ^= 0xFF
    path.write_bytes(bytes(data))
    try:
        reopened = open_desk(path, "admin", PASSPHRASE)
    except LedgerDamaged:
        return  # damage seen at open: also a clear message
    try:
        report = verify_desk(reopened)
        assert not report.ok and "校验失败" in (report.problem or "")
    except LedgerDamaged:
        pass
    finally:
        reopened.close()


def test_the_ledger_is_private_to_its_owner(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    for path in (desk.path, desk.opened.files.keys):
        assert os.stat(path).st_mode & 0o077 == 0, path


def _writer(target: str, byte: bytes) -> int:
    errors = 0
    for _ in range(300):
        try:
            write_atomically(Path(target), byte * 10_000)
        except Exception:
            errors += 1
    return errors


def test_concurrent_key_file_writers_never_tear_it(tmp_path: Path) -> None:
    # A fixed "<name>.tmp" made two processes write into, and rename, each other's file.
    import concurrent.futures
    import multiprocessing

    target = tmp_path / "k.keys"
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        results = list(pool.map(_writer, [str(target)] * 2, [b"A", b"B"]))
    assert results == [0, 0]
    assert target.read_bytes() in (b"A" * 10_000, b"B" * 10_000)
    assert [p.name for p in tmp_path.iterdir()] == ["k.keys"]
