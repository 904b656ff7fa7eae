"""The centre profile with its hall-area grade (plan annex), training, equipment and safety
inspections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app import centre, settings, windows
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from tests.app.duty_helpers import CLERK, DIRECTOR, NEWBIE, as_user, at, day, duty_desk
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")

# -- the annex table ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "area", "ethnic", "grade"),
    [
        # 人口在6万（含）以上: 300 / 250 / 150
        (60_000, "300", False, 1),
        (60_000, "299.99", False, 2),
        (80_000, "250", False, 2),
        (80_000, "150", False, 3),
        (80_000, "149.99", False, None),
        # 3万（含）至6万: 250 / 200 / 120 — 59 999 is still this band
        (59_999, "250", False, 1),
        (30_000, "200", False, 2),
        (30_000, "120", False, 3),
        (30_000, "119", False, None),
        # 1.5万（含）至3万: 200 / 150 / 100
        (29_999, "200", False, 1),
        (15_000, "150", False, 2),
        (15_000, "100", False, 3),
        (15_000, "99.5", False, None),
        # 1.5万以下: 150 / 100 / 80, ethnic areas 100 / 60 / 40
        (14_999, "150", False, 1),
        (14_999, "100", False, 2),
        (9_000, "80", False, 3),
        (9_000, "79.99", False, None),
        (9_000, "100", True, 1),
        (9_000, "60", True, 2),
        (9_000, "40", True, 3),
        (9_000, "39.99", True, None),
        # The ethnic variant exists only in the lowest band.
        (15_000, "60", True, None),
    ],
)
def test_hall_grade_follows_the_annex_table(
    population: int, area: str, ethnic: bool, grade: int | None
) -> None:
    result = centre.hall_grade(population, centre.parse_area(area), ethnic)
    assert result.grade == grade
    assert result.below_third == (grade is None)
    assert result.label == (centre.GRADE_LABELS[grade] if grade else "未达三级标准")


def test_below_third_grade_says_how_much_is_missing() -> None:
    g = centre.hall_grade(40_000, centre.parse_area("100.5"), False)
    assert g.below_third and g.band == "人口在3万（含）至6万"
    assert g.shortfall_m2 == Decimal("19.5")
    assert g.to_next_grade_m2 == Decimal("19.5")
    ethnic = centre.hall_grade(12_000, centre.parse_area(70), True)
    assert ethnic.ethnic_variant and ethnic.minimum_m2 == (100, 60, 40) and ethnic.grade == 2
    assert ethnic.to_next_grade_m2 == Decimal(30)


@pytest.mark.parametrize("bad", ["", "abc", "-1", "12.345", "NaN", "1e9"])
def test_area_must_be_a_sane_number(bad: str) -> None:
    with pytest.raises(InvalidInput):
        centre.parse_area(bad)


def test_ethnic_townships_are_recognised_by_name() -> None:
    assert centre.looks_ethnic("湾丘彝族乡便民服务中心")
    assert centre.looks_ethnic("新山傈僳族乡便民服务中心")
    assert not centre.looks_ethnic("攀莲镇便民服务中心")


# -- profile -----------------------------------------------------------------------------------


def _profile(code: str = "510421100", name: str = "攀莲镇便民服务中心", **kw: object):  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "centre_code": code,
        "name": name,
        "address": "米易县攀莲镇攀莲路1号",
        "opening_hours": "周一至周五 8:30-12:00，14:30-18:00",
        "supervision_phone": "0812-8171234",
        "population": 62_000,
        "hall_area_m2": "140",
    }
    data.update(kw)
    return centre.CentreProfileInput(**data)  # type: ignore[arg-type]


def test_own_profile_sets_the_slip_settings_and_shows_below_third(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    p = centre.set_profile(director, _profile())
    assert p.own and p.grade.below_third and p.grade.shortfall_m2 == Decimal(10)
    assert settings.get(desk.conn, "supervision_phone") == "0812-8171234"
    for key, value in (("centre_address", p.address), ("opening_hours", p.opening_hours)):
        if key in settings.SETTINGS:
            assert settings.get(desk.conn, key) == value
    # A clerk reads the own profile (it prints on slips) but cannot change it.
    clerk = as_user(desk, CLERK)
    assert centre.get_profile(clerk).name == "攀莲镇便民服务中心"
    with pytest.raises(PermissionDenied):
        centre.set_profile(clerk, _profile(hall_area_m2="400"))
    p2 = centre.set_profile(director, _profile(hall_area_m2="300", supervision_phone="12345"))
    assert p2.grade.grade == 1 and settings.get(desk.conn, "supervision_phone") == "12345"


def test_another_centres_settings_are_for_the_director_only(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    centre.set_profile(director, _profile())
    other = centre.set_profile(
        director, _profile("510421201", "湾丘彝族乡便民服务中心", population=8000, hall_area_m2=45)
    )
    assert not other.own and other.ethnic_area and other.grade.grade == 3
    clerk = as_user(desk, CLERK)
    with pytest.raises(PermissionDenied):
        centre.get_profile(clerk, "510421201")
    assert [p.centre_code for p in centre.list_profiles(clerk)] == ["510421100"]
    assert centre.get_profile(director, "510421201").name == "湾丘彝族乡便民服务中心"
    assert len(centre.list_profiles(director)) == 2


# -- training ----------------------------------------------------------------------------------


def test_no_window_without_passed_pre_job_training(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    director = as_user(desk, DIRECTOR)
    with pytest.raises(RuleRefused, match="岗前培训"):
        windows.assign(director, 1, NEWBIE, CLERK)
    with pytest.raises(RuleRefused, match="岗前培训"):
        windows.assign(director, 1, "zhangsan", NEWBIE)  # not as backup either
    centre.record_training(director, NEWBIE, "pre_job", "岗前培训（第一期）", passed=False)
    centre.record_training(director, NEWBIE, "business", "社会救助业务培训", passed=True)
    with pytest.raises(RuleRefused):
        windows.assign(director, 1, NEWBIE, CLERK)
    centre.record_training(director, NEWBIE, "pre_job", "岗前培训（补考）", passed=True, hours=4)
    windows.define_window(director, 3)
    assert windows.assign(director, 3, NEWBIE, CLERK).primary_clerk == NEWBIE
    assert [t.kind for t in centre.trainings(desk.conn, NEWBIE)] == [
        "pre_job",
        "business",
        "pre_job",
    ]
    with pytest.raises(PermissionDenied):
        centre.record_training(as_user(desk, CLERK), NEWBIE, "other", "x", passed=True)


# -- equipment and inspections -----------------------------------------------------------------


def test_equipment_list_and_status(make_desk) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    pc = centre.register_equipment(desk, "pc", "联想台式机", window_no=1, serial="PC-001")
    rater = centre.register_equipment(desk, "rating_device", "窗口评价器", window_no=1)
    assert pc.asset_no.startswith("SB-510421100-01-20260302-") and pc.status == "in_use"
    centre.set_equipment_status(desk, rater.asset_no, "faulty", "屏幕无显示")
    assert centre.get_equipment(desk.conn, rater.asset_no).status_label == "故障"
    centre.set_equipment_status(desk, pc.asset_no, "retired")
    assert [e.asset_no for e in centre.list_equipment(desk.conn)] == [rater.asset_no]
    with pytest.raises(RuleRefused):
        centre.set_equipment_status(desk, pc.asset_no, "in_use")
    with pytest.raises(InvalidInput):
        centre.register_equipment(desk, "toaster", "烤面包机")


def test_an_inspection_falls_due_and_goes_overdue(make_desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    desk = duty_desk(make_desk)
    centre.record_inspection(desk, "fire", "ok", on=day("2026-02-20"))  # 30 days by default
    centre.plan_inspection(desk, "secrecy", day("2026-03-10"))
    centre.record_inspection(desk, "theft", "issues", "后门锁损坏，已报修")
    status = {s.kind: s for s in centre.inspection_status(desk.conn, desk.today())}
    assert status["fire"].next_due == day("2026-03-22") and not status["fire"].overdue
    assert status["damp"].unscheduled
    at(clock, "2026-03-25")
    status = {s.kind: s for s in centre.inspection_status(desk.conn, desk.today())}
    assert status["fire"].overdue and status["fire"].days_overdue == 3
    assert status["secrecy"].overdue and status["secrecy"].last_done_on is None
    assert not status["theft"].overdue and status["theft"].last_result == "issues"
    # A back-dated older record does not move the plan backwards.
    centre.record_inspection(desk, "fire", "ok", on=day("2026-03-24"))
    centre.record_inspection(desk, "fire", "ok", on=day("2026-01-05"))
    status = {s.kind: s for s in centre.inspection_status(desk.conn, desk.today())}
    assert status["fire"].next_due == day("2026-04-23")
    with pytest.raises(InvalidInput):
        centre.record_inspection(desk, "fire", "issues", "")  # issues need findings
    with pytest.raises(InvalidInput):
        centre.record_inspection(desk, "fire", "ok", next_due=desk.today())
    assert desk.today() == dt.date(2026, 3, 25)
