"""Complaints: registered by anyone, handled and called back by the director, overdue like
cases."""

from __future__ import annotations

import pytest

from app import complaints, reports, staff
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.duty_helpers import (
    CLERK,
    CLERK2,
    DIRECTOR,
    PASS,
    MakeDesk,
    as_user,
    assert_rebuilds_identically,
    at,
    day,
    duty_desk,
    load_2027,
    without_2027,
)
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")


def test_register_handle_call_back(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    c = complaints.register(zs, "box", "窗口人员上班时间玩手机", about_staff=CLERK2,
                            complainant_phone="13800138000")  # fmt: skip
    assert c.state == "open" and c.about_window == 2 and c.due_on == day("2026-03-16")
    assert c.complaint_no == "TS-510421100-01-20260302-0001"
    with pytest.raises(PermissionDenied):
        complaints.handle(zs, c.complaint_no, "约谈", "批评教育")
    with pytest.raises(RuleRefused, match="先办理"):
        complaints.call_back(director, c.complaint_no, "已回访", True)
    clock.advance(days=1)
    handled = complaints.handle(director, c.complaint_no, "调看监控，约谈当事人", "批评教育，通报")
    assert handled.state == "handled" and handled.handled_by == DIRECTOR
    with pytest.raises(RuleRefused):
        complaints.handle(director, c.complaint_no, "again", "again")
    closed = complaints.call_back(director, c.complaint_no, "电话告知处理结果，投诉人满意", True)
    assert closed.state == "closed" and closed.closed_on == day("2026-03-03")
    assert complaints.open_complaints(desk.conn, desk.today()) == []
    with pytest.raises(InvalidInput):
        complaints.register(zs, "pigeon", "x")
    with pytest.raises(InvalidInput):
        complaints.register(zs, "phone", "")


def test_an_unfinished_complaint_goes_overdue(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    c = complaints.register(as_user(desk, CLERK2), "hotline", "办事指南与实际要求的材料不一致")
    at(clock, "2026-03-16")
    (o,) = complaints.open_complaints(desk.conn, desk.today())
    assert o.complaint.complaint_no == c.complaint_no and o.workdays_left == 0 and not o.overdue
    at(clock, "2026-03-17")
    (o,) = complaints.open_complaints(desk.conn, desk.today())
    assert o.overdue and o.workdays_left == -1


def test_a_complaint_closed_late_still_counts_as_late(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    at(clock, "2026-03-03")
    c = complaints.register(as_user(desk, CLERK), "phone", "态度生硬", about_staff=CLERK2)
    assert c.due_on == day("2026-03-17")
    at(clock, "2026-03-25")
    with pytest.raises(InvalidInput, match="投诉登记日期"):
        complaints.handle(director, c.complaint_no, "核实", "教育", on=day("2026-03-02"))
    complaints.handle(director, c.complaint_no, "约谈当事人", "批评教育", on=day("2026-03-20"))
    with pytest.raises(InvalidInput, match="办理日期"):
        complaints.call_back(director, c.complaint_no, "满意", True, on=day("2026-03-19"))
    complaints.call_back(director, c.complaint_no, "电话回访，满意", True)
    before = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-24"), desk.now())
    assert (before.complaints.open, before.complaints.overdue) == (1, 1)
    r = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-31"), desk.now())
    f = r.complaints
    assert (f.open, f.overdue, f.closed, f.closed_late) == (0, 0, 1, 1)
    (late,) = f.late_list
    assert (late.ref, late.staff, late.closed_on) == (c.complaint_no, CLERK2, day("2026-03-25"))
    assert late.workdays_late == 6  # 03-18..03-20, 03-23..03-25
    assert reports.as_dict(r)["complaints"]["closed_late"] == 1
    tables = {t.title: t for t in reports.report_tables(r)}
    assert ("投诉逾期办结", 1) in tables["概况"].rows
    assert tables["逾期办结"].rows == (
        ("投诉", c.complaint_no, CLERK2, "2026-03-17", "2026-03-25", 6),
    )


def test_a_director_does_not_handle_a_complaint_about_himself(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    c = complaints.register(as_user(desk, CLERK), "hotline", "负责人推诿", about_staff=DIRECTOR)
    with pytest.raises(RuleRefused, match="涉及您本人"):
        complaints.handle(director, c.complaint_no, "已解释", "无问题")
    staff.add_account(desk, "zhouqi", "周七", "director", PASS)
    other = as_user(desk, "zhouqi")
    complaints.handle(other, c.complaint_no, "调查核实", "约谈提醒")
    with pytest.raises(RuleRefused, match="涉及您本人"):
        complaints.call_back(director, c.complaint_no, "已回访", True)
    assert complaints.call_back(other, c.complaint_no, "已回访", True).state == "closed"


def test_loading_next_years_calendar_moves_an_open_complaints_deadline(
    make_desk: MakeDesk,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_2027(monkeypatch)
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    at(clock, "2026-12-24")
    # 10 wd from Thu 12-24, 2027 unknown so weekends only: 12-25, 12-28..12-31, 01-01,
    # 01-04..01-07.
    waiting = complaints.register(zs, "phone", "态度差")
    handled = complaints.register(zs, "box", "排队久")
    done = complaints.register(zs, "qr", "指南不清")
    for c in (waiting, handled, done):
        assert (c.due_on, c.due_provisional) == (day("2027-01-07"), True)
    complaints.handle(director, handled.complaint_no, "核实", "增开窗口")
    complaints.handle(director, done.complaint_no, "核实", "更新指南")
    complaints.call_back(director, done.complaint_no, "满意", True)
    load_2027(director)
    # 2027-01-01 is 元旦 after all: the tenth working day is Fri 01-08, settled.
    for c in (waiting, handled):
        now = complaints.get(desk.conn, c.complaint_no)
        assert (now.due_on, now.due_provisional) == (day("2027-01-08"), False)
    assert complaints.get(desk.conn, done.complaint_no).due_on == day("2027-01-07")  # closed
    at(clock, "2027-01-08")
    still_open = complaints.open_complaints(desk.conn, desk.today())
    assert [(o.workdays_left, o.overdue, o.provisional) for o in still_open] == [
        (0, False, False)
    ] * 2
    assert_rebuilds_identically(desk)
