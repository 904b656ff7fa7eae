"""The event ledger: append-only, gap-free, hash-chained.

Every change to a desk is one `Event`, appended in the same transaction as the update of the
tables the screens read (projections). The projections are a pure function of the events:
`rebuild` replays them and `verify` proves the stored ones equal the replay.

This module knows nothing of cases; a `Projector` supplied by `app/` turns events into rows.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from db.connection import transaction
from db.errors import LedgerDamaged
from db.sqlite import Connection, DatabaseError, Row

# China has one fixed offset and no DST; a fixed zone avoids depending on tz data on Windows.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
GENESIS_PREV_HASH = "0" * 64
HASH_VERSION = 1

JsonValue = None | bool | int | str | list["JsonValue"] | dict[str, "JsonValue"]


def now_in_china() -> datetime:
    return datetime.now(CHINA_TZ)


_id_lock = threading.Lock()
_last_id: tuple[int, int] = (0, 0)  # (unix ms, 74-bit counter) of the last event id made


def event_id(at: datetime) -> str:
    """A UUIDv7 (RFC 9562) whose time is `at`, the desk clock's reading for the event — not
    the system clock, so ids and times agree, in tests too. Ids made in the same millisecond
    count up from the first one's random part, so they stay unique and in order."""
    global _last_id
    ms = int(at.timestamp() * 1000)
    with _id_lock:
        last_ms, last_counter = _last_id
        if ms == last_ms and last_counter + 1 < 1 << 74:
            counter = last_counter + 1
        else:
            counter = secrets.randbits(73)  # top bit clear: room to count up within the ms
        _last_id = (ms, counter)
    rand_a, rand_b = counter >> 62, counter & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    return str(uuid.UUID(int=value))


