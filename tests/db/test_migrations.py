"""Every schema version ever released keeps a fixture ledger here, and each must open
(migrating forward) and verify with today's code."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from app.desk import open_desk
from db import migrations
from db.connection import open_encrypted
from db.errors import LedgerTooNew
from db.ledger import read_events, verify_chain
from db.sqlite import OperationalError
from tests.db.ledger_helpers import decrypted_copy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_PASSPHRASE = "fixture passphrase 1"


def _fixture_dirs() -> list[Path]:
    return sorted(FIXTURES.glob("ledger-v*"))


def test_there_is_a_fixture_for_every_schema_version() -> None:
    versions = sorted(int(p.name.removeprefix("ledger-v")) for p in _fixture_dirs())
    assert versions == list(range(1, migrations.LATEST_VERSION + 1))


@pytest.mark.parametrize("fixture", _fixture_dirs(), ids=lambda p: p.name)
def test_each_fixture_migrates_and_verifies(fixture: Path, tmp_path: Path) -> None:
    from app.desk import verify_desk

    for f in fixture.iterdir():
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "desk.ledger"
    version = int(fixture.name.removeprefix("ledger-v"))
    desk = open_desk(path, "admin", FIXTURE_PASSPHRASE)
    assert migrations.schema_version(desk.conn) == migrations.LATEST_VERSION
    assert verify_desk(desk).ok
    desk.close()
    copies = list(tmp_path.glob("desk.ledger.before-v*"))
    assert bool(copies) == (version < migrations.LATEST_VERSION)


def test_a_failing_step_leaves_the_old_version(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "x.db"
    conn = open_encrypted(path, bytes(32))
    migrations.migrate(conn, path)
    broken = migrations.Migration(
        migrations.LATEST_VERSION + 1, "broken", "CREATE TABLE half_done (x);\nNOT SQL AT ALL;"
    )
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr(migrations, "LATEST_VERSION", broken.version)
    with pytest.raises(OperationalError):
        migrations.migrate(conn, path)
    assert migrations.schema_version(conn) == broken.version - 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    assert list(tmp_path.glob("x.db.before-v*")), "a copy is kept before migrating"
    conn.close()


def test_too_new_is_refused_without_touching(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    conn = open_encrypted(path, bytes(32))
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 1}")
    with pytest.raises(LedgerTooNew):
        migrations.migrate(conn, path)
    conn.close()


def _flip_a_body_byte(conn: Any, seq: int) -> None:
    body = bytearray(
        conn.execute("SELECT CAST(body AS BLOB) FROM events WHERE seq = ?", (seq,)).fetchone()[0]
    )
    body[len(body) // 2] ^= 0x01
    conn.execute("UPDATE events SET body = CAST(? AS TEXT) WHERE seq = ?", (bytes(body), seq))


@pytest.mark.parametrize("fixture", _fixture_dirs(), ids=lambda p: p.name)
def test_each_fixture_continues_its_chain_in_v2(fixture: Path, tmp_path: Path) -> None:
    """Open → migrate → append → verify; then a flipped byte in the last v1 event and in the
    new v2 event is each reported as that event, by the version it was written under."""
    from app import staff
    from app.desk import verify_desk

    for f in fixture.iterdir():
        shutil.copy(f, tmp_path / f.name)
    version = int(fixture.name.removeprefix("ledger-v"))
    desk = open_desk(tmp_path / "desk.ledger", "admin", FIXTURE_PASSPHRASE)
    old = list(read_events(desk.conn))
    # Events written before schema 5 stay v1, byte for byte; from schema 5 on they are v2.
    assert old[0].hash_version == (1 if version < 5 else 2)
    staff.record_passphrase_changed(desk)
    new = list(read_events(desk.conn))[-1]
    assert (new.hash_version, new.prev_hash) == (2, old[-1].hash)
    assert verify_desk(desk).ok
    targets = [new.seq]
    v1 = [e.seq for e in old if e.hash_version == 1]
    if v1:
        targets += [v1[0], v1[-1]]
    for seq in targets:
        conn = decrypted_copy(desk, tmp_path / f"plain-{seq}.db")
        _flip_a_body_byte(conn, seq)
        report = verify_chain(conn, desk.ledger.identity)
        assert (report.ok, report.first_bad_seq) == (False, seq)
        conn.close()
    desk.close()
