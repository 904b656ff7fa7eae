"""Numbered, forward-only schema migrations: `NNNN_name.sql` files in this package.

Each step runs in one transaction together with its `PRAGMA user_version`, so a crash leaves
the ledger at the old version or the new, never between. Before the first pending step the
file is copied (it stays encrypted) so an administrator can go back by hand. A ledger written
by a newer ClerkDesk is refused, never "migrated" backwards.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from db.connection import open_private
from db.errors import LedgerTooNew, StorageError
from db.sqlite import Connection

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migrations must be numbered 0001, 0002, ... without gaps")
    return found


MIGRATIONS = load_migrations()
LATEST_VERSION = MIGRATIONS[-1].version


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_too_new(conn: Connection) -> int:
    version = schema_version(conn)
    if version > LATEST_VERSION:
        raise LedgerTooNew(
            f"此台账由较新版本的 ClerkDesk 创建（结构版本 {version}，"
            f"本程序支持到 {LATEST_VERSION}），请升级软件 / this ledger was written by a "
            f"newer ClerkDesk (schema {version} > {LATEST_VERSION})"
        )
    return version


def migrate(conn: Connection, path: Path | None) -> list[Migration]:
    """Bring the ledger at `path` (open as `conn`) to LATEST_VERSION; returns the steps run.

    `path` None (a fresh or in-memory database) skips the safety copy."""
    current = check_not_too_new(conn)
    pending = [m for m in MIGRATIONS if m.version > current]
    if not pending:
        return []
    if path is not None and current > 0:
        _keep_copy(conn, path, current)
    for step in pending:
        script = f"BEGIN IMMEDIATE;\n{step.sql}\nPRAGMA user_version = {step.version};\nCOMMIT;"
        try:
            conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return pending


def _keep_copy(conn: Connection, path: Path, version: int) -> Path:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = path.with_name(f"{path.name}.before-v{LATEST_VERSION}-from-v{version}")
    n = 1
    while copy.exists():  # never overwrite an earlier copy
        n += 1
        copy = path.with_name(f"{path.name}.before-v{LATEST_VERSION}-from-v{version}.{n}")
    try:
        with open(path, "rb") as src, os.fdopen(open_private(copy), "wb") as dst:
            shutil.copyfileobj(src, dst)
    except OSError as exc:
        raise StorageError(
            f"升级前无法备份台账文件：{exc.strerror} / cannot copy the ledger before migrating"
        ) from exc
    return copy
