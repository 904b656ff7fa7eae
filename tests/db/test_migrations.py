"""Every schema version ever released keeps a fixture ledger here, and each must open
(migrating forward) and verify with today's code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.desk import open_desk
from db import migrations
from db.connection import open_encrypted
from db.errors import LedgerTooNew
from db.sqlite import OperationalError

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
