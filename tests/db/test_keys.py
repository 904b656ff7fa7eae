from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from db import keys
from db.errors import LedgerDamaged, UnknownUser, WeakPassphrase, WrongPassphrase, WrongRecoveryKey
from tests.conftest import FAST_KDF


@given(st.binary(min_size=32, max_size=32))
def test_recovery_key_round_trips(secret: bytes) -> None:
    text = keys.format_recovery_key(secret)
    assert len(text.split("-")) == 14
    assert keys.parse_recovery_key(text) == secret
    assert keys.parse_recovery_key(text.lower().replace("-", " ")) == secret


@given(st.binary(min_size=32, max_size=32), st.integers(0, 55), st.sampled_from("ABCDEFGH234567"))
def test_a_typo_in_the_recovery_key_is_caught(secret: bytes, pos: int, char: str) -> None:
    # 35 bytes are exactly 56 base32 characters: every character carries key or check bits.
    text = keys.format_recovery_key(secret).replace("-", "")
    if text[pos] == char:
        return
    with pytest.raises(WrongRecoveryKey):
        keys.parse_recovery_key(text[:pos] + char + text[pos + 1 :])


@given(st.text(max_size=80))
def test_parse_recovery_key_only_ever_says_wrong_key(text: str) -> None:
    with contextlib.suppress(WrongRecoveryKey):
        keys.parse_recovery_key(text)


def _keyfile(users: dict[str, str]) -> tuple[keys.KeyFile, bytes]:
    ledger_key = keys.ledger_key_from_recovery(keys.new_recovery_secret())
    kf = keys.KeyFile(ledger_id="L1", key_check=keys.key_check_value(ledger_key))
    for user, pw in users.items():
        kf = kf.with_slot(keys.make_slot("L1", user, pw, ledger_key, FAST_KDF))
    return kf, ledger_key


def test_each_slot_opens_with_its_own_passphrase_only() -> None:
    kf, ledger_key = _keyfile({"zhang": "zhang pass 1", "li": "li pass 22"})
    assert keys.unlock_slot(kf, "zhang", "zhang pass 1") == ledger_key
    assert keys.unlock_slot(kf, "LI ", "li pass 22") == ledger_key  # names are case-folded
    with pytest.raises(WrongPassphrase):
        keys.unlock_slot(kf, "zhang", "li pass 22")
    with pytest.raises(UnknownUser):
        keys.unlock_slot(kf, "wang", "zhang pass 1")


def test_key_file_holds_no_user_names_or_keys_in_clear() -> None:
    kf, ledger_key = _keyfile({"zhangsan": "zhang pass 1"})
    raw = kf.to_bytes()
    assert b"zhangsan" not in raw
    assert ledger_key.hex().encode() not in raw
    assert keys.KeyFile.from_bytes(raw) == kf


def test_rewrap_changes_only_the_wrapping() -> None:
    kf, ledger_key = _keyfile({"zhang": "zhang pass 1"})
    slot = keys.rewrap_slot(kf, "zhang", "zhang pass 1", "new pass 123", FAST_KDF)
    kf2 = kf.with_slot(slot)
    assert keys.unlock_slot(kf2, "zhang", "new pass 123") == ledger_key
    with pytest.raises(WrongPassphrase):
        keys.unlock_slot(kf2, "zhang", "zhang pass 1")
    with pytest.raises(WrongPassphrase):
        keys.rewrap_slot(kf, "zhang", "not it at all", "x" * 10, FAST_KDF)


def test_reseal_gives_every_slot_the_new_key_without_passphrases() -> None:
    kf, _ = _keyfile({"zhang": "zhang pass 1", "li": "li pass 22"})
    new_key = keys.ledger_key_from_recovery(keys.new_recovery_secret())
    kf2 = keys.reseal_all(kf, new_key)
    assert keys.unlock_slot(kf2, "zhang", "zhang pass 1") == new_key
    assert keys.unlock_slot(kf2, "li", "li pass 22") == new_key


def test_removed_slot_no_longer_opens() -> None:
    kf, _ = _keyfile({"zhang": "zhang pass 1", "li": "li pass 22"})
    with pytest.raises(UnknownUser):
        keys.unlock_slot(kf.without("li"), "li", "li pass 22")


@given(st.binary(max_size=400))
def test_garbage_key_file_is_reported_as_damaged(data: bytes) -> None:
    with contextlib.suppress(LedgerDamaged):
        keys.KeyFile.from_bytes(data)


@pytest.mark.parametrize("weak", ["short", "aaaaaaaaaaaa", "abababababab"])
def test_weak_passphrases_are_refused(weak: str) -> None:
    with pytest.raises(WeakPassphrase):
        keys.check_passphrase_strength(weak)
