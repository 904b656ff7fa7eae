"""Applicant identity and contact validation: ID numbers, phone numbers, names.

Pure functions over typed text. Each `check_*` either returns a normalised value (with
warnings a clerk should see but that must not block the intake) or raises `InvalidInput`
with a Chinese message (English gloss after " / "). No other exception escapes for any
string.

Rules (see also ../shared/FIELD-NOTES.md):
* Resident ID (GB 11643-1999): 6-digit area code + 8-digit birth date + 3-digit sequence
  (odd = male) + check character ISO 7064 MOD 11-2 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4
  2, sum mod 11 indexes "10X98765432"). A wrong check character or an impossible/future/pre-1900
  birth date is an error; an unknown province code is only a warning (codes change).
* HK/Macau/Taiwan residence permit (港澳台居民居住证): same structure and check character,
  area code 810000 / 820000 / 830000.
* Foreign permanent residence ID (外国人永久居留身份证): since 2023-12-01, 18 characters
  starting with 9 with the same MOD 11-2 check character (National Immigration
  Administration rules for the 2023 card); before, 15 characters: 3 letters + 12 digits.
  The birth date is read from positions 7–14 of the new number on a best-effort basis.
* Unified social credit code (GB 32100-2015): 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY";
  check character with weights 3^(i-1) mod 31. A mismatch is a warning: some real codes fail.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from app.errors import InvalidInput
from printing.fonts import is_han, missing_glyphs

__all__ = [
    "IdCheck",
    "IdType",
    "PhoneCheck",
    "Sex",
    "check_id",
    "check_name",
    "check_phone",
    "resident_id_check_char",
    "uscc_check_char",
]

Sex = Literal["male", "female"]


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"
    PASSPORT = "passport"
    HK_MACAU_PERMIT = "hk_macau_permit"
    TAIWAN_PERMIT = "taiwan_permit"
    HMT_RESIDENCE_PERMIT = "hmt_residence_permit"
    FOREIGN_PERMANENT_ID = "foreign_permanent_id"
    USCC = "uscc"

    @property
    def label(self) -> str:
        """The Chinese name shown in forms and printed on slips."""
        return _LABELS[self]


_LABELS: dict[IdType, str] = {
    IdType.RESIDENT_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAU_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.HMT_RESIDENCE_PERMIT: "港澳台居民居住证",
    IdType.FOREIGN_PERMANENT_ID: "外国人永久居留身份证",
    IdType.USCC: "统一社会信用代码",
}


@dataclass(frozen=True)
class IdCheck:
    id_type: IdType
    number: str
    birth_date: dt.date | None = None
    sex: Sex | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhoneCheck:
    normalised: str
    kind: Literal["mobile", "landline"]


# --------------------------------------------------------------------------------------
# Check characters


_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHARS = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 32100 registration authority codes (登记管理部门码): 1 机构编制, 2 外交, 3 司法行政, 4 文化,
# 5 民政, 6 旅游, 7 宗教, 8 工会, 9 市场监管, A 中央军委改革和编制办公室, N 农业, Y 其他.
_USCC_AUTHORITIES = set("123456789ANY")


def resident_id_check_char(body17: str) -> str:
    """GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(body17) != 17 or not body17.isascii() or not body17.isdigit():
        raise ValueError("need 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(body17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHARS[total % 11]


def uscc_check_char(body17: str) -> str:
    """GB 32100 check character of the first 17 characters."""
    if len(body17) != 17 or any(c not in _USCC_VALUE for c in body17):
        raise ValueError("need 17 characters of the USCC alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


# --------------------------------------------------------------------------------------
# ID numbers

# Provinces (GB/T 2260 first two digits) plus 71 Taiwan and 81/82 Hong Kong/Macau.
_PROVINCES = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
}
_HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}
_EARLIEST_BIRTH = dt.date(1900, 1, 1)

