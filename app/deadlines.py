"""Deadlines of cases in working (or natural) days (DESIGN §5).

The due date is part of the case projection, computed by the event handlers from the clock
start, the item's limit and the working days spent in special procedures — and recomputed
for every open case when a calendar year is loaded. "Working days left" and the warning light
depend on today, so they are computed when a list is shown, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.workdays import Due, WarningLevel, WorkCalendar, warning_level
from db.sqlite import Connection

CLOCK_RUNNING_STATES = ("accepted", "in_handling")


def compute_due(
    calendar: WorkCalendar, clock_start: dt.date, days: int, unit: str, paused_days: int
) -> Due:
    """The limit counts from the day after `clock_start` (民法典 §201), extended by the days
    spent in special procedures (行政许可法 §45)."""
    if unit == "natural":
        return calendar.add_natural_days(clock_start, days + paused_days)
    return calendar.add_workdays(clock_start, days + paused_days)


def pause_length(calendar: WorkCalendar, unit: str, started: dt.date, ended: dt.date) -> int:
    """Days that do not count: from the pause's first day up to the day before it ended."""
    last = ended - dt.timedelta(days=1)
    if unit == "natural":
        return max(0, (ended - started).days)
    return calendar.workdays_in(started, last)


#: When a stored provisional mark has no unsettled day left to name (it is recomputed as soon
#: as a year is loaded, so this is not expected to be seen).
PROVISIONAL_FALLBACK = "节假日安排可能调整"


def provisional_reason(calendar: WorkCalendar, start: dt.date, due_on: dt.date) -> str:
    """Why a due date computed from `start` is marked 暂定, in words true for its dates: the
    one wording the CLI, the screens and the slips show."""
    return calendar.provisional_reason(start, due_on) or PROVISIONAL_FALLBACK


def provisional_mark(reason: str) -> str:
    return f"（暂定：{reason}）"


@dataclass(frozen=True)
class DeadlineStatus:
    due_on: dt.date
    provisional: bool
    workdays_left: int  # 0 on the due day, negative when overdue
    level: WarningLevel
    reason: str = ""  # why it is provisional (empty when it is not)

    @property
    def overdue(self) -> bool:
        return self.workdays_left < 0

    @property
    def label(self) -> str:
        mark = "（暂定）" if self.provisional else ""
        if self.workdays_left < 0:
            return f"已超期 {-self.workdays_left} 个工作日{mark}"
        if self.workdays_left == 0:
            return f"今日到期{mark}"
        return f"剩余 {self.workdays_left} 个工作日{mark}"


def status(
    calendar: WorkCalendar, due_on: dt.date, today: dt.date, yellow_at: int, provisional: bool
) -> DeadlineStatus:
    left = calendar.workdays_between(today, due_on)
    # A due date that was settled can still be judged from a provisional today (rare).
    shaky = provisional or calendar.provisional_between(today, due_on)
    reason = provisional_reason(calendar, today, due_on) if shaky else ""
    return DeadlineStatus(due_on, shaky, left, warning_level(left, yellow_at), reason)


def _pauses(
    conn: Connection,
    calendar: WorkCalendar,
    case_no: str,
    clock_start: dt.date,
    unit: str,
    end: dt.date | None,
) -> tuple[list[tuple[int, int]], bool]:
    """(ordinal, days that do not count) of each special procedure ended (by the end of
    `end`, when given), and whether one was still running then."""
    # The clock start day itself never counts (民法典 §201): a pause begun that day loses
    # only the days after it.
    first_counted = clock_start + dt.timedelta(days=1)
    lengths: list[tuple[int, int]] = []
    running = False
    for ordinal, started_on, ended_on in conn.execute(
        "SELECT ordinal, started_on, ended_on FROM case_pauses WHERE case_no = ?", (case_no,)
    ):
        if end is not None and started_on > end.isoformat():
            continue  # begun after `end`
        if ended_on is None or (end is not None and ended_on > end.isoformat()):
            running = True
            continue
        started = max(dt.date.fromisoformat(started_on), first_counted)
        lengths.append(
            (ordinal, pause_length(calendar, unit, started, dt.date.fromisoformat(ended_on)))
        )
    return lengths, running


def due_as_of(
    conn: Connection,
    calendar: WorkCalendar,
    case_no: str,
    clock_start: dt.date,
    days: int,
    unit: str,
    end: dt.date,
) -> Due | None:
    """The due date as it stood at the end of `end` (a past report): special procedures
    ended later had not extended it yet, and one still running then stopped the clock."""
    lengths, running = _pauses(conn, calendar, case_no, clock_start, unit, end)
    if running:
        return None
    return compute_due(calendar, clock_start, days, unit, sum(n for _, n in lengths))


def recompute_case(conn: Connection, calendar: WorkCalendar, case_no: str) -> None:
    row = conn.execute(
        "SELECT clock_start, limit_days, limit_unit, paused FROM cases WHERE case_no = ?",
        (case_no,),
    ).fetchone()
    if row is None or row[0] is None:
        return
    clock_start, days, unit, paused = dt.date.fromisoformat(row[0]), row[1], row[2], row[3]
    lengths, _ = _pauses(conn, calendar, case_no, clock_start, unit, None)
    for ordinal, length in lengths:
        conn.execute(
            "UPDATE case_pauses SET workdays = ? WHERE case_no = ? AND ordinal = ?",
            (length, case_no, ordinal),
        )
    total_paused = sum(n for _, n in lengths)
    if paused:
        # The clock stands still: no due date until the special procedure ends.
        conn.execute(
            "UPDATE cases SET due_on = NULL, due_provisional = 0, paused_workdays = ? "
            "WHERE case_no = ?",
            (total_paused, case_no),
        )
        return
    due = compute_due(calendar, clock_start, days, unit, total_paused)
    conn.execute(
        "UPDATE cases SET due_on = ?, due_provisional = ?, paused_workdays = ? WHERE case_no = ?",
        (due.date.isoformat(), int(due.provisional), total_paused, case_no),
    )


def recompute_open_cases(conn: Connection) -> None:
    from app.calendar import load_calendar

    calendar = load_calendar(conn)
    placeholders = ",".join("?" for _ in CLOCK_RUNNING_STATES)
    case_nos = [
        r[0]
        for r in conn.execute(
            f"SELECT case_no FROM cases WHERE state IN ({placeholders})", CLOCK_RUNNING_STATES
        )
    ]
    for case_no in case_nos:
        recompute_case(conn, calendar, case_no)
