"""The event ledger: append-only, gap-free, hash-chained.

Every change to a desk is one `Event`, appended in the same transaction as the update of the
tables the screens read (projections). The projections are a pure function of the events:
`rebuild` replays them and `verify` proves the stored ones equal the replay.

This module knows nothing of cases; a `Projector` supplied by `app/` turns events into rows.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol

from db import storage
from db.connection import db_path, transaction
from db.errors import InvalidEvent, LedgerDamaged, StorageError
from db.sqlite import Connection, DatabaseError, Row

# China has one fixed offset and no DST; a fixed zone avoids depending on tz data on Windows.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")
GENESIS_PREV_HASH = "0" * 64
# The version new events are written in. Each event stores its own (`events.hash_version`),
# so old events keep verifying by the rule they were written under (docs/ledger-format.md).
HASH_VERSION = 2
HASH_VERSIONS = (1, 2)

# The canonical encoding (v2) is RFC 8785 (JCS) restricted to values every JSON reader
# agrees on: see docs/ledger-format.md, "Canonical encoding".
MAX_SAFE_INTEGER = 2**53 - 1
MAX_DEPTH = 32
MAX_BODY_BYTES = 1 << 20

_IDENTIFIER = re.compile(r"[0-9A-Za-z-]{1,64}")
_EVENT_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")
_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+08:00", re.ASCII)
_HASH = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_ACTOR_CHARS = 64
MAX_SUBJECT_CHARS = 200
MAX_KIND_CHARS = 64


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


def _refuse(path: str, zh: str, en: str) -> InvalidEvent:
    return InvalidEvent(f"事件字段 {path} {zh} / event field {path}: {en}", path)


class _Refused(Exception):
    """Raised deep in a value; each level on the way out adds its step to `trail`, so the
    path is only built when something is refused (the common case builds nothing)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en
        self.trail: list[str] = []

    def at(self, root: str) -> InvalidEvent:
        return _refuse(root + "".join(reversed(self.trail)), self.zh, self.en)


def _is_unicode(text: str) -> bool:
    # A lone surrogate (U+D800-U+DFFF) is not a Unicode scalar value: it has no UTF-8 form.
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_NOT_UNICODE = ("含有无效字符（孤立代理项）", "contains a lone surrogate (not valid Unicode)")


def _walk(value: object, depth: int) -> bool:
    """Check `value` against the encodable subset; True if some object member name has a
    character above U+FFFF (only then do code-point and UTF-16 order differ)."""
    kind = type(value)
    if kind is str:
        if not _is_unicode(value):  # type: ignore[arg-type]
            raise _Refused(*_NOT_UNICODE)
        return False
    if kind is int:
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:  # type: ignore[operator]
            raise _Refused("超出整数范围 ±(2^53-1)", "integer outside ±(2^53-1)")
        return False
    if value is None or kind is bool:
        return False
    if kind is dict or kind is list or isinstance(value, dict | list):
        if depth >= MAX_DEPTH:
            raise _Refused(f"嵌套超过 {MAX_DEPTH} 层", f"nested deeper than {MAX_DEPTH} levels")
        astral = False
        if isinstance(value, list):
            for i, item in enumerate(value):
                try:
                    astral |= _walk(item, depth + 1)
                except _Refused as refused:
                    refused.trail.append(f"[{i}]")
                    raise
            return astral
        for key, item in value.items():  # type: ignore[attr-defined]
            if not isinstance(key, str):
                raise _Refused("的键必须是字符串", "object member names must be strings")
            if not key.isascii():
                if not _is_unicode(key):
                    bad_name = _Refused(*_NOT_UNICODE)
                    bad_name.trail.append(f" key {key!r}")
                    raise bad_name
                astral = astral or max(key) > "\uffff"
            try:
                astral |= _walk(item, depth + 1)
            except _Refused as refused:
                refused.trail.append(f".{key}")
                raise
        return astral
    if isinstance(value, str):  # a StrEnum member: json writes its text
        return _walk(str.__str__(value), depth)
    if isinstance(value, int):  # an IntEnum member: json writes its number
        return _walk(int(value), depth)
    if isinstance(value, float):
        raise _Refused("是小数（只允许整数）", "floats are not allowed (integers only)")
    raise _Refused(f"的类型 {kind.__name__} 不允许", f"{kind.__name__} is not allowed")


