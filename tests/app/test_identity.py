"""Identity and contact validation: resident IDs (GB 11643), permits, USCC (GB 32100),
phones and names — example cases and properties."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.identity import (
    USCC_ALPHABET,
    IdType,
    check_id,
    check_name,
    check_phone,
    check_printable,
    resident_id_check_char,
    uscc_check_char,
)
from tests.han_strategies import han

D = dt.date
TODAY = D(2026, 11, 29)
PROPS = settings(max_examples=250, deadline=None)


def with_check(body17: str) -> str:
    return body17 + resident_id_check_char(body17)


# --------------------------------------------------------------------------------------
# Resident ID


def test_known_check_characters() -> None:
    # The GB 11643 worked example: 11010519491231002X.
    assert resident_id_check_char("11010519491231002") == "X"
    assert check_id(IdType.RESIDENT_ID, "11010519491231002x", today=TODAY).number == (
        "11010519491231002X"
    )


def test_resident_id_gives_birth_date_and_sex() -> None:
    male = check_id(IdType.RESIDENT_ID, with_check("51042119900101123"), today=TODAY)
    assert male.birth_date == D(1990, 1, 1) and male.sex == "male" and male.warnings == ()
    female = check_id("resident_id", with_check("51042119851231124"), today=TODAY)
    assert female.sex == "female" and female.id_type is IdType.RESIDENT_ID


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "请输入居民身份证号码"),
        ("510421900101123", "15位旧身份证"),
        ("5104211990010112", "应为18位"),
        ("51042119900101123A", "17位数字"),
        (with_check("51042119900230123"), "不是有效日期"),
        (with_check("51042120261130123"), "晚于今天"),
        (with_check("51042118991231123"), "早于1900年"),
        ("510421199001011230", "校验位不正确"),  # the right one is 3
    ],
)
def test_resident_id_errors(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_id(IdType.RESIDENT_ID, raw, today=TODAY)
    assert err.value.field == "id_number"
    assert fragment in err.value.message


def test_birth_today_is_fine_and_field_can_be_named() -> None:
    assert check_id("resident_id", with_check("51042120261129123"), today=TODAY).birth_date == TODAY
    with pytest.raises(InvalidInput) as err:
        check_id("resident_id", "1", field="agent_id_number")
    assert err.value.field == "agent_id_number"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("00042119900101123", "不是已知的省级代码"),
        ("72042119900101123", "不是已知的省级代码"),
        ("81000019900101123", "港澳台居民居住证"),
        ("91115619900101123", "外国人永久居留身份证"),
    ],
)
def test_unusual_area_codes_only_warn(body: str, fragment: str) -> None:
    result = check_id(IdType.RESIDENT_ID, with_check(body), today=TODAY)
    assert len(result.warnings) == 1 and fragment in result.warnings[0]


def test_unknown_id_type() -> None:
    with pytest.raises(InvalidInput) as err:
        check_id("driving_licence", "123")
    assert err.value.field == "id_type"


def test_labels() -> None:
    assert IdType.RESIDENT_ID.label == "居民身份证"
    assert IdType.HMT_RESIDENCE_PERMIT.label == "港澳台居民居住证"
    assert IdType.USCC.label == "统一社会信用代码"
    assert all(t.label for t in IdType)


PROVINCES = ["11", "12", "13", "21", "31", "32", "33", "37", "44", "50", "51", "54", "65"]


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[str, dt.date, int]:
    area = draw(
        st.sampled_from(["510421", "110105", "440305", "650102"])
        | st.builds(lambda p, rest: p + f"{rest:04d}", st.sampled_from(PROVINCES),
                    st.integers(0, 9999))
    )  # fmt: skip
    born = draw(st.dates(min_value=D(1900, 1, 1), max_value=TODAY))
    seq = draw(st.integers(min_value=0, max_value=999))
    return with_check(f"{area}{born:%Y%m%d}{seq:03d}"), born, seq


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


@PROPS
@given(resident_ids(), st.data())
def test_valid_resident_ids_pass_and_normalise(
    generated: tuple[str, dt.date, int], data: st.DataObject
) -> None:
    number, born, seq = generated
    result = check_id(IdType.RESIDENT_ID, number, today=TODAY)
    assert result.number == number
    assert result.birth_date == born
    assert result.sex == ("male" if seq % 2 else "female")
    assert result.warnings == ()
    # The same number typed differently normalises to the same thing.
    spaced = " ".join([number[:6], number[6:14], number[14:]])
    variants = [number.lower(), spaced, f"  {number}\t", number.translate(FULL_WIDTH)]
    typed = data.draw(st.sampled_from(variants))
    assert check_id(IdType.RESIDENT_ID, typed, today=TODAY).number == number


@PROPS
@given(resident_ids(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(
    generated: tuple[str, dt.date, int], position: int, delta: int
) -> None:
    number = generated[0]
    digit = str((int(number[position]) + delta) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(InvalidInput) as err:
        check_id(IdType.RESIDENT_ID, changed, today=TODAY)
    assert err.value.field == "id_number"


@PROPS
@given(resident_ids(), st.integers(min_value=0, max_value=15))
def test_adjacent_swaps_are_caught(generated: tuple[str, dt.date, int], position: int) -> None:
    number = generated[0]
    a, b = number[position], number[position + 1]
    if a == b:
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    with pytest.raises(InvalidInput):
        check_id(IdType.RESIDENT_ID, swapped, today=TODAY)


@PROPS
@given(resident_ids(), st.sampled_from("0123456789X"))
def test_a_wrong_check_character_is_caught(generated: tuple[str, dt.date, int], check: str) -> None:
    number = generated[0]
    if check == number[17]:
        return
    with pytest.raises(InvalidInput) as err:
        check_id(IdType.RESIDENT_ID, number[:17] + check, today=TODAY)
    assert "校验位" in err.value.message


# --------------------------------------------------------------------------------------
# HMT residence permit, foreign permanent ID, passport, permits


def test_hmt_residence_permit() -> None:
    for prefix in ("810000", "820000", "830000"):
        result = check_id(
            IdType.HMT_RESIDENCE_PERMIT, with_check(prefix + "19880808002"), today=TODAY
        )
        assert result.birth_date == D(1988, 8, 8) and result.sex == "female"
        assert result.warnings == ()
    with pytest.raises(InvalidInput, match="810000"):
        check_id(IdType.HMT_RESIDENCE_PERMIT, with_check("51042119880808002"), today=TODAY)
    with pytest.raises(InvalidInput, match="校验位"):
        check_id(IdType.HMT_RESIDENCE_PERMIT, "810000198808080020", today=TODAY)
    with pytest.raises(InvalidInput, match="18位"):
        check_id(IdType.HMT_RESIDENCE_PERMIT, "8100001988080800", today=TODAY)


def test_foreign_permanent_id() -> None:
    new = check_id(IdType.FOREIGN_PERMANENT_ID, with_check("93684019850315001"), today=TODAY)
    assert new.number.startswith("9") and new.birth_date == D(1985, 3, 15)
    assert new.warnings == () and new.sex is None
    odd = check_id(IdType.FOREIGN_PERMANENT_ID, with_check("93684019851315001"), today=TODAY)
    assert odd.birth_date is None and "出生日期" in odd.warnings[0]  # warn, don't block
    old = check_id(IdType.FOREIGN_PERMANENT_ID, "usa 1100 8503 1500", today=TODAY)
    assert old.number == "USA110085031500"
    with pytest.raises(InvalidInput, match="校验位"):
        check_id(IdType.FOREIGN_PERMANENT_ID, "936840198503150010", today=TODAY)
    with pytest.raises(InvalidInput, match="以9开头"):
        check_id(IdType.FOREIGN_PERMANENT_ID, "US1100850315001", today=TODAY)


@pytest.mark.parametrize(
    ("id_type", "raw", "number", "warned"),
    [
        (IdType.PASSPORT, "e1234 5678", "E12345678", False),
        (IdType.PASSPORT, "EA1234567", "EA1234567", False),
        (IdType.PASSPORT, "123456789", "123456789", False),  # e.g. a US passport
        (IdType.HK_MACAU_PERMIT, "h12345678", "H12345678", False),
        (IdType.HK_MACAU_PERMIT, "M1234567801", "M1234567801", False),
        (IdType.TAIWAN_PERMIT, "０１２３４５６７", "01234567", False),
        (IdType.TAIWAN_PERMIT, "12345678(B)", "12345678B", True),
        (IdType.TAIWAN_PERMIT, "1234567890", "1234567890", True),
    ],
)
def test_permit_and_passport_formats(id_type: IdType, raw: str, number: str, warned: bool) -> None:
    result = check_id(id_type, raw, today=TODAY)
    assert result.number == number and bool(result.warnings) == warned
    assert result.birth_date is None and result.sex is None


@pytest.mark.parametrize(
    ("id_type", "raw", "fragment"),
    [
        (IdType.PASSPORT, "E123", "5至15位"),
        (IdType.PASSPORT, "ABCDEFGH", "包含数字"),
        (IdType.PASSPORT, "E1234567*", "5至15位"),
        (IdType.HK_MACAU_PERMIT, "C12345678", "H或M"),
        (IdType.HK_MACAU_PERMIT, "H1234567", "H或M"),
        (IdType.TAIWAN_PERMIT, "1234567", "8位数字"),
        (IdType.TAIWAN_PERMIT, "A1234567", "8位数字"),
    ],
)
def test_permit_and_passport_errors(id_type: IdType, raw: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_id(id_type, raw, today=TODAY)
    assert fragment in err.value.message


# --------------------------------------------------------------------------------------
# Unified social credit code

AUTHORITIES = "123456789ANY"


@st.composite
def usccs(draw: st.DrawFn) -> str:
    body = draw(st.sampled_from(AUTHORITIES)) + "".join(
        draw(st.lists(st.sampled_from(USCC_ALPHABET), min_size=16, max_size=16))
    )
    return body + uscc_check_char(body)


def test_uscc_weights_and_a_known_code() -> None:
    # The GB 32100 weights are 3^(i-1) mod 31.
    assert [pow(3, i, 31) for i in range(17)][:6] == [1, 3, 9, 27, 19, 26]
    # A code whose check character was computed by hand from the formula.
    body = "91510421MA62N1234"
    values = [USCC_ALPHABET.index(c) for c in body]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    expected = USCC_ALPHABET[
        (31 - sum(v * w for v, w in zip(values, weights, strict=True)) % 31) % 31
    ]
    assert uscc_check_char(body) == expected


@PROPS
@given(usccs())
def test_valid_uscc_passes_without_warning(code: str) -> None:
    result = check_id(IdType.USCC, code.lower())
    assert result.number == code and result.warnings == ()


@PROPS
@given(usccs(), st.sampled_from(USCC_ALPHABET))
def test_corrupted_uscc_check_character_warns_only(code: str, check: str) -> None:
    if check == code[17]:
        return
    result = check_id(IdType.USCC, code[:17] + check)
    assert result.number == code[:17] + check
    assert len(result.warnings) == 1 and "校验位" in result.warnings[0]


def test_uscc_errors_and_authority_warning() -> None:
    with pytest.raises(InvalidInput, match="18位"):
        check_id(IdType.USCC, "91510421MA62N123")
    with pytest.raises(InvalidInput, match="I、O"):
        check_id(IdType.USCC, "91510421MA62NO2345")
    odd = "B1510421MA62N1234"
    result = check_id(IdType.USCC, odd + uscc_check_char(odd))
    assert len(result.warnings) == 1 and "登记管理部门码" in result.warnings[0]


# --------------------------------------------------------------------------------------
# Fuzz: nothing but InvalidInput escapes


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(IdType)), st.text())
def test_check_id_only_raises_invalid_input(id_type: IdType, raw: str) -> None:
    with contextlib.suppress(InvalidInput):
        check_id(id_type, raw, today=TODAY)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(list(IdType)),
    st.text(alphabet="0123456789Xx ０１９ｘ-HMEGUSA()（）", max_size=22),
)
def test_check_id_on_id_like_text(id_type: IdType, raw: str) -> None:
    with contextlib.suppress(InvalidInput):
        result = check_id(id_type, raw, today=TODAY)
        assert result.number and " " not in result.number


@settings(max_examples=300, deadline=None)
@given(st.text() | st.text(alphabet="0123456789+-() 转xext#８６", max_size=25))
def test_check_phone_only_raises_invalid_input(raw: str) -> None:
    with contextlib.suppress(InvalidInput):
        result = check_phone(raw)
        assert result.kind in ("mobile", "landline")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_check_name_only_raises_invalid_input(raw: str) -> None:
    with contextlib.suppress(InvalidInput):
        name = check_name(raw)
        assert name == name.strip() and "  " not in name and name


# --------------------------------------------------------------------------------------
# Phones

mobiles = st.builds(
    lambda second, rest: f"1{second}{rest:09d}",
    st.sampled_from("3456789"),
    st.integers(min_value=0, max_value=10**9 - 1),
)
AREA_CODES = ["010", "020", "021", "028", "0812", "0755", "0371", "0991"]


@st.composite
def decorated_mobiles(draw: st.DrawFn) -> tuple[str, str]:
    number = draw(mobiles)
    prefix = draw(st.sampled_from(["", "+86 ", "+86-", "86", "0086 ", "(+86) ", "+86"]))
    style = draw(st.sampled_from(["plain", "3-4-4", "spaces", "full-width"]))
    text = number
    if style == "3-4-4":
        text = f"{number[:3]}-{number[3:7]}-{number[7:]}"
    elif style == "spaces":
        text = f"{number[:3]} {number[3:7]} {number[7:]}"
    elif style == "full-width":
        text = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return prefix + text, number


@PROPS
@given(decorated_mobiles())
def test_mobiles_normalise_to_eleven_digits(case: tuple[str, str]) -> None:
    raw, number = case
    assert check_phone(raw) == check_phone(number)
    result = check_phone(raw)
    assert result.normalised == number and result.kind == "mobile"


@st.composite
def landlines(draw: st.DrawFn) -> tuple[str, str]:
    area = draw(st.sampled_from(AREA_CODES))
    length = 8 if len(area) == 3 else draw(st.sampled_from([7, 8]))
    local = str(draw(st.integers(2, 9))) + "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=length - 1, max_size=length - 1))
    )
    ext = draw(st.none() | st.integers(min_value=1, max_value=9999).map(str))
    style = draw(st.sampled_from(["{a}-{l}", "({a}){l}", "{a} {l}", "{a}{l}", "+86 {a0} {l}"]))
    raw = style.format(a=area, l=local, a0=area[1:])
    if ext is not None:
        raw += draw(st.sampled_from(["-", "转", " ext ", "x", "#", " 分机"])) + ext
    expected = f"{area}-{local}" + (f"-{ext}" if ext else "")
    return raw, expected


@PROPS
@given(landlines())
def test_landlines_normalise(case: tuple[str, str]) -> None:
    raw, expected = case
    result = check_phone(raw)
    assert result == type(result)(expected, "landline"), raw


@pytest.mark.parametrize(
    ("raw", "normalised", "kind"),
    [
        ("138 1234 5678", "13812345678", "mobile"),
        ("+86 138-1234-5678", "13812345678", "mobile"),
        ("0812-8123456", "0812-8123456", "landline"),
        ("(0812) 812 3456", "0812-8123456", "landline"),
        ("0812-8123456-801", "0812-8123456-801", "landline"),
        ("0812-8123456转801", "0812-8123456-801", "landline"),
        ("+86 10 6123 4567", "010-61234567", "landline"),
        ("010-61234567", "010-61234567", "landline"),
        ("08128123456-7", "0812-8123456-7", "landline"),
        ("0371 6123 4567", "0371-61234567", "landline"),
        ("0371-6123-4567", "0371-61234567", "landline"),
        ("(+86) 138 1234 5678", "13812345678", "mobile"),
    ],
)
def test_phone_examples(raw: str, normalised: str, kind: str) -> None:
    result = check_phone(raw)
    assert (result.normalised, result.kind) == (normalised, kind)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "请输入电话号码"),
        ("   ", "请输入电话号码"),
        ("8123456", "请加区号"),
        ("12812345678", "请输入11位手机号或带区号的固定电话"),  # 12x is not a mobile range
        ("1381234567", "请输入11位手机号或带区号的固定电话"),
        ("138123456789", "请输入11位手机号或带区号的固定电话"),
        ("0112345678", "请输入11位手机号或带区号的固定电话"),  # 011 is no area code
        ("0812-0123456", "请输入11位手机号或带区号的固定电话"),  # local starts with 0
        ("13812345678转12", "手机号不能带分机号"),
        ("0812-8123456转1234567", "分机号"),
        ("+1 415 555 0100", "+86"),
        ("电话13812345678", "请输入11位手机号或带区号的固定电话"),
        ("138+12345678", "请输入11位手机号或带区号的固定电话"),
    ],
)
def test_phone_errors(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_phone(raw)
    assert err.value.field == "phone"
    assert fragment in err.value.message


# --------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("  张三 ", "张三"),
        ("张　三", "张三"),  # full-width space used to pad two-character names
        ("欧阳  娜娜", "欧阳娜娜"),
        ("买买提·艾力", "买买提·艾力"),
        ("买买提.艾力", "买买提·艾力"),
        ("买买提 ・ 艾力", "买买提·艾力"),
        ("阿卜杜•热合曼", "阿卜杜·热合曼"),
        ("买买提··艾力", "买买提·艾力"),
        ("John  F.   Kennedy", "John F. Kennedy"),
        ("Ｊｏｈｎ Ｓｍｉｔｈ", "John Smith"),
        ("O'Brien-Smith", "O'Brien-Smith"),
        ("José Müller", "José Müller"),
        ("王〇", "王〇"),
        ("米易县第1分公司", "米易县第1分公司"),
    ],
)
def test_names(raw: str, name: str) -> None:
    assert check_name(raw) == name


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "请输入姓名"),
        (" \t ", "请输入姓名"),
        ("12345", "必须包含文字"),
        ("·-·", "必须包含文字"),
        ("张三😀", "不能含有字符"),
        ("张三<script>", "不能含有字符"),
        ("·张三", "不能以符号"),
        ("张" * 101, "过长"),
    ],
)
def test_name_errors(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_name(raw)
    assert err.value.field == "name"
    assert fragment in err.value.message


def test_name_length_is_configurable() -> None:
    assert check_name("张" * 20, max_length=20) == "张" * 20
    with pytest.raises(InvalidInput):
        check_name("张" * 21, max_length=20)


# -- 生僻字: what the bundled fonts print is accepted; what none has is refused, named


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=han, min_size=1, max_size=6))
def test_a_name_of_rare_characters_from_any_block_is_kept_as_typed(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("raw", ["王\U00030041", "\U00031353明"])
def test_a_character_no_bundled_font_has_is_refused_with_its_code_point(raw: str) -> None:
    ch = next(c for c in raw if ord(c) > 0x30000)
    with pytest.raises(InvalidInput) as info:
        check_name(raw, field="applicant.name")
    assert info.value.field == "applicant.name"
    assert f"姓名中的“{ch}”（U+{ord(ch):04X}）无法打印" in str(info.value)


def test_check_printable_returns_printable_text_and_refuses_the_rest() -> None:
    assert check_printable("米易县𰻞𰻞面馆旁", field="x") == "米易县𰻞𰻞面馆旁"
    with pytest.raises(InvalidInput, match=r"地址中的“\U00030041”（U\+30041）无法打印"):
        check_printable("新河村\U00030041组", field="applicant.address", label="地址")
