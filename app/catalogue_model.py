"""Service catalogue (事项目录), the pure part: the item model, the JSON file format and search.

No database and no Qt here. `app.catalogue` stores items as ledger events with `to_dict()` as
the body (only str/int/bool/None/list/dict, never floats) and versions them; this module only
says what a valid item is, reads and writes catalogue files, and finds items as a clerk types.

Validation lives in the dataclasses' `__post_init__`, so an item built by any code path (file,
event body, editor form) is valid or was never built. The JSON readers add type checks, reject
unknown or duplicate keys (typos must not pass silently) and turn every fault into one
`CatalogueInvalid` naming the path (`items[3].materials[2].form`), the item and, when parsing a
file, the line.
"""

from __future__ import annotations

import difflib
import functools
import itertools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from app.errors import InvalidInput
from printing.fonts import missing_glyphs

FORMAT_ID: Final = "clerkdesk-catalogue/1"
DEMO_CATALOGUE_FILE: Final = "demo_catalogue.json"

MATERIAL_FORMS: Final[Mapping[str, str]] = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件及复印件",
    "electronic": "电子件",
}
LIMIT_UNITS: Final[Mapping[str, str]] = {"working": "工作日", "natural": "自然日"}
# GB/T 39046-2020 table A.1 (事项类型).
ITEM_TYPES: Final[Mapping[str, str]] = {
    "01": "行政许可",
    "02": "行政处罚",
    "03": "行政强制",
    "04": "行政征收",
    "05": "行政给付",
    "06": "行政检查",
    "07": "行政确认",
    "08": "行政奖励",
    "09": "行政裁决",
    "10": "其他行政权力",
    "20": "公共服务",
}
CASE_KINDS: Final[Mapping[str, str]] = {"immediate": "即办件", "committed": "承诺件"}
# GB/T 39046-2020 table A.6 (办件类型): 1 即办件, 2 承诺件.
CASE_KIND_CODES: Final[Mapping[str, str]] = {"immediate": "1", "committed": "2"}
DELIVERY_METHODS: Final[Mapping[str, str]] = {
    "window": "窗口领取",
    "post": "邮寄送达",
    "electronic": "电子送达",
}

MAX_LIMIT_DAYS: Final = 3650
MAX_MATERIAL_COUNT: Final = 99
MAX_FEE_FEN: Final = 10**12

JsonPath = tuple[str | int, ...]
_T = TypeVar("_T")

_ITEM_CODE_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
_MATERIAL_CODE_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", re.ASCII)
_PHONE_RE: Final = re.compile(r"[0-9+()（）\- 、,，/转]{3,40}")
_URL_RE: Final = re.compile(r"https?://[^\s]{1,490}", re.ASCII)


# --------------------------------------------------------------------------------------------
# Errors


