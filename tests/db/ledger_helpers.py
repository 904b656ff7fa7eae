"""Helpers for tests that tamper with a ledger the way an attacker with the key would."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from app import staff
from app.desk import Desk
from db.ledger import ChainIdentity


def grow(desk: Desk, n: int) -> None:
    """Append `n` real events (new clerk accounts) to the desk's ledger."""
    for i in range(n):
        staff.add_account(desk, f"clerk{i:03d}", f"窗口{i}号", "clerk", f"clerk pass {i:04d}")


def decrypted_copy(desk: Desk, target: Path) -> sqlite3.Connection:
    """A plaintext copy of the ledger (test only), opened with the stdlib driver, with the
    append-only triggers dropped so a test can do what an attacker would."""
    desk.conn.execute(f"ATTACH DATABASE '{target}' AS plain KEY ''")
    desk.conn.execute("SELECT sqlcipher_export('plain')")
    desk.conn.execute("DETACH DATABASE plain")
    conn = sqlite3.connect(target, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("DROP TRIGGER events_are_append_only_update")
    conn.execute("DROP TRIGGER events_are_append_only_delete")
    return conn


class Tampered:
    """Hands out fresh decrypted copies of one desk's ledger, and that desk's identity."""

    def __init__(self, desk: Desk, folder: Path) -> None:
        self.desk = desk
        self.identity: ChainIdentity = desk.ledger.identity
        self._folder = folder
        self._counter = iter(range(10_000))

    def __call__(self) -> Any:
        return decrypted_copy(self.desk, self._folder / f"plain-{next(self._counter)}.db")
