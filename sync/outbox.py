"""The desk's sync bookkeeping in its encrypted ledger: enrolment (with the desk's private
key), outbox state and kept receipts (migration 0005). None of it is an event: writing here
never gives the outbox something new to send."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from db.connection import transaction
from db.ledger import GENESIS_PREV_HASH, head, read_events
from db.sqlite import Connection
from sync import wire


@dataclass(frozen=True)
class Enrolment:
    gateway_url: str
    gateway_id: str
    gateway_pubkey: str
    desk_id: str
    desk_key: Ed25519PrivateKey
    limits: wire.Limits
    enrolled_at: str


@dataclass(frozen=True)
class State:
    acked_seq: int = 0
    attempts: int = 0
    next_attempt_at: str | None = None
    last_error: str | None = None
    last_success_at: str | None = None
    stopped: dict[str, Any] | None = None


def load_enrolment(conn: Connection) -> Enrolment | None:
    row = conn.execute("SELECT * FROM sync_enrolment").fetchone()
    if row is None:
        return None
    return Enrolment(
        row["gateway_url"],
        row["gateway_id"],
        row["gateway_pubkey"],
        row["desk_id"],
        Ed25519PrivateKey.from_private_bytes(bytes(row["desk_key"])),
        wire.Limits.from_json(json.loads(row["limits"])),
        row["enrolled_at"],
    )


def save_enrolment(conn: Connection, enrolment: Enrolment) -> None:
    """A new enrolment replaces the old one; the kept receipts stay (they remain proof)."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO sync_enrolment (singleton, gateway_url, gateway_id, gateway_pubkey, "
            "desk_id, desk_key, limits, enrolled_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (singleton) DO UPDATE SET gateway_url = excluded.gateway_url, "
            "gateway_id = excluded.gateway_id, gateway_pubkey = excluded.gateway_pubkey, "
            "desk_id = excluded.desk_id, desk_key = excluded.desk_key, "
            "limits = excluded.limits, enrolled_at = excluded.enrolled_at",
            (
                enrolment.gateway_url,
                enrolment.gateway_id,
                enrolment.gateway_pubkey,
                enrolment.desk_id,
                enrolment.desk_key.private_bytes_raw(),
                json.dumps(enrolment.limits.to_json()),
                enrolment.enrolled_at,
            ),
        )
        conn.execute("INSERT INTO sync_state (singleton) VALUES (1) ON CONFLICT DO NOTHING")


def load_state(conn: Connection) -> State:
    row = conn.execute("SELECT * FROM sync_state").fetchone()
    if row is None:
        return State()
    return State(
        row["acked_seq"],
        row["attempts"],
        row["next_attempt_at"],
        row["last_error"],
        row["last_success_at"],
        json.loads(row["stopped"]) if row["stopped"] else None,
    )


def record_success(conn: Connection, receipt: wire.Receipt, at: str) -> None:
    """Keep the receipt and move the acknowledged position to it, in one transaction."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO sync_receipts (seq, head_hash, gateway_id, received_at, signature, "
            "kept_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                receipt.seq,
                receipt.head_hash,
                receipt.gateway_id,
                receipt.received_at,
                receipt.signature,
                at,
            ),
        )
        conn.execute(
            "UPDATE sync_state SET acked_seq = ?, attempts = 0, next_attempt_at = NULL, "
            "last_error = NULL, last_success_at = ?, stopped = NULL",
            (receipt.seq, at),
        )


def record_failure(
    conn: Connection,
    error: str,
    attempts: int,
    next_attempt_at: str | None,
    stopped: dict[str, Any] | None = None,
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE sync_state SET attempts = attempts + ?, next_attempt_at = ?, "
            "last_error = ?, stopped = ?",
            (attempts, next_attempt_at, error, json.dumps(stopped) if stopped else None),
        )


def receipts(conn: Connection, desk_id: str) -> list[wire.Receipt]:
    """Every receipt kept (each one re-verifiable: the desk id is this ledger's)."""
    rows = conn.execute("SELECT * FROM sync_receipts ORDER BY seq, received_at").fetchall()
    return [
        wire.Receipt(
            r["gateway_id"], desk_id, r["seq"], r["head_hash"], r["received_at"], r["signature"]
        )
        for r in rows
    ]


def own_hash(conn: Connection, seq: int) -> str | None:
    """This desk's hash at `seq` (genesis for 0), None beyond its head."""
    if seq == 0:
        return GENESIS_PREV_HASH
    for event in read_events(conn, after_seq=seq - 1, limit=1):
        return event.hash if event.seq == seq else None
    return None


def local_head(conn: Connection) -> tuple[int, str]:
    return head(conn)


def last_agreed_seq(conn: Connection, gateway_id: str) -> int:
    """The highest receipted sequence this desk's own chain still reaches (0 if none)."""
    rows = conn.execute(
        "SELECT DISTINCT seq, head_hash FROM sync_receipts WHERE gateway_id = ? ORDER BY seq DESC",
        (gateway_id,),
    ).fetchall()
    for row in rows:
        if own_hash(conn, row["seq"]) == row["head_hash"]:
            return int(row["seq"])
    return 0