class CatalogueInvalid(InvalidInput):
    """A catalogue, item or material is not acceptable.

    `field` is the dotted path of the value at fault (``items[3].materials[2].form``), `path`
    the same as a tuple, `line`/`column` the place in the file when known. The message reads
    "第12行，第4个事项（最低生活保障）第3项材料（身份证）：…… / line 12, item 4 (…): …".
    """

    def __init__(
        self,
        path: JsonPath,
        detail_zh: str,
        detail_en: str,
        *,
        where_zh: str = "",
        where_en: str = "",
        line: int | None = None,
        column: int | None = None,
        show_column: bool = False,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.detail_zh = detail_zh
        self.detail_en = detail_en
        self.line = line
        self.column = column
        at_zh = f"第{line}行" + (f"第{column}列" if show_column and column else "") if line else ""
        at_en = (
            f"line {line}" + (f" column {column}" if show_column and column else "") if line else ""
        )
        zh_parts = [p for p in (at_zh, where_zh) if p]
        en_parts = [p for p in (at_en, where_en) if p]
        zh = f"{'，'.join(zh_parts)}：{detail_zh}" if zh_parts else detail_zh
        en = f"{', '.join(en_parts)}: {detail_en}" if en_parts else detail_en
        super().__init__(
            field if field is not None else (path_to_field(path) or "catalogue"), f"{zh} / {en}"
        )

    def within(self, prefix: JsonPath) -> CatalogueInvalid:
        """The same fault seen from an enclosing object (path prefixed, location recomputed)."""
        return CatalogueInvalid(prefix + self.path, self.detail_zh, self.detail_en)


def path_to_field(path: JsonPath) -> str:
    """``("items", 3, "materials", 2, "form")`` -> ``"items[3].materials[2].form"``."""
    out = ""
    for step in path:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            shown = _show(step, 60)  # keys come from files: never let one break a message
            out += f".{shown}" if out else shown
    return out


def _fault(path: JsonPath, zh: str, en: str) -> CatalogueInvalid:
    return CatalogueInvalid(path, zh, en)


def _show(value: str, limit: int = 40) -> str:
    """A value quoted safely inside a message: control characters and lone surrogates are
    escaped so the message itself can always be printed and encoded."""
    text = value if len(value) <= limit else value[:limit] + "…"
    return repr(text)[1:-1]


# JSON value kinds as the messages name them (Chinese, English); bool before int on purpose.
_KINDS: tuple[tuple[type | None, str, str], ...] = (
    (None, "空值 null", "null"),
    (bool, "布尔值", "a boolean"),
    (int, "整数", "an integer"),
    (float, "小数", "a decimal number"),
    (str, "文字", "text"),
    (list, "数组", "an array"),
)


def _kind(value: object) -> tuple[str, str]:
    for kind, zh, en in _KINDS:
        if (value is None) if kind is None else isinstance(value, kind):
            return zh, en
    return "对象", "an object"


def _kind_zh(value: object) -> str:
    return _kind(value)[0]


def _kind_en(value: object) -> str:
    return _kind(value)[1]


# --------------------------------------------------------------------------------------------
# Value checks shared by the dataclasses


def _bad_char(value: str, multiline: bool) -> str | None:
    for ch in value:
        code = ord(ch)
        if ch == "\n" and multiline:
            continue
        if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            return ch
    return None


def _check_text(
    value: object,
    path: JsonPath,
    label_zh: str,
    label_en: str,
    *,
    required: bool,
    max_len: int,
    multiline: bool = False,
) -> None:
    if not isinstance(value, str):
        raise _fault(path, f"“{label_zh}”必须是文字", f"{label_en} must be text")
    if not value.strip():
        if required:
            raise _fault(path, f"“{label_zh}”不能为空", f"{label_en} must not be empty")
        if value:
            raise _fault(
                path, f"“{label_zh}”不能只有空格", f"{label_en} must not be only whitespace"
            )
        return
    if value != value.strip():
        raise _fault(
            path,
            f"“{label_zh}”首尾不能有空格或换行：“{_show(value)}”",
            f"{label_en} has leading or trailing whitespace: {_show(value)!r}",
        )
    if len(value) > max_len:
        raise _fault(
            path,
            f"“{label_zh}”不能超过 {max_len} 个字（现有 {len(value)} 个）",
            f"{label_en} is longer than {max_len} characters ({len(value)})",
        )
    bad = _bad_char(value, multiline)
    if bad is not None:
        what = "换行以外的控制字符" if multiline else "换行或控制字符"
        raise _fault(
            path,
            f"“{label_zh}”含有{what}（{_show(bad)}）",
            f"{label_en} contains a control character or invalid code point ({_show(bad)})",
        )


def _check_int(
    value: object, path: JsonPath, label_zh: str, label_en: str, low: int, high: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fault(path, f"“{label_zh}”必须是整数", f"{label_en} must be an integer")
    if not low <= value <= high:
        raise _fault(
            path,
            f"“{label_zh}”必须在 {low} 到 {high} 之间，不能是 {value}",
            f"{label_en} must be between {low} and {high}, not {value}",
        )


def _check_choice(
    value: object, path: JsonPath, label_zh: str, label_en: str, choices: Mapping[str, str]
) -> None:
    if isinstance(value, str) and value in choices:
        return
    zh_options = "/".join(f"{label}({code})" for code, label in choices.items())
    en_options = ", ".join(choices)
    shown = _show(value) if isinstance(value, str) else _kind_zh(value)
    raise _fault(
        path,
        f"“{label_zh}”必须是 {zh_options} 之一，不能是“{shown}”",
        f"{label_en} must be one of {en_options}, not {shown!r}",
    )


def _check_texts(
    values: object,
    path: JsonPath,
    label_zh: str,
    label_en: str,
    *,
    min_items: int,
    max_len: int,
    unique: bool = False,
) -> None:
    if not isinstance(values, tuple):
        raise _fault(path, f"“{label_zh}”必须是文字列表", f"{label_en} must be a list of text")
    if len(values) < min_items:
        raise _fault(
            path, f"“{label_zh}”至少要有 {min_items} 条", f"{label_en} needs {min_items} entry"
        )
    seen: set[str] = set()
    for i, value in enumerate(values):
        _check_text(
            value,
            (*path, i),
            f"{label_zh}第{i + 1}条",
            f"{label_en} entry {i + 1}",
            required=True,
            max_len=max_len,
        )
        if unique:
            if value in seen:
                raise _fault(
                    (*path, i),
                    f"“{label_zh}”第{i + 1}条“{_show(value)}”重复",
                    f"{label_en} entry {i + 1} ({_show(value)!r}) is repeated",
                )
            seen.add(value)


def _check_code(
    value: object, path: JsonPath, label_zh: str, label_en: str, rx: re.Pattern[str]
) -> None:
    _check_text(value, path, label_zh, label_en, required=True, max_len=64)
    assert isinstance(value, str)
    if not rx.fullmatch(value):
        raise _fault(
            path,
            f"“{label_zh}”只能由字母、数字、点、短横线和下划线组成，以字母或数字开头："
            f"“{_show(value)}”",
            f"{label_en} may contain only ASCII letters, digits, '.', '-' and '_', starting "
            f"with a letter or digit: {_show(value)!r}",
        )


def _check_phone(value: object, path: JsonPath, label_zh: str, label_en: str) -> None:
    _check_text(value, path, label_zh, label_en, required=True, max_len=40)
    assert isinstance(value, str)
    if not _PHONE_RE.fullmatch(value) or sum(ch.isdigit() for ch in value) < 3:
        raise _fault(
            path,
            f"“{label_zh}”不是有效的电话号码：“{_show(value)}”（例：0812-8171234 或 12345）",
            f"{label_en} is not a phone number: {_show(value)!r} (e.g. 0812-8171234, 12345)",
        )


# --------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Material:
    """One entry of an item's materials checklist (申请材料)."""

    code: str
    name: str
    form: str
    count: int
    requirement: str
    required: bool
    condition: str = ""
    category: str = ""

    def __post_init__(self) -> None:
        _check_code(self.code, ("code",), "材料编号", "material code", _MATERIAL_CODE_RE)
        _check_text(self.name, ("name",), "材料名称", "material name", required=True, max_len=100)
        _check_choice(self.form, ("form",), "形式", "form", MATERIAL_FORMS)
        _check_int(self.count, ("count",), "份数", "count", 1, MAX_MATERIAL_COUNT)
        _check_text(
            self.requirement,
            ("requirement",),
            "材料要求",
            "requirement",
            required=False,
            max_len=500,
            multiline=True,
        )
        if not isinstance(self.required, bool):
            raise _fault(
                ("required",), "“是否必需”必须是 true 或 false", "required must be a boolean"
            )
        _check_text(
            self.condition, ("condition",), "适用情形", "condition", required=False, max_len=200
        )
        _check_text(
            self.category, ("category",), "材料分类", "category", required=False, max_len=30
        )

    @property
    def form_label(self) -> str:
        """原件 / 复印件 / 原件及复印件 / 电子件."""
        return MATERIAL_FORMS[self.form]

    @property
    def necessity_label(self) -> str:
        """必需 / 视情形提供（有残疾人的家庭提供） / 非必需 — as printed on guides and notices."""
        if self.condition:
            return (
                f"视情形提供（{self.condition}）"
                if self.required
                else f"非必需（{self.condition}）"
            )
        return "必需" if self.required else "非必需"

    @property
    def count_label(self) -> str:
        """“原件1份”, “复印件2份”."""
        return f"{self.form_label}{self.count}份"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "form": self.form,
            "count": self.count,
            "requirement": self.requirement,
            "required": self.required,
            "condition": self.condition,
            "category": self.category,
        }

    @classmethod
    def from_dict(cls, data: object) -> Material:
        """Read a material from its JSON form; raises `CatalogueInvalid` naming the field."""
        return _at_root(data, lambda: _read_material(data, ()))


@dataclass(frozen=True)
class TimeLimit:
    """A time limit: `days` working days (工作日) or natural days (自然日)."""

    days: int
    unit: str = "working"

    def __post_init__(self) -> None:
        _check_int(self.days, ("days",), "天数", "days", 0, MAX_LIMIT_DAYS)
        _check_choice(self.unit, ("unit",), "时限单位", "unit", LIMIT_UNITS)

    @property
    def unit_label(self) -> str:
        return LIMIT_UNITS[self.unit]

    def label(self) -> str:
        """“30个工作日”, “3个自然日”; 0 days reads “即时办结”."""
        if self.days == 0:
            return "即时办结"
        return f"{self.days}个{self.unit_label}"

    def to_dict(self) -> dict[str, object]:
        return {"days": self.days, "unit": self.unit}

    @classmethod
    def from_dict(cls, data: object) -> TimeLimit:
        return _at_root(data, lambda: _read_limit(data, (), "时限", "time limit"))


@dataclass(frozen=True)
class ServiceItem:
    """A service item (事项) as the public guide shows it and the desk handles it."""

    code: str
    name: str
    item_type: str
    case_kind: str
    statutory_limit: TimeLimit
    committed_limit: TimeLimit
    fee: str
    legal_basis: tuple[str, ...]
    department: str
    window: str
    delivery: tuple[str, ...]
    consult_phone: str
    supervise_phone: str
    materials: tuple[Material, ...]
    short_name: str = ""
    keywords: tuple[str, ...] = ()
    fee_fen: int | None = 0
    fee_basis: str = ""
    conditions: str = ""
    process: tuple[str, ...] = ()
    result_name: str = ""
    online_url: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        _check_code(self.code, ("code",), "事项编码", "item code", _ITEM_CODE_RE)
        _check_text(self.name, ("name",), "事项名称", "item name", required=True, max_len=100)
        _check_text(
            self.short_name, ("short_name",), "简称", "short name", required=False, max_len=30
        )
        _check_texts(
            self.keywords, ("keywords",), "检索词", "keywords", min_items=0, max_len=30, unique=True
        )
        _check_choice(self.item_type, ("item_type",), "事项类型", "item type", ITEM_TYPES)
        _check_choice(self.case_kind, ("case_kind",), "办件类型", "case kind", CASE_KINDS)
        for key, label_zh in (("statutory_limit", "法定时限"), ("committed_limit", "承诺时限")):
            if not isinstance(getattr(self, key), TimeLimit):
                raise _fault((key,), f"“{label_zh}”必须是时限", f"{key} must be a TimeLimit")
        self._check_limits()
        _check_text(self.fee, ("fee",), "收费标准", "fee", required=True, max_len=200)
        if self.fee_fen is not None:
            _check_int(self.fee_fen, ("fee_fen",), "收费金额（分）", "fee_fen", 0, MAX_FEE_FEN)
        _check_text(
            self.fee_basis,
            ("fee_basis",),
            "收费依据",
            "fee basis",
            required=bool(self.fee_fen),
            max_len=500,
            multiline=True,
        )
        _check_texts(
            self.legal_basis, ("legal_basis",), "设定依据", "legal basis", min_items=1, max_len=500
        )
        _check_text(
            self.department, ("department",), "责任部门", "department", required=True, max_len=100
        )
        _check_text(self.window, ("window",), "受理窗口", "window", required=True, max_len=100)
        _check_text(
            self.conditions,
            ("conditions",),
            "受理条件",
            "conditions",
            required=False,
            max_len=4000,
            multiline=True,
        )
        _check_texts(self.process, ("process",), "办理流程", "process", min_items=0, max_len=500)
        _check_text(
            self.result_name,
            ("result_name",),
            "办理结果",
            "result name",
            required=False,
            max_len=100,
        )
        self._check_delivery()
        _check_phone(self.consult_phone, ("consult_phone",), "咨询电话", "consultation phone")
        _check_phone(self.supervise_phone, ("supervise_phone",), "监督电话", "supervision phone")
        _check_text(
            self.online_url,
            ("online_url",),
            "网上办理地址",
            "online URL",
            required=False,
            max_len=500,
        )
        if self.online_url and not _URL_RE.fullmatch(self.online_url):
            raise _fault(
                ("online_url",),
                "“网上办理地址”必须以 http:// 或 https:// 开头且不含空格："
                f"“{_show(self.online_url)}”",
                f"online_url must be an http(s) address without spaces: {_show(self.online_url)!r}",
            )
        _check_text(
            self.notes, ("notes",), "备注", "notes", required=False, max_len=4000, multiline=True
        )
        self._check_materials()

    def _check_limits(self) -> None:
        statutory, committed = self.statutory_limit, self.committed_limit
        if self.case_kind == "immediate" and committed.days != 0:
            raise _fault(
                ("committed_limit", "days"),
                f"即办件的“承诺时限”必须为 0 天（当场办结），不能是 {committed.days} 天",
                f"an immediate item's committed limit must be 0 days, not {committed.days}",
            )
        if self.case_kind == "committed" and committed.days == 0:
            raise _fault(
                ("committed_limit", "days"),
                "承诺件的“承诺时限”至少 1 天；当场办结的事项请填写为即办件(immediate)",
                "a committed item needs a committed limit of at least 1 day; "
                "items finished on the spot are immediate",
            )
        # Same unit: compare days. Working against natural: n working days never end before n
        # natural days, so more committed working days than statutory natural days is always
        # too long. Natural against working depends on the calendar: not judged here.
        comparable = statutory.unit == committed.unit or committed.unit == "working"
        if comparable and committed.days > statutory.days:
            raise _fault(
                ("committed_limit", "days"),
                f"“承诺时限”（{committed.label()}）不能超过“法定时限”（{statutory.label()}）",
                f"committed limit ({committed.days} {committed.unit} days) exceeds the "
                f"statutory limit ({statutory.days} {statutory.unit} days)",
            )

    def _check_delivery(self) -> None:
        if not isinstance(self.delivery, tuple) or not self.delivery:
            raise _fault(
                ("delivery",),
                "“送达方式”至少要有一种（window/post/electronic）",
                "delivery needs at least one method (window, post, electronic)",
            )
        for i, method in enumerate(self.delivery):
            _check_choice(
                method, ("delivery", i), f"送达方式第{i + 1}条", "delivery", DELIVERY_METHODS
            )
            if method in self.delivery[:i]:
                raise _fault(
                    ("delivery", i),
                    f"“送达方式”第{i + 1}条“{method}”重复",
                    f"delivery method {method!r} is repeated",
                )

    def _check_materials(self) -> None:
        if not isinstance(self.materials, tuple) or not all(
            isinstance(m, Material) for m in self.materials
        ):
            raise _fault(("materials",), "“申请材料”必须是材料列表", "materials must be Materials")
        if self.case_kind == "committed" and not self.materials:
            raise _fault(
                ("materials",),
                "承诺件必须列出申请材料（一次性告知依据此清单）",
                "a committed item must list its materials (the one-time notice is built from them)",
            )
        seen: dict[str, int] = {}
        for i, material in enumerate(self.materials):
            key = material.code.casefold()
            if key in seen:
                raise _fault(
                    ("materials", i, "code"),
                    f"材料编号“{material.code}”与第{seen[key] + 1}项材料重复",
                    f"material code {material.code!r} repeats material {seen[key] + 1}",
                )
            seen[key] = i

    # Display helpers ------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def item_type_label(self) -> str:
        """GB/T 39046 A.1 label: 行政给付, 公共服务…"""
        return ITEM_TYPES[self.item_type]

    @property
    def case_kind_label(self) -> str:
        """即办件 / 承诺件."""
        return CASE_KINDS[self.case_kind]

    @property
    def case_kind_code(self) -> str:
        """GB/T 39046 A.6 code: "1" 即办件, "2" 承诺件."""
        return CASE_KIND_CODES[self.case_kind]

    @property
    def delivery_labels(self) -> tuple[str, ...]:
        return tuple(DELIVERY_METHODS[m] for m in self.delivery)

    @property
    def fee_label(self) -> str:
        """The fee text, with the basis when there is one: “不收费”, “工本费10元（依据：…）”."""
        return f"{self.fee}（依据：{self.fee_basis}）" if self.fee_basis else self.fee

    def material(self, code: str) -> Material | None:
        for material in self.materials:
            if material.code.casefold() == code.casefold():
                return material
        return None

    def materials_by_category(self) -> tuple[tuple[str, tuple[Material, ...]], ...]:
        """Materials grouped by category in first-appearance order (uncategorised: “其他材料”),
        as a one-time notice prints them."""
        groups: dict[str, list[Material]] = {}
        for material in self.materials:
            groups.setdefault(material.category or "其他材料", []).append(material)
        return tuple((name, tuple(ms)) for name, ms in groups.items())

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "short_name": self.short_name,
            "keywords": list(self.keywords),
            "item_type": self.item_type,
            "case_kind": self.case_kind,
            "statutory_limit": self.statutory_limit.to_dict(),
            "committed_limit": self.committed_limit.to_dict(),
            "fee": self.fee,
            "fee_fen": self.fee_fen,
            "fee_basis": self.fee_basis,
            "legal_basis": list(self.legal_basis),
            "department": self.department,
            "window": self.window,
            "conditions": self.conditions,
            "process": list(self.process),
            "result_name": self.result_name,
            "delivery": list(self.delivery),
            "consult_phone": self.consult_phone,
            "supervise_phone": self.supervise_phone,
            "online_url": self.online_url,
            "notes": self.notes,
            "materials": [m.to_dict() for m in self.materials],
        }

    @classmethod
    def from_dict(cls, data: object) -> ServiceItem:
        """Read an item from its JSON form (e.g. a ledger event body)."""
        return _at_root(data, lambda: _read_item(data, ()))