def _utf16_ordered(value: Any) -> Any:
    """A copy with every object's members in UTF-16 code unit order (RFC 8785 §3.2.3)."""
    if isinstance(value, dict):
        return {
            k: _utf16_ordered(value[k]) for k in sorted(value, key=lambda k: k.encode("utf-16-be"))
        }
    if isinstance(value, list):
        return [_utf16_ordered(item) for item in value]
    return value


def _encode(value: object, root: str) -> str:
    try:
        astral = _walk(value, 0)
    except _Refused as refused:
        raise refused.at(root) from None
    # On checked values Python's encoder writes exactly JCS: no spaces, `\uXXXX` in lower
    # case for other controls, `\b \t \n \f \r \" \\` short, everything else as itself.
    # Its sort_keys orders by code point, which equals UTF-16 order unless a name is astral.
    if astral:
        return json.dumps(_utf16_ordered(value), ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: object) -> str:
    """The canonical text of a JSON value (RFC 8785 subset, docs/ledger-format.md §2);
    `InvalidEvent` for anything outside the subset. Also used for JSON kept in projection
    columns."""
    return _encode(value, "value")


def canonical_body(body: Mapping[str, Any]) -> str:
    """The canonical text of an event body. Raises `InvalidEvent` naming the bad field."""
    text = _encode(body if type(body) is dict else dict(body), "body")
    if len(text) * 4 > MAX_BODY_BYTES and len(text.encode("utf-8")) > MAX_BODY_BYTES:
        raise _refuse("body", "超过 1 MiB", "longer than 1 MiB of UTF-8")
    return text


