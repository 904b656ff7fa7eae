"""Masking: the one place ID and phone numbers are hidden on anything printed."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from printing.masking import MASK, mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("510421199001011234", "510421********1234"),
        ("51042119900101123X", "510421********123X"),
        ("510421900101123", "510421*****1123"),  # 15-digit first-generation ID
        ("E12345678", "E1*****78"),  # passport
        ("1234", "1**4"),
        ("", ""),
        ("  510421199001011234 ", "510421********1234"),
    ],
)
def test_mask_id_number_examples(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138-****-5678"),
        ("0812-8171234", "0812-***1234"),
        ("(0812) 8171234", "(0812) ***1234"),
        ("+86 13812345678", "+86 1******5678"),
        ("12345", "***45"),
        ("110", "***"),
        ("", ""),
        ("无", "无"),
    ],
)
def test_mask_phone_examples(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [("王秀英", "王*英"), ("李明", "李*"), ("欧阳娜娜", "欧**娜"), ("张", "张"), ("", "")],
)
def test_mask_name_examples(value: str, masked: str) -> None:
    assert mask_name(value) == masked


id_chars = st.text(alphabet=string.digits + "Xx" + string.ascii_uppercase, max_size=30)
any_text = st.text(max_size=40)


@given(id_chars)
def test_id_mask_keeps_length_and_hides_the_middle(value: str) -> None:
    masked = mask_id_number(value)
    assert len(masked) == len(value)
    visible = sum(ch != MASK for ch in masked)
    if len(value) >= 11:
        assert masked[:6] == value[:6] and masked[-4:] == value[-4:]
        assert masked[6:-4] == MASK * (len(value) - 10)
    else:
        assert visible <= len(value) // 2  # never more than half shown


@given(any_text)
def test_id_mask_is_idempotent_and_never_widens(value: str) -> None:
    once = mask_id_number(value)
    assert mask_id_number(once) == once
    assert len(once) == len(value.strip())


@given(st.from_regex(r"\A1[3-9][0-9]{9}\Z"))
def test_mobile_numbers_show_prefix_and_last_four(value: str) -> None:
    assert mask_phone(value) == value[:3] + MASK * 4 + value[-4:]


@given(any_text)
def test_phone_mask_keeps_separators_and_is_idempotent(value: str) -> None:
    masked = mask_phone(value)
    stripped = value.strip()
    assert len(masked) == len(stripped)
    for original, out in zip(stripped, masked, strict=True):
        if not (original.isdigit() or original == MASK):
            assert out == original  # separators and letters stay in place
    assert mask_phone(masked) == masked


@given(st.text(alphabet=string.digits + "-() +", max_size=25))
def test_phone_mask_hides_digits(value: str) -> None:
    masked = mask_phone(value)
    digits = sum(ch.isdigit() for ch in value)
    shown = sum(ch.isdigit() for ch in masked)
    if digits >= 7:
        assert shown <= max(digits - 1, 0)
        assert [c for c in masked if c.isdigit()][-4:] == [c for c in value if c.isdigit()][-4:]
    if digits <= 3:
        assert shown == 0


@given(any_text)
def test_name_mask_keeps_length_and_is_idempotent(value: str) -> None:
    masked = mask_name(value)
    assert len(masked) == len(value.strip())
    assert mask_name(masked) == masked