@dataclass(frozen=True)
class Catalogue:
    """A whole catalogue file: its identity and its items, in file order."""

    name: str
    version_label: str
    demo: bool
    issued_by: str
    items: tuple[ServiceItem, ...]
    description: str = ""

    def __post_init__(self) -> None:
        _check_text(self.name, ("name",), "目录名称", "catalogue name", required=True, max_len=200)
        _check_text(
            self.version_label,
            ("version_label",),
            "版本",
            "version label",
            required=True,
            max_len=50,
        )
        if not isinstance(self.demo, bool):
            raise _fault(("demo",), "“演示数据”必须是 true 或 false", "demo must be a boolean")
        _check_text(
            self.issued_by, ("issued_by",), "发布单位", "issued by", required=True, max_len=200
        )
        _check_text(
            self.description,
            ("description",),
            "目录说明",
            "description",
            required=False,
            max_len=4000,
            multiline=True,
        )
        if not isinstance(self.items, tuple) or not all(
            isinstance(i, ServiceItem) for i in self.items
        ):
            raise _fault(("items",), "“事项”必须是事项列表", "items must be ServiceItems")
        if not self.items:
            raise _fault(("items",), "目录中没有任何事项", "the catalogue has no items")
        seen: dict[str, int] = {}
        for i, item in enumerate(self.items):
            key = item.code.casefold()
            if key in seen:
                raise _fault(
                    ("items", i, "code"),
                    f"事项编码“{item.code}”与第{seen[key] + 1}个事项重复",
                    f"item code {item.code!r} repeats item {seen[key] + 1}",
                )
            seen[key] = i

    def get(self, code: str) -> ServiceItem | None:
        """The item with this code (case-insensitive), or None."""
        key = code.casefold()
        for item in self.items:
            if item.code.casefold() == key:
                return item
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "format": FORMAT_ID,
            "name": self.name,
            "version_label": self.version_label,
            "demo": self.demo,
            "issued_by": self.issued_by,
            "description": self.description,
            "items": [item.to_dict() for item in self.items],
        }

    @classmethod
    def from_dict(cls, data: object) -> Catalogue:
        return _at_root(data, lambda: _read_catalogue(data))


