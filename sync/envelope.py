"""How one ledger event travels: its raw canonical text — the very text its hash is the
SHA-256 of — and how the gateway reads and proves it.

The only module of sync/ that knows the ledger's event encoding (format v1 of db.ledger:
the hashed text is the canonical JSON array `[1, seq, id, at, actor, kind, subject, body,
prev_hash]`). The gateway stores the text exactly as sent and recomputes the hash from it;
a new ledger format (v2 names the function `canonical_event_text`) changes this module and
nothing else (docs/sync-protocol.md §3)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from db.ledger import (
    GENESIS_PREV_HASH,
    HASH_VERSION,
    Event,
    canonical_json,
    check_json_body,
    event_hash,
)

__all__ = [
    "GENESIS_PREV_HASH",
    "EnvelopeInvalid",
    "WireEvent",
    "body_problem",
    "decode",
    "encode",
    "seal",
]

_FIELDS = ("seq", "id", "at", "actor", "kind", "subject", "body", "prev_hash")


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


def seal(fields: dict[str, Any]) -> str:
    """The hashed text of an event given its fields (as `Event` names them, without hash)."""
    return canonical_json([HASH_VERSION, *(fields[name] for name in _FIELDS)])


def encode(event: Event) -> str:
    """The raw canonical text of a ledger event: SHA-256 of its UTF-8 bytes is its hash."""
    fields = {name: getattr(event, name) for name in _FIELDS}
    fields["body"] = dict(event.body)
    text = seal(fields)
    if _sha256(text) != event.hash:
        raise ValueError(f"event #{event.seq}: its text does not give its hash (format drift?)")
    return text


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def decode(raw: str) -> WireEvent:
    """Parse one event text: the right shape and types, canonical; its hash is computed from
    the text itself. The chain link to the event before is the caller's to check."""
    try:
        doc = json.loads(raw)
    except ValueError:
        raise EnvelopeInvalid("invalid_batch", "event text is not JSON") from None
    if not isinstance(doc, list) or len(doc) != len(_FIELDS) + 1:
        raise EnvelopeInvalid("invalid_batch", "an event text is a JSON array of 9 values")
    version, *values = doc
    if version != HASH_VERSION or isinstance(version, bool):
        raise EnvelopeInvalid("invalid_batch", f"unknown event format {version!r}")
    fields = dict(zip(_FIELDS, values, strict=True))
    seq = fields["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise EnvelopeInvalid("invalid_batch", "seq must be a positive integer")
    for name in ("id", "at", "actor", "kind", "subject"):
        if not isinstance(fields[name], str) or not fields[name]:
            raise EnvelopeInvalid("invalid_batch", f"event #{seq}: {name} must be a string")
    if not _is_hash(fields["prev_hash"]):
        raise EnvelopeInvalid("invalid_batch", f"event #{seq}: prev_hash is 64 hex characters")
    if canonical_json(doc) != raw:
        raise EnvelopeInvalid("not_canonical", f"event #{seq} is not in canonical form")
    digest = _sha256(raw)
    # The ledger's own hash function is the authority: if it ever disagrees with the text,
    # this module is out of date and must not accept anything.
    try:
        same = event_hash(**fields) == digest
    except (TypeError, ValueError):
        same = False
    if not same:
        raise EnvelopeInvalid("invalid_batch", f"event #{seq} cannot be hashed")
    return WireEvent(
        seq, fields["id"], fields["kind"], fields["body"], fields["prev_hash"], digest, raw
    )


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
