"""Writing events on a desk, reading what a gateway holds, posting hand-made batches."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from app import consultations
from app.desk import Desk
from db.ledger import head, read_events
from sync import envelope, outbox, wire
from sync.client import Batch, build_batch
from sync.gateway.schema import events


def write_events(desk: Desk, n: int, start: int = 0) -> None:
    """`n` consultations logged at the desk: one event each."""
    for i in range(start, start + n):
        consultations.log(desk, f"低保要什么材料？（第{i}问）", "见一次性告知单", topic="低保")


def held_events(database_url: str, desk_id: str) -> list[tuple[int, str]]:
    """(seq, raw text) of every event the gateway's database holds for the desk."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(events.c.seq, events.c.raw)
                .where(events.c.desk_id == desk_id)
                .order_by(events.c.seq)
            ).all()
    finally:
        engine.dispose()
    return [(r.seq, r.raw) for r in rows]


def assert_gateway_holds_exactly(database_url: str, desk: Desk) -> None:
    """The gateway holds each of the desk's events once, byte for byte, chained."""
    held = held_events(database_url, desk.opened.ledger_id)
    mine = [(e.seq, envelope.encode(e, desk.ledger.identity)) for e in read_events(desk.conn)]
    assert held == mine
    prev = envelope.GENESIS_PREV_HASH
    for _, raw in held:
        ev = envelope.decode(raw, desk.ledger.identity)
        assert ev.prev_hash == prev
        prev = ev.hash
    assert prev == head(desk.conn)[1]


def enrolment(desk: Desk) -> outbox.Enrolment:
    found = outbox.load_enrolment(desk.conn)
    assert found is not None
    return found


def batch_from(desk: Desk, position: int = 0) -> Batch:
    return build_batch(
        desk.conn, enrolment(desk), position, desk.now().isoformat(), desk.ledger.identity
    )


def post(url: str, desk_id: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/v1/desks/{desk_id}/batches", content=body, headers=headers)


def signed(
    desk: Desk,
    document: bytes,
    *,
    prev_seq: int = 0,
    prev_hash: str = envelope.GENESIS_PREV_HASH,
    batch_id: str = "8d1f7a52-0000-4000-8000-000000000001",
    compress: bool = True,
) -> tuple[bytes, dict[str, str]]:
    """Any body, correctly signed with the desk's own key."""
    body = wire.compress(document) if compress else document
    created = desk.now().isoformat()
    signature = enrolment(desk).desk_key.sign(
        wire.batch_message(
            desk_id=desk.opened.ledger_id,
            prev_seq=prev_seq,
            prev_hash=prev_hash,
            batch_id=batch_id,
            created_at=created,
            body=body,
        )
    )
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        wire.HEADER_BATCH: batch_id,
        wire.HEADER_CREATED: created,
        wire.HEADER_PREV: f"{prev_seq}:{prev_hash}",
        wire.HEADER_SIGNATURE: wire.b64(signature),
    }
    return body, headers


def batch_document(
    batch_id: str, texts: list[str], prev_seq: int = 0, prev_hash: str = ""
) -> bytes:
    doc: dict[str, Any] = {
        "batch_id": batch_id,
        "prev_seq": prev_seq,
        "prev_hash": prev_hash or envelope.GENESIS_PREV_HASH,
        "events": texts,
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")
