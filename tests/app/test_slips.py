"""Slips printed from real cases in the ledger: what the citizen takes home must carry the
case's own numbers, dates and people, masked where the form does not need them in full."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

from app import cases, catalogue, slips
from app.applicants import Person
from app.catalogue_model import ServiceItem
from app.desk import Desk
from app.errors import RuleRefused
from printing.fonts import missing_glyphs
from printing.layout import fmt_date
from tests.app.case_helpers import at
from tests.conftest import FakeClock
from tests.printing.pdfcheck import barcodes, flat_text, squash

MakeDesk = Callable[..., tuple[Desk, str]]
APPLICANT = Person(
    "欧阳秀英", "resident_id", "11010519491231002X", "13800138000", "攀莲镇挂榜村3组"
)


@pytest.fixture
def desk(make_desk: MakeDesk) -> Desk:
    d, _ = make_desk()
    catalogue.install_demo(d)
    return d


def _item(desk: Desk) -> ServiceItem:
    return catalogue.get_item(desk.conn, "512B0003600031").item  # 临时救助


def _all(item: ServiceItem) -> dict[str, cases.MaterialTick]:
    return {m.code: cases.MaterialTick("received") for m in item.materials}


def test_receipt_carries_the_case(desk: Desk) -> None:
    item = _item(desk)
    case_no = cases.intake(desk, item.code, APPLICANT, _all(item)).case_no
    detail = cases.accept(desk, case_no)
    due = detail.summary.due_on
    assert due is not None
    pdf = slips.slip_pdf(desk, "receipt", case_no)
    text = squash(flat_text(pdf))
    for expected in (
        detail.accept_doc_no,
        cases.barcode_value(case_no),
        "欧阳秀英",
        "110105********002X",
        item.name,
        f"{due.year}年{due.month}月{due.day}日",
        "王管理",  # the clerk who accepted
        "审批服务专用章",
    ):
        assert squash(str(expected)) in text, expected
    assert "11010519491231002X" not in text  # never the full ID
    assert [v for _, v in barcodes(pdf)] == [cases.barcode_value(case_no)]
    # The scanned digits open the same case.
    assert cases.parse_case_no(cases.barcode_value(case_no)) == case_no


def test_notice_lists_every_missing_item_and_the_return_date(desk: Desk) -> None:
    item = _item(desk)
    ticks = {item.materials[0].code: cases.MaterialTick("received")}
    ticks[item.materials[1].code] = cases.MaterialTick("defective", "复印件未签字")
    case_no = cases.intake(desk, item.code, APPLICANT, ticks).case_no
    notice = cases.issue_notice(
        desk, case_no, [cases.NoticeItem("村委会证明", "未盖章", "请加盖村委会公章")]
    )
    for layout in ("a4", "receipt80"):
        pdf = slips.slip_pdf(desk, "notice", case_no, layout)  # type: ignore[arg-type]
        text = squash(flat_text(pdf))
        for line in notice.items:
            assert squash(line.name) in text and squash(line.problem) in text
        back = notice.return_by
        assert f"{back.year}年{back.month}月{back.day}日" in text
        assert squash(notice.notice_no) in text
        assert "第三十二条" in text
        assert [v for _, v in barcodes(pdf)] == [cases.barcode_value(case_no)]


def test_a_notice_writes_every_date_in_one_style(desk: Desk, clock: FakeClock) -> None:
    # Early March: a zero-padded month (`03月`) would show next to the form's `3月`.
    at(clock, "2026-03-02")
    item = _item(desk)
    ticks = {item.materials[0].code: cases.MaterialTick("received")}
    case_no = cases.intake(desk, item.code, APPLICANT, ticks).case_no
    notice = cases.issue_notice(desk, case_no, [])
    for layout in ("a4", "receipt80"):
        text = squash(flat_text(slips.slip_pdf(desk, "notice", case_no, layout)))  # type: ignore[arg-type]
        found = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        assert len(found) >= 2  # the issue date and the return-by date, at least
        for y, m, d in found:
            assert f"{y}年{m}月{d}日" == fmt_date(dt.date(int(y), int(m), int(d))), (y, m, d)
        back = notice.return_by
        assert text.count(squash(fmt_date(back))) >= 2, layout  # the notes and the form


def test_rejection_and_completion(desk: Desk) -> None:
    item = _item(desk)
    rejected = cases.intake(desk, item.code, APPLICANT, _all(item)).case_no
    cases.reject(desk, rejected, "申请人户籍不在本镇", "户籍所在地乡镇便民服务中心")
    text = squash(flat_text(slips.slip_pdf(desk, "rejection", rejected)))
    assert "申请人户籍不在本镇" in text and "户籍所在地乡镇便民服务中心" in text
    assert "行政复议" in text and "米易县人民法院" in text

    done = cases.intake(desk, item.code, APPLICANT, _all(item)).case_no
    cases.accept(desk, done)
    cases.complete(desk, done, "not_approved", note="家庭收入超过当地救助标准")
    text = squash(flat_text(slips.slip_pdf(desk, "completion", done)))
    assert "家庭收入超过当地救助标准" in text and "米易县人民政府" in text


def test_a_slip_for_a_step_not_taken_is_refused(desk: Desk) -> None:
    item = _item(desk)
    case_no = cases.intake(desk, item.code, APPLICANT, _all(item)).case_no
    for kind in ("receipt", "notice", "rejection", "completion"):
        with pytest.raises(RuleRefused):
            slips.slip_pdf(desk, kind, case_no)


def test_every_character_of_the_demo_catalogue_prints(desk: Desk) -> None:
    # Missing glyphs vanish silently from a PDF: every name a slip can print must exist.
    text = "".join(
        p.item.name
        + "".join(m.name + m.requirement for m in p.item.materials)
        + "".join(p.item.legal_basis)
        + p.item.department
        for p in catalogue.current_items(desk.conn)
    )
    assert missing_glyphs(text) == set()


def test_a_provisional_due_date_is_marked_on_the_receipt(
    calendar_through_2026, desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.current = dt.datetime.combine(dt.date(2026, 12, 14), dt.time(9), clock.current.tzinfo)
    item = _item(desk)
    case_no = cases.intake(desk, item.code, APPLICANT, _all(item)).case_no
    assert cases.accept(desk, case_no).summary.due_provisional
    assert "暂定" in flat_text(slips.slip_pdf(desk, "receipt", case_no))


def test_service_guide_for_an_item(desk: Desk) -> None:
    pdf = slips.guide_pdf(desk, "512B0003600029")
    text = squash(flat_text(pdf))
    item = catalogue.get_item(desk.conn, "512B0003600029").item
    for expected in (
        item.name,
        item.code,
        "25个工作日",
        "30个工作日",
        "不收费",
        *(m.name for m in item.materials),
        *item.legal_basis,
    ):
        assert squash(expected) in text, expected


def test_desk_duty_forms_from_the_demo_ledger(tmp_path, capsys, monkeypatch, clock) -> None:  # type: ignore[no-untyped-def]
    """Referral slip, away sign, staff card and daily report print from real records."""
    from app.demo import DEMO_PASSPHRASE
    from tests.app.test_cli import clerkdesk

    path = tmp_path / "demo.ledger"
    assert clerkdesk(capsys, monkeypatch, "demo", "--ledger", str(path))[0] == 0
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", DEMO_PASSPHRASE)
    from app import away, consultations
    from app.desk import open_desk

    desk = open_desk(path, "zhaomin", DEMO_PASSPHRASE, clock=clock)
    referred = next(
        c
        # The demo's whole span (it ends yesterday), whatever day of the month today is.
        for c in consultations.list_between(
            desk.conn, desk.today() - dt.timedelta(60), desk.today()
        )
        if c.referral is not None
    )
    away_user = away.open_notes(desk.conn)[0].username
    desk.close()
    common = ["--ledger", str(path), "--user", "zhaomin"]
    expectations = {
        ("referral", referred.consult_no): [referred.referral.to, "首问负责"],  # type: ignore[union-attr]
        ("away", away_user): ["暂时离开"],
        ("card", "liuyang"): ["刘洋"],
        ("daily", ""): ["工作日报", "预警及超期办件", "窗口工作量"],
    }
    for (kind, target), words in expectations.items():
        out = tmp_path / f"{kind}.pdf"
        argv = ["print", kind, *([target] if target else []), *common, "--out", str(out)]
        code, _, err = clerkdesk(capsys, monkeypatch, *argv)
        assert code == 0, err
        text = squash(flat_text(out.read_bytes()))
        for word in words:
            assert squash(word) in text, (kind, word)
    code, _, err = clerkdesk(
        capsys,
        monkeypatch,
        "print",
        "daily",
        "2026-13-01",
        *common,
        "--out",
        str(tmp_path / "bad.pdf"),
    )
    assert code == 2 and "YYYY-MM-DD" in err
