"""Real desks syncing to a real gateway process on 127.0.0.1: exactly once whatever is
resent, resumed after a gateway restart, every hostile batch refused with nothing stored."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.desk import Desk
from db.ledger import canonical_json, head, read_events
from sync import client, envelope, outbox, wire
from sync.errors import GatewayUnreachable, SyncRefused
from tests.sync.conftest import FAST, EnrolledDesk, GatewayProcess
from tests.sync.helpers import (
    assert_gateway_holds_exactly,
    batch_document,
    batch_from,
    enrolment,
    held_events,
    post,
    signed,
    write_events,
)


def test_a_desk_syncs_every_event_once_and_keeps_the_receipt(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk
) -> None:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 12)
    result = client.sync_now(desk, policy=FAST)
    seq, head_hash = head(desk.conn)
    assert (result.acked_seq, result.head_seq, result.sent_events) == (seq, seq, seq)
    assert_gateway_holds_exactly(shared_gateway.database_url, desk)
    state = outbox.load_state(desk.conn)
    assert state.acked_seq == seq and state.last_error is None
    kept = outbox.receipts(desk.conn, desk.opened.ledger_id)
    last = kept[-1]
    assert (last.seq, last.head_hash) == (seq, head_hash)
    pinned = wire.load_public_key(enrolment(desk).gateway_pubkey)
    assert all(wire.verify(pinned, r.signature, r.message()) for r in kept)
    report = shared_gateway.head(desk.opened.ledger_id)
    assert (report["acked_seq"], report["head_hash"], report["forks"]) == (seq, head_hash, [])


def test_resending_anything_never_stores_a_duplicate(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk
) -> None:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 5)
    first = batch_from(desk)
    desk_id = desk.opened.ledger_id
    # The server commits, the reply is lost: the desk sends the very same bytes again.
    assert post(shared_gateway.url, desk_id, first.body, first.headers).status_code == 200
    again = post(shared_gateway.url, desk_id, first.body, first.headers)
    assert again.status_code == 200 and again.json()["acked_seq"] == first.last_seq
    # A fresh batch (new id) over the same events, and a whole sync, add nothing either.
    fresh = batch_from(desk)
    assert post(shared_gateway.url, desk_id, fresh.body, fresh.headers).status_code == 200
    assert client.sync_now(desk, policy=FAST).sent_events == 0
    assert_gateway_holds_exactly(shared_gateway.database_url, desk)
    write_events(desk, 3, start=5)
    assert client.sync_now(desk, policy=FAST).sent_events == 3
    assert_gateway_holds_exactly(shared_gateway.database_url, desk)


def test_a_gateway_restart_midway_loses_nothing_and_the_next_sync_resumes(
    tmp_path: Path, backend: str, enrolled_desk: EnrolledDesk
) -> None:
    gateway = GatewayProcess(tmp_path / "gw", backend, "--max-events", "10")
    try:
        gateway.start()
        desk = enrolled_desk(gateway)
        write_events(desk, 30)
        total = head(desk.conn)[0]

        def kill_after_first_batch(done: int, _total: int) -> None:
            if done > 0 and gateway.proc is not None:
                gateway.stop()

        with pytest.raises(GatewayUnreachable):
            client.sync_now(desk, policy=FAST, progress=kill_after_first_batch)
        state = outbox.load_state(desk.conn)
        assert state.acked_seq == 10
        assert state.attempts >= 1 and state.last_error and state.next_attempt_at
        assert len(held_events(gateway.database_url, desk.opened.ledger_id)) == 10
        gateway.start()
        result = client.sync_now(desk, policy=FAST)
        assert (result.sent_events, result.batches, result.acked_seq) == (total - 10, 5, total)
        assert outbox.load_state(desk.conn).attempts == 0
        assert_gateway_holds_exactly(gateway.database_url, desk)
    finally:
        gateway.stop()


def test_two_desks_keep_their_own_chains(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk
) -> None:
    a, b = enrolled_desk(shared_gateway), enrolled_desk(shared_gateway)
    write_events(a, 4)
    write_events(b, 7)
    client.sync_now(a, policy=FAST)
    client.sync_now(b, policy=FAST)
    assert_gateway_holds_exactly(shared_gateway.database_url, a)
    assert_gateway_holds_exactly(shared_gateway.database_url, b)
    desks = {d["desk_id"]: d for d in shared_gateway.admin_json("desks")}
    assert desks[a.opened.ledger_id]["acked_seq"] == head(a.conn)[0]
    assert desks[b.opened.ledger_id]["acked_seq"] == head(b.conn)[0]


# -- hostile or broken batches: each its 4xx, nothing stored -------------------------------


def _refused(gateway: GatewayProcess, desk: Desk, body: bytes, headers: dict[str, str]) -> dict:
    answer = post(gateway.url, desk.opened.ledger_id, body, headers)
    assert 400 <= answer.status_code < 500, answer.text
    assert held_events(gateway.database_url, desk.opened.ledger_id) == []
    return {"status": answer.status_code, **answer.json()}


@pytest.fixture
def fresh(shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk) -> Desk:
    desk = enrolled_desk(shared_gateway)
    write_events(desk, 3)
    return desk


def test_an_unsigned_batch_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    batch = batch_from(fresh)
    headers = {k: v for k, v in batch.headers.items() if k != wire.HEADER_SIGNATURE}
    answer = _refused(shared_gateway, fresh, batch.body, headers)
    assert (answer["status"], answer["error"]) == (400, "malformed")


def test_a_bad_signature_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    batch = batch_from(fresh)
    forged = wire.b64(Ed25519PrivateKey.generate().sign(b"something else"))
    headers = {**batch.headers, wire.HEADER_SIGNATURE: forged}
    answer = _refused(shared_gateway, fresh, batch.body, headers)
    assert (answer["status"], answer["error"]) == (401, "bad_signature")


def test_a_batch_signed_by_another_desk_is_refused(
    shared_gateway: GatewayProcess, enrolled_desk: EnrolledDesk, fresh: Desk
) -> None:
    other = enrolled_desk(shared_gateway)
    batch = batch_from(fresh)
    # The other desk's real key, over exactly the message this desk would sign.
    message = wire.batch_message(
        desk_id=fresh.opened.ledger_id,
        prev_seq=0,
        prev_hash=envelope.GENESIS_PREV_HASH,
        batch_id=batch.headers[wire.HEADER_BATCH],
        created_at=batch.headers[wire.HEADER_CREATED],
        body=batch.body,
    )
    headers = {
        **batch.headers,
        wire.HEADER_SIGNATURE: wire.b64(enrolment(other).desk_key.sign(message)),
    }
    answer = _refused(shared_gateway, fresh, batch.body, headers)
    assert (answer["status"], answer["error"]) == (401, "bad_signature")


def test_a_replayed_batch_with_a_changed_body_is_refused(
    shared_gateway: GatewayProcess, fresh: Desk
) -> None:
    batch = batch_from(fresh)
    doc = json.loads(gzip.decompress(batch.body))
    doc["events"] = doc["events"][:1]
    changed = gzip.compress(json.dumps(doc, ensure_ascii=False).encode(), mtime=0)
    answer = _refused(shared_gateway, fresh, changed, batch.headers)
    assert (answer["status"], answer["error"]) == (401, "bad_signature")


def test_a_batch_id_reused_for_another_body_is_refused(
    shared_gateway: GatewayProcess, fresh: Desk
) -> None:
    first = batch_from(fresh)
    assert post(shared_gateway.url, fresh.opened.ledger_id, first.body, first.headers).is_success
    held = held_events(shared_gateway.database_url, fresh.opened.ledger_id)
    texts = [envelope.encode(e, fresh.ledger.identity) for e in read_events(fresh.conn)]
    batch_id = first.headers[wire.HEADER_BATCH]
    body, headers = signed(fresh, batch_document(batch_id, texts[:1]), batch_id=batch_id)
    answer = post(shared_gateway.url, fresh.opened.ledger_id, body, headers)
    assert (answer.status_code, answer.json()["error"]) == (409, "batch_reused")
    assert held_events(shared_gateway.database_url, fresh.opened.ledger_id) == held


def test_an_oversized_body_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    body, headers = signed(fresh, b"x" * (1024 * 1024 + 1), compress=False)
    answer = _refused(shared_gateway, fresh, body, headers)
    assert (answer["status"], answer["error"]) == (413, "too_large")


def test_a_gzip_bomb_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    bomb = b'{"events": ["' + b"0" * (64 * 1024 * 1024) + b'"]}'
    body, headers = signed(fresh, bomb)
    assert len(body) < 1024 * 1024  # small on the wire, 64 MiB inflated
    answer = _refused(shared_gateway, fresh, body, headers)
    assert (answer["status"], answer["error"]) == (413, "too_large")


def test_malformed_json_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    body, headers = signed(fresh, b'{"batch_id": "8d1f7a52-0000-4000-8000-0')
    answer = _refused(shared_gateway, fresh, body, headers)
    assert (answer["status"], answer["error"]) == (400, "malformed")


def test_not_gzip_is_refused(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    body, headers = signed(fresh, b"plain bytes", compress=False)
    answer = _refused(shared_gateway, fresh, body, headers)
    assert (answer["status"], answer["error"]) == (400, "bad_gzip")


def test_a_tampered_event_breaks_the_chain_and_is_refused(
    shared_gateway: GatewayProcess, fresh: Desk
) -> None:
    texts = [envelope.encode(e, fresh.ledger.identity) for e in read_events(fresh.conn)]
    doc = json.loads(texts[1])
    doc["actor"] = "intruder"  # of event #2: its hash changes, #3 no longer links
    texts[1] = canonical_json(doc)
    batch_id = "8d1f7a52-0000-4000-8000-0000000000aa"
    body, headers = signed(fresh, batch_document(batch_id, texts), batch_id=batch_id)
    answer = _refused(shared_gateway, fresh, body, headers)
    assert (answer["status"], answer["error"], answer["seq"]) == (422, "broken_chain", 3)


def test_a_batch_that_skips_events_is_a_gap(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    batch = batch_from(fresh, position=2)
    answer = post(shared_gateway.url, fresh.opened.ledger_id, batch.body, batch.headers)
    assert (answer.status_code, answer.json()["error"], answer.json()["acked_seq"]) == (
        409,
        "gap",
        0,
    )
    assert held_events(shared_gateway.database_url, fresh.opened.ledger_id) == []


def test_a_schema_invalid_body_is_stored_but_quarantined(
    shared_gateway: GatewayProcess, fresh: Desk
) -> None:
    """The envelope and chain are right, the body is not: kept (the chain stays whole and
    later events are not blocked), listed, not forwarded."""
    mine = list(read_events(fresh.conn))
    last = mine[-1]
    fields = {
        "seq": last.seq + 1,
        "id": "0190f0f0-0000-7000-8000-0000000000ff",
        "at": last.at,
        "actor": "admin",
        "kind": "consultation.logged",
        "subject": "consultation/x",
        "body": {"minutes": 1},  # no consultation body: fails the kind's schema
        "prev_hash": last.hash,
    }
    odd = envelope.seal(fields, fresh.ledger.identity)
    texts = [envelope.encode(e, fresh.ledger.identity) for e in mine] + [odd]
    batch_id = "8d1f7a52-0000-4000-8000-0000000000bb"
    body, headers = signed(fresh, batch_document(batch_id, texts), batch_id=batch_id)
    answer = post(shared_gateway.url, fresh.opened.ledger_id, body, headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["quarantined"] == [last.seq + 1]
    report = shared_gateway.head(fresh.opened.ledger_id)
    assert [q["seq"] for q in report["quarantined"]] == [last.seq + 1]
    assert report["acked_seq"] == last.seq + 1


def test_a_revoked_desk_is_stopped_and_told(shared_gateway: GatewayProcess, fresh: Desk) -> None:
    done = shared_gateway.admin("revoke", fresh.opened.ledger_id)
    assert done.returncode == 0, done.stderr
    with pytest.raises(SyncRefused) as refused:
        client.sync_now(fresh, policy=FAST)
    assert (refused.value.status, refused.value.error) == (401, "revoked")
    state = outbox.load_state(fresh.conn)
    assert state.stopped == {"reason": "refused", "status": 401, "error": "revoked"}
    assert held_events(shared_gateway.database_url, fresh.opened.ledger_id) == []
