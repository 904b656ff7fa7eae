"""The protocol's parsers and rules in-process: event envelopes, bounded decompression,
receipts, enrolment codes, the migrated schema, concurrent batches of one desk."""

from __future__ import annotations

import hashlib
import json
import threading
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from sync import envelope, wire
from sync.gateway import store
from sync.gateway.schema import metadata
from sync.gateway.store import Gateway, Refusal
from tests.sync.conftest import GatewayProcess, new_database

LEDGER_ID = "0190f0f0-0000-7000-8000-000000000001"

# What the ledger's canonical encoding admits (docs/ledger-format.md §2).
unicode_text = st.text(st.characters(codec="utf-8"), max_size=20)
json_scalars = st.none() | st.booleans() | st.integers(-(2**53 - 1), 2**53 - 1) | unicode_text
json_bodies = st.dictionaries(
    st.text(st.characters(codec="utf-8"), max_size=8),
    st.recursive(
        json_scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=5), inner)
        ),
        max_leaves=8,
    ),
    max_size=4,
)
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cc",)), min_size=1, max_size=20)
event_ids = st.uuids().map(str)
times = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+08:00"
)
kinds = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}\.[a-z][a-z0-9_]{0,8}\Z")
IDENTITY = envelope.ChainIdentity(LEDGER_ID, "510421100-01")


@st.composite
def event_texts(draw: st.DrawFn) -> str:
    fields = {
        "seq": draw(st.integers(1, 10**9)),
        "id": draw(event_ids),
        "at": draw(times),
        "actor": draw(names),
        "kind": draw(kinds),
        "subject": draw(names),
        "body": draw(json_bodies),
        "prev_hash": draw(hashes),
    }
    return envelope.seal(fields, IDENTITY)


@given(event_texts())
def test_an_event_text_decodes_to_itself(raw: str) -> None:
    ev = envelope.decode(raw, IDENTITY)
    doc = json.loads(raw)
    assert (ev.raw, ev.seq, ev.kind, ev.prev_hash) == (
        raw,
        doc["seq"],
        doc["kind"],
        doc["prev_hash"],
    )
    assert ev.hash == hashlib.sha256(raw.encode("utf-8")).hexdigest()


@given(event_texts(), st.data())
def test_any_change_to_an_event_text_is_refused_or_changes_its_hash(
    raw: str, data: st.DataObject
) -> None:
    """A changed text is no event at all, or another event: its hash differs, so the next
    event no longer links to it and the receipt would name another hash."""
    i = data.draw(st.integers(0, len(raw) - 1))
    replacement = data.draw(st.characters().filter(lambda c: c != raw[i]))
    original = envelope.decode(raw, IDENTITY).hash
    try:
        changed = envelope.decode(raw[:i] + replacement + raw[i + 1 :], IDENTITY)
    except envelope.EnvelopeInvalid:
        return
    assert changed.hash != original


@given(st.text(max_size=300))
def test_any_text_is_an_event_or_one_clear_refusal(raw: str) -> None:
    try:
        envelope.decode(raw, IDENTITY)
    except envelope.EnvelopeInvalid as exc:
        assert exc.code in {"invalid_batch", "not_canonical", "foreign_event"}


LIMITS = wire.Limits(max_events=5, max_compressed_bytes=4096, max_decompressed_bytes=1000)


@given(st.binary(max_size=2000))
def test_any_bytes_decompress_or_are_refused_with_a_4xx(data: bytes) -> None:
    try:
        out = store._decompress(data, LIMITS)
    except Refusal as exc:
        assert exc.status in (400, 413)
    else:
        assert len(out) <= LIMITS.max_decompressed_bytes


def test_decompression_stops_at_the_limit_whatever_the_stream_claims() -> None:
    assert store._decompress(wire.compress(b"a" * 1000), LIMITS) == b"a" * 1000
    with pytest.raises(Refusal) as over:
        store._decompress(wire.compress(b"a" * 1001), LIMITS)
    assert over.value.status == 413
    # A raw deflate stream that never ends inflates to 1 GiB; only the first KiB is made.
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = bomb.compress(b"\0" * (1 << 30)) + bomb.flush()
    with pytest.raises(Refusal) as exploded:
        store._decompress(body, LIMITS)
    assert exploded.value.status == 413


@given(st.dictionaries(st.sampled_from(list(wire.Receipt.__annotations__)), json_scalars))
def test_a_receipt_document_is_read_or_refused(doc: dict[str, object]) -> None:
    try:
        receipt = wire.Receipt.from_json(doc)
    except ValueError:
        return
    assert isinstance(receipt.seq, int) and receipt.seq >= 0


