"""Every file the desk writes that holds keys or personal data is its owner's only (0600),
whatever the umask: the ledger and its -wal/-shm, the key file, backups, a restore and what
it keeps aside, migration safety copies, and reports and slips written by the CLI."""

from __future__ import annotations

import io
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.desk import backup_desk, open_desk
from db import backup, store
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask() -> Iterator[None]:
    """The usual desktop umask, under which a plain open() makes files world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def run_cli(monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSPHRASE + "\n"))
    try:
        return cli.run([*argv, "--passphrase-stdin"])
    except SystemExit as exc:
        return int(exc.code or 0)


def test_a_new_ledger_its_sidecars_and_key_file_are_private(
    make_desk: Callable[..., Any],
) -> None:
    desk, _ = make_desk()
    files = store.LedgerFiles(desk.path)
    wal, shm = files.sidecars()
    assert wal.exists() and shm.exists()  # open in WAL mode
    assert {p.name: mode(p) for p in (files.db, wal, shm, files.keys)} == {
        p.name: 0o600 for p in (files.db, wal, shm, files.keys)
    }
    desk.close()


def test_backups_restores_and_kept_aside_files_are_private(
    make_desk: Callable[..., Any], tmp_path: Path
) -> None:
    desk, _ = make_desk()
    out = tmp_path / "desk.backup"
    backup_desk(desk, out)
    path = desk.path
    desk.close()
    assert mode(out) == 0o600
    files = store.LedgerFiles(path)
    for p in (files.db, files.keys):
        p.chmod(0o644)  # as a ledger restored by an older version was left
    backup.restore(out, path, force=True)
    aside = sorted(tmp_path.glob("desk.replaced-*"))
    assert aside
    assert {p.name: mode(p) for p in (files.db, files.keys, *aside)} == {
        p.name: 0o600 for p in (files.db, files.keys, *aside)
    }
    open_desk(path, "admin", PASSPHRASE).close()


def test_a_migration_safety_copy_is_private(tmp_path: Path) -> None:
    for f in (FIXTURES / "ledger-v1").iterdir():
        shutil.copy(f, tmp_path / f.name)
    open_desk(tmp_path / "desk.ledger", "admin", "fixture passphrase 1").close()
    copies = list(tmp_path.glob("desk.ledger.before-v*"))
    assert copies and all(mode(c) == 0o600 for c in copies)


def test_reports_and_slips_written_by_the_cli_are_private(
    make_desk: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, _ = make_desk()
    path = str(desk.path)
    desk.close()
    common = ("--ledger", path, "--user", "admin")
    outputs = {
        "csv": tmp_path / "r.csv",
        "xlsx": tmp_path / "r.xlsx",
        "pdf": tmp_path / "daily.pdf",
    }
    for kind in ("csv", "xlsx"):
        code = run_cli(
            monkeypatch,
            *("report", "export", *common, "--from", "2026-03-01", "--to", "2026-03-02"),
            *(f"--{kind}", str(outputs[kind])),
        )
        assert code == 0
    assert (
        run_cli(monkeypatch, "print", "daily", "2026-03-02", *common, "--out", str(outputs["pdf"]))
        == 0
    )
    assert {k: mode(p) for k, p in outputs.items()} == {k: 0o600 for k in outputs}
