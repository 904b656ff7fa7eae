"""The bytes both sides sign and verify (docs/sync-protocol.md §3, §5): one definition, used
by the desk client and by the gateway."""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PROTOCOL = "v1"
BATCH_DOMAIN = "clerkdesk-batch/v1"
RECEIPT_DOMAIN = "receipt/v1"

HEADER_BATCH = "X-ClerkDesk-Batch"
HEADER_CREATED = "X-ClerkDesk-Created"
HEADER_PREV = "X-ClerkDesk-Prev"
HEADER_SIGNATURE = "X-ClerkDesk-Signature"


@dataclass(frozen=True)
class Limits:
    max_events: int = 500
    max_compressed_bytes: int = 1024 * 1024
    max_decompressed_bytes: int = 8 * 1024 * 1024

    def to_json(self) -> dict[str, int]:
        return {
            "max_events": self.max_events,
            "max_compressed_bytes": self.max_compressed_bytes,
            "max_decompressed_bytes": self.max_decompressed_bytes,
        }

    @classmethod
    def from_json(cls, doc: Any) -> Limits:
        return cls(
            int(doc["max_events"]),
            int(doc["max_compressed_bytes"]),
            int(doc["max_decompressed_bytes"]),
        )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str, length: int | None = None) -> bytes:
    """Strict base64; ValueError when it is not (or not `length` bytes)."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, AttributeError):
        raise ValueError("not base64") from None
    if length is not None and len(data) != length:
        raise ValueError(f"expected {length} bytes")
    return data


def compress(data: bytes) -> bytes:
    """A batch body as the desk sends it (mtime 0: the same batch gives the same bytes)."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


def load_public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64(text, 32))


def gateway_id_for(public_key: bytes) -> str:
    return "gw-" + hashlib.sha256(public_key).hexdigest()[:16]


def verify(public_key: Ed25519PublicKey, signature_b64: str, message: bytes) -> bool:
    try:
        public_key.verify(unb64(signature_b64, 64), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def batch_message(
    *, desk_id: str, prev_seq: int, prev_hash: str, batch_id: str, created_at: str, body: bytes
) -> bytes:
    """What the desk signs for one batch request: its header fields and the body digest."""
    lines = (
        BATCH_DOMAIN,
        desk_id,
        str(prev_seq),
        prev_hash,
        batch_id,
        created_at,
        hashlib.sha256(body).hexdigest(),
    )
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class Receipt:
    gateway_id: str
    desk_id: str
    seq: int
    head_hash: str
    received_at: str
    signature: str

    def message(self) -> bytes:
        return receipt_message(
            self.gateway_id, self.desk_id, self.seq, self.head_hash, self.received_at
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "gateway_id": self.gateway_id,
            "desk_id": self.desk_id,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "received_at": self.received_at,
            "signature": self.signature,
        }

    @classmethod
    def from_json(cls, doc: Any) -> Receipt:
        """ValueError when the document is not a receipt's shape."""
        if not isinstance(doc, dict):
            raise ValueError("receipt is not an object")
        try:
            receipt = cls(
                str(doc["gateway_id"]),
                str(doc["desk_id"]),
                doc["seq"],
                str(doc["head_hash"]),
                str(doc["received_at"]),
                str(doc["signature"]),
            )
        except KeyError as exc:
            raise ValueError(f"receipt lacks {exc}") from None
        if not isinstance(receipt.seq, int) or isinstance(receipt.seq, bool) or receipt.seq < 0:
            raise ValueError("receipt seq is not a sequence number")
        return receipt


def receipt_message(
    gateway_id: str, desk_id: str, seq: int, head_hash: str, received_at: str
) -> bytes:
    return "|".join((RECEIPT_DOMAIN, gateway_id, desk_id, str(seq), head_hash, received_at)).encode(
        "utf-8"
    )


def sign_receipt(
    key: Ed25519PrivateKey, desk_id: str, seq: int, head_hash: str, received_at: str
) -> Receipt:
    gateway_id = gateway_id_for(public_key_bytes(key))
    message = receipt_message(gateway_id, desk_id, seq, head_hash, received_at)
    return Receipt(gateway_id, desk_id, seq, head_hash, received_at, b64(key.sign(message)))
