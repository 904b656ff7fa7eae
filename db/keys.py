"""Key slots: how a passphrase or the recovery key becomes the ledger key.

Design (DESIGN §4):

* The **recovery key** is 32 random bytes shown once at set-up (and again after a key
  rotation) for the director's safe. The ledger key is *derived* from it with HKDF, so the
  recovery key together with the ledger file opens the ledger even if the key file is lost.
* Each staff account has a **slot**: an X25519 key pair whose private half is wrapped with
  AES-256-GCM under a key stretched from the passphrase by Argon2id, and the ledger key
  sealed to its public half. A passphrase change rewraps one private key; a key rotation
  re-seals the new ledger key to every slot's public key without anybody's passphrase.
* Slots live in a small JSON key file beside the ledger (`<ledger>.keys`). It holds no
  names: a slot is found by an HMAC of the user name under the ledger id.
* A key check value (HMAC of a constant under the ledger key) tells "the key is right but the
  file is damaged" from "this is the wrong key".
* Each slot carries a SHA-256 over its stored fields (`check`), verified when the file is
  read and before any passphrase is tried: a slot damaged on disk is told as damage, never
  as a mistyped passphrase (which would also count toward the delay). Slots written before
  the check existed have none and are accepted as before; every write adds it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from db.connection import CIPHER_SETTINGS, KEY_BYTES
from db.errors import (
    KeySlotDamaged,
    LedgerDamaged,
    UnknownUser,
    WeakPassphrase,
    WrongPassphrase,
    WrongRecoveryKey,
)

KEY_FILE_FORMAT = "clerkdesk-keys"
KEY_FILE_VERSION = 1
MIN_PASSPHRASE_LENGTH = 8

# base32 without padding; the recovery key is read aloud and typed, so it is grouped by 4.
_RECOVERY_CHECK_BYTES = 3
_RECOVERY_GROUP = 4


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. Stored per slot, so raising the default later never locks anyone out."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": "argon2id",
            "t": self.time_cost,
            "m": self.memory_kib,
            "p": self.parallelism,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> KdfParams:
        if d.get("name") != "argon2id":
            raise LedgerDamaged("密钥文件使用了未知的密钥派生算法 / unknown KDF in the key file")
        return cls(time_cost=int(d["t"]), memory_kib=int(d["m"]), parallelism=int(d["p"]))


DEFAULT_KDF = KdfParams()


@dataclass(frozen=True)
class Slot:
    slot_id: str
    kdf: KdfParams
    salt: bytes
    public_key: bytes
    wrapped_private_key: bytes
    sealed_ledger_key: bytes


def _slot_doc(s: Slot) -> dict[str, Any]:
    return {
        "id": s.slot_id,
        "kdf": s.kdf.to_dict(),
        "salt": _b64(s.salt),
        "public_key": _b64(s.public_key),
        "wrapped_private_key": _b64(s.wrapped_private_key),
        "sealed_ledger_key": _b64(s.sealed_ledger_key),
    }


def slot_digest(ledger_id: str, doc: dict[str, Any]) -> str:
    """SHA-256 over a slot's stored fields (as stored, before decoding) and its ledger."""
    fields = {k: v for k, v in doc.items() if k != "check"}
    text = json.dumps([ledger_id, fields], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _parse_slot(ledger_id: str, doc: Any) -> Slot | None:
    """The slot, or None when it fails its check or cannot be decoded (damaged on disk)."""
    try:
        if "check" in doc and not hmac.compare_digest(
            str(doc["check"]), slot_digest(ledger_id, doc)
        ):
            return None
        return Slot(
            slot_id=str(doc["id"]),
            kdf=KdfParams.from_dict(doc["kdf"]),
            salt=_unb64(doc["salt"]),
            public_key=_unb64(doc["public_key"]),
            wrapped_private_key=_unb64(doc["wrapped_private_key"]),
            sealed_ledger_key=_unb64(doc["sealed_ledger_key"]),
        )
    except (LedgerDamaged, ValueError, KeyError, TypeError, AttributeError):
        return None


@dataclass(frozen=True)
class KeyFile:
    ledger_id: str
    key_check: str
    slots: tuple[Slot, ...] = field(default_factory=tuple)
    #: Slots that failed their check, kept verbatim (nothing is deleted) until the account's
    #: slot is re-created or removed.
    damaged: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def slot_for(self, username: str) -> Slot | None:
        wanted = slot_id_for(self.ledger_id, username)
        return next((s for s in self.slots if hmac.compare_digest(s.slot_id, wanted)), None)

    def has_user(self, username: str) -> bool:
        return self.slot_for(username) is not None

    def _keep_damaged(self, slot_id: str) -> tuple[dict[str, Any], ...]:
        return tuple(d for d in self.damaged if d.get("id") != slot_id)

    def without(self, username: str) -> KeyFile:
        wanted = slot_id_for(self.ledger_id, username)
        return replace(
            self,
            slots=tuple(s for s in self.slots if s.slot_id != wanted),
            damaged=self._keep_damaged(wanted),
        )

    def with_slot(self, slot: Slot) -> KeyFile:
        others = tuple(s for s in self.slots if s.slot_id != slot.slot_id)
        return replace(self, slots=(*others, slot), damaged=self._keep_damaged(slot.slot_id))

    # -- serialisation -------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        doc = {
            "format": KEY_FILE_FORMAT,
            "version": KEY_FILE_VERSION,
            "ledger_id": self.ledger_id,
            "cipher": CIPHER_SETTINGS,
            "key_check": self.key_check,
            "slots": [
                *(
                    {**d, "check": slot_digest(self.ledger_id, d)}
                    for d in (_slot_doc(s) for s in self.slots)
                ),
                *self.damaged,
            ],
        }
        return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeyFile:
        # Every slot of it is unusable: told as slot damage, not as a wrong passphrase.
        damaged_file = KeySlotDamaged(
            "密钥文件已损坏或不是 ClerkDesk 密钥文件，这不是口令错误。请中心负责人用恢复密钥打开"
            "（clerkdesk recover），或从备份恢复密钥文件 / the key file is damaged (not a wrong "
            "passphrase): open with the recovery key (clerkdesk recover) or restore it from"
            " a backup"
        )
        try:
            doc = json.loads(data.decode("utf-8"))
            if doc.get("format") != KEY_FILE_FORMAT:
                raise damaged_file
            if doc.get("version") != KEY_FILE_VERSION:
                raise LedgerDamaged(
                    "密钥文件版本较新，请升级 ClerkDesk / the key file is from a newer version"
                )
            ledger_id = str(doc["ledger_id"])
            slots: list[Slot] = []
            damaged: list[dict[str, Any]] = []
            for raw in doc["slots"]:
                slot = _parse_slot(ledger_id, raw)
                if slot is not None:
                    slots.append(slot)
                elif isinstance(raw, dict):
                    damaged.append(raw)
                else:
                    raise damaged_file
            return cls(
                ledger_id=ledger_id,
                key_check=str(doc["key_check"]),
                slots=tuple(slots),
                damaged=tuple(damaged),
            )
        except LedgerDamaged:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise damaged_file from exc