_ID18 = re.compile(r"\d{17}[\dX]")
_WHITESPACE_AND_DASHES = re.compile(r"[\s\-_]+")


def _clean(raw: object, field: str) -> str:
    """NFKC (full-width → half-width), drop spaces/dashes, upper-case."""
    if not isinstance(raw, str):
        raise InvalidInput(field, "证件号码必须是文本 / ID number must be text")
    text = unicodedata.normalize("NFKC", raw).replace("×", "X")
    return _WHITESPACE_AND_DASHES.sub("", text).upper()


def _birth_date(digits8: str) -> dt.date | None:
    try:
        return dt.date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:8]))
    except ValueError:
        return None


def _check_birth(number: str, field: str, today: dt.date) -> dt.date:
    shown = number[6:14]
    born = _birth_date(shown)
    if born is None:
        raise InvalidInput(
            field, f"出生日期 {shown} 不是有效日期 / birth date {shown} is not a real date"
        )
    if born > today:
        raise InvalidInput(
            field, f"出生日期 {shown} 晚于今天 / birth date {shown} is in the future"
        )
    if born < _EARLIEST_BIRTH:
        raise InvalidInput(
            field, f"出生日期 {shown} 早于1900年 / birth date {shown} is before 1900"
        )
    return born


def _check_gb11643(number: str, field: str, what: str) -> None:
    if not _ID18.fullmatch(number):
        raise InvalidInput(
            field,
            f"{what}号码应为17位数字加1位数字或X / {what}: 17 digits then a digit or X",
        )
    if resident_id_check_char(number[:17]) != number[17]:
        # Never show the expected character: "fixing" it would hide a typo in the body.
        raise InvalidInput(
            field,
            f"{what}号码校验位不正确，请逐位核对 / check character is wrong, re-check every digit",
        )


def _sex(number: str) -> Sex:
    return "male" if int(number[16]) % 2 else "female"


def _resident_id(number: str, field: str, today: dt.date) -> IdCheck:
    if len(number) == 15 and number.isdigit():
        raise InvalidInput(
            field,
            "这是15位旧身份证号码，请提供18位公民身份号码 / "
            "15-digit legacy ID: ask for the 18-digit number",
        )
    if len(number) != 18:
        raise InvalidInput(
            field,
            f"居民身份证号码应为18位，当前为{len(number)}位 / "
            f"resident ID must be 18 characters, got {len(number)}",
        )
    _check_gb11643(number, field, "居民身份证")
    born = _check_birth(number, field, today)
    warnings: list[str] = []
    if number[:6] in _HMT_PREFIXES:
        warnings.append(
            "这是港澳台居民居住证号码，证件类型请选「港澳台居民居住证」 / "
            "this is an HMT residence permit number"
        )
    elif number[0] == "9":
        warnings.append(
            "以9开头的是外国人永久居留身份证号码，请核对证件类型 / "
            "numbers starting with 9 are foreign permanent residence IDs"
        )
    elif number[:2] not in _PROVINCES:
        warnings.append(
            f"地址码前两位 {number[:2]} 不是已知的省级代码，请核对 / "
            f"unknown province code {number[:2]}"
        )
    return IdCheck(IdType.RESIDENT_ID, number, born, _sex(number), tuple(warnings))


def _hmt_permit(number: str, field: str, today: dt.date) -> IdCheck:
    if len(number) != 18:
        raise InvalidInput(
            field,
            f"港澳台居民居住证号码应为18位，当前为{len(number)}位 / "
            f"must be 18 characters, got {len(number)}",
        )
    if number[:6] not in _HMT_PREFIXES:
        raise InvalidInput(
            field,
            "港澳台居民居住证号码应以810000（香港）、820000（澳门）或830000（台湾）开头 / "
            "must start with 810000, 820000 or 830000",
        )
    _check_gb11643(number, field, "港澳台居民居住证")
    born = _check_birth(number, field, today)
    return IdCheck(IdType.HMT_RESIDENCE_PERMIT, number, born, _sex(number))