@dataclass(frozen=True)
class ChainIdentity:
    """Which ledger and which desk a chain belongs to. Bound into every v2 hash, so one
    desk's events can never pass as another's. Plain values: `app/` supplies them."""

    ledger_id: str
    desk_id: str

    def __post_init__(self) -> None:
        for name in ("ledger_id", "desk_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
                raise _refuse(
                    name,
                    "应为 1 至 64 位字母、数字或 -",
                    "must be 1-64 ASCII letters, digits or '-'",
                )


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
    hash_version: int

    @property
    def at_datetime(self) -> datetime:
        return datetime.fromisoformat(self.at)


def _check_envelope(event: Event) -> None:
    """The v2 limits on every field but the body (docs/ledger-format.md §1)."""
    if not isinstance(event.seq, int) or not 1 <= event.seq <= MAX_SAFE_INTEGER:
        raise _refuse("seq", "应为 1 至 2^53-1 的整数", "must be an integer 1..2^53-1")
    checks = (
        ("id", event.id, _EVENT_ID, "应为小写的 UUID 文本", "must be a lowercase UUID"),
        ("at", event.at, _AT, "应为 YYYY-MM-DDTHH:MM:SS.ffffff+08:00", "wrong time format"),
        ("kind", event.kind, _KIND, "格式不符", "must look like 'case.accepted'"),
        ("prev_hash", event.prev_hash, _HASH, "应为 64 位小写十六进制", "must be 64 hex digits"),
    )
    for name, value, pattern, zh, en in checks:
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise _refuse(name, zh, en)
    if len(event.kind) > MAX_KIND_CHARS:
        raise _refuse("kind", f"超过 {MAX_KIND_CHARS} 个字符", f"over {MAX_KIND_CHARS} chars")
    for name, value, limit in (
        ("actor", event.actor, MAX_ACTOR_CHARS),
        ("subject", event.subject, MAX_SUBJECT_CHARS),
    ):
        if not isinstance(value, str) or not 1 <= len(value) <= limit:
            raise _refuse(name, f"应为 1 至 {limit} 个字符", f"must be 1-{limit} characters")
        if _CONTROL.search(value):
            raise _refuse(name, "含有控制字符", "contains a control character")
        if not _is_unicode(value):
            raise _refuse(name, *_NOT_UNICODE)


def canonical_event_text(event: Event, identity: ChainIdentity) -> str:
    """The exact text an event's hash is the SHA-256 of (its UTF-8 bytes): what the gateway
    receives and keeps as sent. Raises `InvalidEvent` for an event outside the format."""
    if event.hash_version == 1:
        # v1, kept byte for byte: Python's sorted-key JSON of a fixed array.
        return json.dumps(
            [1, event.seq, event.id, event.at, event.actor, event.kind, event.subject,
             event.body, event.prev_hash],
            ensure_ascii=False, sort_keys=True, separators=(",", ":"),
        )  # fmt: skip
    if event.hash_version != 2:
        raise _refuse("hash_version", "未知", f"unknown version {event.hash_version!r}")
    return _v2_text(event, identity, canonical_body(event.body))


def _v2_text(event: Event, identity: ChainIdentity, body_text: str) -> str:
    _check_envelope(event)
    string = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
    # The eleven members in their sorted order; the names are ASCII and need no escaping.
    members = (
        ("actor", string(event.actor)),
        ("at", string(event.at)),
        ("body", body_text),
        ("desk_id", string(identity.desk_id)),
        ("hash_version", "2"),
        ("id", string(event.id)),
        ("kind", string(event.kind)),
        ("ledger_id", string(identity.ledger_id)),
        ("prev_hash", string(event.prev_hash)),
        ("seq", str(event.seq)),
        ("subject", string(event.subject)),
    )
    return "{" + ",".join(f'"{name}":{text}' for name, text in members) + "}"


def canonical_body_text(event: Event) -> str:
    """The body as the `events.body` column must hold it under the event's version."""
    if event.hash_version == 1:
        return json.dumps(event.body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return canonical_body(event.body)


def event_hash(text: str) -> str:
    """Lowercase hex SHA-256 of the UTF-8 bytes of `canonical_event_text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
        hash_version=row["hash_version"],
    )


class Projector(Protocol):
    """Turns events into the rows the screens read. Supplied by `app/`."""

    @property
    def tables(self) -> Sequence[str]:
        """Projection tables, parents before children (cleared in reverse on rebuild)."""
        ...

    def check(self, kind: str, body: Mapping[str, Any]) -> None:
        """Refuse (`InvalidEvent`) a kind or body `app/` has no schema for: called on
        append, before anything is written."""
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
        *,
        identity: ChainIdentity,
    ) -> None:
        self.conn = conn
        self.projector = projector
        self.clock = clock
        self.identity = identity
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
        body_text = canonical_body(body)
        # The body as a replay will read it back, so the schema and projection see the same.
        stored_body = json.loads(body_text)
        self.projector.check(kind, stored_body)
        seq, prev, prev_at = _head_with_time(self.conn)
        now = self.clock().astimezone(CHINA_TZ)
        # A clock stepped back (NTP, a flat CMOS battery) must neither stop the counter nor
        # make the chain's times go backwards: the event takes the previous event's time.
        if prev_at is not None and now < datetime.fromisoformat(prev_at):
            at = prev_at
        else:
            at = now.isoformat(timespec="microseconds")
        fields: dict[str, Any] = {
            "seq": seq + 1,
            "id": event_id(datetime.fromisoformat(at)),
            "at": at,
            "actor": actor,
            "kind": kind,
            "subject": subject,
            "body": stored_body,
            "prev_hash": prev,
            "hash_version": HASH_VERSION,
        }
        unhashed = Event(**fields, hash="")
        text = _v2_text(unhashed, self.identity, body_text)  # = canonical_event_text(unhashed)
        event = replace(unhashed, hash=event_hash(text))
        self.conn.execute(
            "INSERT INTO events (seq, id, at, actor, kind, subject, body, prev_hash, hash, "
            "hash_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.seq,
                event.id,
                event.at,
                event.actor,
                event.kind,
                event.subject,
                body_text,
                event.prev_hash,
                event.hash,
                event.hash_version,
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


def _head_with_time(conn: Connection) -> tuple[int, str, str | None]:
    row = conn.execute("SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1], row[2]) if row else (0, GENESIS_PREV_HASH, None)


def last_event_of(conn: Connection, kinds: Sequence[str]) -> str:
    """The hash of the latest event of these kinds ("" if none): a cache key that differs
    between ledgers, since every v2 hash binds the ledger and desk identity."""
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


@dataclass(frozen=True)
class _Link:
    """What the next event is checked against: the last good event (or genesis)."""

    hash: str = GENESIS_PREV_HASH
    version: int = 1
    at: datetime | None = None


_TEXT_COLUMNS = ("id", "at", "actor", "kind", "subject", "body", "prev_hash", "hash")


def _check_row(row: Row, link: _Link, identity: ChainIdentity) -> _Link | str:
    """The next link if the event at `row` is good, else the problem (docs/ledger-format.md,
    "Verifying", steps 2-6, in that order)."""
    seq = row["seq"]
    version = row["hash_version"]
    if version not in HASH_VERSIONS:
        return f"事件 #{seq} 的哈希版本 {version!r} 未知 / event #{seq}: unknown hash version"
    if version < link.version:
        return (
            f"事件 #{seq} 的哈希版本从 v{link.version} 退回 v{version} / event #{seq}: hash "
            f"version goes back from v{link.version} to v{version}"
        )
    try:
        text = {name: bytes(row[name]).decode("utf-8") for name in _TEXT_COLUMNS}
        body = json.loads(text["body"])
        if not isinstance(body, dict):
            raise ValueError("the body is not an object")
    except (ValueError, TypeError):
        return f"事件 #{seq} 的内容被改动过（无法解析） / event #{seq} was altered (unreadable)"
    body_text = text.pop("body")
    event = Event(seq=seq, body=body, hash_version=version, **text)
    if event.prev_hash != link.hash:
        return f"事件 #{seq} 与前一事件的链接断裂 / event #{seq} does not link to #{seq - 1}"
    try:
        # The stored body text must also be exactly the canonical text that was hashed.
        intact = canonical_body_text(event) == body_text and event.hash == event_hash(
            canonical_event_text(event, identity)
        )
        at = event.at_datetime
    except (InvalidEvent, ValueError, TypeError):
        intact = False
    if not intact:
        return f"事件 #{seq} 的内容被改动过 / event #{seq} was altered"
    if version >= 2 and link.at is not None and at < link.at:
        return f"事件 #{seq} 的时间早于前一事件 / event #{seq} is dated before #{seq - 1}"
    return _Link(event.hash, version, at)


def verify_chain(conn: Connection, identity: ChainIdentity) -> VerifyReport:
    """Walk every event in sequence order and name the first bad one: gap-free sequence,
    known and never decreasing hash version, readable body, link to the previous hash, body
    and hash equal to those recomputed from the canonical text, (v2) time not going back.
    Then the head marker, so a removed tail is found too."""
    link = _Link()
    count = 0
    # Text is read as bytes so that even a corrupted, undecodable field is reported as a
    # bad event instead of stopping the walk.
    rows = conn.execute(
        "SELECT seq, hash_version, "
        + ", ".join(f"CAST({name} AS BLOB) AS {name}" for name in _TEXT_COLUMNS)
        + " FROM events ORDER BY seq"
    )
    for row in rows:
        expected_seq = count + 1
        if row["seq"] != expected_seq:
            return VerifyReport(
                count,
                count,
                link.hash,
                expected_seq,
                f"事件 #{expected_seq} 缺失 / event #{expected_seq} is missing",
            )
        checked = _check_row(row, link, identity)
        if isinstance(checked, str):
            return VerifyReport(count, count, link.hash, expected_seq, checked)
        link = checked
        count += 1
    marker = conn.execute("SELECT value FROM local_state WHERE key = 'head'").fetchone()
    if marker is not None and marker[0] != f"{count}:{link.hash}":
        recorded_seq = int(str(marker[0]).split(":", 1)[0])
        return VerifyReport(
            count,
            count,
            link.hash,
            min(recorded_seq, count + 1),
            f"台账末尾的事件被删除或替换（记录的最后事件为 #{recorded_seq}） / "
            f"the ledger's tail was removed or replaced (last recorded event #{recorded_seq})",
        )
    return VerifyReport(count, count, link.hash)


def _cipher_problem(conn: Connection) -> str | None:
    """SQLCipher's page-level HMAC check (no rows when every page is intact; an unknown
    pragma on plain SQLite, which also returns nothing)."""
    rows = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    return "; ".join(str(r[0]) for r in rows) if rows else None


def verify(conn: Connection, projector: Projector, identity: ChainIdentity) -> VerifyReport:
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
            report = verify_chain(conn, identity)
            if not report.ok:
                return report
            stored = {t: projection_digest(conn, t) for t in projector.tables}
            _clear_projections(conn, projector)
            _replay(conn, projector)
            replayed = {t: projection_digest(conn, t) for t in projector.tables}
        except DatabaseError as exc:
            # A full disk (the replay spills to the WAL) is not damage: restoring would lose work.
            typed = storage.explain(exc, db_path(conn))
            if isinstance(typed, StorageError):
                raise typed from exc
            raise LedgerDamaged(
                f"台账文件已损坏（{exc}），请用备份恢复 / the ledger file is damaged: {exc}"
            ) from exc
    finally:
        if not conn.in_transaction:
            pass  # SQLite rolled back already (a full disk does)
        elif nested:
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
