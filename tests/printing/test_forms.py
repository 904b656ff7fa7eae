"""Each form, read back from its PDF, holds every field the issue requires of it."""

from __future__ import annotations

import dataclasses

import pytest

from printing import samples
from printing.data import NOTICE_LEGAL_BASIS
from printing.forms import render_form
from printing.forms.notice import ONE_TIME_STATEMENT
from printing.layout import PROVISIONAL, PROVISIONAL_NOTE, SEAL_TEXT

from .conftest import ALL_RENDERS
from .pdfcheck import flat_text, reader, squash

CENTRE = "米易县攀莲镇便民服务中心"
PHONE = "0812-8172345"
SUPERVISION = "0812-8175100"

# Full personal numbers from every sample: they must never appear on paper.
FULL_NUMBERS = [
    "510421195803152320",
    "510421198205102319",
    "510421196508224517",
    "510421197103041629",
    "13881234567",
    "13908121234",
    "13778124567",
    "15183412345",
    "13990412345",
]


def assert_contains(pdf: bytes, *fields: str) -> None:
    text = flat_text(pdf)
    missing = [f for f in fields if squash(f) not in text]
    assert not missing, f"missing from the PDF text: {missing}"


def receipt_fields(layout: str) -> list[str]:
    data = samples.receipt()
    return [
        CENTRE,
        "受理通知书" if layout == "a4" else "受理回执",
        "攀莲便民受〔2026〕0007号",  # acceptance document number
        samples.CASE_NUMBER,
        "最低生活保障",
        "512B0003600029",
        "王秀英",
        "510421********2320",  # applicant ID, masked
        "138****4567",
        "李建国",  # agent
        "510421********2319",
        *[m.name for m in data.materials],  # materials received
        "2026年11月16日 10:32",  # accepted at
        "2026年12月7日（15个工作日）",  # committed completion date
        "李晓梅",  # clerk
        "3号窗口",
        PHONE,
        SUPERVISION,
        data.pickup_instructions,  # query / pick-up instructions
        "查询办理进度",
        SEAL_TEXT,
        "2026年11月16日",  # date by the seal
        "签收",
    ]


@pytest.mark.parametrize("layout", ["a4", "receipt80"])
def test_receipt_holds_every_required_field(rendered: dict, layout: str) -> None:
    pdf = rendered[("receipt", layout)]
    assert_contains(pdf, *receipt_fields(layout))
    assert PROVISIONAL not in flat_text(pdf)


def test_provisional_deadline_is_marked(rendered: dict) -> None:
    pdf = rendered[("receipt-provisional", "a4")]
    assert_contains(
        pdf,
        f"2027年1月4日（15个工作日）{PROVISIONAL}",
        "注：2027年节假日安排尚未载入，只按周末计算，如有调整以本中心通知为准。",
    )
    # Data that gives no reason gets the general explanation.
    data = samples.receipt(provisional=True)
    bare = dataclasses.replace(
        data, deadline=dataclasses.replace(data.deadline, provisional_reason="")
    )
    assert_contains(render_form("receipt", bare, "a4"), PROVISIONAL_NOTE)


@pytest.mark.parametrize("layout", ["a4", "receipt80"])
def test_notice_holds_every_required_field(rendered: dict, layout: str) -> None:
    data = samples.notice()
    pdf = rendered[("notice", layout)]
    fields = [
        CENTRE,
        "一次性告知书",
        "攀莲便民补〔2026〕0003号",
        samples.NOTICE_CASE_NUMBER,
        "困难残疾人生活补贴",
        "张德明",
        "510421********4517",
        "137****4567",
        NOTICE_LEGAL_BASIS,
        "2026年12月7日",  # return by
        "李晓梅",  # contact
        PHONE,
        SUPERVISION,
        ONE_TIME_STATEMENT,
        "申请人（代理人）签收" if layout == "a4" else "申请人签收",
        SEAL_TEXT,
        *data.notes,
    ]
    for m in data.missing:  # every material: what, what is wrong, how to fix
        fields += [m.name, m.problem, m.how_to_fix]
    assert_contains(pdf, *fields)


def test_rejection_holds_every_required_field(rendered: dict) -> None:
    data = samples.rejection()
    assert_contains(
        rendered[("rejection", "a4")],
        CENTRE,
        "不予受理通知书",
        data.doc_number,
        "陈光荣",
        "510421********1629",
        "道路货物运输经营许可",
        data.reason,  # reason
        data.legal_basis,
        data.where_to_go,  # where to go
        "六十日内向米易县人民政府申请行政复议",  # review right
        "六个月内向米易县人民法院提起行政诉讼",  # litigation right
        "本中心决定不予受理",
        SEAL_TEXT,
        "2026年11月16日",
        SUPERVISION,
    )


def test_completion_holds_every_required_field(rendered: dict) -> None:
    data = samples.completion()
    assert_contains(
        rendered[("completion", "a4")],
        CENTRE,
        "办结通知书",
        data.doc_number,
        samples.CASE_NUMBER,
        "最低生活保障",
        "王秀英",
        "510421********2320",
        "2026年11月16日 10:32",
        "2026年12月3日 16:20",
        "【准予】",
        data.result,
        "窗口领取",
        data.pickup_instructions,
        "按期办结",
        "非常满意",
        "非常不满意",
        SEAL_TEXT,
        SUPERVISION,
    )
    assert "行政复议" not in flat_text(rendered[("completion", "a4")])


