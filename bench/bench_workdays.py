"""Working-day arithmetic: every deadline on the board is one `add_workdays` call, so it must
stay cheap next to plain date arithmetic over the same days."""

from __future__ import annotations

import datetime as dt

from app.workdays import WorkCalendar, seed_schedules
from bench.common import Ratio, best_of

STARTS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(700)]
LIMITS = (1, 15, 60)


def run() -> list[Ratio]:
    calendar = WorkCalendar(seed_schedules())

    def ours() -> None:
        for start in STARTS:
            for n in LIMITS:
                calendar.add_workdays(start, n)

    def plain() -> None:
        # The same due dates counted on weekends only, by stepping a date: what a desk without
        # a holiday calendar would do.
        for start in STARTS:
            for n in LIMITS:
                day, left = start, n
                while left:
                    day += dt.timedelta(days=1)
                    if day.weekday() < 5:
                        left -= 1

    calls = len(STARTS) * len(LIMITS)
    return [
        Ratio(
            f"add_workdays, {calls} deadlines (holidays + make-up days)",
            best_of(ours) * 1000,
            best_of(plain) * 1000,
            "ms",
            "weekday-only loop over the same days",
        )
    ]