def _foreign_permanent(number: str, field: str, today: dt.date) -> IdCheck:
    if len(number) == 18 and number[0] == "9":
        _check_gb11643(number, field, "外国人永久居留身份证")
        # Positions 7–14 hold the birth date like a resident ID; read it, but only warn:
        # the layout beyond the check character is not published in a standard we hold.
        born = _birth_date(number[6:14])
        warnings: tuple[str, ...] = ()
        if born is None or born > today or born < _EARLIEST_BIRTH:
            born = None
            warnings = (
                f"未能从号码读出有效出生日期（{number[6:14]}），请核对 / "
                "no valid birth date in the number",
            )
        return IdCheck(IdType.FOREIGN_PERMANENT_ID, number, born, None, warnings)
    if re.fullmatch(r"[A-Z]{3}\d{12}", number):
        return IdCheck(IdType.FOREIGN_PERMANENT_ID, number)
    raise InvalidInput(
        field,
        "外国人永久居留身份证号码应为以9开头的18位，或旧版3位字母加12位数字 / "
        "must be 18 characters starting with 9, or (old card) 3 letters + 12 digits",
    )


def _passport(number: str, field: str) -> IdCheck:
    # ICAO 9303 document numbers: letters and digits; Chinese ones are 9 (E12345678,
    # EA1234567). Allow 5–15 so that every country's numbers fit.
    if not re.fullmatch(r"[A-Z0-9]{5,15}", number):
        raise InvalidInput(
            field, "护照号码应为5至15位字母或数字 / passport number: 5–15 letters or digits"
        )
    if not any(c.isdigit() for c in number):
        raise InvalidInput(field, "护照号码应包含数字 / a passport number contains digits")
    return IdCheck(IdType.PASSPORT, number)


def _hk_macau_permit(number: str, field: str) -> IdCheck:
    # Card since 2013: H (Hong Kong) or M (Macau) + 8 digits; some systems append the 2-digit
    # issue count printed beside it.
    if not re.fullmatch(r"[HM]\d{8}(\d{2})?", number):
        raise InvalidInput(
            field,
            "港澳居民来往内地通行证号码应为H或M加8位数字（可带2位换证次数） / "
            "must be H or M followed by 8 digits (optionally 2 more)",
        )
    return IdCheck(IdType.HK_MACAU_PERMIT, number)


def _taiwan_permit(number: str, field: str) -> IdCheck:
    # Card since 2015: 8 digits. Older booklets: 10 digits, or 8 digits + a letter in
    # parentheses, e.g. 12345678(B): accepted with a warning.
    compact = re.sub(r"[()（）\[\]]", "", number)
    if re.fullmatch(r"\d{8}", compact):
        return IdCheck(IdType.TAIWAN_PERMIT, compact)
    if re.fullmatch(r"\d{10}|\d{8}[A-Z]", compact):
        return IdCheck(
            IdType.TAIWAN_PERMIT,
            compact,
            warnings=("旧版台胞证号码，请核对是否已换领新版（8位数字） / old-style number",),
        )
    raise InvalidInput(
        field,
        "台湾居民来往大陆通行证号码应为8位数字 / Taiwan permit number: 8 digits",
    )


def _uscc(number: str, field: str) -> IdCheck:
    if len(number) != 18:
        raise InvalidInput(
            field,
            f"统一社会信用代码应为18位，当前为{len(number)}位 / "
            f"USCC must be 18 characters, got {len(number)}",
        )
    bad = sorted({c for c in number if c not in _USCC_VALUE})
    if bad:
        shown = "、".join(bad[:5])
        raise InvalidInput(
            field,
            f"统一社会信用代码含有不允许的字符 {shown}（不使用字母 I、O、S、V、Z） / "
            "USCC has characters outside 0-9 and A-Z without I O S V Z",
        )
    warnings: list[str] = []
    if number[0] not in _USCC_AUTHORITIES:
        warnings.append(
            f"登记管理部门码 {number[0]} 不在 GB 32100 的代码表中，请核对 / "
            "unknown registration authority code"
        )
    if uscc_check_char(number[:17]) != number[17]:
        warnings.append(
            "统一社会信用代码校验位不符，请核对（少数真实代码不符合校验规则，可继续） / "
            "USCC check character does not match (some real codes do not): please verify"
        )
    return IdCheck(IdType.USCC, number, warnings=tuple(warnings))


