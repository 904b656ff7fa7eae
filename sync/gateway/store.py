"""The gateway's storage and rules: enrolment codes, desks, the batch transaction, receipts.

Every function here runs on SQLite (the default, one county) and PostgreSQL (psycopg 3, a
province) with the same code: `INSERT … ON CONFLICT DO NOTHING` from each dialect, the desk
row locked with `BEGIN IMMEDIATE` (SQLite) or `SELECT … FOR UPDATE` (PostgreSQL). HTTP lives
in `sync.gateway.app`; this module never sees a request object."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, create_engine, event, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app import desk_profile
from sync import envelope, wire
from sync.gateway.schema import batches, desks, enrol_codes, events, forks

Clock = Callable[[], datetime]
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def utc_now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Refusal(Exception):
    """An answer other than 200: the HTTP status, the protocol's error code, one message."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {error}: {message}")
        self.status = status
        self.error = error
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


# -- the database ---------------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite every transaction takes the write lock up front."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" below, not the driver, open transactions.
            dbapi_conn.isolation_level = None
            dbapi_conn.execute("PRAGMA journal_mode = WAL")
            dbapi_conn.execute("PRAGMA synchronous = FULL")
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest Alembic revision (forward only)."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("sync.gateway").joinpath("migrations"))
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _insert(conn: Connection) -> Any:
    """The dialect's INSERT, which has `on_conflict_do_nothing`."""
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert


# -- the gateway's own key ------------------------------------------------------------------


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The gateway's signing key, PEM in a file only its owner can read (made on first use)."""
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return key


# -- enrolment codes ------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    return "".join(c for c in text.upper() if c not in "- ")


