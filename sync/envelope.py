"""How one ledger event travels: its raw canonical text — the very text its hash is the
SHA-256 of — and how the gateway reads and proves it.

The only module of sync/ that knows the ledger's event encoding (docs/ledger-format.md):
a v1 event's hashed text is the JSON array `[1, seq, id, at, actor, kind, subject, body,
prev_hash]`, a v2 event's the canonical object of eleven members that names its ledger and
desk. The gateway stores the text exactly as sent and recomputes the hash from it; a new
ledger format changes this module and nothing else (docs/sync-protocol.md §3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app import event_schemas
from db.errors import InvalidEvent
from db.ledger import (
    GENESIS_PREV_HASH,
    HASH_VERSION,
    ChainIdentity,
    Event,
    canonical_event_text,
    event_hash,
)

__all__ = [
    "GENESIS_PREV_HASH",
    "ChainIdentity",
    "EnvelopeInvalid",
    "WireEvent",
    "body_problem",
    "decode",
    "encode",
    "seal",
]

_FIELDS = ("seq", "id", "at", "actor", "kind", "subject", "body", "prev_hash")
_V2_MEMBERS = frozenset({*_FIELDS, "hash_version", "ledger_id", "desk_id"})


class EnvelopeInvalid(ValueError):
    """The text is not an event the ledger could have written; `code` names why."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class WireEvent:
    """What the gateway needs of an event, and the text it was read from."""

    seq: int
    id: str
    kind: str
    body: Any
    prev_hash: str
    hash: str
    raw: str
    hash_version: int


def seal(fields: dict[str, Any], identity: ChainIdentity, version: int = HASH_VERSION) -> str:
    """The hashed text of an event given its fields (as `Event` names them, without hash)."""
    event = Event(**{name: fields[name] for name in _FIELDS}, hash="", hash_version=version)
    return canonical_event_text(event, identity)


def encode(event: Event, identity: ChainIdentity) -> str:
    """The raw canonical text of a ledger event: SHA-256 of its UTF-8 bytes is its hash."""
    text = canonical_event_text(event, identity)
    if event_hash(text) != event.hash:
        raise ValueError(f"event #{event.seq}: its text does not give its hash (format drift?)")
    return text


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def _fields_of(doc: object) -> tuple[int, dict[str, Any], ChainIdentity | None]:
    """(hash version, the event's fields, the identity a v2 text names) of a parsed text."""
    if isinstance(doc, list):  # v1: [1, seq, id, at, actor, kind, subject, body, prev_hash]
        if len(doc) != len(_FIELDS) + 1 or doc[0] != 1 or isinstance(doc[0], bool):
            raise EnvelopeInvalid("invalid_batch", "a v1 event text is [1, …] of 9 values")
        return 1, dict(zip(_FIELDS, doc[1:], strict=True)), None
    if isinstance(doc, dict):  # v2: one object of eleven members
        if set(doc) != _V2_MEMBERS:
            raise EnvelopeInvalid("invalid_batch", "a v2 event text has exactly 11 members")
        version = doc["hash_version"]
        if version != 2 or isinstance(version, bool):
            raise EnvelopeInvalid("invalid_batch", f"unknown event format {version!r}")
        ids = (doc["ledger_id"], doc["desk_id"])
        if not all(isinstance(v, str) for v in ids):
            raise EnvelopeInvalid("invalid_batch", "ledger_id and desk_id must be strings")
        try:
            named = ChainIdentity(*ids)
        except InvalidEvent as exc:
            raise EnvelopeInvalid("invalid_batch", str(exc)) from None
        return 2, {name: doc[name] for name in _FIELDS}, named
    raise EnvelopeInvalid("invalid_batch", "an event text is a JSON array (v1) or object (v2)")


def decode(raw: str, identity: ChainIdentity) -> WireEvent:
    """Parse one event text of the desk `identity`: the right shape and types, canonical, and
    (v2) bound to that desk; its hash is computed from the text itself. The chain link to the
    event before is the caller's to check."""
    try:
        doc = json.loads(raw)
    except ValueError:
        raise EnvelopeInvalid("invalid_batch", "event text is not JSON") from None
    version, fields, named = _fields_of(doc)
    seq = fields["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise EnvelopeInvalid("invalid_batch", "seq must be a positive integer")
    if named is not None and named != identity:
        raise EnvelopeInvalid(
            "foreign_event", f"event #{seq} belongs to another desk ({named.desk_id})"
        )
    for name in ("id", "at", "actor", "kind", "subject"):
        if not isinstance(fields[name], str) or not fields[name]:
            raise EnvelopeInvalid("invalid_batch", f"event #{seq}: {name} must be a string")
    if not _is_hash(fields["prev_hash"]):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq}: prev_hash is 64 hex characters")
    if not isinstance(fields["body"], dict):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq}: body must be an object")
    # The ledger's own encoder is the authority: the text must be exactly what it writes for
    # these fields, or it is no event the desk could have hashed.
    try:
        expected = seal(fields, identity, version)
    except (InvalidEvent, TypeError, ValueError):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq} cannot be hashed") from None
    if expected != raw:
        raise EnvelopeInvalid("not_canonical", f"event #{seq} is not in canonical form")
    return WireEvent(
        seq,
        fields["id"],
        fields["kind"],
        fields["body"],
        fields["prev_hash"],
        event_hash(raw),
        raw,
        version,
    )


def body_problem(event: WireEvent) -> str | None:
    """Why the gateway cannot forward this event, or None: its body must fit its kind's
    schema in some version (app/event_schemas.py, exported as docs/event-schemas/)."""
    try:
        event_schemas.read(event.kind, event.body)
    except InvalidEvent as exc:
        return str(exc)
    return None
