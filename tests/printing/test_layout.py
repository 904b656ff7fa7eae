"""Layout: text stays on the page and off other text, long values wrap, long lists flow on
to further pages without losing a row, and bad input fails with a clear PrintingError."""

from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from printing import samples
from printing.data import (
    AwaySignData,
    MissingMaterial,
    Person,
    ReportTable,
    StaffRef,
)
from printing.errors import PrintingError
from printing.forms import (
    FORMS,
    notice_pdf,
    receipt_pdf,
    rejection_pdf,
    render_form,
    staff_card_pdf,
)

from .conftest import ALL_RENDERS
from .pdfcheck import MM, char_boxes, flat_text, overlapping_chars, page_texts, squash

EDGE = 3 * MM  # no text closer than this to the paper's edge

# Longer than any line of any layout (an A4 line holds about 40 characters at 12 pt).
LONG_NAME = "阿卜杜热合曼·买买提明·艾力·" * 4 + "欧阳"
LONG_ADDRESS = (
    "四川省攀枝花市米易县攀莲镇新河村三组四十七号附一号（原供销社家属院内左转第二排"
    "最里面一户，门口有一棵大黄葛树）Building-No.7-Alexandria-Konstantinopoulou-Street"
)


def assert_laid_out_cleanly(pdf: bytes) -> None:
    for number, (width, height, boxes) in enumerate(char_boxes(pdf), 1):
        outside = [
            b.char
            for b in boxes
            if b.left < EDGE or b.right > width - EDGE or b.bottom < EDGE or b.top > height - EDGE
        ]
        assert not outside, f"page {number}: text off the printable area: {outside[:20]}"
        clashes = overlapping_chars(boxes)
        assert not clashes, f"page {number}: overlapping text: {clashes[:10]}"


@pytest.mark.parametrize(("sample_id", "layout"), ALL_RENDERS)
def test_every_form_keeps_text_on_the_page_and_apart(
    rendered: dict, sample_id: str, layout: str
) -> None:
    assert_laid_out_cleanly(rendered[(sample_id, layout)])


@pytest.mark.parametrize("layout", ["a4", "receipt80"])
def test_long_names_and_addresses_wrap_instead_of_overflowing(layout: str) -> None:
    base = samples.receipt()
    applicant = replace(base.applicant, name=LONG_NAME, address=LONG_ADDRESS)
    agent = replace(base.agent, name=LONG_NAME[::-1], relation="受申请人委托的村代办员")  # type: ignore[arg-type]
    data = replace(base, applicant=applicant, agent=agent)
    pdf = receipt_pdf(data, layout)
    text = flat_text(pdf)
    # The slip leaves the address out (the citizen knows it); the A4 notice prints it.
    values = (LONG_NAME, LONG_NAME[::-1]) + ((LONG_ADDRESS,) if layout == "a4" else ())
    for value in values:
        assert squash(value) in text
    assert_laid_out_cleanly(pdf)
    # It really wrapped: present in full, yet no single line holds all of it.
    lines = [squash(line) for page in page_texts(pdf) for line in page.splitlines()]
    assert not [line for line in lines if squash(LONG_NAME) in line]


def test_long_values_wrap_on_the_rejection_and_the_notice() -> None:
    rejection = replace(
        samples.rejection(),
        applicant=replace(samples.rejection().applicant, name=LONG_NAME, address=LONG_ADDRESS),
        where_to_go=LONG_ADDRESS * 2,
    )
    notice = replace(
        samples.notice(),
        missing=(MissingMaterial(LONG_NAME, LONG_ADDRESS, LONG_ADDRESS * 2),),
    )
    for pdf in (rejection_pdf(rejection), notice_pdf(notice), notice_pdf(notice, "receipt80")):
        assert squash(LONG_ADDRESS) in flat_text(pdf)
        assert_laid_out_cleanly(pdf)


def test_forty_missing_materials_flow_onto_more_pages_without_losing_a_row() -> None:
    data = samples.notice(missing_count=40)
    pdf = notice_pdf(data)
    pages = page_texts(pdf)
    assert len(pages) >= 2
    text = flat_text(pdf)
    for m in data.missing:
        assert squash(m.name) in text and squash(m.how_to_fix) in text
    for m in data.missing[4:]:  # the padded names are unique: each row printed exactly once
        assert text.count(squash(m.name)) == 1, m.name
    for page in pages:  # the table header repeats, the footer names the case on every page
        assert "补正要求" in page
        assert samples.NOTICE_CASE_NUMBER in squash(page)
    assert f"共{len(pages)}页" in squash(pages[-1])
    assert_laid_out_cleanly(pdf)


def test_forty_missing_materials_fit_one_receipt_slip() -> None:
    data = samples.notice(missing_count=40)
    pdf = notice_pdf(data, "receipt80")
    assert len(page_texts(pdf)) == 1
    text = flat_text(pdf)
    assert all(squash(m.name) in text for m in data.missing)


