"""Complaints: registered by anyone, handled and called back by the director, overdue like
cases."""

from __future__ import annotations

import pytest

from app import complaints
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.duty_helpers import CLERK, CLERK2, DIRECTOR, as_user, at, day, duty_desk
from tests.conftest import FakeClock


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