def test_a_receipt_verifies_only_unchanged_and_with_its_key() -> None:
    key = Ed25519PrivateKey.generate()
    receipt = wire.sign_receipt(key, LEDGER_ID, 7, "ab" * 32, "2026-03-02T01:00:00+00:00")
    pinned = key.public_key()
    assert wire.verify(pinned, receipt.signature, receipt.message())
    moved = wire.Receipt(**{**receipt.to_json(), "seq": 8})
    assert not wire.verify(pinned, moved.signature, moved.message())
    assert not wire.verify(
        Ed25519PrivateKey.generate().public_key(), receipt.signature, receipt.message()
    )
    assert (
        receipt.message()
        == (
            f"receipt/v1|{receipt.gateway_id}|{LEDGER_ID}|7|{'ab' * 32}|2026-03-02T01:00:00+00:00"
        ).encode()
    )


# -- the gateway in-process ---------------------------------------------------------------


class UtcClock:
    def __init__(self) -> None:
        self.current = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current


@pytest.fixture
def gateway(tmp_path: Path, backend: str) -> Gateway:
    engine = store.make_engine(new_database(backend, tmp_path))
    store.upgrade(engine)
    return Gateway(engine, store.load_or_create_key(tmp_path / "gw.key"), clock=UtcClock())


def _pubkey() -> str:
    return wire.b64(wire.public_key_bytes(Ed25519PrivateKey.generate()))


def test_the_migrated_database_is_the_schema_the_code_uses(gateway: Gateway) -> None:
    with gateway.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_the_key_file_is_private_and_kept(tmp_path: Path, gateway: Gateway) -> None:
    assert (tmp_path / "gw.key").stat().st_mode & 0o777 == 0o600
    again = store.load_or_create_key(tmp_path / "gw.key")
    assert wire.public_key_bytes(again) == wire.public_key_bytes(gateway.key)


def test_an_enrolment_code_is_bound_works_once_and_expires(gateway: Gateway) -> None:
    code = gateway.issue_code("510421100", 2, hours=1)
    with pytest.raises(Refusal) as wrong:
        gateway.enrol(code, _pubkey(), LEDGER_ID, "510421101", 2)
    assert (wrong.value.status, wrong.value.error) == (403, "wrong_centre")
    answer = gateway.enrol(code.lower().replace("-", ""), _pubkey(), LEDGER_ID, "510421100", 2)
    assert answer["desk_id"] == LEDGER_ID and answer["gateway_pubkey"] == gateway.public_key
    with pytest.raises(Refusal) as used:
        gateway.enrol(code, _pubkey(), LEDGER_ID.replace("1", "2"), "510421100", 2)
    assert (used.value.status, used.value.error) == (401, "bad_code")
    late = gateway.issue_code("510421100", 3, hours=1)
    assert isinstance(gateway.clock, UtcClock)
    gateway.clock.current += timedelta(hours=1)
    with pytest.raises(Refusal) as expired:
        gateway.enrol(late, _pubkey(), LEDGER_ID.replace("1", "3"), "510421100", 3)
    assert (expired.value.status, expired.value.error) == (401, "bad_code")


def test_a_desk_enrols_again_only_after_its_key_is_revoked(gateway: Gateway) -> None:
    gateway.enrol(gateway.issue_code("510421100", 1), _pubkey(), LEDGER_ID, "510421100", 1)
    with pytest.raises(Refusal) as twice:
        gateway.enrol(gateway.issue_code("510421100", 1), _pubkey(), LEDGER_ID, "510421100", 1)
    assert twice.value.error == "already_enrolled"
    assert gateway.revoke(LEDGER_ID) and not gateway.revoke(LEDGER_ID)
    new_key = _pubkey()
    gateway.enrol(gateway.issue_code("510421100", 1), new_key, LEDGER_ID, "510421100", 1)
    (desk,) = gateway.list_desks()
    assert (desk["pubkey"], desk["revoked_at"]) == (new_key, None)


def test_the_gateway_serves_its_openapi_and_answers_bad_requests_plainly(
    shared_gateway: GatewayProcess,
) -> None:
    with httpx.Client(base_url=shared_gateway.url) as http:
        spec = http.get("/openapi.json").json()
        paths = {"/v1/enrol", "/v1/desks/{desk_id}/head", "/v1/desks/{desk_id}/batches"}
        assert paths <= set(spec["paths"])
        not_json = http.post(
            "/v1/enrol", content=b"{oops", headers={"Content-Type": "application/json"}
        )
        assert (not_json.status_code, not_json.json()["error"]) == (400, "malformed")
        missing = http.post("/v1/enrol", json={"code": "X"})
        assert (missing.status_code, missing.json()["error"]) == (422, "invalid_request")
        assert http.get("/v1/desks/nobody/head").status_code == 404