# -- recovery key ----------------------------------------------------------------------


def new_recovery_secret() -> bytes:
    return os.urandom(KEY_BYTES)


def format_recovery_key(secret: bytes) -> str:
    """32 bytes + 3 check bytes → 56 base32 characters in groups of four."""
    check = hashlib.sha256(secret).digest()[:_RECOVERY_CHECK_BYTES]
    text = base64.b32encode(secret + check).decode().rstrip("=")
    return "-".join(text[i : i + _RECOVERY_GROUP] for i in range(0, len(text), _RECOVERY_GROUP))


def parse_recovery_key(text: str) -> bytes:
    """Inverse of `format_recovery_key`, tolerant of case, spaces and dashes; a typo is caught
    by the check bytes and reported as such, not as a wrong key."""
    cleaned = "".join(ch for ch in unicodedata.normalize("NFKC", text).upper() if ch.isalnum())
    # People confuse these when copying from paper; base32 has no 0, 1 or 8.
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    expected_len = len(format_recovery_key(bytes(KEY_BYTES)).replace("-", ""))
    bad = WrongRecoveryKey("恢复密钥格式不正确，请核对后重新输入 / the recovery key is mistyped")
    if len(cleaned) != expected_len:
        raise bad
    try:
        raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:
        raise bad from exc
    secret, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if not hmac.compare_digest(hashlib.sha256(secret).digest()[:_RECOVERY_CHECK_BYTES], check):
        raise bad
    return secret


def ledger_key_from_recovery(secret: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"clerkdesk ledger key v1"
    ).derive(secret)


def key_check_value(ledger_key: bytes) -> str:
    return hmac.new(ledger_key, b"clerkdesk key check v1", hashlib.sha256).hexdigest()


def key_matches(keyfile: KeyFile, ledger_key: bytes) -> bool:
    return hmac.compare_digest(keyfile.key_check, key_check_value(ledger_key))


# -- slots ---------------------------------------------------------------------------------


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFKC", username).strip().casefold()


def slot_id_for(ledger_id: str, username: str) -> str:
    msg = normalise_username(username).encode()
    return hmac.new(ledger_id.encode(), msg, hashlib.sha256).hexdigest()[:32]