def _code_hash(text: str) -> str:
    return hashlib.sha256(normalise_code(text).encode("utf-8")).hexdigest()


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass
class Gateway:
    engine: Engine
    key: Ed25519PrivateKey
    limits: wire.Limits = field(default_factory=wire.Limits)
    clock: Clock = utc_now

    @property
    def public_key(self) -> str:
        return wire.b64(wire.public_key_bytes(self.key))

    @property
    def gateway_id(self) -> str:
        return wire.gateway_id_for(wire.public_key_bytes(self.key))

    def now(self) -> str:
        return _iso(self.clock())

    # -- admin ------------------------------------------------------------------------------

    def issue_code(self, centre_code: str, desk_no: int, hours: int = 72) -> str:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        moment = self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                insert(enrol_codes).values(
                    code_hash=_code_hash(raw),
                    centre_code=centre_code,
                    desk_no=desk_no,
                    created_at=_iso(moment),
                    expires_at=_iso(moment + timedelta(hours=hours)),
                )
            )
        return format_code(raw)

    def list_desks(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(desks).order_by(desks.c.centre_code, desks.c.desk_no))
            found = [dict(r._mapping) for r in rows]
            fork_counts: dict[str, int] = dict(
                conn.execute(select(forks.c.desk_id, func.count()).group_by(forks.c.desk_id)).all()
            )
        for desk in found:
            desk["forks"] = fork_counts.get(desk["desk_id"], 0)
        return found

    def revoke(self, desk_id: str) -> bool:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(desks)
                .where(desks.c.desk_id == desk_id, desks.c.revoked_at.is_(None))
                .values(revoked_at=self.now())
            )
        return done.rowcount == 1

    def report(self, desk_id: str) -> dict[str, Any]:
        """A desk's head, every fork recorded and every quarantined event (admin view)."""
        with self.engine.connect() as conn:
            desk = conn.execute(select(desks).where(desks.c.desk_id == desk_id)).first()
            if desk is None:
                raise Refusal(404, "unknown_desk", "没有这个窗口台 / no such desk")
            fork_rows = conn.execute(
                select(forks).where(forks.c.desk_id == desk_id).order_by(forks.c.id)
            )
            held = conn.execute(
                select(func.count()).select_from(events).where(events.c.desk_id == desk_id)
            ).scalar_one()
            quarantined = conn.execute(
                select(events.c.seq, events.c.quarantine)
                .where(events.c.desk_id == desk_id, events.c.quarantine.is_not(None))
                .order_by(events.c.seq)
            )
            return {
                **dict(desk._mapping),
                "events_held": held,
                "forks": [
                    {k: v for k, v in r._mapping.items() if k not in ("id", "desk_id")}
                    for r in fork_rows
                ],
                "quarantined": [{"seq": r.seq, "reason": r.quarantine} for r in quarantined],
            }

    # -- enrolment --------------------------------------------------------------------------

    def enrol(
        self, code: str, desk_pubkey: str, ledger_id: str, centre_code: str, desk_no: int
    ) -> dict[str, Any]:
        try:
            wire.load_public_key(desk_pubkey)
        except ValueError:
            raise Refusal(
                422, "invalid_request", "公钥格式不对 / desk_pubkey is not an Ed25519 key"
            ) from None
        now = self.now()
        with self.engine.begin() as conn:
            row = conn.execute(
                select(enrol_codes).where(enrol_codes.c.code_hash == _code_hash(code))
            ).first()
            if row is None or row.used_at is not None or row.expires_at <= now:
                raise Refusal(
                    401,
                    "bad_code",
                    "注册码无效、已过期或已用过 / the enrolment code is unknown, expired or used",
                )
            if row.centre_code != centre_code or row.desk_no != desk_no:
                raise Refusal(
                    403,
                    "wrong_centre",
                    f"此注册码属于 {row.centre_code} 的 {row.desk_no} 号台，不是本台 / "
                    "the code belongs to another centre or desk",
                )
            existing = conn.execute(select(desks).where(desks.c.desk_id == ledger_id)).first()
            if existing is not None and existing.revoked_at is None:
                raise Refusal(
                    409,
                    "already_enrolled",
                    "此台账已注册，须先由县级管理员吊销原密钥 / this ledger is already enrolled",
                )
            if existing is None:
                conn.execute(
                    insert(desks).values(
                        desk_id=ledger_id,
                        centre_code=centre_code,
                        desk_no=desk_no,
                        pubkey=desk_pubkey,
                        enrolled_at=now,
                        acked_seq=0,
                        head_hash=envelope.GENESIS_PREV_HASH,
                    )
                )
            else:
                # A revoked key replaced: the chain held so far stays the desk's.
                conn.execute(
                    update(desks)
                    .where(desks.c.desk_id == ledger_id)
                    .values(pubkey=desk_pubkey, enrolled_at=now, revoked_at=None)
                )
            conn.execute(
                update(enrol_codes)
                .where(enrol_codes.c.code_hash == row.code_hash)
                .values(used_at=now, used_by=ledger_id)
            )
        return {
            "desk_id": ledger_id,
            "gateway_id": self.gateway_id,
            "gateway_pubkey": self.public_key,
            "limits": self.limits.to_json(),
        }

    # -- head -------------------------------------------------------------------------------

    def head(self, desk_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            desk = conn.execute(select(desks).where(desks.c.desk_id == desk_id)).first()
            if desk is None:
                raise Refusal(404, "unknown_desk", "没有这个窗口台 / no such desk")
            fork = conn.execute(
                select(forks).where(forks.c.desk_id == desk_id).order_by(forks.c.id.desc())
            ).first()
        receipt = wire.sign_receipt(self.key, desk_id, desk.acked_seq, desk.head_hash, self.now())
        return {
            "acked_seq": desk.acked_seq,
            "head_hash": desk.head_hash,
            "receipt": receipt.to_json(),
            "fork": None
            if fork is None
            else {"seq": fork.seq, "desk_hash": fork.desk_hash, "gateway_hash": fork.gateway_hash},
        }

    # -- batches ----------------------------------------------------------------------------

    def ingest(self, desk_id: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """One batch request, checked in the order of docs/sync-protocol.md §3: the signature
        before anything is decompressed or parsed, then the envelope, then one transaction."""
        header = _BatchHeader.parse(headers)
        with self.engine.connect() as conn:
            desk = conn.execute(select(desks).where(desks.c.desk_id == desk_id)).first()
        if desk is None:
            raise Refusal(401, "unknown_desk", "此窗口台未注册 / this desk is not enrolled")
        if desk.revoked_at is not None:
            raise Refusal(401, "revoked", "此窗口台的密钥已被吊销 / this desk's key was revoked")
        message = wire.batch_message(
            desk_id=desk_id,
            prev_seq=header.prev_seq,
            prev_hash=header.prev_hash,
            batch_id=header.batch_id,
            created_at=header.created_at,
            body=body,
        )
        if not wire.verify(wire.load_public_key(desk.pubkey), header.signature, message):
            raise Refusal(401, "bad_signature", "批次签名无效 / the batch signature is invalid")
        identity = envelope.ChainIdentity(
            desk_id, desk_profile.desk_id(desk.centre_code, desk.desk_no)
        )
        sent = _parse_batch(_decompress(body, self.limits), header, self.limits, identity)
        digest = hashlib.sha256(body).hexdigest()
        fork: dict[str, Any] | None = None
        try:
            answer = self._store(desk_id, header, sent, digest)
        except _Forked as forked:
            fork = forked.fork
        if fork is not None:
            with self.engine.begin() as conn:
                conn.execute(insert(forks).values(desk_id=desk_id, detected_at=self.now(), **fork))
            raise Refusal(
                409,
                "fork",
                f"第 {fork['seq']} 号事件与网关已收的不同（分叉），本批未保存 / event "
                f"#{fork['seq']} differs from the one held: a fork; nothing stored",
                fork,
            )
        # Signed only now that the commit is done: a receipt never names unstored events.
        seq, head_hash, quarantined = answer
        receipt = wire.sign_receipt(self.key, desk_id, seq, head_hash, self.now())
        return {
            "acked_seq": seq,
            "head_hash": head_hash,
            "receipt": receipt.to_json(),
            "quarantined": quarantined,
        }

    def _store(
        self, desk_id: str, header: _BatchHeader, sent: list[envelope.WireEvent], digest: str
    ) -> tuple[int, str, list[int]]:
        first, last = sent[0].seq, sent[-1].seq
        now = self.now()
        with self.engine.begin() as conn:
            desk = conn.execute(
                select(desks).where(desks.c.desk_id == desk_id).with_for_update()
            ).one()
            seen = conn.execute(
                select(batches.c.body_sha256, batches.c.last_seq).where(
                    batches.c.desk_id == desk_id, batches.c.batch_id == header.batch_id
                )
            ).first()
            if seen is not None:
                if seen.body_sha256 != digest:
                    raise Refusal(
                        409,
                        "batch_reused",
                        "批次编号已用于另一内容 / this batch id was used for another body",
                    )
                return last, sent[-1].hash, self._quarantined(conn, desk_id, first, last)
            if header.prev_seq > desk.acked_seq:
                raise Refusal(
                    409,
                    "gap",
                    f"网关只收到第 {desk.acked_seq} 号为止，请从那里续传 / the gateway holds "
                    f"up to #{desk.acked_seq}; resend from there",
                    {"acked_seq": desk.acked_seq},
                )
            held = dict(
                conn.execute(
                    select(events.c.seq, events.c.hash).where(
                        events.c.desk_id == desk_id,
                        events.c.seq >= max(header.prev_seq, 1),
                        events.c.seq <= last,
                    )
                ).all()
            )
            if header.prev_seq > 0 and held.get(header.prev_seq) != header.prev_hash:
                raise _Forked(header.prev_seq, header.prev_hash, held.get(header.prev_seq, ""))
            new: list[dict[str, Any]] = []
            for ev in sent:
                if ev.seq in held:
                    if held[ev.seq] != ev.hash:
                        raise _Forked(ev.seq, ev.hash, held[ev.seq])
                    continue
                new.append(
                    {
                        "desk_id": desk_id,
                        "seq": ev.seq,
                        "event_id": ev.id,
                        "hash": ev.hash,
                        "prev_hash": ev.prev_hash,
                        "kind": ev.kind,
                        "raw": ev.raw,
                        "batch_id": header.batch_id,
                        "received_at": now,
                        "quarantine": envelope.body_problem(ev),
                    }
                )
            if new:
                conn.execute(_insert(conn)(events).on_conflict_do_nothing(), new)
                stored = dict(
                    conn.execute(
                        select(events.c.seq, events.c.hash).where(
                            events.c.desk_id == desk_id,
                            events.c.seq >= new[0]["seq"],
                            events.c.seq <= last,
                        )
                    ).all()
                )
                if any(stored.get(row["seq"]) != row["hash"] for row in new):
                    # An event id already held under another desk or sequence.
                    raise Refusal(
                        422,
                        "invalid_batch",
                        "批次中的事件编号已被其他事件使用 / an event id is already held elsewhere",
                    )
            conn.execute(
                _insert(conn)(batches)
                .values(
                    desk_id=desk_id,
                    batch_id=header.batch_id,
                    body_sha256=digest,
                    first_seq=first,
                    last_seq=last,
                    created_at=header.created_at,
                    received_at=now,
                )
                .on_conflict_do_nothing()
            )
            if last > desk.acked_seq:
                conn.execute(
                    update(desks)
                    .where(desks.c.desk_id == desk_id)
                    .values(acked_seq=last, head_hash=sent[-1].hash, last_batch_at=now)
                )
            return last, sent[-1].hash, self._quarantined(conn, desk_id, first, last)

    @staticmethod
    def _quarantined(conn: Connection, desk_id: str, first: int, last: int) -> list[int]:
        rows = conn.execute(
            select(events.c.seq).where(
                events.c.desk_id == desk_id,
                events.c.seq.between(first, last),
                events.c.quarantine.is_not(None),
            )
        )
        return [r.seq for r in rows]


class _Forked(Exception):
    def __init__(self, seq: int, desk_hash: str, gateway_hash: str) -> None:
        super().__init__(seq)
        self.fork = {"seq": seq, "desk_hash": desk_hash, "gateway_hash": gateway_hash}


@dataclass(frozen=True)
class _BatchHeader:
    batch_id: str
    created_at: str
    prev_seq: int
    prev_hash: str
    signature: str

    @classmethod
    def parse(cls, headers: Mapping[str, str]) -> _BatchHeader:
        lower = {k.lower(): v for k, v in headers.items()}

        def need(name: str, longest: int) -> str:
            value = lower.get(name.lower(), "").strip()
            if not value or len(value) > longest:
                raise Refusal(400, "malformed", f"请求头 {name} 缺失或过长 / header {name} bad")
            return value

        if lower.get("content-encoding", "").strip().lower() != "gzip":
            raise Refusal(400, "malformed", "批次须为 gzip 压缩 / the batch must be gzip")
        prev = need(wire.HEADER_PREV, 90)
        seq_text, _, prev_hash = prev.partition(":")
        # Sequence numbers fit the database's BIGINT; the lengths fit the columns.
        if not seq_text.isdigit() or len(seq_text) > 18 or len(prev_hash) != 64:
            raise Refusal(400, "malformed", f"{wire.HEADER_PREV} 格式不对 / malformed")
        return cls(
            need(wire.HEADER_BATCH, 64),
            need(wire.HEADER_CREATED, 40),
            int(seq_text),
            prev_hash,
            need(wire.HEADER_SIGNATURE, 100),
        )


def _decompress(body: bytes, limits: wire.Limits) -> bytes:
    """gzip with a hard cap on the output, whatever the stream claims (a bomb is 413)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limits.max_decompressed_bytes + 1)
        if len(out) > limits.max_decompressed_bytes or inflater.unconsumed_tail:
            raise Refusal(
                413,
                "too_large",
                "解压后的批次过大 / the batch is too large once decompressed",
                {"limits": limits.to_json()},
            )
        if not inflater.eof or inflater.unused_data:
            raise Refusal(400, "bad_gzip", "gzip 数据不完整 / the gzip stream is incomplete")
    except zlib.error:
        raise Refusal(400, "bad_gzip", "不是有效的 gzip 数据 / not a gzip stream") from None
    return out


def _parse_batch(
    data: bytes, header: _BatchHeader, limits: wire.Limits, identity: envelope.ChainIdentity
) -> list[envelope.WireEvent]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise Refusal(400, "malformed", "批次不是 JSON / the batch is not JSON") from None
    if not isinstance(doc, dict) or set(doc) != {"batch_id", "prev_seq", "prev_hash", "events"}:
        raise Refusal(
            422, "invalid_batch", "批次应含 batch_id、prev_seq、prev_hash、events / bad shape"
        )
    if (doc["batch_id"], doc["prev_seq"], doc["prev_hash"]) != (
        header.batch_id,
        header.prev_seq,
        header.prev_hash,
    ):
        raise Refusal(400, "header_mismatch", "批次内容与请求头不符 / body and headers differ")
    raw_events = doc["events"]
    if not isinstance(raw_events, list) or not raw_events:
        raise Refusal(422, "invalid_batch", "events 应为非空列表 / events must be a list")
    if len(raw_events) > limits.max_events:
        raise Refusal(
            413, "too_large", "批次事件过多 / too many events", {"limits": limits.to_json()}
        )
    decoded: list[envelope.WireEvent] = []
    prev_seq, prev_hash = header.prev_seq, header.prev_hash
    for raw in raw_events:
        if not isinstance(raw, str):
            raise Refusal(422, "invalid_batch", "每个事件应为文本 / each event is a string")
        try:
            ev = envelope.decode(raw, identity)
        except envelope.EnvelopeInvalid as exc:
            raise Refusal(422, exc.code, exc.detail) from None
        if len(ev.id) > 64 or len(ev.kind) > 200:
            raise Refusal(
                422, "invalid_batch", f"第 {ev.seq} 号事件的编号或类别过长 / id or kind too long"
            )
        if ev.seq != prev_seq + 1:
            raise Refusal(
                422, "invalid_batch", f"事件序号应为 {prev_seq + 1} / expected #{prev_seq + 1}"
            )
        if ev.prev_hash != prev_hash:
            raise Refusal(
                422,
                "broken_chain",
                f"第 {ev.seq} 号事件未链接到前一事件 / event #{ev.seq} does not link",
                {"seq": ev.seq},
            )
        decoded.append(ev)
        prev_seq, prev_hash = ev.seq, ev.hash
    return decoded