def check_json_body(value: object, path: str = "body") -> None:
    """Event bodies hold only values whose JSON text is unambiguous (no floats), so the
    canonical encoding — and therefore the hash — is the same on every machine forever."""
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_json_body(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            check_json_body(item, f"{path}.{key}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in an event body")


def canonical_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Event:
    seq: int
    id: str
    at: str
    actor: str
    kind: str
    subject: str
    body: Mapping[str, Any]
    prev_hash: str
    hash: str

    @property
    def at_datetime(self) -> datetime:
        return datetime.fromisoformat(self.at)


def event_hash(
    *,
    seq: int,
    id: str,  # noqa: A002 - the field's name in the ledger
    at: str,
    actor: str,
    kind: str,
    subject: str,
    body: Mapping[str, Any],
    prev_hash: str,
) -> str:
    material = canonical_json(
        [HASH_VERSION, seq, id, at, actor, kind, subject, body, prev_hash]
    ).encode("utf-8")
    return hashlib.sha256(material).hexdigest()


def _event_from_row(row: Row) -> Event:
    return Event(
        seq=row["seq"],
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        kind=row["kind"],
        subject=row["subject"],
        body=json.loads(row["body"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


class Projector(Protocol):
    """Turns events into the rows the screens read. Supplied by `app/`."""

    @property
    def tables(self) -> Sequence[str]:
        """Projection tables, parents before children (cleared in reverse on rebuild)."""
        ...

    def apply(self, conn: Connection, event: Event) -> None: ...


@dataclass
class Writer:
    """Handed out by `Ledger.write()`; appends within that one transaction."""

    ledger: Ledger
    events: list[Event] = field(default_factory=list)

    def append(self, kind: str, subject: str, body: Mapping[str, Any], actor: str) -> Event:
        return self.ledger._append(self, kind, subject, body, actor)


ChangeListener = Callable[[Sequence[Event]], None]


class Ledger:
    def __init__(
        self,
        conn: Connection,
        projector: Projector,
        clock: Callable[[], datetime] = now_in_china,
    ) -> None:
        self.conn = conn
        self.projector = projector
        self.clock = clock
        self._listeners: list[ChangeListener] = []

    def subscribe(self, listener: ChangeListener) -> None:
        """Called after each commit with the events it added (the screens' change summary)."""
        self._listeners.append(listener)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        writer = Writer(self)
        with transaction(self.conn):
            yield writer
        if writer.events:
            for listener in self._listeners:
                listener(tuple(writer.events))

    def append(self, kind: str, subject: str, body: Mapping[str, Any], actor: str) -> Event:
        """One event in its own transaction."""
        with self.write() as w:
            return w.append(kind, subject, body, actor)

    def _append(
        self, writer: Writer, kind: str, subject: str, body: Mapping[str, Any], actor: str
    ) -> Event:
        if not self.conn.in_transaction:
            raise RuntimeError("append outside Ledger.write()")
        check_json_body(dict(body))
        seq, prev = head(self.conn)
        now = self.clock().astimezone(CHINA_TZ)
        fields: dict[str, Any] = {
            "seq": seq + 1,
            "id": event_id(now),
            "at": now.isoformat(timespec="microseconds"),
            "actor": actor,
            "kind": kind,
            "subject": subject,
            "body": dict(body),
            "prev_hash": prev,
        }
        event = Event(**fields, hash=event_hash(**fields))
        self.conn.execute(
            "INSERT INTO events (seq, id, at, actor, kind, subject, body, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.seq,
                event.id,
                event.at,
                event.actor,
                event.kind,
                event.subject,
                canonical_json(event.body),
                event.prev_hash,
                event.hash,
            ),
        )
        self.projector.apply(self.conn, event)
        # The head is kept beside the chain so a truncated tail is noticed by `verify`.
        self.conn.execute(
            "INSERT INTO local_state (key, value) VALUES ('head', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (f"{event.seq}:{event.hash}",),
        )
        writer.events.append(event)
        return event


# -- reading -----------------------------------------------------------------------------


def head(conn: Connection) -> tuple[int, str]:
    """(last sequence number, its hash); (0, genesis) for an empty ledger."""
    row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_PREV_HASH)


def last_event_of(conn: Connection, kinds: Sequence[str]) -> str:
    """The hash of the latest event of these kinds ("" if none): a cache key that differs
    between ledgers, since every chain starts from its own genesis."""
    marks = ",".join("?" for _ in kinds)
    row = conn.execute(
        "SELECT hash FROM events WHERE seq = "
        f"(SELECT max(seq) FROM events WHERE kind IN ({marks}))",
        tuple(kinds),
    ).fetchone()
    return str(row[0]) if row else ""


def read_events(conn: Connection, after_seq: int = 0, limit: int | None = None) -> Iterator[Event]:
    sql = "SELECT * FROM events WHERE seq > ? ORDER BY seq"
    params: tuple[int, ...] = (after_seq,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (after_seq, limit)
    for row in conn.execute(sql, params):
        yield _event_from_row(row)


def events_for_subject(conn: Connection, subject: str) -> list[Event]:
    rows = conn.execute("SELECT * FROM events WHERE subject = ? ORDER BY seq", (subject,))
    return [_event_from_row(r) for r in rows]


# -- rebuild and verify ---------------------------------------------------------------------


def _clear_projections(conn: Connection, projector: Projector) -> None:
    conn.execute("PRAGMA defer_foreign_keys = ON")
    for table in reversed(projector.tables):
        conn.execute(f'DELETE FROM "{table}"')


def _replay(conn: Connection, projector: Projector) -> None:
    for event in read_events(conn):
        projector.apply(conn, event)


def rebuild_projections(conn: Connection, projector: Projector) -> None:
    """Throw the projections away and replay every event, in one transaction."""
    with transaction(conn):
        _clear_projections(conn, projector)
        _replay(conn, projector)


def projection_digest(conn: Connection, table: str) -> tuple[int, str]:
    """(row count, SHA-256 of all rows in a total order): equal digests, equal tables."""
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    order = ", ".join(f'"{c}"' for c in columns)
    digest = hashlib.sha256()
    count = 0
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
        digest.update(repr(tuple(row)).encode("utf-8"))
        count += 1
    return count, digest.hexdigest()


@dataclass(frozen=True)
class VerifyReport:
    events: int
    head_seq: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(conn: Connection) -> VerifyReport:
    """Walk every event: sequence gap-free, each hash recomputed, each link to the previous."""
    expected_seq = 1
    prev_hash = GENESIS_PREV_HASH
    count = 0
    # The body is read as bytes so that even a corrupted, undecodable body is reported
    # as a bad event instead of stopping the walk.
    rows = conn.execute(
        "SELECT seq, id, at, actor, kind, subject, CAST(body AS BLOB) AS raw_body, prev_hash, "
        "hash FROM events ORDER BY seq"
    )
    for row in rows:
        count += 1
        seq = row["seq"]
        if seq != expected_seq:
            return VerifyReport(
                count - 1,
                expected_seq - 1,
                prev_hash,
                expected_seq,
                f"事件 #{expected_seq} 缺失 / event #{expected_seq} is missing",
            )
        try:
            body_text = bytes(row["raw_body"]).decode("utf-8")
            event = Event(
                seq=seq,
                id=row["id"],
                at=row["at"],
                actor=row["actor"],
                kind=row["kind"],
                subject=row["subject"],
                body=json.loads(body_text),
                prev_hash=row["prev_hash"],
                hash=row["hash"],
            )
        except (ValueError, TypeError):
            return VerifyReport(
                count - 1,
                seq - 1,
                prev_hash,
                seq,
                f"事件 #{seq} 的内容被改动过（无法解析） / event #{seq} was altered (unreadable)",
            )
        if event.prev_hash != prev_hash:
            return VerifyReport(
                count - 1,
                seq - 1,
                prev_hash,
                seq,
                f"事件 #{seq} 与前一事件的链接断裂 / event #{seq} does not link to #{seq - 1}",
            )
        recomputed = event_hash(
            seq=event.seq,
            id=event.id,
            at=event.at,
            actor=event.actor,
            kind=event.kind,
            subject=event.subject,
            body=event.body,
            prev_hash=event.prev_hash,
        )
        # The stored body text must also be exactly the canonical text that was hashed.
        if recomputed != event.hash or canonical_json(event.body) != body_text:
            return VerifyReport(
                count - 1,
                seq - 1,
                prev_hash,
                seq,
                f"事件 #{seq} 的内容被改动过 / event #{seq} was altered",
            )
        prev_hash = event.hash
        expected_seq += 1
    head_seq = expected_seq - 1
    marker = conn.execute("SELECT value FROM local_state WHERE key = 'head'").fetchone()
    if marker is not None and marker[0] != f"{head_seq}:{prev_hash}":
        recorded_seq = int(str(marker[0]).split(":", 1)[0])
        bad = min(recorded_seq, head_seq + 1)
        return VerifyReport(
            count,
            head_seq,
            prev_hash,
            bad,
            f"台账末尾的事件被删除或替换（记录的最后事件为 #{recorded_seq}） / "
            f"the ledger's tail was removed or replaced (last recorded event #{recorded_seq})",
        )
    return VerifyReport(count, head_seq, prev_hash)


def _cipher_problem(conn: Connection) -> str | None:
    """SQLCipher's page-level HMAC check (no rows when every page is intact; an unknown
    pragma on plain SQLite, which also returns nothing)."""
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows) if rows else None


def verify(conn: Connection, projector: Projector) -> VerifyReport:
    """Pages, then the chain, then the projections against a replay — all in one write
    transaction that is rolled back, so a save by another process in the middle can neither
    raise a false alarm nor be seen half-way."""
    nested = conn.in_transaction
    conn.execute("SAVEPOINT verify_replay" if nested else "BEGIN IMMEDIATE")
    try:
        try:
            damaged = _cipher_problem(conn)
            if damaged:
                return VerifyReport(
                    0,
                    0,
                    GENESIS_PREV_HASH,
                    None,
                    f"台账文件页面校验失败：{damaged} / page check failed",
                )
            report = verify_chain(conn)
            if not report.ok:
                return report
            stored = {t: projection_digest(conn, t) for t in projector.tables}
            _clear_projections(conn, projector)
            _replay(conn, projector)
            replayed = {t: projection_digest(conn, t) for t in projector.tables}
        except DatabaseError as exc:
            raise LedgerDamaged(
                f"台账文件已损坏（{exc}），请用备份恢复 / the ledger file is damaged: {exc}"
            ) from exc
    finally:
        if nested:
            conn.execute("ROLLBACK TO verify_replay")
            conn.execute("RELEASE verify_replay")
        else:
            conn.execute("ROLLBACK")
    for table in projector.tables:
        if stored[table] != replayed[table]:
            return VerifyReport(
                report.events,
                report.head_seq,
                report.head_hash,
                None,
                f"投影表 {table} 与事件不一致（现有 {stored[table][0]} 行，"
                f"按事件重放得 {replayed[table][0]} 行）"
                f" / projection {table} differs from the events",
            )
    return report
