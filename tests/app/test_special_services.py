"""Special services: appointments (after hours, holidays), fast lane, proxy and assisted
handling, home visits, each linkable to a case."""

from __future__ import annotations

import pytest

from app import cases, reports, special_services
from app.errors import InvalidInput, RuleRefused
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import (
    CLERK,
    DIRECTOR,
    LSJZ,
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


def test_a_holiday_appointment_is_flagged_and_closed_with_its_case(
    make_desk: MakeDesk,
    clock: FakeClock,
) -> None:
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    booked = special_services.record(zs, "appointment", on=day("2026-04-06"), time="10:00",
                                     item_code=LSJZ, citizen_name="张秀英",
                                     citizen_phone="13800138000", group="elderly")  # fmt: skip
    assert booked.holiday and booked.status == "booked"  # 2026-04-06: 清明节 day off
    evening = special_services.record(zs, "appointment", on=day("2026-03-04"), time="18:30",
                                      after_hours=True)  # fmt: skip
    assert evening.after_hours and not evening.holiday
    with pytest.raises(RuleRefused):
        special_services.update(zs, booked.service_no, "done", "已办理")  # not yet that day
    at(clock, "2026-04-06", 10)
    case_no = cases.intake(zs, LSJZ, person(3), all_received(zs, LSJZ), channel="appointment")
    done = special_services.update(zs, booked.service_no, "done", "已受理", case_no.case_no)
    assert done.status == "done" and done.case_no == case_no.case_no
    assert [s.service_no for s in special_services.for_case(desk.conn, case_no.case_no)] == [
        booked.service_no
    ]
    with pytest.raises(RuleRefused):
        special_services.update(zs, booked.service_no, "cancelled")
    missed = special_services.update(zs, evening.service_no, "no_show")
    assert missed.status_label == "未到"
    with pytest.raises(InvalidInput, match="预约时间"):
        special_services.record(zs, "appointment", on=day("2026-04-07"))


def test_proxy_assisted_fast_lane_and_home_visit(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    with pytest.raises(InvalidInput, match="代办"):
        special_services.record(zs, "proxy", group="disabled")
    proxy = special_services.record(zs, "proxy", agent="挂榜村代办员 李红", group="disabled")
    assert proxy.status == "done" and proxy.agent == "挂榜村代办员 李红"
    lane = special_services.record(zs, "fast_lane", group="sick", note="行动不便，优先办理")
    assert lane.kind_label == "快速通道"
    with pytest.raises(InvalidInput, match="地址"):
        special_services.record(zs, "home_visit", group="elderly")
    visit = special_services.record(zs, "home_visit", on=day("2026-03-05"), group="elderly",
                                    address="攀莲镇挂榜村3组", note="高龄津贴认证")  # fmt: skip
    assert visit.status == "booked"
    case_no = cases.intake(zs, LSJZ, person(4), all_received(zs, LSJZ), channel="home_visit")
    linked = special_services.link_case(zs, proxy.service_no, case_no.case_no)
    assert linked.case_no == case_no.case_no and linked.status == "done"
    with pytest.raises(InvalidInput):
        special_services.record(zs, "assisted", agent="x", time="25:00")
    kinds = [s.kind for s in special_services.list_between(desk.conn, day("2026-03-01"),
                                                            day("2026-03-31"))]  # fmt: skip
    assert sorted(kinds) == ["fast_lane", "home_visit", "proxy"]


def test_an_appointment_booked_before_the_holidays_were_published_is_flagged_once_they_are(
    make_desk: MakeDesk,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_2027(monkeypatch)
    desk = duty_desk(make_desk)
    zs = as_user(desk, CLERK)
    at(clock, "2026-12-24")
    new_year = special_services.record(zs, "appointment", on=day("2027-01-01"), time="09:30",
                                       group="elderly")  # fmt: skip
    monday = special_services.record(zs, "appointment", on=day("2027-01-04"), time="09:30")
    assert not new_year.holiday and not monday.holiday  # a Friday, as far as anyone knew
    load_2027(as_user(desk, DIRECTOR))  # 2027-01-01 is 元旦
    assert special_services.get(desk.conn, new_year.service_no).holiday
    assert not special_services.get(desk.conn, monday.service_no).holiday
    at(clock, "2027-01-05")
    r = reports.build_report(desk.conn, day("2027-01-01"), day("2027-01-04"), desk.now())
    assert (r.special.appointments, r.special.holiday) == (2, 1)
    assert_rebuilds_identically(desk)
