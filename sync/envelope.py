"""How one ledger event travels: its raw canonical text, and how its hash is recomputed.

The only module of sync/ that knows the ledger's event encoding (format v1 of db.ledger).
The gateway stores the text exactly as sent and proves it with the ledger's own hash
function; a new ledger format changes this module and nothing else (docs/sync-protocol.md
§3)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from db.ledger import GENESIS_PREV_HASH, Event, canonical_json, check_json_body, event_hash

__all__ = [
    "GENESIS_PREV_HASH",
    "EnvelopeInvalid",
    "WireEvent",
    "body_problem",
    "canonical_json",
    "decode",
    "encode",
    "event_hash",
]

_FIELDS = ("seq", "id", "at", "actor", "kind", "subject", "body", "prev_hash", "hash")


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


def encode(event: Event) -> str:
    """The raw canonical text of an event, as its hash was computed over it."""
    return canonical_json({name: _field(event, name) for name in _FIELDS})


def _field(event: Event, name: str) -> object:
    value = getattr(event, name)
    return dict(value) if isinstance(value, Mapping) else value


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def decode(raw: str) -> WireEvent:
    """Parse and prove one event text: the right fields and types, canonical, hash right.
    The chain link to the event before is the caller's to check."""
    try:
        doc = json.loads(raw)
    except ValueError:
        raise EnvelopeInvalid("invalid_batch", "event text is not JSON") from None
    if not isinstance(doc, dict) or set(doc) != set(_FIELDS):
        raise EnvelopeInvalid("invalid_batch", f"an event has exactly the fields {_FIELDS}")
    seq = doc["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise EnvelopeInvalid("invalid_batch", "seq must be a positive integer")
    for name in ("id", "at", "actor", "kind", "subject"):
        if not isinstance(doc[name], str) or not doc[name]:
            raise EnvelopeInvalid("invalid_batch", f"event #{seq}: {name} must be a string")
    if not _is_hash(doc["prev_hash"]) or not _is_hash(doc["hash"]):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq}: hashes are 64 hex characters")
    if canonical_json(doc) != raw:
        raise EnvelopeInvalid("not_canonical", f"event #{seq} is not in canonical form")
    try:
        recomputed = event_hash(**{k: doc[k] for k in _FIELDS if k != "hash"})
    except (TypeError, ValueError):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq} cannot be hashed") from None
    if recomputed != doc["hash"]:
        raise EnvelopeInvalid("bad_hash", f"event #{seq}: its hash does not match its content")
    return WireEvent(seq, doc["id"], doc["kind"], doc["body"], doc["prev_hash"], doc["hash"], raw)


def body_problem(event: WireEvent) -> str | None:
    """Why the body fails the gateway's schema for its kind, or None. Until per-kind schemas
    are exported by app/, the schema every body shares: a JSON object of unambiguous values."""
    if not isinstance(event.body, dict):
        return "body is not an object"
    try:
        check_json_body(event.body)
    except TypeError as exc:
        return str(exc)
    return None