def check_id(
    id_type: IdType | str,
    raw: str,
    *,
    today: dt.date | None = None,
    field: str = "id_number",
) -> IdCheck:
    """Validate and normalise an ID number of the given type.

    Normalisation: Unicode NFKC (full-width digits/letters → ASCII), spaces and dashes removed,
    upper case (x → X). Returns the number with its birth date and sex where the number
    carries them (resident ID, HMT residence permit; birth date only for the new foreign
    permanent ID) and warnings to show. Raises `InvalidInput(field, …)` otherwise; `today`
    (default: the system date) bounds birth dates.
    """
    try:
        kind = IdType(id_type)
    except ValueError:
        raise InvalidInput("id_type", "未知的证件类型 / unknown ID type") from None
    today = today or dt.date.today()
    number = _clean(raw, field)
    if not number:
        raise InvalidInput(field, f"请输入{kind.label}号码 / ID number is empty")
    if kind is IdType.RESIDENT_ID:
        return _resident_id(number, field, today)
    if kind is IdType.HMT_RESIDENCE_PERMIT:
        return _hmt_permit(number, field, today)
    if kind is IdType.FOREIGN_PERMANENT_ID:
        return _foreign_permanent(number, field, today)
    if kind is IdType.PASSPORT:
        return _passport(number, field)
    if kind is IdType.HK_MACAU_PERMIT:
        return _hk_macau_permit(number, field)
    if kind is IdType.TAIWAN_PERMIT:
        return _taiwan_permit(number, field)
    return _uscc(number, field)


# --------------------------------------------------------------------------------------
# Phone numbers

_PHONE_HINT = (
    "请输入11位手机号或带区号的固定电话 / enter an 11-digit mobile or a landline with area code"
)
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)", re.IGNORECASE)
_MOBILE = re.compile(r"1[3-9]\d{9}")
_COUNTRY_86 = re.compile(r"\(?\s*(?:\+|00)\s*86\s*\)?")
# 010 and 02x are the only 3-digit area codes and have 8-digit local numbers; every other area
# code is 0 + 3 digits (0812 …) with 7- or 8-digit local numbers.
_LANDLINE = re.compile(r"(010|02\d)([2-9]\d{7})|(0[3-9]\d\d)([2-9]\d{6,7})")