def _enrolled(gateway: Gateway) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    code = gateway.issue_code("510421100", 1)
    gateway.enrol(code, wire.b64(wire.public_key_bytes(key)), LEDGER_ID, "510421100", 1)
    return key


def _chain(n: int, kind: str = "consultation.logged", version: int = 2) -> list[str]:
    texts: list[str] = []
    prev = envelope.GENESIS_PREV_HASH
    for seq in range(1, n + 1):
        fields = {
            "seq": seq,
            "id": f"0190f0f0-0000-7000-8000-{seq:012d}",
            "at": "2026-03-02T09:00:00.000000+08:00",
            "actor": "admin",
            "kind": kind,
            "subject": f"consultation/{seq}",
            "body": {"n": seq},
            "prev_hash": prev,
        }
        texts.append(envelope.seal(fields, IDENTITY, version))
        prev = envelope.decode(texts[-1], IDENTITY).hash
    return texts


def _batch(
    key: Ed25519PrivateKey,
    texts: list[str],
    start: int,
    end: int,
    batch_id: str,
    created: str = "2026-03-02T09:00:00+08:00",
) -> tuple[dict[str, str], bytes]:
    prev_hash = (
        envelope.decode(texts[start - 1], IDENTITY).hash if start else envelope.GENESIS_PREV_HASH
    )
    doc = {"batch_id": batch_id, "prev_seq": start, "prev_hash": prev_hash}
    doc["events"] = texts[start:end]
    body = wire.compress(json.dumps(doc).encode())
    message = wire.batch_message(
        desk_id=LEDGER_ID,
        prev_seq=start,
        prev_hash=prev_hash,
        batch_id=batch_id,
        created_at=created,
        body=body,
    )
    headers = {
        "Content-Encoding": "gzip",
        wire.HEADER_BATCH: batch_id,
        wire.HEADER_CREATED: created,
        wire.HEADER_PREV: f"{start}:{prev_hash}",
        wire.HEADER_SIGNATURE: wire.b64(key.sign(message)),
    }
    return headers, body


def test_fields_too_long_for_the_database_are_refused_with_a_4xx(gateway: Gateway) -> None:
    """PostgreSQL enforces column lengths where SQLite does not: the gateway checks first,
    so both answer the same 4xx and neither a 500."""
    key = _enrolled(gateway)
    # v2 limits a kind to 64 characters; a v1 text (no field limits) can still carry one.
    headers, body = _batch(key, _chain(2, kind="k" * 201, version=1), 0, 2, "long-kind")
    with pytest.raises(Refusal) as long_kind:
        gateway.ingest(LEDGER_ID, headers, body)
    assert long_kind.value.status == 422
    headers, body = _batch(key, _chain(2), 0, 2, "long-time", created="2026-03-02T09" + "0" * 40)
    with pytest.raises(Refusal) as long_time:
        gateway.ingest(LEDGER_ID, headers, body)
    assert long_time.value.status == 400
    headers, body = _batch(key, _chain(2), 0, 2, "b" * 65)
    with pytest.raises(Refusal) as long_id:
        gateway.ingest(LEDGER_ID, headers, body)
    assert long_id.value.status == 400
    assert gateway.report(LEDGER_ID)["events_held"] == 0


def test_concurrent_batches_of_one_desk_store_no_gap_and_no_duplicate(gateway: Gateway) -> None:
    key = _enrolled(gateway)
    texts = _chain(40)
    outcomes: list[int] = []

    def send(start: int, end: int, n: int) -> None:
        headers, body = _batch(key, texts, start, end, f"batch-{start}-{end}-{n}")
        try:
            gateway.ingest(LEDGER_ID, headers, body)
            outcomes.append(200)
        except Refusal as exc:
            outcomes.append(exc.status)

    # Overlapping batches from many threads at once, several of each.
    plan = [(s, min(s + 10, 40), n) for n in range(3) for s in (0, 5, 10, 15, 20, 25, 30)]
    threads = [threading.Thread(target=send, args=p) for p in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(outcomes) <= {200, 409}
    for start in range(0, 40, 10):  # then whatever is missing, in order
        send(start, start + 10, 99)
    report = gateway.report(LEDGER_ID)
    assert (report["acked_seq"], report["events_held"], report["forks"]) == (40, 40, [])