# --------------------------------------------------------------------------------------------
# Reading JSON values


class _JsonObject(dict[str, object]):
    """A JSON object that remembers the first key it saw twice (json.loads keeps the last
    value silently; a repeated key in a hand-edited file is almost always a mistake)."""

    duplicate: str | None = None


def _pairs_hook(pairs: list[tuple[str, object]]) -> _JsonObject:
    obj = _JsonObject()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


@dataclass(frozen=True)
class _Key:
    zh: str
    required: bool


_MATERIAL_KEYS: Final = {
    "code": _Key("材料编号", True),
    "name": _Key("材料名称", True),
    "form": _Key("形式", True),
    "count": _Key("份数", True),
    "requirement": _Key("材料要求", False),
    "required": _Key("是否必需", True),
    "condition": _Key("适用情形", False),
    "category": _Key("材料分类", False),
}
_LIMIT_KEYS: Final = {"days": _Key("天数", True), "unit": _Key("时限单位", True)}
_ITEM_KEYS: Final = {
    "code": _Key("事项编码", True),
    "name": _Key("事项名称", True),
    "short_name": _Key("简称", False),
    "keywords": _Key("检索词", False),
    "item_type": _Key("事项类型", True),
    "case_kind": _Key("办件类型", True),
    "statutory_limit": _Key("法定时限", True),
    "committed_limit": _Key("承诺时限", True),
    "fee": _Key("收费标准", True),
    "fee_fen": _Key("收费金额（分）", False),
    "fee_basis": _Key("收费依据", False),
    "legal_basis": _Key("设定依据", True),
    "department": _Key("责任部门", True),
    "window": _Key("受理窗口", True),
    "conditions": _Key("受理条件", False),
    "process": _Key("办理流程", False),
    "result_name": _Key("办理结果", False),
    "delivery": _Key("送达方式", True),
    "consult_phone": _Key("咨询电话", True),
    "supervise_phone": _Key("监督电话", True),
    "online_url": _Key("网上办理地址", False),
    "notes": _Key("备注", False),
    "materials": _Key("申请材料", True),
}
_CATALOGUE_KEYS: Final = {
    "format": _Key("格式标识", True),
    "name": _Key("目录名称", True),
    "version_label": _Key("版本", True),
    "demo": _Key("演示数据", True),
    "issued_by": _Key("发布单位", True),
    "description": _Key("目录说明", False),
    "items": _Key("事项", True),
}