def test_markup_characters_in_data_print_literally() -> None:
    name = "<b>王&amp;</b> <br/>"
    data = replace(samples.receipt(), applicant=replace(samples.receipt().applicant, name=name))
    assert squash(name) in flat_text(receipt_pdf(data))


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
printable = st.characters(min_codepoint=0x21, max_codepoint=0x7E)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.text(alphabet=st.one_of(cjk, printable), min_size=1, max_size=60).filter(
        lambda s: s.strip()
    ),
    address=st.text(alphabet=st.one_of(cjk, printable, st.just(" ")), max_size=150),
)
def test_any_name_and_address_print(name: str, address: str) -> None:
    base = samples.receipt()
    data = replace(base, applicant=replace(base.applicant, name=name, address=address))
    text = flat_text(receipt_pdf(data))
    assert squash(name) in text
    assert squash(address) in text


# ------------------------------------------------------------------ bad input


def test_unsupported_layout_is_refused() -> None:
    with pytest.raises(PrintingError, match="没有“receipt80”版式"):
        rejection_pdf(samples.rejection(), "receipt80")  # type: ignore[arg-type]
    with pytest.raises(PrintingError):
        receipt_pdf(samples.receipt(), "a5")  # type: ignore[arg-type]


def test_render_form_dispatches_and_checks_the_data_type() -> None:
    assert render_form("referral", samples.referral()).startswith(b"%PDF")
    with pytest.raises(PrintingError, match="没有名为"):
        render_form("passport", samples.referral())
    with pytest.raises(PrintingError, match="ReceiptData"):
        render_form("receipt", samples.referral())
    assert set(FORMS) == {
        "receipt",
        "notice",
        "rejection",
        "completion",
        "referral",
        "guide",
        "away",
        "card",
        "daily",
    }


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: replace(samples.receipt(), case_number=" "), "不能为空"),
        (lambda: replace(samples.receipt(), case_number="攀莲2026-7"), "不能用条码打印"),
        (lambda: replace(samples.receipt(), materials=()), "收到的材料"),
        (lambda: replace(samples.notice(), missing=()), "至少|需补正"),
        (lambda: replace(samples.notice(), notes=["逾期未补正"]), "须为元组"),
        (lambda: Person(name="王", id_number=""), "不能为空"),
        (lambda: StaffRef(name="", window="3号窗口"), "不能为空"),
        (lambda: ReportTable("表", ("a", "b"), (("1",),)), "第1行有1列"),
        (
            lambda: replace(samples.completion(), approved=False, review_body=""),
            "行政复议机关",
        ),
        (
            lambda: AwaySignData(
                **{
                    **{
                        f.name: getattr(samples.away_sign(), f.name)
                        for f in dataclasses.fields(AwaySignData)
                    },
                    "back_at": samples.away_sign().away_from.replace(hour=9),
                }
            ),
            "返回时间早于离开时间",
        ),
    ],
)
def test_bad_data_raises_a_clear_printing_error(make: object, message: str) -> None:
    with pytest.raises(PrintingError, match=message):
        make()  # type: ignore[operator]


def test_unreadable_photo_is_a_printing_error() -> None:
    data = replace(samples.staff_card(), photo=b"not an image")
    with pytest.raises(PrintingError, match="照片无法读取"):
        staff_card_pdf(data)


def test_case_number_too_long_for_a_receipt_slip_is_refused_not_shrunk() -> None:
    data = replace(samples.receipt(), case_number="PL-" + "ABCDEFGHJK" * 3)
    with pytest.raises(PrintingError, match="过长"):
        receipt_pdf(data, "receipt80")
    assert receipt_pdf(data, "a4").startswith(b"%PDF")  # A4 has the room


def test_signs_and_cards_shrink_long_entries_to_stay_on_one_sheet() -> None:
    from printing.forms import away_sign_pdf

    away = replace(
        samples.away_sign(),
        where="县民政局社会救助股、县残联康复中心、县人民医院住院部（陪同特困人员办理入院）",
        reason="报送本月低保审批材料，并协助特困供养人员办理住院手续和医疗救助一站式结算" * 2,
    )
    card = replace(
        samples.staff_card(),
        name="阿卜杜热合曼·买买提明",
        duties="低保、特困供养、临时救助、残疾人两项补贴、高龄津贴、城乡居民养老保险" * 3,
    )
    for pdf, fields in (
        (away_sign_pdf(away), (away.where, away.reason)),
        (staff_card_pdf(card), (card.name, card.duties)),
    ):
        assert len(page_texts(pdf)) == 1
        text = flat_text(pdf)
        assert all(squash(f) in text for f in fields)
        assert_laid_out_cleanly(pdf)


@pytest.mark.parametrize(("sample_id", "layout"), ALL_RENDERS)
def test_no_line_starts_with_closing_punctuation(
    rendered: dict, sample_id: str, layout: str
) -> None:
    bad_starts = "，。、：；！？）》」』】〕”’…"
    lines = [
        line.strip()
        for page in page_texts(rendered[(sample_id, layout)])
        for line in page.splitlines()
    ]
    assert not [line for line in lines if line[:1] in bad_starts and line[:1]]
