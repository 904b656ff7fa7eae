"""The working-day calendar: hand-checked deadlines around 2026's holidays, the 2027
provisional case, the December rule, properties of the arithmetic, and the import parsers."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.workdays import (
    Due,
    WorkCalendar,
    YearSchedule,
    dump_schedule_file,
    parse_schedule_file,
    seed_schedules,
    warning_level,
)
from tests.conftest import seed_through_2026

D = dt.date
DOC = Path(__file__).resolve().parents[2] / "docs" / "holiday-file-format.md"

# The calendar these tests load themselves: what the package knows up to 2026, so the
# provisional-2027 expectations hold when a newer chinesecalendar ships 2027.
SEED = seed_through_2026()
CAL = WorkCalendar(SEED)


def _days(*spans: tuple[str, str]) -> frozenset[dt.date]:
    out: set[dt.date] = set()
    for first, last in spans:
        d, end = D.fromisoformat(first), D.fromisoformat(last)
        while d <= end:
            out.add(d)
            d += dt.timedelta(days=1)
    return frozenset(out)


# Example data, NOT the official 2027 schedule (the same as docs/holiday-file-format.md).
EXAMPLE_2027 = YearSchedule(
    2027,
    _days(
        ("2027-01-01", "2027-01-03"),
        ("2027-02-05", "2027-02-13"),
        ("2027-04-03", "2027-04-05"),
        ("2027-05-01", "2027-05-05"),
        ("2027-06-09", "2027-06-09"),
        ("2027-09-15", "2027-09-15"),
        ("2027-10-01", "2027-10-07"),
    ),
    frozenset({D(2027, 2, 20), D(2027, 5, 8), D(2027, 9, 26), D(2027, 10, 9)}),
    "示例数据（非官方）",
)
CAL27 = WorkCalendar({**SEED, 2027: EXAMPLE_2027})


# --------------------------------------------------------------------------------------
# Seed


def test_seed_covers_the_package_years_and_names_its_source() -> None:
    seed = seed_schedules()  # whatever the installed package knows
    years = sorted(seed)
    assert years == list(range(years[0], years[-1] + 1))
    assert years[0] == 2004 and years[-1] >= 2026
    if 2027 not in seed:  # chinesecalendar 1.11.0 stops at 2026
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(D(2027, 6, 1))
    assert seed[2026].source.startswith("chinesecalendar ")
    assert seed[2026].source.endswith(chinese_calendar.__version__)
    assert seed[2026].name_of(D(2026, 2, 17)) == "春节"
    assert seed[2026].name_of(D(2026, 1, 4)) == "元旦"


def test_seeded_calendar_agrees_with_the_package_every_day() -> None:
    d = D(min(SEED), 1, 1)
    last = D(max(SEED), 12, 31)
    while d <= last:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)


def test_2026_make_up_workdays() -> None:
    assert sorted(SEED[2026].workdays) == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]
    assert all(CAL.is_workday(d) for d in SEED[2026].workdays)


# --------------------------------------------------------------------------------------
# Hand-checked deadlines


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Spring Festival 2026: off 02-15 (Sun) .. 02-23 (Mon); make-up Sat 02-14 and Sat 02-28.
        (D(2026, 2, 12), 1, D(2026, 2, 13)),  # Thu -> Fri
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # the make-up Saturday counts
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # the whole holiday skipped
        (D(2026, 2, 12), 5, D(2026, 2, 26)),  # 13, 14, 24, 25, 26
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # accepted on the make-up Saturday
        (D(2026, 2, 16), 1, D(2026, 2, 24)),  # accepted during the holiday (appointment)
        (D(2026, 2, 27), 1, D(2026, 2, 28)),  # Fri -> make-up Sat
        (D(2026, 2, 27), 2, D(2026, 3, 2)),
        # National Day 2026 (chinesecalendar 1.11.0): off 10-01 (Thu) .. 10-07 (Wed);
        # Mid-autumn 09-25..09-27; make-up Sun 09-20 and Sat 10-10.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),  # Fri -> make-up Sunday
        (D(2026, 9, 18), 2, D(2026, 9, 21)),
        (D(2026, 9, 24), 1, D(2026, 9, 28)),  # Thu -> Mon (Fri 25 is Mid-autumn)
        (D(2026, 9, 29), 1, D(2026, 9, 30)),
        (D(2026, 9, 29), 2, D(2026, 10, 8)),
        (D(2026, 9, 29), 3, D(2026, 10, 9)),
        (D(2026, 9, 29), 4, D(2026, 10, 10)),  # make-up Saturday
        (D(2026, 9, 29), 5, D(2026, 10, 12)),
        # New Year 2026: off 01-01..01-03; make-up Sunday 01-04.
        (D(2025, 12, 31), 1, D(2026, 1, 4)),
        (D(2025, 12, 31), 2, D(2026, 1, 5)),
        # An ordinary week and n == 0 (即办件: the same day, even a Sunday).
        (D(2026, 11, 20), 5, D(2026, 11, 27)),
        (D(2026, 11, 22), 0, D(2026, 11, 22)),
    ],
)
def test_add_workdays_by_hand(start: dt.date, n: int, due: dt.date) -> None:
    assert CAL.add_workdays(start, n) == Due(due, False)


def test_natural_days() -> None:
    # Ends on National Day (10-01, a holiday): moves to the first working day after it.
    assert CAL.add_natural_days(D(2026, 9, 24), 7) == Due(D(2026, 10, 8), False)
    # Ends inside the Spring Festival: 02-15 -> 02-24.
    assert CAL.add_natural_days(D(2026, 2, 8), 7) == Due(D(2026, 2, 24), False)
    # Ends on a make-up Saturday: a working day, so the period ends there.
    assert CAL.add_natural_days(D(2026, 2, 7), 7) == Due(D(2026, 2, 14), False)
    # Ends on an ordinary Sunday: Monday.
    assert CAL.add_natural_days(D(2026, 11, 1), 7) == Due(D(2026, 11, 9), False)
    # Ends on a working day: unchanged. n == 0: the start itself.
    assert CAL.add_natural_days(D(2026, 11, 2), 3) == Due(D(2026, 11, 5), False)
    assert CAL.add_natural_days(D(2026, 11, 1), 0) == Due(D(2026, 11, 1), False)


def test_roll_forward() -> None:
    assert CAL.roll_forward(D(2026, 2, 15)) == Due(D(2026, 2, 24), False)
    assert CAL.roll_forward(D(2026, 2, 14)) == Due(D(2026, 2, 14), False)


# --------------------------------------------------------------------------------------
# Provisional: years (and Decembers) without a loaded schedule


def test_deadline_into_2027_is_provisional_until_2027_is_loaded() -> None:
    # Without 2027: weekends only, so 2027-01-01 (Fri) counts as a working day.
    start = D(2026, 12, 21)
    assert CAL.add_workdays(start, 10) == Due(D(2027, 1, 4), True)
    assert CAL.add_workdays(start, 9) == Due(D(2027, 1, 1), True)
    # With (example) 2027 loaded: 01-01 is a day off; the date moves and is final.
    assert CAL27.add_workdays(start, 9) == Due(D(2027, 1, 4), False)
    assert CAL27.add_workdays(start, 10) == Due(D(2027, 1, 5), False)
    # Across the (example) Spring Festival 2027 the shift is larger.
    before = CAL.add_workdays(D(2027, 2, 1), 5)
    after = CAL27.add_workdays(D(2027, 2, 1), 5)
    assert before == Due(D(2027, 2, 8), True)
    assert after == Due(D(2027, 2, 16), False)
    assert not CAL.is_known(2027) and CAL27.is_known(2027)


def test_december_waits_for_the_next_years_notice() -> None:
    # December 2026 may still be rearranged by the 2027 notice.
    assert CAL.add_workdays(D(2026, 11, 27), 5) == Due(D(2026, 12, 4), True)
    assert CAL27.add_workdays(D(2026, 11, 27), 5) == Due(D(2026, 12, 4), False)
    assert CAL.add_workdays(D(2026, 11, 20), 5) == Due(D(2026, 11, 27), False)
    assert not CAL.is_settled(D(2026, 12, 1)) and CAL.is_settled(D(2026, 11, 30))
    assert CAL27.is_settled(D(2026, 12, 31)) and not CAL27.is_settled(D(2027, 12, 1))
    assert CAL.provisional_between(D(2026, 11, 2), D(2026, 12, 1))
    assert not CAL.provisional_between(D(2026, 11, 2), D(2026, 11, 30))
    # Only the examined days matter: n == 0 and a natural-day end in November.
    assert CAL.add_workdays(D(2030, 1, 1), 0) == Due(D(2030, 1, 1), False)
    assert CAL.add_natural_days(D(2026, 10, 20), 30) == Due(D(2026, 11, 19), False)
    assert CAL.add_natural_days(D(2026, 11, 20), 30) == Due(D(2026, 12, 21), True)


def test_the_provisional_reason_is_true_for_the_dates() -> None:
    # A December date in a loaded year: only next year's notice can move it.
    assert CAL.provisional_reason(D(2026, 11, 27), D(2026, 12, 4)) == (
        "年末日期可能因2027年节假日安排调整"
    )
    # Into a year not loaded: counted on weekends only (the year is named).
    assert CAL.provisional_reason(D(2026, 12, 21), D(2027, 1, 4)) == (
        "2027年节假日安排尚未载入，只按周末计算"
    )
    assert WorkCalendar({}).provisional_reason(D(2030, 12, 30), D(2031, 1, 2)) == (
        "2030、2031年节假日安排尚未载入，只按周末计算"
    )
    # Settled: no reason; the order of the two dates does not matter.
    assert CAL.provisional_reason(D(2026, 11, 2), D(2026, 11, 30)) is None
    assert CAL27.provisional_reason(D(2026, 12, 4), D(2026, 11, 27)) is None


def test_unknown_years_use_monday_to_friday() -> None:
    cal = WorkCalendar({})
    assert [cal.is_workday(D(2031, 1, d)) for d in range(6, 13)] == [True] * 5 + [False] * 2
    assert cal.add_workdays(D(2031, 1, 10), 1) == Due(D(2031, 1, 13), True)


def test_a_later_notice_rearranges_the_previous_december() -> None:
    # As the 2019 notice did: 2018-12-29 (Sat) worked, 12-30 and 12-31 off.
    old_2018 = YearSchedule(2018, frozenset({D(2018, 10, 1)}), frozenset(), "2018 notice")
    notice_2019 = YearSchedule(
        2019,
        frozenset({D(2018, 12, 30), D(2018, 12, 31), D(2019, 1, 1)}),
        frozenset({D(2018, 12, 29)}),
        "2019 notice",
        {D(2018, 12, 29): "元旦"},
    )
    only_2018 = WorkCalendar({2018: old_2018})
    both = WorkCalendar({2018: old_2018, 2019: notice_2019})
    assert not only_2018.is_workday(D(2018, 12, 29)) and both.is_workday(D(2018, 12, 29))
    assert only_2018.is_workday(D(2018, 12, 31)) and not both.is_workday(D(2018, 12, 31))
    assert both.add_workdays(D(2018, 12, 28), 1) == Due(D(2018, 12, 29), False)
    assert both.add_workdays(D(2018, 12, 28), 2) == Due(D(2019, 1, 2), False)
    assert only_2018.add_workdays(D(2018, 12, 28), 2) == Due(D(2019, 1, 1), True)
    assert both.is_settled(D(2018, 12, 1)) and not only_2018.is_settled(D(2018, 12, 1))
    assert both.holiday_name(D(2018, 12, 29)) == "元旦"


def test_conflicting_december_days_in_one_file_are_rejected() -> None:
    body = {
        "format": "clerkdesk-holidays",
        "version": 1,
        "years": [
            {
                "year": 2018,
                "source": "a",
                "holidays": [{"date": "2018-10-01"}, {"date": "2018-12-29"}],
            },
            {
                "year": 2019,
                "source": "b",
                "holidays": [{"date": "2019-01-01"}],
                "workdays": [{"date": "2018-12-29"}],
            },
        ],
    }
    with pytest.raises(InvalidInput) as err:
        parse_schedule_file(json.dumps(body))
    assert err.value.field == "years[1]"
    assert "2018-12-29" in err.value.message


# --------------------------------------------------------------------------------------
# Counting between dates, warnings


def test_workdays_between_and_in() -> None:
    # (02-12, 02-26]: 13, 14, 24, 25, 26.
    assert CAL.workdays_between(D(2026, 2, 12), D(2026, 2, 26)) == 5
    assert CAL.workdays_between(D(2026, 2, 26), D(2026, 2, 12)) == -5
    assert CAL.workdays_between(D(2026, 2, 26), D(2026, 2, 26)) == 0
    # Due Friday 02-13; on the holiday Monday 02-16 it is overdue by 1 (the Saturday 02-14).
    assert CAL.workdays_between(D(2026, 2, 16), D(2026, 2, 13)) == -1
    # Due Friday 11-27, looked at on Saturday: 0 working days left (red, overdue by date).
    assert CAL.workdays_between(D(2026, 11, 28), D(2026, 11, 27)) == 0
    # Closed interval, for paused clocks: [02-14, 02-24] holds 14 and 24.
    assert CAL.workdays_in(D(2026, 2, 14), D(2026, 2, 24)) == 2
    assert CAL.workdays_in(D(2026, 2, 15), D(2026, 2, 23)) == 0
    assert CAL.workdays_in(D(2026, 2, 24), D(2026, 2, 14)) == 0


@pytest.mark.parametrize(
    ("left", "yellow_at", "level"),
    [(-3, 2, "red"), (0, 2, "red"), (1, 2, "yellow"), (2, 2, "yellow"), (3, 2, "normal"),
     (1, 0, "normal")],
)  # fmt: skip
def test_warning_level(left: int, yellow_at: int, level: str) -> None:
    assert warning_level(left, yellow_at) == level


def test_bad_n_and_date_overflow_are_invalid_input() -> None:
    with pytest.raises(InvalidInput) as err:
        CAL.add_workdays(D(2026, 1, 5), -1)
    assert err.value.field == "n"
    with pytest.raises(InvalidInput):
        CAL.add_natural_days(D(2026, 1, 5), -1)
    with pytest.raises(InvalidInput):
        CAL.add_workdays(D(9999, 12, 30), 5)
    with pytest.raises(InvalidInput):
        CAL.add_workdays(dt.date.max, 1)
    with pytest.raises(InvalidInput):
        CAL.add_natural_days(D(9999, 12, 30), 5)
    assert CAL.add_workdays(D(9999, 12, 29), 2) == Due(D(9999, 12, 31), True)


# --------------------------------------------------------------------------------------
# Properties

dates = st.dates(min_value=D(2002, 6, 1), max_value=D(2028, 12, 31))
counts = st.integers(min_value=0, max_value=80)
calendars = st.sampled_from([CAL, CAL27, WorkCalendar({})])
PROPS = settings(max_examples=300, deadline=None)


def _naive_add(cal: WorkCalendar, start: dt.date, n: int) -> Due:
    d, seen = start, 0
    examined = []
    while seen < n:
        d += dt.timedelta(days=1)
        examined.append(d)
        seen += cal.is_workday(d)
    return Due(d, any(not cal.is_settled(x) for x in examined))


@PROPS
@given(calendars, dates, dates)
def test_there_is_a_reason_exactly_when_the_span_is_provisional(
    cal: WorkCalendar, a: dt.date, b: dt.date
) -> None:
    reason = cal.provisional_reason(a, b)
    assert (reason is not None) == cal.provisional_between(a, b)
    if reason is not None and "年末" in reason:
        assert max(a, b).month == 12  # never said of a date outside December


@PROPS
@given(calendars, dates, counts)
def test_add_workdays_matches_a_day_by_day_count(cal: WorkCalendar, start: dt.date, n: int) -> None:
    assert cal.add_workdays(start, n) == _naive_add(cal, start, n)


@PROPS
@given(calendars, dates, counts, counts)
def test_adding_n_then_m_equals_adding_n_plus_m(
    cal: WorkCalendar, start: dt.date, n: int, m: int
) -> None:
    # Holds for every n, m >= 0: n == 0 returns the start, m == 0 returns the first result.
    # (What does NOT hold for n == 0 is "the result is a working day": see the next test.)
    first = cal.add_workdays(start, n).date
    assert cal.add_workdays(first, m).date == cal.add_workdays(start, n + m).date


@PROPS
@given(calendars, dates, st.integers(min_value=1, max_value=80))
def test_result_is_a_working_day_and_between_inverts_it(
    cal: WorkCalendar, start: dt.date, n: int
) -> None:
    due = cal.add_workdays(start, n).date
    assert cal.is_workday(due)
    assert due > start
    assert cal.workdays_between(start, due) == n
    assert cal.workdays_between(due, start) == -n
    assert cal.workdays_between(start, due - dt.timedelta(days=1)) == n - 1
    assert cal.workdays_in(start + dt.timedelta(days=1), due) == n


@PROPS
@given(calendars, dates)
def test_n_zero_is_the_start_itself(cal: WorkCalendar, start: dt.date) -> None:
    assert cal.add_workdays(start, 0) == Due(start, False)
    assert cal.workdays_between(start, cal.add_workdays(start, 0).date) == 0


@PROPS
@given(calendars, dates, dates, dates)
def test_between_is_additive_and_antisymmetric(
    cal: WorkCalendar, a: dt.date, b: dt.date, c: dt.date
) -> None:
    assert cal.workdays_between(a, b) + cal.workdays_between(b, c) == cal.workdays_between(a, c)
    assert cal.workdays_between(a, b) == -cal.workdays_between(b, a)
    naive = sum(
        cal.is_workday(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1)
    )  # empty when b <= a
    if b >= a:
        assert cal.workdays_between(a, b) == naive
        assert cal.provisional_between(a, b) == any(
            not cal.is_settled(a + dt.timedelta(days=i)) for i in range(1, (b - a).days + 1)
        )


@PROPS
@given(calendars, dates, st.integers(min_value=1, max_value=120))
def test_natural_days_end_on_the_first_working_day_from_start_plus_n(
    cal: WorkCalendar, start: dt.date, n: int
) -> None:
    due, provisional = cal.add_natural_days(start, n)
    plain = start + dt.timedelta(days=n)
    assert due >= plain and cal.is_workday(due)
    skipped = [plain + dt.timedelta(days=i) for i in range((due - plain).days)]
    assert not any(cal.is_workday(d) for d in skipped)
    assert provisional == any(not cal.is_settled(d) for d in [*skipped, due])


@PROPS
@given(calendars, dates, counts)
def test_later_starts_never_give_earlier_deadlines(
    cal: WorkCalendar, start: dt.date, n: int
) -> None:
    nxt = start + dt.timedelta(days=1)
    assert cal.add_workdays(nxt, n).date >= cal.add_workdays(start, n).date
    assert cal.add_workdays(start, n + 1).date > cal.add_workdays(start, n).date


# --------------------------------------------------------------------------------------
# YearSchedule, to_json / from_json


def _json_types_only(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_types_only(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_types_only(v) for v in value)
    return isinstance(value, str | int | bool) and not isinstance(value, float)


def test_to_json_is_canonical_and_round_trips() -> None:
    body = SEED[2026].to_json()
    assert _json_types_only(body)
    assert body["workdays"][0] == {"date": "2026-01-04", "name": "元旦"}
    assert [h["date"] for h in body["holidays"]] == sorted(h["date"] for h in body["holidays"])
    assert YearSchedule.from_json(body) == SEED[2026]
    assert YearSchedule.from_json(json.loads(json.dumps(body))) == SEED[2026]
    assert EXAMPLE_2027.to_json()["holidays"][0] == {"date": "2027-01-01"}
    assert hash(SEED[2026]) == hash(YearSchedule.from_json(body))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 1800}, "year"),
        ({"source": "  "}, "source"),
        ({"holidays": frozenset({D(2026, 10, 1), D(2025, 11, 30)})}, "holidays"),
        ({"holidays": frozenset({D(2025, 12, 30)})}, "holidays"),  # none of its own year
        ({"workdays": frozenset({D(2026, 10, 1)})}, "workdays"),  # both
        ({"workdays": frozenset({D(2026, 10, 12)})}, "workdays"),  # a Monday
        ({"names": {D(2026, 3, 3): "x"}}, "names"),
    ],
)
def test_year_schedule_validates(kwargs: dict[str, Any], field: str) -> None:
    base: dict[str, Any] = {
        "year": 2026,
        "holidays": frozenset({D(2026, 10, 1)}),
        "workdays": frozenset(),
        "source": "s",
    }
    with pytest.raises(InvalidInput) as err:
        YearSchedule(**{**base, **kwargs})
    assert err.value.field == field


def test_calendar_refuses_a_schedule_under_the_wrong_year() -> None:
    with pytest.raises(ValueError):
        WorkCalendar({2025: SEED[2026]})


# --------------------------------------------------------------------------------------
# Import files


def _doc_json_blocks() -> list[str]:
    return re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_documented_examples_parse() -> None:
    own, holiday_cn = _doc_json_blocks()
    (parsed,) = parse_schedule_file(own)
    assert parsed.holidays == EXAMPLE_2027.holidays
    assert parsed.workdays == EXAMPLE_2027.workdays
    assert parsed.name_of(D(2027, 2, 20)) == "春节"
    (short,) = parse_schedule_file(holiday_cn)
    assert short.year == 2027 and D(2027, 2, 20) in short.workdays
    assert short.source.startswith("holiday-cn 2027.json: https://www.gov.cn/")


HOLIDAY_CN_2008 = {
    "year": 2008,
    "papers": ["http://www.gov.cn/zhengce/content/2008-03/28/content_1645.htm"],
    "days": [
        {"name": "元旦", "date": "2007-12-29", "isOffDay": False},
        {"name": "元旦", "date": "2007-12-30", "isOffDay": True},
        {"name": "元旦", "date": "2007-12-31", "isOffDay": True},
        {"name": "元旦", "date": "2008-01-01", "isOffDay": True},
        {"name": "春节", "date": "2008-02-02", "isOffDay": False},
        {"name": "春节", "date": "2008-02-06", "isOffDay": True},
    ],
}


def test_holiday_cn_file_with_previous_december() -> None:
    (s,) = parse_schedule_file(json.dumps(HOLIDAY_CN_2008, ensure_ascii=False, indent=4))
    assert s.year == 2008
    assert D(2007, 12, 29) in s.workdays and D(2007, 12, 30) in s.holidays
    assert s.name_of(D(2008, 2, 2)) == "春节"
    assert "content_1645" in s.source
    cal = WorkCalendar({2008: s})
    assert cal.is_workday(D(2007, 12, 29)) and not cal.is_workday(D(2007, 12, 31))


def test_holiday_cn_weekday_resume_marker_is_skipped() -> None:
    body = {
        "year": 2020,
        "days": [
            {"name": "春节", "date": "2020-01-31", "isOffDay": True},
            {"name": "春节", "date": "2020-02-03", "isOffDay": False},  # a Monday
        ],
    }
    (s,) = parse_schedule_file(json.dumps(body))
    assert s.workdays == frozenset() and s.holidays == {D(2020, 1, 31)}


def test_bom_and_whitespace_are_accepted() -> None:
    text = "\ufeff" + dump_schedule_file([EXAMPLE_2027])
    assert parse_schedule_file(text) == [EXAMPLE_2027]


def _own(**year: Any) -> str:
    entry = {
        "year": 2027,
        "source": "通知",
        "holidays": [{"date": "2027-01-01", "name": "元旦"}],
        "workdays": [{"date": "2027-02-20"}],
    }
    entry.update(year)
    return json.dumps({"format": "clerkdesk-holidays", "version": 1, "years": [entry]})


@pytest.mark.parametrize(
    ("text", "field", "fragment"),
    [
        (
            '{"format": "clerkdesk-holidays",\n  "version": 1 "years": []}',
            "file",
            "第 2 行第 16 列",
        ),
        ("", "file", "第 1 行第 1 列"),
        ("[1, 2]", "file", "应为对象"),
        ('{"a": 1}', "file", "无法识别"),
        ('{"a": 1, "a": 2}', "file", "重复"),
        ('{"year": NaN, "days": []}', "file", "NaN"),
        ('{"format": "other"}', "format", "clerkdesk-holidays"),
        ('{"format": "clerkdesk-holidays", "version": 2, "years": []}', "version", "版本"),
        ('{"format": "clerkdesk-holidays", "version": true, "years": []}', "version", "版本"),
        ('{"format": "clerkdesk-holidays", "version": 1}', "years", "缺少"),
        ('{"format": "clerkdesk-holidays", "version": 1, "years": []}', "years", "没有"),
        (_own(year="2027"), "years[0].year", "整数"),
        (_own(year=2027.0), "years[0].year", "整数"),
        (_own(year=20270), "years[0].year", "不在"),
        (_own(source=""), "years[0].source", "不能为空"),
        (_own(holidays=[]), "years[0].holidays", "尚未发布"),
        (_own(holidays=[{"date": "2027-02-30"}]), "years[0].holidays[0].date", "不是有效日期"),
        (_own(holidays=[{"date": "2027/01/01"}]), "years[0].holidays[0].date", "YYYY-MM-DD"),
        (_own(holidays=[{"date": "20270101"}]), "years[0].holidays[0].date", "YYYY-MM-DD"),
        (_own(holidays=[{"date": 20270101}]), "years[0].holidays[0].date", "字符串"),
        (_own(holidays=[{"name": "元旦"}]), "years[0].holidays[0].date", "缺少"),
        (_own(holidays=[{"date": "2028-01-01"}]), "years[0].holidays[0].date", "不属于"),
        (_own(holidays=[{"date": "2026-11-30"}]), "years[0].holidays[0].date", "不属于"),
        (
            _own(holidays=[{"date": "2027-01-01"}, {"date": "2027-01-01"}]),
            "years[0].holidays[1].date",
            "重复",
        ),
        (
            _own(holidays=[{"date": "2027-01-01"}, {"date": "2027-02-20"}]),
            "years[0].workdays[0].date",
            "同时",
        ),
        (_own(workdays=[{"date": "2027-02-22"}]), "years[0].workdays[0].date", "不是周六或周日"),
        (_own(holidays=[{"date": "2027-01-01", "nmae": "x"}]), "years[0].holidays[0].nmae", "未知"),
        (_own(holiday=[]), "years[0].holiday", "未知"),
        (_own(holidays={"date": "2027-01-01"}), "years[0].holidays", "数组"),
        (_own(holidays=[{"date": "2027-01-01", "name": 3}]), "years[0].holidays[0].name", "字符串"),
        ('{"year": 2027, "days": []}', "days", "尚未发布"),
        ('{"year": 2027, "days": [{"date": "2027-01-01"}]}', "days[0].isOffDay", "缺少"),
        (
            '{"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": 1}]}',
            "days[0].isOffDay",
            "true",
        ),
        ('{"year": 2027, "days": [3]}', "days[0]", "对象"),
        ('{"year": 2027, "papers": "x", "days": []}', "papers", "数组"),
    ],
)
def test_parse_errors_name_the_place(text: str, field: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_schedule_file(text)
    assert err.value.field == field
    assert fragment in err.value.message


def test_duplicate_years_are_rejected() -> None:
    text = dump_schedule_file([EXAMPLE_2027])
    body = json.loads(text)
    body["years"].append(body["years"][0])
    with pytest.raises(InvalidInput) as err:
        parse_schedule_file(json.dumps(body))
    assert err.value.field == "years[1].year"
    with pytest.raises(ValueError):
        dump_schedule_file([EXAMPLE_2027, EXAMPLE_2027])


def test_dump_of_the_whole_seed_round_trips() -> None:
    text = dump_schedule_file(SEED)
    assert parse_schedule_file(text) == [SEED[y] for y in sorted(SEED)]
    assert dump_schedule_file(parse_schedule_file(text)) == text


NAMES = st.sampled_from(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])


@st.composite
def schedules(draw: st.DrawFn, year: int | None = None) -> YearSchedule:
    y = year if year is not None else draw(st.integers(min_value=1950, max_value=2990))
    jan1 = D(y, 1, 1)
    span = (D(y, 12, 31) - D(y - 1, 12, 1)).days
    offsets = st.integers(min_value=0, max_value=span)
    pool = {D(y - 1, 12, 1) + dt.timedelta(days=i) for i in draw(st.sets(offsets, max_size=25))}
    own = jan1 + dt.timedelta(days=draw(st.integers(min_value=0, max_value=364)))
    holidays = {d for d in pool if draw(st.booleans())} | {own}
    workdays = {d for d in pool - holidays if d.weekday() >= 5}
    names = {d: draw(NAMES) for d in holidays | workdays if draw(st.booleans())}
    source = draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip() != ""))
    return YearSchedule(y, frozenset(holidays), frozenset(workdays), source, names)


@settings(max_examples=150, deadline=None)
@given(st.lists(schedules(), max_size=4, unique_by=lambda s: s.year).filter(bool))
def test_dump_then_parse_is_identity(items: list[YearSchedule]) -> None:
    parsed = parse_schedule_file(dump_schedule_file(items))
    assert parsed == sorted(items, key=lambda s: s.year)
    for s in parsed:
        assert YearSchedule.from_json(s.to_json()) == s


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parser_only_raises_invalid_input_on_any_text(text: str) -> None:
    with contextlib.suppress(InvalidInput):
        parse_schedule_file(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["format", "version", "years", "year", "days", "date", "name"])
            | st.text(max_size=6),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_parser_only_raises_invalid_input_on_any_json(value: object) -> None:
    with contextlib.suppress(InvalidInput):
        parse_schedule_file(json.dumps(value))


def _paths(value: object, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules(year=2027), st.data())
def test_parser_survives_mutated_valid_files(s: YearSchedule, data: st.DataObject) -> None:
    for body in (
        json.loads(dump_schedule_file([s])),
        {
            "year": 2027,
            "papers": ["u"],
            "days": [
                {"date": d["date"], "name": "x", "isOffDay": off}
                for key, off in (("holidays", True), ("workdays", False))
                for d in s.to_json()[key]
            ],
        },
    ):
        path = data.draw(st.sampled_from(_paths(body)[1:]))
        replacement = data.draw(json_values)
        target: Any = body
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = replacement
        try:
            result = parse_schedule_file(json.dumps(body))
        except InvalidInput as err:
            assert err.field and err.message
        else:
            assert all(isinstance(r, YearSchedule) for r in result)