def check_passphrase_strength(passphrase: str) -> None:
    """Refuse passphrases that a queue of onlookers could guess at a glance."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(
            f"口令至少需要 {MIN_PASSPHRASE_LENGTH} 个字符 / the passphrase needs at least "
            f"{MIN_PASSPHRASE_LENGTH} characters"
        )
    if len(set(passphrase)) < 4:
        raise WeakPassphrase("口令过于简单，请混用不同字符 / the passphrase is too simple")


def _kek(passphrase: str, salt: bytes, kdf: KdfParams) -> bytes:
    return hash_secret_raw(
        secret=unicodedata.normalize("NFC", passphrase).encode("utf-8"),
        salt=salt,
        time_cost=kdf.time_cost,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def _seal(public_raw: bytes, data: bytes, aad: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    eph_pub = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_raw))
    key = HKDF(hashes.SHA256(), KEY_BYTES, None, b"clerkdesk seal" + eph_pub + public_raw).derive(
        shared
    )
    nonce = os.urandom(12)
    return eph_pub + nonce + AESGCM(key).encrypt(nonce, data, aad)


def _unseal(private: X25519PrivateKey, public_raw: bytes, blob: bytes, aad: bytes) -> bytes:
    eph_pub, nonce, ct = blob[:32], blob[32:44], blob[44:]
    shared = private.exchange(X25519PublicKey.from_public_bytes(eph_pub))
    key = HKDF(hashes.SHA256(), KEY_BYTES, None, b"clerkdesk seal" + eph_pub + public_raw).derive(
        shared
    )
    return AESGCM(key).decrypt(nonce, ct, aad)


def make_slot(
    ledger_id: str, username: str, passphrase: str, ledger_key: bytes, kdf: KdfParams
) -> Slot:
    slot_id = slot_id_for(ledger_id, username)
    aad = f"{ledger_id}/{slot_id}".encode()
    private = X25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    private_raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    salt = os.urandom(16)
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(_kek(passphrase, salt, kdf)).encrypt(nonce, private_raw, aad)
    return Slot(
        slot_id=slot_id,
        kdf=kdf,
        salt=salt,
        public_key=public_raw,
        wrapped_private_key=wrapped,
        sealed_ledger_key=_seal(public_raw, ledger_key, aad),
    )


def _open_private(ledger_id: str, slot: Slot, passphrase: str) -> X25519PrivateKey:
    aad = f"{ledger_id}/{slot.slot_id}".encode()
    nonce, ct = slot.wrapped_private_key[:12], slot.wrapped_private_key[12:]
    try:
        raw = AESGCM(_kek(passphrase, slot.salt, slot.kdf)).decrypt(nonce, ct, aad)
    except InvalidTag as exc:
        raise WrongPassphrase("口令不正确 / wrong passphrase") from exc
    return X25519PrivateKey.from_private_bytes(raw)


def slot_damaged(username: str) -> KeySlotDamaged:
    return KeySlotDamaged(
        f"账号“{username}”的密钥槽已损坏（密钥文件被改动或磁盘出错），这不是口令错误。请管理员用 "
        f"clerkdesk user reset {username} 为该账号重设口令，或从备份恢复密钥文件 / the key slot "
        f"of {username!r} is damaged (not a wrong passphrase): an admin resets it with "
        f"`clerkdesk user reset {username}`, or restores the key file from a backup"
    )


def _find_slot(keyfile: KeyFile, username: str) -> Slot:
    """The account's slot, proven undamaged; a damaged one is never tried."""
    slot = keyfile.slot_for(username)
    if slot is not None:
        return slot
    # The damaged slot may be this account's even if its id is what was garbled.
    if keyfile.damaged:
        raise slot_damaged(username)
    raise UnknownUser(f"没有账号“{username}” / no account named {username!r}")


def unlock_slot(keyfile: KeyFile, username: str, passphrase: str) -> bytes:
    """The ledger key, or `UnknownUser` / `WrongPassphrase` / `KeySlotDamaged`. Touches
    nothing on disk."""
    slot = _find_slot(keyfile, username)
    private = _open_private(keyfile.ledger_id, slot, passphrase)
    aad = f"{keyfile.ledger_id}/{slot.slot_id}".encode()
    try:
        ledger_key = _unseal(private, slot.public_key, slot.sealed_ledger_key, aad)
    except (InvalidTag, ValueError) as exc:
        raise slot_damaged(username) from exc
    if not key_matches(keyfile, ledger_key):
        raise LedgerDamaged("密钥文件与台账不匹配 / the key file does not match its ledger")
    return ledger_key


def rewrap_slot(
    keyfile: KeyFile, username: str, old_passphrase: str, new_passphrase: str, kdf: KdfParams
) -> Slot:
    """A passphrase change: same key pair, new wrapping. Proves the old passphrase first."""
    slot = _find_slot(keyfile, username)
    private = _open_private(keyfile.ledger_id, slot, old_passphrase)
    aad = f"{keyfile.ledger_id}/{slot.slot_id}".encode()
    private_raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    salt = os.urandom(16)
    nonce = os.urandom(12)
    wrapped = nonce + AESGCM(_kek(new_passphrase, salt, kdf)).encrypt(nonce, private_raw, aad)
    return replace(slot, kdf=kdf, salt=salt, wrapped_private_key=wrapped)


def reseal_all(keyfile: KeyFile, new_ledger_key: bytes) -> KeyFile:
    """Key rotation: seal the new ledger key to every slot, no passphrase needed."""
    slots = tuple(
        replace(
            s,
            sealed_ledger_key=_seal(
                s.public_key, new_ledger_key, f"{keyfile.ledger_id}/{s.slot_id}".encode()
            ),
        )
        for s in keyfile.slots
    )
    return replace(keyfile, slots=slots, key_check=key_check_value(new_ledger_key))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)