def test_refused_completion_states_the_remedies() -> None:
    from dataclasses import replace

    from printing.forms import completion_pdf

    data = replace(
        samples.completion(),
        approved=False,
        result="经审核，家庭人均收入高于本县最低生活保障标准，不符合条件。",
        review_body="米易县人民政府",
        court="米易县人民法院",
    )
    assert_contains(completion_pdf(data), "【不予批准】", "行政复议", "行政诉讼", "米易县人民法院")


@pytest.mark.parametrize("layout", ["a4", "receipt80"])
def test_referral_holds_every_required_field(rendered: dict, layout: str) -> None:
    data = samples.referral()
    assert_contains(
        rendered[("referral", layout)],
        CENTRE,
        "首问负责告知单",
        data.slip_number,
        "赵玉兰",
        "139****2345",
        data.question,
        data.answer,
        data.referred_to,
        data.referred_address,
        "刘敏",
        data.contact_phone,
        data.office_hours,
        "首问责任人",
        "李晓梅",
        SUPERVISION,
    )


def test_guide_holds_every_required_field(rendered: dict) -> None:
    data = samples.guide()
    fields = [
        CENTRE,
        "办事指南",
        data.item_name,
        data.item_code,
        data.item_type,
        data.case_type,
        data.implementer,
        data.department,
        "法定时限",
        "30个工作日",
        "承诺时限",
        "15个工作日",
        data.fee,
        data.fee_basis,
        data.venue,
        data.hours,
        data.consult_phone,
        data.supervision_phone,
        *data.legal_basis,
        *data.conditions,
        *data.notes,
    ]
    fields += [step for step in data.process]
    for m in data.materials:
        fields += [m.name, m.form, m.requirement, m.source]
    assert_contains(rendered[("guide", "a4")], *fields)


def test_away_sign_holds_every_required_field(rendered: dict) -> None:
    pdf = rendered[("away", "a4")]
    data = samples.away_sign()
    assert_contains(
        pdf,
        CENTRE,
        "暂时离开",
        data.window,
        data.staff_name,
        data.where,
        data.reason,
        "16:00",
        "14:40",
        data.phone,
        data.backup_name,
        data.backup_window,
    )
    width, height = (float(v) for v in reader(pdf).pages[0].mediabox[2:])
    assert width > height  # landscape


@pytest.mark.parametrize("sample_id", ["card", "card-no-photo"])
def test_staff_card_holds_every_required_field(rendered: dict, sample_id: str) -> None:
    pdf = rendered[(sample_id, "a4")]
    data = samples.staff_card()
    assert_contains(
        pdf,
        CENTRE,
        data.name,
        data.post,
        data.window,
        "中共党员",
        data.staff_number,
        data.phone,
        data.duties,
        SUPERVISION,
    )
    page = reader(pdf).pages[0]
    images = [
        x
        for x in (page["/Resources"].get("/XObject") or {}).values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == (1 if sample_id == "card" else 0)


def test_daily_report_holds_every_required_field(rendered: dict) -> None:
    data = samples.daily_report()
    fields = [CENTRE, "工作日报", "2026年11月16日（星期一）", data.prepared_by]
    for metric in data.metrics:
        fields += [metric.label, metric.value]
    for table in data.tables:
        fields += [table.title, *table.columns, *[cell for row in table.rows for cell in row]]
    for chart in data.charts:
        fields += [chart.title, *chart.categories]
        if len(chart.series) > 1:
            fields += [s.name for s in chart.series]  # the legend
    assert_contains(rendered[("daily", "a4")], *fields)


@pytest.mark.parametrize(("sample_id", "layout"), ALL_RENDERS)
def test_no_full_id_or_phone_number_is_printed(rendered: dict, sample_id: str, layout: str) -> None:
    text = flat_text(rendered[(sample_id, layout)])
    assert not [n for n in FULL_NUMBERS if n in text]


@pytest.mark.parametrize(("sample_id", "layout"), ALL_RENDERS)
def test_metadata_names_the_form_not_the_person(
    rendered: dict, sample_id: str, layout: str
) -> None:
    meta = reader(rendered[(sample_id, layout)]).metadata or {}
    values = " ".join(str(v) for v in meta.values())
    assert CENTRE in values
    for personal in ["王秀英", "张德明", "陈光荣", "赵玉兰", *FULL_NUMBERS]:
        assert personal not in values


def test_single_page_forms_fit_on_one_page(rendered: dict) -> None:
    one_page = [
        ("receipt", "a4"),
        ("receipt-provisional", "a4"),
        ("notice", "a4"),
        ("rejection", "a4"),
        ("completion", "a4"),
        ("referral", "a4"),
        ("away", "a4"),
        ("card", "a4"),
        ("card-no-photo", "a4"),
        ("receipt", "receipt80"),
        ("notice", "receipt80"),
        ("referral", "receipt80"),
    ]
    pages = {key: len(reader(rendered[key]).pages) for key in one_page}
    assert pages == dict.fromkeys(one_page, 1)


@pytest.mark.parametrize("form", ["receipt", "notice", "referral"])
def test_receipt_layout_is_80mm_wide(rendered: dict, form: str) -> None:
    box = reader(rendered[(form, "receipt80")]).pages[0].mediabox
    assert float(box.width) == pytest.approx(80 * 72 / 25.4, abs=0.5)
    assert float(box.height) > float(box.width)
