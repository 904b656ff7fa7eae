"""The catalogue's pure part: model rules, the JSON file format, the demo catalogue, search."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.catalogue_model import (
    CASE_KINDS,
    DELIVERY_METHODS,
    FORMAT_ID,
    ITEM_TYPES,
    MATERIAL_FORMS,
    Catalogue,
    CatalogueIndex,
    CatalogueInvalid,
    Material,
    ServiceItem,
    TimeLimit,
    demo_catalogue_text,
    dump_catalogue,
    full_pinyin,
    load_demo_catalogue,
    parse_catalogue,
    parse_catalogue_bytes,
    pinyin_initials,
    search,
    search_keys,
)
from app.errors import InvalidInput

DEMO = load_demo_catalogue()
INDEX = CatalogueIndex(DEMO.items)
HAN = re.compile(r"[\u4e00-\u9fff]")


def names(items: list[ServiceItem]) -> list[str]:
    return [item.name for item in items]


# --------------------------------------------------------------------------------------------
# A small valid document the validation table breaks one field at a time


def base_doc() -> dict[str, Any]:
    material = {
        "code": "M01",
        "name": "申请书",
        "form": "original",
        "count": 1,
        "requirement": "申请人签字",
        "required": True,
        "condition": "",
        "category": "申请材料",
    }
    committed = {
        "code": "T-001",
        "name": "最低生活保障",
        "short_name": "低保",
        "keywords": ["低保", "低保申请"],
        "item_type": "05",
        "case_kind": "committed",
        "statutory_limit": {"days": 30, "unit": "working"},
        "committed_limit": {"days": 20, "unit": "working"},
        "fee": "不收费",
        "fee_fen": 0,
        "fee_basis": "",
        "legal_basis": ["《社会救助暂行办法》"],
        "department": "社会事务办",
        "window": "社会事务窗口",
        "conditions": "家庭人均收入低于当地低保标准。",
        "process": ["申请", "审核", "审批"],
        "result_name": "最低生活保障证",
        "delivery": ["window"],
        "consult_phone": "0812-0000101",
        "supervise_phone": "12345",
        "online_url": "",
        "notes": "",
        "materials": [
            material,
            {**material, "code": "M02", "name": "居民身份证", "form": "original_and_copy"},
        ],
    }
    immediate = {
        "code": "T-002",
        "name": "城乡居民基本养老保险参保登记",
        "item_type": "20",
        "case_kind": "immediate",
        "statutory_limit": {"days": 5, "unit": "working"},
        "committed_limit": {"days": 0, "unit": "working"},
        "fee": "不收费",
        "legal_basis": ["《中华人民共和国社会保险法》"],
        "department": "劳动保障所",
        "window": "社保医保窗口",
        "delivery": ["window", "electronic"],
        "consult_phone": "0812-0000102",
        "supervise_phone": "12345",
        "materials": [],
    }
    return {
        "format": FORMAT_ID,
        "name": "测试目录",
        "version_label": "v1",
        "demo": False,
        "issued_by": "测试",
        "items": [committed, immediate],
    }


def doc_text(doc: object) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


def at(doc: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def setter(path: tuple[str | int, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        at(doc, path[:-1])[path[-1]] = value

    return apply


def deleter(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        del at(doc, path[:-1])[path[-1]]

    return apply


def both(*steps: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        for step in steps:
            step(doc)

    return apply


I0, I1, M = ("items", 0), ("items", 1), ("items", 0, "materials")

# (id, mutation, field reported)
BAD_DOCUMENTS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing format", deleter(("format",)), "format"),
    ("other format", setter(("format",), "clerkdesk-catalogue/2"), "format"),
    ("format not text", setter(("format",), 1), "format"),
    ("unknown top key", setter(("nmae",), "x"), "nmae"),
    ("missing name", deleter(("name",)), "name"),
    ("empty name", setter(("name",), ""), "name"),
    ("name padded", setter(("name",), " 测试目录"), "name"),
    ("empty version", setter(("version_label",), "  "), "version_label"),
    ("demo not bool", setter(("demo",), "yes"), "demo"),
    ("issued_by not text", setter(("issued_by",), None), "issued_by"),
    ("description with tab", setter(("description",), "a\tb"), "description"),
    ("items not array", setter(("items",), {}), "items"),
    ("no items", setter(("items",), []), "items"),
    ("item not object", setter(I0, "最低生活保障"), "items[0]"),
    ("unknown item key", setter((*I0, "nmae"), "x"), "items[0].nmae"),
    ("missing item code", deleter((*I0, "code")), "items[0].code"),
    ("code with Han", setter((*I0, "code"), "低保01"), "items[0].code"),
    ("code with space", setter((*I0, "code"), "T 001"), "items[0].code"),
    ("duplicate item code", setter((*I1, "code"), "t-001"), "items[1].code"),
    ("name too long", setter((*I0, "name"), "长" * 101), "items[0].name"),
    ("name with newline", setter((*I0, "name"), "最低\n生活保障"), "items[0].name"),
    ("name NUL", setter((*I0, "name"), "最低\x00生活保障"), "items[0].name"),
    ("name lone surrogate", setter((*I0, "name"), "最低\ud800"), "items[0].name"),
    ("item type unknown", setter((*I0, "item_type"), "99"), "items[0].item_type"),
    ("item type number", setter((*I0, "item_type"), 5), "items[0].item_type"),
    ("case kind unknown", setter((*I0, "case_kind"), "urgent"), "items[0].case_kind"),
    ("limit not object", setter((*I0, "statutory_limit"), 30), "items[0].statutory_limit"),
    (
        "negative limit",
        setter((*I0, "statutory_limit", "days"), -1),
        "items[0].statutory_limit.days",
    ),
    (
        "decimal limit",
        setter((*I0, "committed_limit", "days"), 1.5),
        "items[0].committed_limit.days",
    ),
    ("bool limit", setter((*I0, "statutory_limit", "days"), True), "items[0].statutory_limit.days"),
    (
        "huge limit",
        setter((*I0, "statutory_limit", "days"), 10**6),
        "items[0].statutory_limit.days",
    ),
    (
        "limit unit",
        setter((*I0, "statutory_limit", "unit"), "month"),
        "items[0].statutory_limit.unit",
    ),
    (
        "limit unknown key",
        setter((*I0, "statutory_limit", "dyas"), 3),
        "items[0].statutory_limit.dyas",
    ),
    (
        "committed over statutory",
        setter((*I0, "committed_limit", "days"), 31),
        "items[0].committed_limit.days",
    ),
    (
        "committed working days over statutory natural days",
        both(
            setter((*I0, "statutory_limit"), {"days": 15, "unit": "natural"}),
            setter((*I0, "committed_limit"), {"days": 16, "unit": "working"}),
        ),
        "items[0].committed_limit.days",
    ),
    (
        "committed item with 0 days",
        setter((*I0, "committed_limit", "days"), 0),
        "items[0].committed_limit.days",
    ),
    (
        "immediate item with days",
        setter((*I1, "committed_limit", "days"), 3),
        "items[1].committed_limit.days",
    ),
    ("committed item without materials", setter((*I0, "materials"), []), "items[0].materials"),
    ("materials not array", setter((*I0, "materials"), {}), "items[0].materials"),
    ("material not object", setter((*M, 1), 3), "items[0].materials[1]"),
    ("material form", setter((*M, 1, "form"), "scan"), "items[0].materials[1].form"),
    ("material form label", setter((*M, 1, "form"), "原件"), "items[0].materials[1].form"),
    ("material count 0", setter((*M, 0, "count"), 0), "items[0].materials[0].count"),
    ("material count text", setter((*M, 0, "count"), "1"), "items[0].materials[0].count"),
    ("material count huge", setter((*M, 0, "count"), 1000), "items[0].materials[0].count"),
    ("material required text", setter((*M, 0, "required"), "是"), "items[0].materials[0].required"),
    ("material unknown key", setter((*M, 0, "reqired"), True), "items[0].materials[0].reqired"),
    ("material missing name", deleter((*M, 0, "name")), "items[0].materials[0].name"),
    ("material code empty", setter((*M, 0, "code"), ""), "items[0].materials[0].code"),
    ("material code repeated", setter((*M, 1, "code"), "m01"), "items[0].materials[1].code"),
    (
        "material condition newline",
        setter((*M, 0, "condition"), "a\nb"),
        "items[0].materials[0].condition",
    ),
    ("fee empty", setter((*I0, "fee"), ""), "items[0].fee"),
    ("fee_fen negative", setter((*I0, "fee_fen"), -100), "items[0].fee_fen"),
    ("fee_fen decimal", setter((*I0, "fee_fen"), 10.5), "items[0].fee_fen"),
    ("fee_fen text", setter((*I0, "fee_fen"), "10元"), "items[0].fee_fen"),
    (
        "fee without basis",
        both(setter((*I0, "fee"), "工本费10元"), setter((*I0, "fee_fen"), 1000)),
        "items[0].fee_basis",
    ),
    ("no legal basis", setter((*I0, "legal_basis"), []), "items[0].legal_basis"),
    # A character no bundled font has would print as a blank on the guide and the slips.
    (
        "unprintable material name",
        setter((*M, 0, "name"), "申请书\U00030041"),
        "items[0].materials[0].name",
    ),
    (
        "unprintable legal basis",
        setter((*I0, "legal_basis"), ["《\U00031353法》"]),
        "items[0].legal_basis[0]",
    ),
    ("legal basis text", setter((*I0, "legal_basis"), "《法》"), "items[0].legal_basis"),
    ("legal basis number", setter((*I0, "legal_basis"), [1]), "items[0].legal_basis[0]"),
    (
        "legal basis empty entry",
        setter((*I0, "legal_basis"), ["《法》", ""]),
        "items[0].legal_basis[1]",
    ),
    ("no department", setter((*I0, "department"), ""), "items[0].department"),
    ("no window", deleter((*I0, "window")), "items[0].window"),
    ("process empty step", setter((*I0, "process"), [""]), "items[0].process[0]"),
    ("keyword repeated", setter((*I0, "keywords"), ["低保", "低保"]), "items[0].keywords[1]"),
    ("no delivery", setter((*I0, "delivery"), []), "items[0].delivery"),
    ("delivery unknown", setter((*I0, "delivery"), ["fax"]), "items[0].delivery[0]"),
    ("delivery repeated", setter((*I0, "delivery"), ["post", "post"]), "items[0].delivery[1]"),
    ("phone words", setter((*I0, "consult_phone"), "call me"), "items[0].consult_phone"),
    ("phone too short", setter((*I0, "consult_phone"), "12"), "items[0].consult_phone"),
    ("no supervision phone", deleter((*I0, "supervise_phone")), "items[0].supervise_phone"),
    ("url without scheme", setter((*I0, "online_url"), "www.sczwfw.gov.cn"), "items[0].online_url"),
    ("url with space", setter((*I0, "online_url"), "https://a b"), "items[0].online_url"),
    ("notes with CR", setter((*I0, "notes"), "a\r\nb"), "items[0].notes"),
]


def test_base_document_is_valid() -> None:
    catalogue = parse_catalogue(doc_text(base_doc()))
    assert [item.code for item in catalogue.items] == ["T-001", "T-002"]
    assert catalogue.items[1].fee_fen == 0 and catalogue.items[1].short_name == ""


@pytest.mark.parametrize(
    ("mutate", "field"), [pytest.param(m, f, id=i) for i, m, f in BAD_DOCUMENTS]
)
def test_each_fault_names_its_field(mutate: Callable[[dict[str, Any]], None], field: str) -> None:
    doc = base_doc()
    mutate(doc)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(doc_text(doc))
    err = caught.value
    assert isinstance(err, InvalidInput)
    assert err.field == field
    zh, _, en = err.message.partition(" / ")
    assert HAN.search(zh) and en  # Chinese for the clerk, an English gloss after " / "
    assert err.line is not None  # every fault in a parsed file is placed
    item0 = doc["items"][0] if isinstance(doc.get("items"), list) and doc["items"] else None
    named = isinstance(item0, dict) and (item0.get("name"), item0.get("code")) == (
        "最低生活保障",
        "T-001",
    )
    if field.startswith("items[0]") and named:
        assert "第1个事项（最低生活保障）" in zh and "item 1 (T-001)" in en
    if ".materials[1]" in field and isinstance(at(doc, M)[1], dict):
        assert "第2项材料（居民身份证）" in zh
    # The same fault through from_dict (a ledger event body) names the same field.
    with pytest.raises(CatalogueInvalid) as again:
        Catalogue.from_dict(json.loads(doc_text(doc)))
    assert again.value.field == field and again.value.line is None


def test_fault_message_names_line_item_and_material() -> None:
    doc = base_doc()
    doc["items"] = [copy.deepcopy(doc["items"][0]) for _ in range(4)]
    for i, item in enumerate(doc["items"]):
        item["code"] = f"T-{i}"
        item["materials"].append({**item["materials"][0], "code": "M03", "name": "户口簿"})
    doc["items"][3]["materials"][2]["form"] = "scan"
    text = doc_text(doc)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text)
    err = caught.value
    assert err.field == "items[3].materials[2].form"
    assert err.path == ("items", 3, "materials", 2, "form")
    expected_line = text.splitlines().index('          "form": "scan",') + 1
    assert err.line == expected_line
    assert err.message.startswith(
        f"第{expected_line}行，第4个事项（最低生活保障）第3项材料（户口簿）：“形式”必须是 "
        "原件(original)/复印件(copy)/原件及复印件(original_and_copy)/电子件(electronic) 之一"
    )
    assert f" / line {expected_line}, item 4 (T-3), material 3 (M03): form must be" in err.message


def test_missing_key_points_at_the_object() -> None:
    doc = base_doc()
    del doc["items"][1]["window"]
    text = doc_text(doc)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text)
    assert caught.value.field == "items[1].window"
    line = text.splitlines()[caught.value.line - 1]  # type: ignore[operator]
    assert line.strip() == "{"  # the item's opening brace
    assert "缺少必填字段“受理窗口”（window）" in caught.value.message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("", 1, 1),
        ('{\n  "name": "x",\n}', 3, 1),
        ('{\n  "name" "x"\n}', 2, 10),
        ('{"name": "未结束}', 1, 10),
        ("{} {}", 1, 4),
    ],
)
def test_syntax_errors_give_line_and_column(text: str, line: int, column: int) -> None:
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text)
    err = caught.value
    assert (err.field, err.line, err.column) == ("json", line, column)
    assert err.message.startswith(f"第{line}行第{column}列：不是有效的 JSON")
    assert f"line {line} column {column}: not valid JSON" in err.message


def test_repeated_key_is_rejected_at_its_second_occurrence() -> None:
    text = doc_text(base_doc()).replace(
        '"short_name": "低保",', '"short_name": "低保",\n      "short_name": "城乡低保",', 1
    )
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(text)
    assert caught.value.field == "items[0].short_name"
    assert "出现了两次" in caught.value.message
    assert '"城乡低保"' in text.splitlines()[caught.value.line - 1]  # type: ignore[operator]


def test_unknown_key_suggests_the_right_one() -> None:
    doc = base_doc()
    doc["items"][0]["materials"][0]["reqired"] = True
    with pytest.raises(CatalogueInvalid, match="是否应为“required”"):
        parse_catalogue(doc_text(doc))


def test_non_json_and_odd_inputs_are_invalid_input() -> None:
    for text in ["[" * 100_000, "1" * 5000, "[]", "null", '"\\ud800"', "NaN", "1e999"]:
        with pytest.raises(CatalogueInvalid):
            parse_catalogue(text)
    with pytest.raises(CatalogueInvalid, match="UTF-8"):
        parse_catalogue_bytes(b"{}" + "低保".encode("gbk"))


def test_bom_and_bytes_are_accepted() -> None:
    text = doc_text(base_doc())
    assert parse_catalogue("\ufeff" + text) == parse_catalogue(text)
    assert parse_catalogue_bytes(b"\xef\xbb\xbf" + text.encode()) == parse_catalogue(text)


def test_constructors_validate_too() -> None:
    with pytest.raises(CatalogueInvalid) as caught:
        Material("M01", "身份证", "scan", 1, "", True)
    assert caught.value.field == "form"
    assert "形式" in caught.value.message
    with pytest.raises(CatalogueInvalid) as caught:
        TimeLimit(-1)
    assert caught.value.field == "days"
    item = DEMO.items[0]
    fields = {**item.__dict__, "committed_limit": TimeLimit(99)}
    with pytest.raises(CatalogueInvalid) as caught:
        ServiceItem(**fields)
    assert caught.value.field == "committed_limit.days"
    with pytest.raises(CatalogueInvalid) as caught:
        ServiceItem.from_dict({**item.to_dict(), "materials": [{"code": "M01"}]})
    assert caught.value.field == "materials[0].name"
    assert caught.value.message.startswith("第1项材料：缺少必填字段“材料名称”")


# --------------------------------------------------------------------------------------------
# The demo catalogue

REAL_CODES = {
    "512B0003600029": "最低生活保障",
    "512B0003600030": "特困人员救助供养",
    "512B0003600031": "临时救助",
    "512B0003600037": "80周岁以上老年人高龄津贴发放",
    "51201103900003": "困难残疾人生活补贴",
    "51201103900004": "重度残疾人护理补贴",
    "512B0359100011": "城乡居民基本养老保险参保登记",
    "G-000004-001": "农村部分计划生育家庭奖励扶助金",
}


def test_demo_catalogue_is_marked_and_complete() -> None:
    assert DEMO.demo is True
    assert DEMO.name == "演示事项目录（非正式数据，仅供培训演示）"
    assert "演示" in DEMO.description and "编造" in DEMO.description
    assert len(DEMO.items) >= 22
    codes = [item.code.casefold() for item in DEMO.items]
    assert len(set(codes)) == len(codes)
    for code, name in REAL_CODES.items():
        found = DEMO.get(code)
        assert found is not None and found.name == name
    for item in DEMO.items:
        if item.case_kind == "committed":
            assert item.materials and item.committed_limit.days >= 1
        else:
            assert item.committed_limit.days == 0
        assert item.legal_basis and item.consult_phone and item.supervise_phone
    kinds = [item.case_kind for item in DEMO.items]
    assert kinds.count("immediate") >= 3
    assert any(item.statutory_limit.unit == "natural" for item in DEMO.items)
    assert any(any(m.condition for m in item.materials) for item in DEMO.items)


def test_demo_file_is_in_canonical_form() -> None:
    # The file is what dump_catalogue writes, so a re-export diffs cleanly.
    assert dump_catalogue(DEMO) == demo_catalogue_text()


def test_demo_uses_only_common_characters() -> None:
    # GB2312 holds the 6,763 common Han characters and the usual punctuation: anything outside
    # it risks a missing glyph in the embedded print font.
    text = demo_catalogue_text()
    rare = sorted({ch for ch in text if not ch.isascii() and not ch.encode("gb2312", "ignore")})
    assert rare == []
    assert all(ch == "\n" or ch.isprintable() for ch in text)


def test_documented_example_parses() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "catalogue-format.md").read_text("utf-8")
    example = parse_catalogue(doc.split("```json\n")[1].split("```")[0])
    assert example.items[0].materials[1].condition == "家庭成员有残疾的提供"
    assert example.items[0].fee_fen == 0 and example.description == ""


def test_demo_items_survive_the_event_body_round_trip() -> None:
    for item in DEMO.items:
        body = json.loads(json.dumps(item.to_dict(), ensure_ascii=False))
        assert ServiceItem.from_dict(body) == item


def assert_json_plain(value: object) -> None:
    """Only what a ledger event body may hold: no floats, no tuples, str keys."""
    if isinstance(value, dict):
        assert all(isinstance(k, str) for k in value)
        for v in value.values():
            assert_json_plain(v)
    elif isinstance(value, list):
        for v in value:
            assert_json_plain(v)
    else:
        assert value is None or type(value) in (str, int, bool)


def test_to_dict_holds_no_floats() -> None:
    assert_json_plain(DEMO.to_dict())


def test_labels() -> None:
    low = DEMO.items[0]
    assert low.item_type_label == "行政给付" and low.case_kind_label == "承诺件"
    assert low.case_kind_code == "2" and low.delivery_labels == ("窗口领取", "邮寄送达")
    assert low.statutory_limit.label() == "30个工作日" and TimeLimit(0).label() == "即时办结"
    assert TimeLimit(3, "natural").label() == "3个自然日"
    assert low.fee_label == "不收费"
    assert low.display_name == "低保"
    groups = dict(low.materials_by_category())
    assert list(groups) == ["申请材料", "身份材料", "证明材料", "其他材料"]
    disabled = next(m for m in low.materials if m.name == "残疾人证")
    assert disabled.necessity_label == "视情形提供（家庭成员有残疾的提供）"
    assert disabled.form_label == "原件及复印件" and disabled.count_label == "原件及复印件1份"
    assert low.material("m01") is low.materials[0]
    assert set(ITEM_TYPES) >= {"01", "05", "07", "20"} and set(CASE_KINDS) == {
        "immediate",
        "committed",
    }


# --------------------------------------------------------------------------------------------
# Generated catalogues round-trip; no input makes the parser raise anything but InvalidInput

ALPHABET = "最低生活保障临时救助残疾人护理补贴养老医疗保险登记申请证明重行长（）、，0123abcXYZ"
line_text = st.text(alphabet=ALPHABET, min_size=1, max_size=12)
optional_text = st.one_of(st.just(""), line_text)
multi_text = st.lists(line_text, max_size=3).map("\n".join)
codes = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,12}", fullmatch=True)
phones = st.from_regex(r"(0[0-9]{3}-[0-9]{7}|12345)", fullmatch=True)

materials = st.builds(
    Material,
    code=st.from_regex(r"M[0-9]{2}", fullmatch=True),
    name=line_text,
    form=st.sampled_from(list(MATERIAL_FORMS)),
    count=st.integers(1, 99),
    requirement=multi_text,
    required=st.booleans(),
    condition=optional_text,
    category=optional_text,
)


@st.composite
def service_items(draw: st.DrawFn) -> ServiceItem:
    kind = draw(st.sampled_from(list(CASE_KINDS)))
    unit = draw(st.sampled_from(["working", "natural"]))
    committed_unit = draw(st.sampled_from([unit, "working", "natural"]))
    committed_days = 0 if kind == "immediate" else draw(st.integers(1, 60))
    statutory_days = draw(st.integers(0, 90))
    if unit == committed_unit or committed_unit == "working":
        statutory_days = max(statutory_days, committed_days)
    fee_fen = draw(st.one_of(st.none(), st.just(0), st.integers(1, 10**6)))
    return ServiceItem(
        code=draw(codes),
        name=draw(line_text),
        short_name=draw(optional_text),
        keywords=tuple(draw(st.lists(line_text, max_size=3, unique=True))),
        item_type=draw(st.sampled_from(list(ITEM_TYPES))),
        case_kind=kind,
        statutory_limit=TimeLimit(statutory_days, unit),
        committed_limit=TimeLimit(committed_days, committed_unit),
        fee=draw(line_text),
        fee_fen=fee_fen,
        fee_basis=draw(line_text if fee_fen else optional_text),
        legal_basis=tuple(draw(st.lists(line_text, min_size=1, max_size=3))),
        department=draw(line_text),
        window=draw(line_text),
        conditions=draw(multi_text),
        process=tuple(draw(st.lists(line_text, max_size=4))),
        result_name=draw(optional_text),
        delivery=tuple(
            draw(st.lists(st.sampled_from(list(DELIVERY_METHODS)), min_size=1, unique=True))
        ),
        consult_phone=draw(phones),
        supervise_phone=draw(phones),
        online_url=draw(st.sampled_from(["", "https://www.sczwfw.gov.cn/", "http://x.cn/a?b=1"])),
        notes=draw(multi_text),
        materials=tuple(
            draw(
                st.lists(
                    materials,
                    min_size=1 if kind == "committed" else 0,
                    max_size=4,
                    unique_by=lambda m: m.code.casefold(),
                )
            )
        ),
    )


catalogues = st.builds(
    Catalogue,
    name=line_text,
    version_label=line_text,
    demo=st.booleans(),
    issued_by=line_text,
    description=multi_text,
    items=st.lists(
        service_items(), min_size=1, max_size=4, unique_by=lambda i: i.code.casefold()
    ).map(tuple),
)

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(catalogues)
def test_generated_catalogues_round_trip(catalogue: Catalogue) -> None:
    text = dump_catalogue(catalogue)
    assert parse_catalogue(text) == catalogue
    assert Catalogue.from_dict(json.loads(text)) == catalogue
    assert_json_plain(catalogue.to_dict())


def parse_or_invalid(text: str) -> None:
    try:
        parse_catalogue(text)
    except InvalidInput as err:
        assert err.field and err.message
        err.message.encode("utf-8")  # printable as a CLI line, whatever the input held


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_invalid_input(text: str) -> None:
    parse_or_invalid(text)


BASE_TEXT = doc_text(base_doc())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(BASE_TEXT)), st.integers(0, 8), st.text(max_size=4)),
        min_size=1,
        max_size=3,
    )
)
def test_mutated_text_raises_only_invalid_input(edits: list[tuple[int, int, str]]) -> None:
    text = BASE_TEXT
    for pos, cut, insert in edits:
        text = text[:pos] + insert + text[pos + cut :]
    parse_or_invalid(text)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats()
    | st.text(max_size=6)
    | st.sampled_from(["", " ", "05", "committed", "immediate", "natural", "M01", "T-001"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def all_paths(value: object, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    paths = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            paths += all_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            paths += all_paths(child, (*prefix, i))
    return paths


BASE_PATHS = all_paths(base_doc())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mutated_documents_raise_only_invalid_input(data: st.DataObject) -> None:
    doc: Any = base_doc()
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(BASE_PATHS))
        try:
            parent = at(doc, path[:-1]) if path else None
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed it
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if not path:
            doc = data.draw(json_values)
            continue
        step = path[-1]
        if isinstance(parent, dict) and isinstance(step, str) and step in parent:
            if action == "delete":
                del parent[step]
            elif action == "add":
                parent[data.draw(st.text(max_size=6))] = data.draw(json_values)
            else:
                parent[step] = data.draw(json_values)
        elif isinstance(parent, list) and isinstance(step, int) and step < len(parent):
            if action == "delete":
                del parent[step]
            elif action == "add":
                parent.insert(step, data.draw(json_values))
            else:
                parent[step] = data.draw(json_values)
    parse_or_invalid(doc_text(doc))


# --------------------------------------------------------------------------------------------
# Search


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("最低生活保障", "zdshbz"),
        ("低保申请", "dbsq"),
        ("80周岁以上老年人高龄津贴发放", "80zsyslnrgljtff"),
        ("重度残疾人护理补贴", "zdcjrhlbt"),
        ("ＡＢ证（初审）", "abzcs"),
        ("", ""),
    ],
)
def test_pinyin_initials(text: str, initials: str) -> None:
    assert pinyin_initials(text) == initials


def test_full_pinyin() -> None:
    assert full_pinyin("最低生活保障") == "zuidishenghuobaozhang"
    assert full_pinyin("绿色") == "lvse"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("dbsq", "最低生活保障"),
        ("zdsh", "最低生活保障"),
        ("ZDSHBZ", "最低生活保障"),
        ("ｄｂ", "最低生活保障"),  # full-width letters from an IME
        ("低保", "最低生活保障"),
        ("高龄", "80周岁以上老年人高龄津贴发放"),
        ("512b0003600029", "最低生活保障"),
        ("G-000004-001", "农村部分计划生育家庭奖励扶助金"),
        ("宅基", "农村村民宅基地审批"),
        ("医保", "城乡居民基本医疗保险参保登记"),
        ("tk", "特困人员救助供养"),
        ("zuidi", "最低生活保障"),
        ("zui di", "最低生活保障"),
        ("cdcjr", "重度残疾人护理补贴"),  # 重 read chong: a less usual reading still finds it
        ("社保卡", "社会保障卡申领"),
    ],
)
def test_search_examples(query: str, first: str) -> None:
    assert names(INDEX.search(query))[0] == first


def test_code_prefix_ranks_code_matches_first() -> None:
    found = INDEX.search("512B00036000")
    prefixed = [i for i in DEMO.items if i.code.startswith("512B00036000")]
    assert len(prefixed) >= 4
    assert set(names(found[: len(prefixed)])) == set(names(prefixed))


def test_two_character_chinese_queries() -> None:
    for query in ["低保", "高龄", "残疾", "宅基", "医保", "养老", "救助", "补贴", "登记", "殡葬"]:
        found = INDEX.search(query)
        assert found, query
        # Every hit really contains the characters in order somewhere in its names.
        for item in found:
            texts = [item.name, item.short_name, *item.keywords]
            assert any(all(ch in t for ch in query) for t in texts), (query, item.name)


def test_search_basics() -> None:
    assert INDEX.search("") == [] and INDEX.search("   ") == []
    assert INDEX.search("低保", limit=0) == []
    assert len(INDEX.search("b", limit=3)) == 3
    assert INDEX.search("不存在的事项xyz") == []
    assert names(search(list(DEMO.items), "dbsq")) == names(INDEX.search("dbsq"))
    assert len(INDEX) == len(DEMO.items)


def test_search_keys() -> None:
    keys = search_keys(DEMO.items[0])
    assert keys[0] == "512b0003600029"
    assert {"最低生活保障", "低保", "zdshbz", "db", "dbsq", "zuidishenghuobaozhang"} <= set(keys)


def test_exact_initials_beat_longer_ones() -> None:
    # "db" is exactly 低保's initials, and only a prefix of 大病救助 (医疗救助's keyword).
    assert names(INDEX.search("db"))[:2] == ["最低生活保障", "医疗救助"]


def test_an_unprintable_character_is_named_by_its_code_point() -> None:
    doc = base_doc()
    setter((*M, 0, "name"), "申请书\U00030041")(doc)
    with pytest.raises(CatalogueInvalid) as caught:
        parse_catalogue(doc_text(doc))
    assert "（U+30041）无法打印" in caught.value.message
    # Rare characters the bundled fonts have are kept (a village name with 䶮).
    setter((*M, 0, "name"), "䶮村申请书")(doc)
    assert parse_catalogue(doc_text(doc)).items[0].materials[0].name == "䶮村申请书"