class _Fields:
    """Typed access to one JSON object's keys, every fault naming its path."""

    def __init__(
        self, raw: object, path: JsonPath, keys: Mapping[str, _Key], what_zh: str, what_en: str
    ) -> None:
        if not isinstance(raw, dict):
            raise _fault(
                path,
                f"{what_zh}必须是 JSON 对象（{{…}}），不能是{_kind_zh(raw)}",
                f"{what_en} must be a JSON object, not {_kind_en(raw)}",
            )
        duplicate = getattr(raw, "duplicate", None)
        if isinstance(duplicate, str):
            raise _fault(
                (*path, duplicate),
                f"字段“{_show(duplicate)}”出现了两次",
                f"key {_show(duplicate)!r} appears twice",
            )
        for key in raw:
            if key not in keys:
                key = str(key)  # a dict handed to from_dict may have any keys
                close = difflib.get_close_matches(key, list(keys), n=1)
                hint_zh = f"，是否应为“{close[0]}”？" if close else "（可能是拼写错误）"
                hint_en = f"; did you mean {close[0]!r}?" if close else " (a typo?)"
                raise _fault(
                    (*path, key),
                    f"未知字段“{_show(key)}”{hint_zh}",
                    f"unknown key {_show(key)!r}{hint_en}",
                )
        for key, spec in keys.items():
            if spec.required and key not in raw:
                raise _fault(
                    (*path, key),
                    f"缺少必填字段“{spec.zh}”（{key}）",
                    f"required key {key!r} is missing",
                )
        self.raw: dict[str, object] = raw
        self.path = path
        self.keys = keys

    def _type_fault(self, key: str, want_zh: str, want_en: str) -> CatalogueInvalid:
        value = self.raw[key]
        return _fault(
            (*self.path, key),
            f"“{self.keys[key].zh}”（{key}）必须是{want_zh}，不能是{_kind_zh(value)}",
            f"{key} must be {want_en}, not {_kind_en(value)}",
        )

    def text(self, key: str) -> str:
        value = self.raw.get(key, "")
        if not isinstance(value, str):
            raise self._type_fault(key, "文字", "text")
        return self._printable(value, (*self.path, key), self.keys[key].zh)

    @staticmethod
    def _printable(value: str, path: JsonPath, label: str) -> str:
        """Catalogue text goes on guides and slips: a character no bundled font has would
        print as a blank, so it is refused here, named by its code point."""
        missing = missing_glyphs(value)
        if missing:
            ch = next(c for c in value if c in missing)
            code = f"U+{ord(ch):04X}"
            raise _fault(
                path,
                f"“{label}”中的“{_show(ch)}”（{code}）无法打印：随附字库没有这个字",
                f"{code} cannot be printed (no bundled font has it)",
            )
        return value

    def integer(self, key: str) -> int:
        value = self.raw[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_fault(key, "整数", "an integer")
        return value

    def optional_integer(self, key: str, default: int | None) -> int | None:
        if key not in self.raw:
            return default
        value = self.raw[key]
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._type_fault(key, "整数或 null", "an integer or null")
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw[key]
        if not isinstance(value, bool):
            raise self._type_fault(key, " true 或 false", "true or false")
        return value

    def array(self, key: str) -> list[object]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise self._type_fault(key, "数组（[…]）", "an array")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        out: list[str] = []
        for i, value in enumerate(self.array(key)):
            if not isinstance(value, str):
                raise _fault(
                    (*self.path, key, i),
                    f"“{self.keys[key].zh}”第{i + 1}条必须是文字，不能是{_kind_zh(value)}",
                    f"{key} entry {i + 1} must be text, not {_kind_en(value)}",
                )
            out.append(self._printable(value, (*self.path, key, i), self.keys[key].zh))
        return tuple(out)


def _construct(cls: type[Any], kwargs: dict[str, Any], path: JsonPath) -> Any:
    """Build a dataclass from already type-checked values; its own faults get `path` prefixed."""
    try:
        return cls(**kwargs)
    except CatalogueInvalid as err:
        raise err.within(path) from None


def _read_material(raw: object, path: JsonPath) -> Material:
    f = _Fields(raw, path, _MATERIAL_KEYS, "材料", "a material")
    kwargs: dict[str, Any] = {
        "code": f.text("code"),
        "name": f.text("name"),
        "form": f.text("form"),
        "count": f.integer("count"),
        "requirement": f.text("requirement"),
        "required": f.boolean("required"),
        "condition": f.text("condition"),
        "category": f.text("category"),
    }
    material: Material = _construct(Material, kwargs, path)
    return material


def _read_limit(raw: object, path: JsonPath, what_zh: str, what_en: str) -> TimeLimit:
    f = _Fields(raw, path, _LIMIT_KEYS, what_zh, what_en)
    limit: TimeLimit = _construct(
        TimeLimit, {"days": f.integer("days"), "unit": f.text("unit")}, path
    )
    return limit


def _read_item(raw: object, path: JsonPath) -> ServiceItem:
    f = _Fields(raw, path, _ITEM_KEYS, "事项", "an item")
    kwargs: dict[str, Any] = {
        "code": f.text("code"),
        "name": f.text("name"),
        "short_name": f.text("short_name"),
        "keywords": f.texts("keywords"),
        "item_type": f.text("item_type"),
        "case_kind": f.text("case_kind"),
        "statutory_limit": _read_limit(
            f.raw["statutory_limit"], (*path, "statutory_limit"), "法定时限", "statutory_limit"
        ),
        "committed_limit": _read_limit(
            f.raw["committed_limit"], (*path, "committed_limit"), "承诺时限", "committed_limit"
        ),
        "fee": f.text("fee"),
        "fee_fen": f.optional_integer("fee_fen", 0),
        "fee_basis": f.text("fee_basis"),
        "legal_basis": f.texts("legal_basis"),
        "department": f.text("department"),
        "window": f.text("window"),
        "conditions": f.text("conditions"),
        "process": f.texts("process"),
        "result_name": f.text("result_name"),
        "delivery": f.texts("delivery"),
        "consult_phone": f.text("consult_phone"),
        "supervise_phone": f.text("supervise_phone"),
        "online_url": f.text("online_url"),
        "notes": f.text("notes"),
        "materials": tuple(
            _read_material(m, (*path, "materials", i)) for i, m in enumerate(f.array("materials"))
        ),
    }
    item: ServiceItem = _construct(ServiceItem, kwargs, path)
    return item


def _read_catalogue(raw: object) -> Catalogue:
    f = _Fields(raw, (), _CATALOGUE_KEYS, "事项目录", "the catalogue")
    fmt = f.raw["format"]
    if fmt != FORMAT_ID:
        shown = _show(fmt) if isinstance(fmt, str) else _kind_zh(fmt)
        raise _fault(
            ("format",),
            f"“格式标识”必须是“{FORMAT_ID}”，不能是“{shown}”（不是本系统的事项目录文件，"
            "或版本过新）",
            f"format must be {FORMAT_ID!r}, not {shown!r} (not a ClerkDesk catalogue, or too new)",
        )
    kwargs: dict[str, Any] = {
        "name": f.text("name"),
        "version_label": f.text("version_label"),
        "demo": f.boolean("demo"),
        "issued_by": f.text("issued_by"),
        "description": f.text("description"),
        "items": tuple(_read_item(item, ("items", i)) for i, item in enumerate(f.array("items"))),
    }
    catalogue: Catalogue = _construct(Catalogue, kwargs, ())
    return catalogue


# --------------------------------------------------------------------------------------------
# Locating a fault: which item, which material, which line


def _label_of(node: object, key: str) -> str:
    value = node.get(key) if isinstance(node, dict) else None
    if isinstance(value, str) and value.strip():
        return _show(value.strip(), 30)
    return ""


def _where(root: object, path: JsonPath) -> tuple[str, str]:
    """“第4个事项（最低生活保障）第3项材料（身份证）” for the item/material steps of `path`."""
    zh, en = "", []
    node = root
    i = 0
    while i + 1 < len(path):
        key, index = path[i], path[i + 1]
        if key not in ("items", "materials") or not isinstance(index, int):
            break
        seq = node.get(key) if isinstance(node, dict) else None
        node = seq[index] if isinstance(seq, list) and 0 <= index < len(seq) else None
        name, code = _label_of(node, "name"), _label_of(node, "code")
        if key == "items":
            zh += f"第{index + 1}个事项" + (f"（{name}）" if name else "")
            en.append(f"item {index + 1}" + (f" ({code})" if code else ""))
        else:
            zh += f"第{index + 1}项材料" + (f"（{name}）" if name else "")
            en.append(f"material {index + 1}" + (f" ({code})" if code else ""))
        i += 2
    return zh, ", ".join(en)


_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _locate(text: str, path: JsonPath) -> int | None:
    """Offset in `text` (already known to be valid JSON) of the value at `path`, or of the
    deepest enclosing value that exists. Best effort: the message is still right without it."""

    def skip(pos: int) -> int:
        match = _WS.match(text, pos)
        return match.end() if match else pos

    try:
        pos = skip(0)
        for step in path:
            target: int | None = None
            if isinstance(step, int):
                if text[pos] != "[":
                    break
                cur, index = skip(pos + 1), 0
                while text[cur] != "]":
                    if index == step:
                        target = cur
                        break
                    cur = skip(_DECODER.raw_decode(text, cur)[1])
                    if text[cur] == ",":
                        cur = skip(cur + 1)
                    index += 1
            else:
                if text[pos] != "{":
                    break
                cur = skip(pos + 1)
                while text[cur] != "}":
                    key, cur = _DECODER.raw_decode(text, cur)
                    cur = skip(skip(cur) + 1)  # past the colon
                    if key == step:
                        target = cur  # keep scanning: a repeated key's last value wins
                    cur = skip(_DECODER.raw_decode(text, cur)[1])
                    if text[cur] == ",":
                        cur = skip(cur + 1)
            if target is None:
                break
            pos = target
        return pos
    except Exception:  # a locator failure must never hide the real fault
        return None


def _placed(err: CatalogueInvalid, root: object, text: str | None) -> CatalogueInvalid:
    where_zh, where_en = _where(root, err.path)
    line = column = None
    if text is not None:
        offset = _locate(text, err.path)
        if offset is not None:
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return CatalogueInvalid(
        err.path,
        err.detail_zh,
        err.detail_en,
        where_zh=where_zh,
        where_en=where_en,
        line=line,
        column=column,
    )


def _at_root(root: object, read: Callable[[], _T]) -> _T:
    try:
        return read()
    except CatalogueInvalid as err:
        raise _placed(err, root, None) from None


# --------------------------------------------------------------------------------------------
# The file format


# The json module's syntax messages, for the clerk or county admin who edits a file by hand.
_JSON_MESSAGES_ZH: Final = {
    "Expecting value": "此处缺少值（或多了一个逗号）",
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": (
        "字段名必须用英文双引号括起来（或多了一个逗号）"
    ),
    "Unterminated string starting at": "文字缺少结尾的英文双引号",
    "Invalid control character at": "文字中有未转义的控制字符（如直接换行，应写作 \\n）",
    "Invalid \\escape": "无效的反斜杠转义",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Extra data": "JSON 已经结束，后面还有多余内容",
}


