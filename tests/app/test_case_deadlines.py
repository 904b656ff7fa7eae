"""Deadlines of real cases (DESIGN §5): working days across 2026's Spring Festival and National
Day, natural-day items, immediate items, special-procedure pauses, a provisional deadline in
2027 fixed by importing the year, and the warning lights as the days pass.

Every expected date below is counted by hand in the comment next to it; "wd" = working day.
2026 schedule (State Council, as seeded from chinesecalendar): Spring Festival 02-15..02-23
off, make-up workdays Sat 02-14 and Sat 02-28; Mid-Autumn 09-25..09-27 off; National Day
10-01..10-07 off, make-up workdays Sun 09-20 and Sat 10-10 (10-08 is an ordinary Thursday).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app import calendar, cases, catalogue, slips, views
from app import settings as desk_settings
from app.desk import Desk, set_up, verify_desk
from app.errors import InvalidInput
from db.ledger import CHINA_TZ
from printing.forms import receipt_pdf
from tests.app.case_helpers import (
    DBSQ,
    GLJT,
    LSJZ,
    SBK,
    YHSP,
    YLBX,
    MakeDesk,
    all_received,
    at,
    day,
    demo_desk,
    event_count,
    naive_due,
    new_case,
    person,
    schedule_2027,
)
from tests.conftest import PASSPHRASE, FakeClock, seed_through_2026
from tests.printing.pdfcheck import flat_text


@pytest.fixture(autouse=True)
def package_without_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    """The situation DESIGN §5 plans for: the package knows 2026 but not 2027 yet (true of
    chinesecalendar 1.11.0). Pinned here so a newer package cannot change these dates."""
    monkeypatch.setattr(calendar, "seed_schedules", seed_through_2026)


def accepted_on(desk: Desk, clock: FakeClock, item: str, when: str, n: int = 0) -> str:
    """Receive and accept a complete application of `item` on `when` (today moves there)."""
    at(clock, when)
    no = new_case(desk, item, n=n)
    detail = cases.accept(desk, no)
    assert detail.clock_start == day(when)
    return no


def due(desk: Desk, case_no: str) -> dt.date | None:
    return cases.get_case(desk.conn, case_no).summary.due_on


def light(desk: Desk, case_no: str) -> cases.OpenCase:
    for entry in cases.open_cases(desk.conn, desk.today()):
        if entry.case.case_no == case_no:
            return entry
    raise AssertionError(f"{case_no} is not in the open list")


def test_the_seeded_2026_calendar_is_the_state_councils(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    cal = calendar.load_calendar(desk.conn)
    off = ["2026-02-15", "2026-02-23", "2026-09-25", "2026-10-01", "2026-10-07"]
    working = ["2026-02-13", "2026-02-14", "2026-02-24", "2026-02-28", "2026-09-20"]
    working += ["2026-10-08", "2026-10-10"]
    assert [cal.is_workday(day(d)) for d in off] == [False] * len(off)
    assert [cal.is_workday(day(d)) for d in working] == [True] * len(working)
    assert dict(calendar.loaded_years(desk.conn))[2026].startswith("chinesecalendar")
    assert {y for y, _ in calendar.loaded_years(desk.conn)} == set(range(2004, 2027))


@pytest.mark.parametrize(
    ("item", "accepted", "expected"),
    [
        # 临时救助, 10 wd from Thu 02-12: 02-13 (1), Sat 02-14 make-up (2), [02-15..02-23 off],
        # 02-24..02-27 (3-6), Sat 02-28 make-up (7), 03-02 (8), 03-03 (9), 03-04 (10).
        (LSJZ, "2026-02-12", "2026-03-04"),
        # 最低生活保障, 25 wd from Tue 02-10: 02-11..02-13 (1-3), 02-14 (4), 02-24..02-27 (5-8),
        # 02-28 (9), 03-02..03-06 (10-14), 03-09..03-13 (15-19), 03-16..03-20 (20-24), 03-23.
        (DBSQ, "2026-02-10", "2026-03-23"),
        # 临时救助 accepted on the make-up Saturday itself, 02-14: 02-24..02-27 (1-4),
        # 02-28 (5), 03-02..03-06 (6-10).
        (LSJZ, "2026-02-14", "2026-03-06"),
    ],
)
def test_working_day_deadlines_across_the_spring_festival(
    make_desk: MakeDesk, clock: FakeClock, item: str, accepted: str, expected: str
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, item, accepted)
    assert due(desk, no) == day(expected)
    assert not cases.get_case(desk.conn, no).summary.due_provisional


@pytest.mark.parametrize(
    ("item", "accepted", "expected"),
    [
        # 临时救助, 10 wd from Fri 09-18: Sun 09-20 make-up (1), 09-21..09-24 (2-5),
        # [09-25 Mid-Autumn, weekend], 09-28..09-30 (6-8), [10-01..10-07 off], 10-08 (9),
        # 10-09 (10).
        (LSJZ, "2026-09-18", "2026-10-09"),
        # 高龄津贴, 15 wd from Fri 09-18: as above to 10-09 (10), Sat 10-10 make-up (11),
        # 10-12..10-15 (12-15).
        (GLJT, "2026-09-18", "2026-10-15"),
        # 临时救助, 10 wd from Wed 09-30: 10-08 (1), 10-09 (2), 10-10 (3), 10-12..10-16 (4-8),
        # 10-19 (9), 10-20 (10).
        (LSJZ, "2026-09-30", "2026-10-20"),
    ],
)
def test_working_day_deadlines_across_national_day(
    make_desk: MakeDesk, clock: FakeClock, item: str, accepted: str, expected: str
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, item, accepted)
    assert due(desk, no) == day(expected)


@pytest.mark.parametrize(
    ("item", "accepted", "expected"),
    [
        # 社会保障卡申领, 20 natural days from Fri 09-11 → Thu 10-01, a holiday: the period
        # ends on the next working day (民法典 §203), past the whole block → Thu 10-08.
        (SBK, "2026-09-11", "2026-10-08"),
        # 20 natural days from Mon 03-02 → Sun 03-22 → Mon 03-23.
        (SBK, "2026-03-02", "2026-03-23"),
        # 野外用火审批, 1 natural day from Fri 03-06 → Sat 03-07 → Mon 03-09.
        (YHSP, "2026-03-06", "2026-03-09"),
        # 1 natural day from Fri 02-13 → Sat 02-14, a make-up working day: it stands.
        (YHSP, "2026-02-13", "2026-02-14"),
        # 1 natural day from Sat 02-14 → Sun 02-15, Spring Festival → first wd after, 02-24.
        (YHSP, "2026-02-14", "2026-02-24"),
        # 1 natural day from Tue 03-03 → Wed 03-04, an ordinary working day.
        (YHSP, "2026-03-03", "2026-03-04"),
    ],
)
def test_natural_day_deadlines_roll_forward_off_a_day_off(
    make_desk: MakeDesk, clock: FakeClock, item: str, accepted: str, expected: str
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, item, accepted)
    detail = cases.get_case(desk.conn, no)
    assert (detail.limit_unit, detail.summary.due_on) == ("natural", day(expected))


def test_an_immediate_item_is_due_the_day_it_is_accepted(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, YLBX, "2026-03-04")
    detail = cases.get_case(desk.conn, no)
    assert detail.summary.case_kind == "immediate"
    assert (detail.limit_days, detail.summary.due_on) == (0, day("2026-03-04"))
    status = light(desk, no).deadline
    assert status is not None
    assert (status.level, status.workdays_left, status.label) == ("red", 0, "今日到期")
    cases.complete(desk, no, "approved", "window", "参保登记回执")
    assert no not in {o.case.case_no for o in cases.open_cases(desk.conn, desk.today())}


def test_a_pause_extends_the_due_date_by_exactly_the_working_days_paused(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    # 临时救助, 10 wd from Mon 03-02: 03-03..03-06 (1-4), 03-09..03-13 (5-9), 03-16 (10).
    no = accepted_on(desk, clock, LSJZ, "2026-03-02")
    assert due(desk, no) == day("2026-03-16")

    at(clock, "2026-03-04")  # Wed: public notice starts
    paused = cases.pause(desk, no, "public_notice", "公示七天")
    assert paused.summary.paused
    assert paused.summary.due_on is None  # the clock stands still: no due date
    assert paused.summary.state_label == "已受理（特别程序中）"
    assert light(desk, no).deadline is None
    assert [p.ended_on for p in paused.pauses] == [None]

    at(clock, "2026-03-09")  # Mon: resumed. Not counted: Wed 03-04, Thu 03-05, Fri 03-06.
    resumed = cases.resume(desk, no)
    assert resumed.paused_days == 3
    assert resumed.pauses[0].days == 3
    assert resumed.pauses[0].kind == "public_notice"
    # 03-16 + 3 wd = 03-19. Check: 03-03 (1), [03-04..03-06 paused], 03-09..03-13 (2-6),
    # 03-16..03-19 (7-10).
    assert resumed.summary.due_on == day("2026-03-19")
    status = light(desk, no).deadline
    assert status is not None
    assert status.workdays_left == 8  # 03-10..03-13, 03-16..03-19

    # A second procedure adds up: Thu 03-12 to Fri 03-13 loses only Thu 03-12.
    at(clock, "2026-03-12")
    cases.pause(desk, no, "expert_review", "专家评审")
    at(clock, "2026-03-13")
    again = cases.resume(desk, no)
    assert [p.days for p in again.pauses] == [3, 1]
    assert again.paused_days == 4
    assert again.summary.due_on == day("2026-03-20")


def test_a_pause_on_the_acceptance_day_only_loses_the_days_that_counted(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    # The acceptance day never counts (民法典 §201), so pausing it loses nothing.
    no = accepted_on(desk, clock, LSJZ, "2026-03-02")
    cases.pause(desk, no, "inspection", "现场勘验")
    at(clock, "2026-03-04")  # Not counted: Tue 03-03 only.
    detail = cases.resume(desk, no)
    assert detail.paused_days == 1
    # 03-03 paused; 03-04..03-06 (1-3), 03-09..03-13 (4-8), 03-16 (9), 03-17 (10).
    assert detail.summary.due_on == day("2026-03-17")


def test_a_pause_across_a_holiday_counts_working_days_only(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    # 临时救助, 10 wd from Fri 09-18 → 10-09 (see the National Day test).
    no = accepted_on(desk, clock, LSJZ, "2026-09-18")
    at(clock, "2026-09-29")
    cases.pause(desk, no, "hearing", "听证")
    at(clock, "2026-10-09")
    detail = cases.resume(desk, no)
    # Not counted: Tue 09-29, Wed 09-30, Thu 10-08 (10-01..10-07 were off anyway) = 3 wd.
    assert detail.paused_days == 3
    # 10-09 + 3 wd: Sat 10-10 make-up (1), 10-12 (2), 10-13 (3).
    assert detail.summary.due_on == day("2026-10-13")


def test_a_pause_of_a_natural_day_item_counts_calendar_days(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, SBK, "2026-03-02")  # 20 natural days → Mon 03-23
    at(clock, "2026-03-05")
    cases.pause(desk, no, "testing", "照片质量检测")
    at(clock, "2026-03-10")
    detail = cases.resume(desk, no)
    # 03-05..03-09 not counted: 5 days. 03-02 + 25 days = Fri 03-27, a working day.
    assert detail.paused_days == 5
    assert detail.summary.due_on == day("2026-03-27")


def test_a_resume_before_the_pause_began_is_refused(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, LSJZ, "2026-03-02")
    at(clock, "2026-03-05")
    cases.pause(desk, no, "inspection", "现场勘验")
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.resume(desk, no, on=day("2026-03-04"))
    assert err.value.field == "on"
    assert event_count(desk) == before


def test_a_deadline_in_an_unloaded_year_is_provisional_until_the_year_is_imported(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    # 最低生活保障, 25 wd from Tue 2026-12-15, 2027 unknown so weekends only:
    # 12-16..12-18 (1-3), 12-21..12-25 (4-8), 12-28..12-31 (9-12), Fri 2027-01-01 (13),
    # 01-04..01-08 (14-18), 01-11..01-15 (19-23), 01-18 (24), 01-19 (25).
    no = accepted_on(desk, clock, DBSQ, "2026-12-15")
    detail = cases.get_case(desk.conn, no)
    assert detail.summary.due_on == day("2027-01-19")
    assert detail.summary.due_provisional
    status = light(desk, no).deadline
    assert status is not None
    assert status.provisional
    assert "暂定" in status.label
    assert status.reason == "2027年节假日安排尚未载入，只按周末计算"
    # The receipt says why, in the same words.
    receipt = slips.receipt_data(desk, no)
    assert receipt.deadline.provisional_reason == "2027年节假日安排尚未载入，只按周末计算"
    # An ordinary 2026 case next to it is not provisional.
    firm = accepted_on(desk, clock, YHSP, "2026-12-15", n=1)  # 1 natural day → Wed 12-16
    firm_status = light(desk, firm).deadline
    assert firm_status is not None
    # December days are only settled once next year's notice is known (it may move them);
    # the words say so, and not that the date crosses into another year.
    assert firm_status.provisional
    assert firm_status.reason == "年末日期可能因2027年节假日安排调整"
    view = views.case_view(desk.conn, firm, desk.today())
    assert view.due_reason == "年末日期可能因2027年节假日安排调整"
    firm_receipt = flat_text(receipt_pdf(slips.receipt_data(desk, firm)))
    assert "年末日期可能因2027年节假日安排调整，如有调整以本中心通知为准。" in firm_receipt
    assert "跨入" not in firm_receipt

    years = calendar.import_file(desk, schedule_2027())
    assert years == [2027]
    # 2027-01-01 is a holiday after all: 12-28..12-31 (9-12), 01-04..01-08 (13-17),
    # 01-11..01-15 (18-22), 01-18..01-20 (23-25) → Wed 2027-01-20.
    fixed = cases.get_case(desk.conn, no)
    assert fixed.summary.due_on == day("2027-01-20")
    assert not fixed.summary.due_provisional
    status = light(desk, no).deadline
    assert status is not None
    assert not status.provisional
    assert "暂定" not in status.label
    firm_after = light(desk, firm).deadline
    assert firm_after is not None
    assert not firm_after.provisional
    assert verify_desk(desk).ok


def test_a_paused_case_gets_its_2027_deadline_when_it_resumes(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, DBSQ, "2026-12-15")
    at(clock, "2026-12-16")
    cases.pause(desk, no, "public_notice", "公示")
    calendar.import_file(desk, schedule_2027())
    assert due(desk, no) is None  # still paused: no date, whatever was loaded
    at(clock, "2026-12-17")
    detail = cases.resume(desk, no)
    # One wd (12-16) paused: 2027-01-20 + 1 wd = Thu 2027-01-21, settled.
    assert detail.summary.due_on == day("2027-01-21")
    assert not detail.summary.due_provisional


def test_a_bad_calendar_file_changes_nothing(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, DBSQ, "2026-12-15")
    before = event_count(desk)
    broken = schedule_2027().replace("2027-02-20", "2027-02-22")  # a Monday "make-up day"
    with pytest.raises(InvalidInput) as err:
        calendar.import_file(desk, broken)
    assert err.value.field == "years[0].workdays[0].date"
    assert event_count(desk) == before
    assert due(desk, no) == day("2027-01-19")
    assert cases.get_case(desk.conn, no).summary.due_provisional


def test_warning_lights_as_the_days_pass(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, LSJZ, "2026-03-02")  # due Mon 03-16
    assert desk_settings.get(desk.conn, "yellow_at_workdays") == 3
    expected = [
        # today, working days left (in (today, 03-16]), level, label
        ("2026-03-09", 5, "normal", "剩余 5 个工作日"),
        ("2026-03-10", 4, "normal", "剩余 4 个工作日"),
        ("2026-03-11", 3, "yellow", "剩余 3 个工作日"),
        ("2026-03-13", 1, "yellow", "剩余 1 个工作日"),
        ("2026-03-14", 1, "yellow", "剩余 1 个工作日"),  # Saturday
        ("2026-03-16", 0, "red", "今日到期"),
        ("2026-03-17", -1, "red", "已超期 1 个工作日"),
        ("2026-03-23", -5, "red", "已超期 5 个工作日"),
    ]
    for today, left, level, label in expected:
        at(clock, today)
        status = light(desk, no).deadline
        assert status is not None
        assert (status.workdays_left, status.level, status.label) == (left, level, label), today
        assert status.overdue is (left < 0)
    # Overdue cases never drop out of the list, and come first.
    other = accepted_on(desk, clock, DBSQ, "2026-03-23", n=1)
    listed = [o.case.case_no for o in cases.open_cases(desk.conn, desk.today())]
    assert listed[:2] == [no, other]

    # The yellow threshold is a setting: at 5, Mon 03-09 (5 left) turns yellow.
    desk_settings.change(desk, "yellow_at_workdays", 5)
    at(clock, "2026-03-09")
    status = light(desk, no).deadline
    assert status is not None
    assert status.level == "yellow"


def test_loading_a_year_does_not_move_a_settled_deadline(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = accepted_on(desk, clock, LSJZ, "2026-03-02")
    # Loading any calendar year recomputes open cases: the date must not move.
    calendar.import_file(desk, schedule_2027())
    assert due(desk, no) == day("2026-03-16")


_ledger_names = iter(range(10**6))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.lists(
        st.tuples(
            st.dates(dt.date(2026, 1, 1), dt.date(2026, 10, 31)),
            st.sampled_from([LSJZ, DBSQ, GLJT, SBK, YHSP, YLBX]),
        ),
        min_size=1,
        max_size=8,
    )
)
@example(data=[(dt.date(2026, 10, 30), DBSQ)])  # due in December: provisional until 2027
def test_due_dates_match_a_day_by_day_count_from_the_package(
    tmp_path_factory: pytest.TempPathFactory, data: list[tuple[dt.date, str]]
) -> None:
    """Paper records of 2026 entered on 2026-11-30: each due date equals a naive day-by-day
    count over chinesecalendar's own is_workday (independent of app.workdays)."""
    clock = FakeClock(dt.datetime(2026, 11, 30, 9, 0, tzinfo=CHINA_TZ))
    path = tmp_path_factory.mktemp("oracle") / f"d{next(_ledger_names)}.ledger"
    desk, _ = set_up(
        path,
        centre_code="510421100",
        centre_name="攀莲镇便民服务中心",
        desk_no=1,
        admin_username="admin",
        admin_display_name="王管理",
        passphrase=PASSPHRASE,
        clock=clock,
    )
    try:
        catalogue.install_demo(desk)
        for i, (when, item) in enumerate(data):
            no = cases.intake(desk, item, person(i), all_received(desk, item), on=when).case_no
            detail = cases.accept(desk, no, on=when)
            expected = naive_due(when, detail.limit_days, detail.limit_unit)
            assert detail.summary.due_on == expected, (when, item)
            # A December day waits for next year's notice, which may move it.
            assert detail.summary.due_provisional is (expected.month == 12), (when, item)
    finally:
        desk.close()
