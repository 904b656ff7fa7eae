"""Committed appends per second on the encrypted ledger vs plain sqlite3 with the same
schema, pragmas and one transaction per event (DESIGN §11)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import Ratio
from db import keys
from db.migrations import MIGRATIONS

N = 400


def _ours(folder: Path) -> float:
    from app import staff
    from app.desk import set_up

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    desk, _ = set_up(
        folder / "bench.ledger",
        centre_code="510421100",
        centre_name="攀莲镇便民服务中心",
        desk_no=1,
        admin_username="admin",
        admin_display_name="管理员",
        passphrase="bench passphrase 1",
    )
    start = time.perf_counter()
    for _ in range(N):
        staff.record_passphrase_changed(desk)
    elapsed = time.perf_counter() - start
    desk.close()
    return elapsed / N


def _plain(folder: Path) -> float:
    conn = sqlite3.connect(folder / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for m in MIGRATIONS:
        conn.executescript(m.sql)
    prev = "0" * 64
    start = time.perf_counter()
    for seq in range(1, N + 1):
        body = json.dumps({"username": "admin"})
        digest = hashlib.sha256(f"{seq}{body}{prev}".encode()).hexdigest()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO events (seq, id, at, actor, kind, subject, body, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, f"id{seq}", "2026-03-02T09:00:00+08:00", "admin", "k", "s", body, prev, digest),
        )
        conn.execute("COMMIT")
        prev = digest
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed / N


def run() -> list[Ratio]:
    with tempfile.TemporaryDirectory() as tmp:
        ours = _ours(Path(tmp))
        plain = _plain(Path(tmp))
    return [
        Ratio(
            "committed append (encrypted ledger + projection)",
            ours * 1000,
            plain * 1000,
            "ms",
            "plain sqlite3 insert, same pragmas",
        )
    ]