def parse_catalogue(text: str) -> Catalogue:
    """Read a catalogue file's text. All or nothing: a complete `Catalogue`, or
    `CatalogueInvalid` (an `InvalidInput`) naming the line and field at fault. A leading BOM is
    accepted (Windows editors write one)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        root = json.loads(text, object_pairs_hook=_pairs_hook)
    except json.JSONDecodeError as err:
        raise CatalogueInvalid(
            (),
            f"不是有效的 JSON：{_JSON_MESSAGES_ZH.get(err.msg, err.msg)}",
            f"not valid JSON: {err.msg}",
            line=err.lineno,
            column=err.colno,
            show_column=True,
            field="json",
        ) from None
    except RecursionError:
        raise CatalogueInvalid(
            (), "不是有效的事项目录：嵌套层数过深", "not a catalogue: nested too deep", field="json"
        ) from None
    except ValueError as err:  # an integer beyond Python's digit limit
        raise CatalogueInvalid(
            (),
            "不是有效的事项目录：数字位数过多",
            f"not a catalogue: {_show(str(err), 80)}",
            field="json",
        ) from None
    try:
        return _read_catalogue(root)
    except CatalogueInvalid as err:
        raise _placed(err, root, text) from None


def parse_catalogue_bytes(data: bytes) -> Catalogue:
    """Read a catalogue file's bytes (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise CatalogueInvalid(
            (),
            f"第{line}行：文件不是 UTF-8 编码（请用 UTF-8 保存）",
            f"line {line}: the file is not UTF-8 (save it as UTF-8)",
            field="json",
        ) from None
    return parse_catalogue(text)


