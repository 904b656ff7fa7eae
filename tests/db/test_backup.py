from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from app.desk import Desk, backup_desk, open_desk
from db import backup, store
from db.errors import LedgerDamaged, LedgerExists, NotALedger
from tests.conftest import PASSPHRASE
from tests.db.ledger_helpers import grow

MakeDesk = Callable[..., tuple[Desk, str]]


def test_backup_then_restore_gives_the_same_ledger(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk()
    grow(desk, 3)
    out = tmp_path / "desk-2026-03-02.cdbak"
    total = desk.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    manifest = backup_desk(desk, out)
    assert manifest.events == total
    desk.close()

    target = tmp_path / "restored" / "desk.ledger"
    target.parent.mkdir()
    backup.restore(out, target)
    restored = open_desk(target, "clerk001", "clerk pass 0001")  # slots came along
    assert restored.conn.execute("SELECT count(*) FROM events").fetchone()[0] == total
    restored.close()


def test_backup_holds_no_plaintext(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk(admin_display_name="李秀英")
    out = tmp_path / "b.cdbak"
    backup_desk(desk, out)
    raw = out.read_bytes()
    assert "李秀英".encode() not in raw
    assert b"SQLite format 3" not in raw


def test_backup_event_is_recorded(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk()
    backup_desk(desk, tmp_path / "b.cdbak")
    assert desk.profile().last_backup_at is not None


def test_backup_never_overwrites(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk()
    out = tmp_path / "b.cdbak"
    out.write_bytes(b"precious")
    with pytest.raises(LedgerExists):
        backup_desk(desk, out)
    assert out.read_bytes() == b"precious"


def test_restore_refuses_to_overwrite_then_keeps_the_old_aside(
    make_desk: MakeDesk, tmp_path: Path
) -> None:
    desk, _ = make_desk()
    out = tmp_path / "b.cdbak"
    backed_up = desk.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    backup_desk(desk, out)
    grow(desk, 1)  # the live ledger moves on after the backup
    path = desk.path
    desk.close()
    live = path.read_bytes()
    with pytest.raises(LedgerExists, match="--force"):
        backup.restore(out, path)
    assert path.read_bytes() == live
    backup.restore(out, path, force=True)
    kept = [p for p in tmp_path.iterdir() if p.suffix == ".ledger" and ".replaced-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == live
    # The set-aside ledger still opens with its own key file: nothing was lost.
    aside = open_desk(kept[0], "admin", PASSPHRASE)
    assert aside.conn.execute("SELECT count(*) FROM events").fetchone()[0] > backed_up
    aside.close()
    restored = open_desk(path, "admin", PASSPHRASE)
    assert restored.conn.execute("SELECT count(*) FROM events").fetchone()[0] == backed_up
    restored.close()


def test_a_damaged_backup_is_refused(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk()
    out = tmp_path / "b.cdbak"
    backup_desk(desk, out)
    with zipfile.ZipFile(out) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    db_bytes = bytearray(members["ledger.db"])
    db_bytes[5000] ^= 0xFF
    members["ledger.db"] = bytes(db_bytes)
    bad = tmp_path / "bad.cdbak"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    target = tmp_path / "t.ledger"
    with pytest.raises(LedgerDamaged, match="备份文件已损坏"):
        backup.restore(bad, target)
    assert not target.exists()
    junk = tmp_path / "junk.cdbak"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(NotALedger):
        backup.restore(junk, target)


def test_restored_backup_opens_with_recovery_key_alone(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, recovery = make_desk()
    out = tmp_path / "b.cdbak"
    backup_desk(desk, out)
    desk.close()
    target = tmp_path / "r" / "desk.ledger"
    target.parent.mkdir()
    backup.restore(out, target)
    store.LedgerFiles(target).keys.unlink()
    store.open_with_recovery(target, recovery).close()


def test_a_ledger_that_does_not_verify_is_not_backed_up(
    make_desk: MakeDesk, tmp_path: Path
) -> None:
    from db.errors import IntegrityFailure

    desk, _ = make_desk()
    desk.conn.execute("DROP TRIGGER events_are_append_only_update")
    desk.conn.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2")
    out = tmp_path / "b.cdbak"
    with pytest.raises(IntegrityFailure, match="#2"):
        backup_desk(desk, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clerkdesk-backup")] == []
