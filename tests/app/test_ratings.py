"""好差评: one rating per contact, the bad review's follow-up with its working-day deadline,
and the appeal the director decides."""

from __future__ import annotations

import pytest

from app import cases, consultations, ratings, reports, settings, staff
from app.duty_records import inbox
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import (
    CLERK,
    CLERK2,
    DIRECTOR,
    PASS,
    YLBX,
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


def _served_case(desk) -> str:  # type: ignore[no-untyped-def]
    no = cases.intake(desk, YLBX, person(1), all_received(desk, YLBX)).case_no
    cases.accept(desk, no)
    cases.complete(desk, no, "approved")
    return no


def test_one_rating_per_contact(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    case_no = _served_case(zs)
    r = ratings.rate(zs, "case", case_no.replace("-", ""), 1, "screen")  # as scanned
    assert r.contact_ref == case_no and r.staff == CLERK and r.window_no == 1
    assert r.level_label == "非常满意" and r.followup is None
    with pytest.raises(RuleRefused, match="一次一评"):
        ratings.rate(zs, "case", case_no, 2, "qr")
    with pytest.raises(RuleRefused, match="一次一评"):
        ratings.rate(as_user(desk, DIRECTOR), "case", case_no, 5, "paper")
    c = consultations.log(zs, "问", "答", topic="社保卡")
    assert ratings.rate(zs, "consultation", c.consult_no, 3, "paper").level == 3
    with pytest.raises(InvalidInput):
        ratings.rate(zs, "consultation", consultations.log(zs, "q", "a", topic="t").consult_no, 6)
    with pytest.raises(InvalidInput):
        ratings.rate(zs, "case", case_no, True)


def test_a_bad_rating_opens_a_follow_up_that_goes_overdue(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    case_no = _served_case(zs)  # Monday 2026-03-02
    r = ratings.rate(zs, "case", case_no, 5, "screen", "等了一个小时")
    f = r.followup
    assert f is not None and f.state == "open" and f.next_step == "verify"
    assert f.due_on == day("2026-03-09")  # 5 working days (the default)
    assert {m.kind for m in inbox(desk.conn, DIRECTOR)} >= {"rating.bad"}
    (status,) = ratings.open_followups(desk.conn, desk.today())
    assert status.workdays_left == 5 and not status.overdue
    at(clock, "2026-03-09")  # the due day: not yet overdue
    assert not ratings.open_followups(desk.conn, desk.today())[0].overdue
    at(clock, "2026-03-10")
    (status,) = ratings.open_followups(desk.conn, desk.today())
    assert status.overdue and status.workdays_left == -1 and status.next_step == "verify"
    # A later setting changes new follow-ups only.
    settings.change(desk, "followup_workdays", 15)
    other = ratings.rate(zs, "consultation", consultations.log(zs, "q", "a", topic="t").consult_no,
                         4)  # fmt: skip
    assert other.followup is not None and other.followup.due_on == day("2026-03-31")


def test_follow_up_steps_in_order_with_actor_and_time(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    r = ratings.rate(zs, "case", _served_case(zs), 4, "qr")
    with pytest.raises(RuleRefused, match="核实"):
        ratings.followup_step(director, r.rating_no, "rectify", "x")
    with pytest.raises(RuleRefused, match="被评价人"):
        ratings.followup_step(zs, r.rating_no, "verify", "我没有问题")
    clock.advance(hours=2)
    ratings.followup_step(director, r.rating_no, "verify", "调看监控：等候时间过长属实")
    ratings.followup_step(zs, r.rating_no, "rectify", "高峰时段开放B角窗口分流")
    with pytest.raises(InvalidInput):
        ratings.followup_step(as_user(desk, CLERK2), r.rating_no, "callback", "已回访")
    done = ratings.followup_step(
        as_user(desk, CLERK2), r.rating_no, "callback", "已电话回访，群众表示满意", satisfied=True
    )
    f = done.followup
    assert f is not None and f.state == "closed" and f.closed_on == day("2026-03-02")
    assert (f.verified_by, f.rectified_by, f.called_back_by) == (DIRECTOR, CLERK, CLERK2)
    assert f.callback_satisfied is True and ratings.open_followups(desk.conn, desk.today()) == []
    with pytest.raises(RuleRefused, match="已结束"):
        ratings.followup_step(director, r.rating_no, "callback", "again", satisfied=True)
    good = ratings.rate(zs, "consultation", consultations.log(zs, "q", "a", topic="t").consult_no,
                        1)  # fmt: skip
    with pytest.raises(RuleRefused, match="不是差评"):
        ratings.followup_step(director, good.rating_no, "verify", "x")


def test_an_appeal_is_decided_by_the_director_alone(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    r = ratings.rate(zs, "case", _served_case(zs), 5, "qr", "（与办理无关的发泄）")
    ratings.appeal(zs, r.rating_no, "malicious", "评价内容与本次服务无关")
    with pytest.raises(RuleRefused, match="已申诉"):
        ratings.appeal(zs, r.rating_no, "mistaken", "again")
    # The clerk (and the admin) may not rule on it: a director's action, refused in app/.
    with pytest.raises(PermissionDenied):
        ratings.decide_appeal(zs, r.rating_no, True, "自己裁定")
    with pytest.raises(PermissionDenied):
        ratings.decide_appeal(desk, r.rating_no, True, "管理员裁定")
    decided = ratings.decide_appeal(director, r.rating_no, True, "经核实属恶意评价，不计入")
    assert decided.voided and decided.appeal_state == "upheld"
    assert decided.followup is not None and decided.followup.state == "voided"
    assert ratings.open_followups(desk.conn, desk.today()) == []
    good = ratings.rate(zs, "consultation", consultations.log(zs, "q", "a", topic="t").consult_no,
                        2)  # fmt: skip
    with pytest.raises(RuleRefused, match="只有差评"):
        ratings.appeal(zs, good.rating_no, "mistaken", "x")
    other = ratings.rate(zs, "consultation", consultations.log(zs, "q", "a", topic="u").consult_no,
                         4)  # fmt: skip
    ratings.appeal(zs, other.rating_no, "mistaken", "点错了")
    rejected = ratings.decide_appeal(director, other.rating_no, False, "群众确认不满意")
    assert not rejected.voided and rejected.followup is not None
    assert rejected.followup.state == "open"


def test_a_step_cannot_predate_the_one_before_and_closing_late_stays_late(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk = duty_desk(make_desk)
    zs, director = as_user(desk, CLERK), as_user(desk, DIRECTOR)
    at(clock, "2026-03-03")
    r = ratings.rate(zs, "case", _served_case(zs), 5, "screen", "态度差")
    assert r.followup is not None and r.followup.due_on == day("2026-03-10")
    at(clock, "2026-03-25")  # nothing done in time
    with pytest.raises(InvalidInput, match="评价日期"):
        ratings.followup_step(director, r.rating_no, "verify", "属实", on=day("2026-03-02"))
    # 补录 of a paper record: the verification was done on 03-05.
    ratings.followup_step(director, r.rating_no, "verify", "属实", on=day("2026-03-05"))
    with pytest.raises(InvalidInput, match="核实"):
        ratings.followup_step(zs, r.rating_no, "rectify", "整改", on=day("2026-03-04"))
    ratings.followup_step(zs, r.rating_no, "rectify", "加强服务礼仪")  # today, 03-25
    # Dating the call-back before the rectification would make the follow-up look in time.
    with pytest.raises(InvalidInput, match="整改"):
        ratings.followup_step(director, r.rating_no, "callback", "满意", satisfied=True,
                              on=day("2026-03-03"))  # fmt: skip
    with pytest.raises(InvalidInput, match="晚于今天"):
        ratings.followup_step(director, r.rating_no, "callback", "满意", satisfied=True,
                              on=day("2026-03-26"))  # fmt: skip
    done = ratings.followup_step(director, r.rating_no, "callback", "满意", satisfied=True)
    assert done.followup is not None and done.followup.closed_on == day("2026-03-25")
    assert ratings.step_days(desk.conn, r.rating_no) == {
        "verify": day("2026-03-05"),
        "rectify": day("2026-03-25"),
        "callback": day("2026-03-25"),
    }

    # A report of the days before the closing still sees it open and overdue...
    before = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-24"), desk.now())
    assert (before.ratings.followups_open, before.ratings.followups_overdue) == (1, 1)
    # ...and the period it was closed in counts it as closed late.
    month = reports.build_report(desk.conn, day("2026-03-02"), day("2026-03-31"), desk.now())
    assert (month.ratings.followups_open, month.ratings.followups_closed_late) == (0, 1)
    (late,) = month.ratings.late_followups
    assert (late.ref, late.staff, late.due_on, late.closed_on) == (
        r.rating_no, CLERK, day("2026-03-10"), day("2026-03-25"),
    )  # fmt: skip
    assert late.workdays_late == 11  # 03-11..03-13, 03-16..03-20, 03-23..03-25
    assert reports.as_dict(month)["ratings"]["followups_closed_late"] == 1
    tables = {t.title: t for t in reports.report_tables(month)}
    assert ("整改逾期完成", 1) in tables["概况"].rows
    assert tables["逾期办结"].rows == (
        ("差评整改", r.rating_no, CLERK, "2026-03-10", "2026-03-25", 11),
    )


def test_only_the_rated_person_or_a_director_appeals_and_nobody_judges_their_own(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk = duty_desk(make_desk)
    zs, ww, director = as_user(desk, CLERK), as_user(desk, CLERK2), as_user(desk, DIRECTOR)
    staff.add_account(desk, "zhouqi", "周七", "director", PASS)
    other_director = as_user(desk, "zhouqi")
    r = ratings.rate(zs, "case", _served_case(zs), 5, "qr")
    with pytest.raises(RuleRefused, match="只有被评价人"):
        ratings.appeal(ww, r.rating_no, "malicious", "我觉得是恶意差评")  # a colleague
    assert ratings.get_rating(desk.conn, r.rating_no).appeal_state is None
    ratings.appeal(director, r.rating_no, "malicious", "与办理无关")  # a director may
    # The director's own rating: he may appeal it, but another director decides.
    asked = consultations.log(director, "低保怎么办？", "请到民政办", topic="低保")
    own = ratings.rate(zs, "consultation", asked.consult_no, 5)
    assert own.staff == DIRECTOR
    ratings.appeal(director, own.rating_no, "mistaken", "误评")
    with pytest.raises(RuleRefused, match="对您本人的评价"):
        ratings.decide_appeal(director, own.rating_no, True, "成立")
    assert ratings.get_rating(desk.conn, own.rating_no).appeal_state == "pending"
    clock.advance(days=1)
    with pytest.raises(InvalidInput, match="申诉日期"):  # a ruling cannot predate the appeal
        ratings.decide_appeal(other_director, own.rating_no, True, "成立", on=day("2026-03-01"))
    decided = ratings.decide_appeal(other_director, own.rating_no, False, "群众确认不满意")
    assert decided.appeal_state == "rejected" and not decided.voided


def test_loading_next_years_calendar_moves_an_open_follow_ups_deadline(
    make_desk: MakeDesk,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_2027(monkeypatch)
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    at(clock, "2026-12-28")
    # 5 wd from Mon 12-28, 2027 unknown so weekends only: 12-29..12-31, Fri 01-01, Mon 01-04.
    r = ratings.rate(zs, "case", _served_case(zs), 4)
    assert r.followup is not None
    assert (r.followup.due_on, r.followup.due_provisional) == (day("2027-01-04"), True)
    load_2027(as_user(desk, DIRECTOR))
    # 2027-01-01 is 元旦 after all: 12-29..12-31, 01-04, 01-05.
    f = ratings.get_rating(desk.conn, r.rating_no).followup
    assert f is not None and (f.due_on, f.due_provisional) == (day("2027-01-05"), False)
    at(clock, "2027-01-05")
    (status,) = ratings.open_followups(desk.conn, desk.today())
    assert status.workdays_left == 0 and not status.overdue and not status.provisional
    assert_rebuilds_identically(desk)