def check_phone(raw: str, *, field: str = "phone") -> PhoneCheck:
    """Validate a Chinese phone number.

    Mobile: 11 digits 1[3-9]…, optionally after +86 / 0086 / 86; normalised to the 11 digits.
    Landline: area code 010/02x + 8-digit local number, or 0xxx + 7–8 digits; the local number
    does not start with 0 or 1; optional +86 (the trunk 0 may then be left out) and an
    extension of 1–6 digits (after 转, 分机, ext, x or #, or a trailing group after an already
    complete number: 0812-1234567-801); normalised to "0812-1234567" or "0812-1234567-801".
    Spaces, dashes, dots and parentheses are separators. A number without area code, foreign
    numbers and anything else raise `InvalidInput` ("请输入11位手机号或带区号的固定电话").
    """
    if not isinstance(raw, str):
        raise InvalidInput(field, _PHONE_HINT)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise InvalidInput(field, "请输入电话号码 / phone number is empty")
    parts = _EXTENSION.split(text)
    if len(parts) > 2:
        raise InvalidInput(field, _PHONE_HINT)
    main = parts[0]
    extension = re.sub(r"[\s\-.]", "", parts[1]) if len(parts) == 2 else None
    if extension is not None and not re.fullmatch(r"\d{1,6}", extension):
        raise InvalidInput(field, "分机号应为1至6位数字 / extension must be 1–6 digits")
    if not re.fullmatch(r"[\d\s\-.()+]+", main):
        raise InvalidInput(field, _PHONE_HINT)
    international = False
    stripped = main.strip()
    country = _COUNTRY_86.match(stripped)
    if country:
        international = True
        stripped = stripped[country.end() :]
    elif stripped.startswith("+"):
        raise InvalidInput(field, "只接受中国大陆号码（+86） / only mainland numbers (+86)")
    if "+" in stripped:
        raise InvalidInput(field, _PHONE_HINT)
    groups = re.findall(r"\d+", stripped)
    digits = "".join(groups)
    if not international and len(digits) == 13 and digits.startswith("86"):
        international, digits, groups = True, digits[2:], [digits[2:]]  # 8613812345678
    if international and digits and not digits.startswith("0") and not _MOBILE.fullmatch(digits):
        groups[0] = "0" + groups[0]  # +86 812 1234567 / +86 10 …: the trunk 0 is dropped abroad
        digits = "".join(groups)
    if _MOBILE.fullmatch(digits):
        if extension is not None:
            raise InvalidInput(field, "手机号不能带分机号 / a mobile number has no extension")
        return PhoneCheck(digits, "mobile")
    if extension is None and len(groups) >= 2 and len(groups[-1]) <= 6:
        # A trailing group is an extension when the groups before it already make a whole
        # number: 0812-1234567-801, 08121234567-801. (0371 6123 4567 stays one number.)
        head = digits[: -len(groups[-1])]
        if _LANDLINE.fullmatch(head):
            digits, extension = head, groups[-1]
    match = _LANDLINE.fullmatch(digits)
    if match is None:
        if re.fullmatch(r"[2-9]\d{6,7}", digits):
            raise InvalidInput(field, "固定电话请加区号 / add the area code to the landline")
        raise InvalidInput(field, _PHONE_HINT)
    area = match.group(1) or match.group(3)
    local = match.group(2) or match.group(4)
    number = f"{area}-{local}"
    if extension:
        number += f"-{extension}"
    return PhoneCheck(number, "landline")


# --------------------------------------------------------------------------------------
# Names

MAX_NAME_LENGTH = 100
# Middle-dot look-alikes used in transliterated names (买买提·艾力): katakana, half-width
# katakana, bullet, hyphenation point, dot operator, bullet operator, ideographic full stop.
_MIDDLE_DOTS = "・･•‧⋅∙·"
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U000323af]")
_PUNCTUATION_ALLOWED = set(" ·-'.,")


def _is_cjk(ch: str) -> bool:
    return bool(_CJK.fullmatch(ch))


def check_printable(text: str, *, field: str, label: str = "") -> str:
    """Refuse a character no bundled font can print (or show): a slip would carry a blank
    where a name's character should be. The message names the character and its code point,
    so the clerk can check it against the ID card. Returns `text` unchanged."""
    missing = missing_glyphs(text)
    if missing:
        ch = next(c for c in text if c in missing)  # the first one, as typed
        code = f"U+{ord(ch):04X}"
        where = f"{label}中的" if label else ""
        if 0xD800 <= ord(ch) <= 0xDFFF:
            # A lone surrogate (undecodable input) is no character: naming it would make the
            # message itself unprintable on a UTF-8 terminal.
            raise InvalidInput(
                field,
                f"{where}含有无效字符（孤立代理项 {code}），请重新输入 / "
                f"{field}: contains a lone surrogate {code} (not valid Unicode)",
            )
        raise InvalidInput(
            field,
            f"{where}“{ch}”（{code}）无法打印：随附字库没有这个字，请核对证件上的写法 / "
            f"{field}: {code} cannot be printed (no bundled font has it)",
        )
    return text