def demo_catalogue_text() -> str:
    """The bundled demo catalogue file (app/data/demo_catalogue.json), as text."""
    from importlib import resources

    return resources.files("app.data").joinpath(DEMO_CATALOGUE_FILE).read_text(encoding="utf-8")


def load_demo_catalogue() -> Catalogue:
    """The bundled demo catalogue (marked `demo=True`: training data, not an official list)."""
    return parse_catalogue(demo_catalogue_text())


def dump_catalogue(catalogue: Catalogue) -> str:
    """The catalogue as file text: UTF-8-friendly (no \\u escapes), indented, keys in the
    documented order, ending with a newline. `parse_catalogue(dump_catalogue(c)) == c`."""
    return json.dumps(catalogue.to_dict(), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------
# Search: code, name, short name, keywords, pinyin initials, full pinyin

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Heteronym combinations per name beyond which only the usual reading is indexed.
_MAX_READINGS: Final = 16


def _norm(text: str) -> str:
    """Full-width to half-width (IMEs type full-width letters), case-folded, no spaces or
    pinyin syllable apostrophes."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "'’")


def _ascii_alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def pinyin_initials(text: str) -> str:
    """First letters of each Han character's usual reading, ASCII letters and digits kept,
    everything else dropped: "最低生活保障" -> "zdshbz", "80周岁以上" -> "80zsys".
    The reading is pypinyin's phrase-aware one (重度 -> zd, 参保 -> cb)."""
    from pypinyin import Style, lazy_pinyin

    return _ascii_alnum(
        "".join(lazy_pinyin(unicodedata.normalize("NFKC", text), Style.FIRST_LETTER))
    )


def full_pinyin(text: str) -> str:
    """Toneless pinyin without separators, ü as v: "最低生活保障" -> "zuidishenghuobaozhang"."""
    from pypinyin import Style, lazy_pinyin

    return _ascii_alnum("".join(lazy_pinyin(unicodedata.normalize("NFKC", text), Style.NORMAL)))


def _initials_readings(text: str) -> tuple[str, ...]:
    """Initials under every combination of polyphone readings (重 z/c, 给 g/j…), so a clerk who
    types a less usual reading still finds the item; skipped when combinations explode."""
    from pypinyin import Style, pinyin

    choices = [
        sorted({_ascii_alnum(r) for r in readings}) or [""]
        for readings in pinyin(
            unicodedata.normalize("NFKC", text), Style.FIRST_LETTER, heteronym=True
        )
    ]
    total = 1
    for options in choices:
        total *= len(options)
        if total > _MAX_READINGS:
            return ()
    return tuple(sorted({"".join(combo) for combo in itertools.product(*choices)}))


@dataclass(frozen=True)
class _Entry:
    item: ServiceItem
    order: int
    code: str
    names: tuple[str, ...]  # normalised name, short name, keywords
    initials: tuple[str, ...]  # usual reading, one per name
    alt_initials: tuple[str, ...]  # other polyphone readings
    pinyins: tuple[str, ...]  # full pinyin, one per name


@functools.lru_cache(maxsize=8192)
def _name_keys(name: str) -> tuple[str, tuple[str, ...], str]:
    """(initials, initials under other readings, full pinyin) of one normalised name. Cached:
    a new catalogue version mostly repeats the names of the last one, and pypinyin costs about
    0.3 ms a name."""
    return pinyin_initials(name), _initials_readings(name), full_pinyin(name)


def _entry(item: ServiceItem, order: int) -> _Entry:
    raw_names = [item.name, item.short_name, *item.keywords]
    names = tuple(dict.fromkeys(_norm(n) for n in raw_names if n))
    keys = [_name_keys(n) for n in names]
    initials = tuple(dict.fromkeys(k[0] for k in keys))
    alt = tuple(dict.fromkeys(a for k in keys for a in k[1] if a not in initials))
    pinyins = tuple(dict.fromkeys(k[2] for k in keys))
    return _Entry(item, order, _norm(item.code), names, initials, alt, pinyins)


def search_keys(item: ServiceItem) -> tuple[str, ...]:
    """Every normalised string the search matches against (code, names, initials under each
    reading, full pinyin), e.g. to store beside the item for an SQL LIKE search."""
    e = _entry(item, 0)
    return tuple(
        dict.fromkeys(k for k in (e.code, *e.names, *e.initials, *e.alt_initials, *e.pinyins) if k)
    )


def _in_order(query: str, name: str) -> bool:
    it = iter(name)
    return all(ch in it for ch in query)


def _tier(e: _Entry, q: str, han: bool, ascii_query: bool) -> tuple[int, int] | None:
    """(rank of the best match, 0 if a whole key equals the query else 1), lower is better;
    None when the item does not match. The second part puts 低保 (short name "db") before
    医疗救助 (keyword 大病救助, "dbjz") for the query "db"."""
    if e.code == q:
        return 0, 0
    if e.code.startswith(q):
        return 1, 1
    if any(n.startswith(q) for n in e.names):
        return 2, int(q not in e.names)
    if ascii_query:
        if any(i.startswith(q) for i in e.initials):
            return 3, int(q not in e.initials)
        if any(i.startswith(q) for i in e.alt_initials):
            return 4, int(q not in e.alt_initials)
    if any(q in n for n in e.names):
        return 5, 1
    if ascii_query:
        if any(q in i for i in e.initials):
            return 6, 1
        if any(p.startswith(q) for p in e.pinyins):
            return 7, int(q not in e.pinyins)
        if len(q) >= 3 and any(q in p for p in e.pinyins):
            return 8, 1
    if len(q) >= 4 and q in e.code:
        return 9, 1
    if han and len(q) >= 2 and any(_in_order(q, n) for n in e.names):
        return 10, 1  # 低保 -> 最低生活保障: the characters in order, not adjacent
    return None


class CatalogueIndex:
    """Search keys computed once for a set of items, so the item picker can search on every
    keystroke. Ranking: exact code, code prefix, name/short name/keyword prefix, pinyin
    initials prefix (usual reading, then other readings), name substring, initials substring,
    full-pinyin prefix, full-pinyin substring, code substring, Han characters in order. Ties:
    a key equal to the whole query first, then shorter name, then catalogue order."""

    def __init__(self, items: Iterable[ServiceItem]) -> None:
        self._entries = tuple(_entry(item, i) for i, item in enumerate(items))

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 20) -> list[ServiceItem]:
        q = _norm(query)
        if not q or limit <= 0:
            return []
        han = _HAN.search(q) is not None
        ascii_query = q.isascii()
        ranked: list[tuple[int, int, int, int, ServiceItem]] = []
        for e in self._entries:
            rank = _tier(e, q, han, ascii_query)
            if rank is not None:
                ranked.append((*rank, len(e.item.name), e.order, e.item))
        ranked.sort(key=lambda r: r[:4])
        return [r[4] for r in ranked[:limit]]


def search(items: Iterable[ServiceItem], query: str, limit: int = 20) -> list[ServiceItem]:
    """One-off search; build a `CatalogueIndex` once instead when searching repeatedly."""
    return CatalogueIndex(items).search(query, limit)
