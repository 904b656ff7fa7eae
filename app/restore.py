"""Putting a backup in place without ever issuing a number twice.

A backup is older than the ledger it replaces: the case numbers, document numbers (受理,
补正告知, 不予受理) and duty record numbers issued after it are on slips citizens hold. So the
restore first reads how far each numbered series had got in the ledger being replaced, and
the restored ledger's first new event records that numbering continues after that. When
that ledger cannot be read (damage is the usual reason to restore), every series that can
have been used since the backup jumps to a block a desk never reaches in ordinary work, so a
new number cannot meet an old one. Either way the event says what was done and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import counters, duty_records
from app.counters import COUNTER_TABLES
from app.desk import Clock, open_desk
from app.projections import REGISTRY
from db import backup as db_backup
from db import keys, store
from db.errors import AuthenticationFailed, LedgerProblem, StorageError, WrongPassphrase
from db.ledger import CHINA_TZ, Event, now_in_china
from db.sqlite import Connection, DatabaseError

#: Day series (case numbers, duty records) have four digits; a desk issues dozens a day.
DAY_FLOOR = 5000
#: Yearly document series continue at the next multiple of this above the backup's count.
YEAR_STEP = 10000
_YEAR_KINDS = ("notice", "accept", "reject")


@dataclass(frozen=True)
class RestoreReport:
    manifest: db_backup.BackupManifest
    kept_aside: Path | None
    how: str  # "none" (nothing replaced), "kept_aside" (read its numbers) or "jump"
    missing_events: int | None  # events of the replaced ledger not in the backup
    series: int  # numbered series raised
    problem: str | None  # why the replaced ledger could not be read ("jump")


@dataclass(frozen=True)
class _Issued:
    counters: dict[str, dict[str, int]]
    event_ids: frozenset[str]


def _counters(conn: Connection) -> dict[str, dict[str, int]]:
    """Every numbered series and the last number issued in it, per counter table."""
    return {
        table: {str(r[0]): int(r[1]) for r in conn.execute(f"SELECT series, last FROM {table}")}
        for table in COUNTER_TABLES
    }


def _read_issued(path: Path, username: str, passphrase: str) -> _Issued:
    """What the ledger about to be replaced has issued. A wrong passphrase stops the
    restore (nothing is touched yet); damage means the numbers must jump instead."""
    opened = store.open_with_passphrase(path, username, passphrase)
    try:
        counters = _counters(opened.conn)
        ids = frozenset(str(r[0]) for r in opened.conn.execute("SELECT id FROM events"))
    finally:
        opened.close()
    return _Issued(counters, ids)


def _days(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _jump(conn: Connection, since: dt.date, today: dt.date) -> dict[str, dict[str, int]]:
    """Floors for every series that can have been used between the backup and today."""
    current = {
        t: {str(r[0]): int(r[1]) for r in conn.execute(f"SELECT * FROM {t}")}
        for t in COUNTER_TABLES
    }
    doc: dict[str, int] = {}
    duty: dict[str, int] = {}
    for day in _days(since, today):
        doc[f"case:{day.isoformat()}"] = DAY_FLOOR
        for prefix in duty_records.PREFIXES.values():
            duty[f"{prefix}:{day.isoformat()}"] = DAY_FLOOR
    for year in range(since.year, today.year + 1):
        for kind in _YEAR_KINDS:
            last = current["doc_counters"].get(f"{kind}:{year}", 0)
            doc[f"{kind}:{year}"] = (last // YEAR_STEP + 1) * YEAR_STEP
    return {
        "doc_counters": {s: v for s, v in doc.items() if v > current["doc_counters"].get(s, 0)},
        "duty_counters": {s: v for s, v in duty.items() if v > current["duty_counters"].get(s, 0)},
    }


def _ahead(conn: Connection, issued: _Issued) -> dict[str, dict[str, int]]:
    """The series where the replaced ledger had got further than the backup."""
    mine = _counters(conn)
    return {
        table: {s: v for s, v in issued.counters[table].items() if v > mine[table].get(s, 0)}
        for table in COUNTER_TABLES
    }


def restore_desk(
    source: Path,
    ledger: Path,
    *,
    force: bool = False,
    username: str | None = None,
    passphrase: str | None = None,
    clock: Clock = now_in_china,
) -> RestoreReport:
    """Put the backup `source` in place as `ledger`. Over an existing ledger (`force`) the
    acting account's passphrase is needed: it reads the replaced ledger's numbers and
    records the continuation in the restored one."""
    replacing = force and (ledger.exists() or store.LedgerFiles(ledger).keys.exists())
    if not replacing:
        restored = db_backup.restore(source, ledger, force=force)
        return RestoreReport(restored.manifest, None, "none", None, 0, None)
    if not username or passphrase is None:
        raise AuthenticationFailed(
            "替换现有台账需要账号和口令（--user），以便接续原台账已发出的编号 / replacing a "
            "ledger needs --user and the passphrase, to continue its numbering"
        )
    _manifest, _db, keys_bytes = db_backup.read_backup(source)
    # The same passphrase must open the backup, or the continuation could not be recorded.
    try:
        keys.unlock_slot(keys.KeyFile.from_bytes(keys_bytes), username, passphrase)
    except WrongPassphrase:
        raise WrongPassphrase(
            f"这个口令打不开备份中 {username} 的密钥槽（备份之后改过口令？）。台账未作任何改动。"
            f"请先用 clerkdesk passwd 把现有台账的口令改回备份时的口令再恢复 / this passphrase "
            f"does not open {username}'s slot in the backup (changed since?); nothing was touched"
        ) from None
    issued: _Issued | None = None
    problem: str | None = None
    try:
        issued = _read_issued(ledger, username, passphrase)
    except (AuthenticationFailed, StorageError):
        raise  # a mistyped passphrase or a full disk: fix that first, nothing is touched
    except LedgerProblem as exc:
        problem = exc.message
    except DatabaseError as exc:
        problem = str(exc)
    restored = db_backup.restore(source, ledger, force=True)
    desk = open_desk(ledger, username, passphrase, clock)
    try:
        if issued is not None:
            how = "kept_aside"
            raised = _ahead(desk.conn, issued)
            mine = {str(r[0]) for r in desk.conn.execute("SELECT id FROM events")}
            missing: int | None = len(issued.event_ids - mine)
        else:
            how = "jump"
            # The day of the backup's last event, on the desk's own clock.
            row = desk.conn.execute("SELECT at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            since = dt.datetime.fromisoformat(row[0]).astimezone(CHINA_TZ).date()
            raised = _jump(desk.conn, min(since, desk.today()), desk.today())
            missing = None
        aside = restored.kept_aside
        body: dict[str, Any] = {
            "how": how,
            "kept_aside": aside.name if aside is not None else None,
            "missing_events": missing,
            "backup_events": restored.manifest.events,
            "backup_head": restored.manifest.head_hash,
            "problem": problem,
            **raised,
        }
        desk.ledger.append("ledger.restored", "desk", body, desk.user.username)
    finally:
        desk.close()
    series = sum(len(v) for v in raised.values())
    return RestoreReport(restored.manifest, aside, how, missing, series, problem)


@REGISTRY.on("ledger.restored")
def _restored(conn: Connection, event: Event) -> None:
    """Numbering continues after what the replaced ledger (or the jump) says."""
    for table in COUNTER_TABLES:
        for series, last in event.body[table].items():
            counters.raise_to(conn, table, series, int(last))