def check_text(
    value: str, field: str, label: str, max_len: int = 500, required: bool = True
) -> str:
    """Free text typed by a clerk (notes, reasons, addresses, titles): the one check every
    free-text field of app/ goes through. Whitespace folded; a required field may not be
    empty; control characters (Unicode category Cc: escape sequences, NUL, DEL...) are
    refused — they garble the public screen, the printed slips and the exported reports
    (XLSX cannot hold most of them); every character must be printable (check_printable)."""
    folded = " ".join(str(value or "").split())
    bad = next((ch for ch in folded if unicodedata.category(ch) == "Cc"), None)
    if bad is not None:
        raise InvalidInput(
            field,
            f"{label}含有不可见的控制字符（U+{ord(bad):04X}），请删除后重新输入 / "
            f"{field} contains a control character (U+{ord(bad):04X})",
        )
    if required and not folded:
        raise InvalidInput(field, f"请填写{label} / {field} is required")
    if len(folded) > max_len:
        raise InvalidInput(field, f"{label}不超过 {max_len} 个字 / at most {max_len} characters")
    return check_printable(folded, field=field, label=label)


def check_name(raw: str, *, field: str = "name", max_length: int = MAX_NAME_LENGTH) -> str:
    """Normalise a person's (or organisation's) name.

    NFKC; whitespace trimmed and collapsed to single spaces; middle-dot variants (・•‧ …) →
    "·"; in a name containing Chinese characters also "." → "·" and spaces next to a
    Chinese character or a dot are dropped ("张　三" → "张三"). Allowed: letters of any
    script, combining marks, digits inside a name (organisations: 第1分公司), and the
    punctuation space · - ' . , — at least one letter. Rejects empty, too long, digits-only
    and other symbols.
    """
    if not isinstance(raw, str):
        raise InvalidInput(field, "姓名必须是文本 / name must be text")
    text = unicodedata.normalize("NFKC", raw)
    text = " ".join(text.split())
    if not text:
        raise InvalidInput(field, "请输入姓名 / name is empty")
    text = "".join("·" if ch in _MIDDLE_DOTS else ch for ch in text)
    if any(_is_cjk(ch) for ch in text):
        text = text.replace(".", "·").replace("。", "·")
        text = re.sub(r"\s*·\s*", "·", text)
        text = re.sub(r"·{2,}", "·", text)
        # Drop spaces with a Chinese character on either side (alignment padding, typos).
        chars = list(text)
        kept = [
            ch
            for i, ch in enumerate(chars)
            if ch != " "
            or not (
                (i > 0 and _is_cjk(chars[i - 1])) or (i + 1 < len(chars) and _is_cjk(chars[i + 1]))
            )
        ]
        text = "".join(kept)
    if len(text) > max_length:
        raise InvalidInput(
            field, f"姓名过长（最多{max_length}个字符） / name longer than {max_length}"
        )
    if text.isdigit() or not any(
        unicodedata.category(ch).startswith("L") or is_han(ch) for ch in text
    ):
        raise InvalidInput(field, "姓名必须包含文字，不能只有数字或符号 / name needs letters")
    for ch in text:
        category = unicodedata.category(ch)
        # Ideographs by block too: this Python's Unicode tables may predate Extension H.
        if category[0] in "LM" or category in ("Nd", "Nl") or ch in _PUNCTUATION_ALLOWED:
            continue
        if is_han(ch):
            continue
        shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
        raise InvalidInput(
            field, f"姓名中不能含有字符 {shown} / the name contains a character not allowed"
        )
    if text[0] in "·-'.," or text[-1] in "·-',":
        raise InvalidInput(field, "姓名不能以符号开头或结尾 / name starts or ends with a symbol")
    return check_printable(text, field=field, label="姓名")
