"""Read-only queries behind desk screens: the citizen-facing monitor (staff card and away
note, never anything about a citizen) and the bad ratings still to follow up."""

from __future__ import annotations

import dataclasses

import pytest

from app import away, cases, views, windows
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import CLERK, CLERK2, LSJZ, MakeDesk, as_user, duty_desk, moment
from tests.conftest import FakeClock

pytestmark = pytest.mark.on_date("2026-03-02")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_card_and_the_away_note_of_the_window(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = duty_desk(make_desk)
    zs, ww = as_user(desk, CLERK), as_user(desk, CLERK2)
    windows.set_staff_card(desk, CLERK, "攀莲镇人民政府", "窗口受理员", "13808120001", False, PNG)
    windows.sign_in(zs, 1)
    applicant = person(1)
    cases.intake(zs, LSJZ, applicant, all_received(zs, LSJZ))

    screen = views.citizen_screen(desk.conn, CLERK, 1, desk.now())
    assert (screen.window_label, screen.staff_name, screen.post) == (
        "1号窗口 综合窗口1",
        "张三",
        "窗口受理员",
    )
    assert screen.photo == PNG and screen.away_text == ""

    # 张三 leaves; 王五 (B角) sits down: the screen says where 张三 went and who covers.
    away.post(zs, "meeting", "镇政府党政办", moment("2026-03-02", 11), "13808120001")
    windows.sign_in(ww, 1)
    screen = views.citizen_screen(ww.conn, CLERK2, 1, ww.now())
    assert screen.staff_name == "王五" and screen.photo is None and screen.unit == ""
    assert screen.away_text == "张三 离岗（会议）：镇政府党政办，预计 11:00 返回，由 王五 代岗"
    # Nothing of a citizen on it: not the applicant's name, ID number or phone.
    shown = " ".join(str(v) for v in dataclasses.asdict(screen).values())
    for private in (applicant.name, applicant.id_number, applicant.phone):
        assert private not in shown


def test_rating_work_lists_open_follow_ups_with_their_light_then_appeals(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    from app import consultations, ratings
    from tests.app.duty_helpers import DIRECTOR, at

    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    first = consultations.log(zs, "问一", "答一", topic="社保卡")
    second = consultations.log(zs, "问二", "答二", topic="医保")
    good = consultations.log(zs, "问三", "答三", topic="户籍")
    bad = ratings.rate(zs, "consultation", first.consult_no, 5)
    appealed = ratings.rate(zs, "consultation", second.consult_no, 4)
    ratings.rate(zs, "consultation", good.consult_no, 1)  # satisfied: nothing to do
    ratings.appeal(zs, appealed.rating_no, "malicious", "评价人未办理业务")

    rows = views.rating_work(desk.conn, desk.today())
    assert [r.rating.rating_no for r in rows] == [bad.rating_no, appealed.rating_no]
    assert [r.task_label for r in rows] == ["待核实", "待核实；申诉待裁定"]
    assert rows[0].staff_name == "张三" and rows[0].deadline is not None
    assert rows[0].deadline.level == "normal"
    # Follow-up done, appeal still pending: listed for the director, without a light.
    for step, note in (("verify", "已核实"), ("rectify", "已整改"), ("callback", "已回访")):
        ratings.followup_step(zs if step == "rectify" else director, appealed.rating_no, step,
                              note, satisfied=True if step == "callback" else None)  # fmt: skip
    rows = views.rating_work(desk.conn, desk.today())
    assert [(r.rating.rating_no, r.task_label, r.deadline) for r in rows][1] == (
        appealed.rating_no,
        "申诉待裁定",
        None,
    )
    # Weeks later the open one is red and overdue, still listed first.
    at(clock, "2026-03-31")
    (late, _appeal) = views.rating_work(desk.conn, desk.today())
    assert late.deadline is not None and late.deadline.level == "red" and late.deadline.overdue


def test_complaint_work_says_the_next_step_and_the_light(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    from app import complaints
    from tests.app.duty_helpers import DIRECTOR, at

    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    first = complaints.register(zs, "phone", "窗口午休无人", about_staff=CLERK2)
    second = complaints.register(zs, "box", "排队太久")
    complaints.handle(director, second.complaint_no, "调整午间值班", "已安排轮岗")
    rows = views.complaint_work(desk.conn, desk.today())
    assert [(r.complaint.complaint_no, r.task_label, r.about_name) for r in rows] == [
        (first.complaint_no, "待办理", "王五"),
        (second.complaint_no, "待回访", ""),
    ]
    assert rows[0].deadline.level == "normal" and not rows[0].deadline.overdue
    complaints.call_back(director, second.complaint_no, "已电话告知", True)
    at(clock, "2026-04-30")
    (late,) = views.complaint_work(desk.conn, desk.today())
    assert late.complaint.complaint_no == first.complaint_no
    assert late.deadline.level == "red" and late.deadline.overdue


def test_special_work_lights_bookings_by_their_day(make_desk: MakeDesk, clock: FakeClock) -> None:
    from app import special_services
    from tests.app.duty_helpers import at, day

    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    at(clock, "2026-03-02")
    missed = special_services.record(zs, "appointment", on=day("2026-03-02"), time="09:30")
    today = special_services.record(zs, "appointment", on=day("2026-03-03"), time="10:00")
    ahead = special_services.record(
        zs, "home_visit", on=day("2026-03-10"), address="挂榜村3组", group="elderly"
    )
    lane = special_services.record(zs, "fast_lane", outcome="当场办结")
    at(clock, "2026-03-03")
    rows = views.special_work(desk.conn, desk.today())
    assert [(r.service.service_no, r.light) for r in rows] == [
        (missed.service_no, "red"),  # booked yesterday and never closed
        (lane.service_no, ""),
        (today.service_no, "yellow"),
        (ahead.service_no, "normal"),
    ]
    special_services.update(zs, missed.service_no, "no_show")
    assert views.special_work(desk.conn, desk.today())[0].light == ""
