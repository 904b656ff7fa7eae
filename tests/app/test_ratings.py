"""好差评: one rating per contact, the bad review's follow-up with its working-day deadline,
and the appeal the director decides."""

from __future__ import annotations

import pytest

from app import cases, consultations, ratings, settings
from app.duty_records import inbox
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import CLERK, CLERK2, DIRECTOR, YLBX, as_user, at, day, duty_desk
from tests.conftest import FakeClock


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
        ratings.rate(zs, "case", case_no, True)  # type: ignore[arg-type]


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
