"""The working-day calendar as the ledger holds it (DESIGN §5).

Years come from the `chinesecalendar` package at set-up, from an imported yearly file, or
later from the gateway — each as a `calendar.year_loaded` event. Loading a year recomputes
the due dates of open cases, open complaints and open bad-review follow-ups, so a provisional
deadline becomes final (or moves) at once, and the holiday flag of that year's special
services.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from app.permissions import require
from app.projections import REGISTRY
from app.workdays import WorkCalendar, YearSchedule, parse_schedule_file, seed_schedules
from db.ledger import Event, canonical_json
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("calendar_years")

# One calendar per connection, rebuilt after a year is loaded (building it parses every year).
# Keyed by the loading event's hash too: ids of closed connections are reused.
_cache: dict[int, tuple[str, WorkCalendar]] = {}


@REGISTRY.on("calendar.year_loaded")
def _year_loaded(conn: Connection, event: Event) -> None:
    # Imported late: these read the calendar (a cycle at import time otherwise).
    from app import complaints, deadlines, ratings, special_services

    schedule = event.body["schedule"]
    # Complaints and follow-ups keep no working-day count: it is recovered from their due
    # date on the calendar that computed it — this one, before the year is loaded.
    before = (
        load_calendar(conn)
        if complaints.has_open(conn) or ratings.has_open_followups(conn)
        else None
    )
    conn.execute(
        "INSERT INTO calendar_years (year, schedule, source, loaded_at, loaded_seq) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (year) DO UPDATE SET schedule = excluded.schedule, "
        "source = excluded.source, loaded_at = excluded.loaded_at, "
        "loaded_seq = excluded.loaded_seq",
        (
            event.body["year"],
            canonical_json(schedule),
            event.body["source"],
            event.at,
            event.seq,
        ),
    )
    deadlines.recompute_open_cases(conn)
    if before is not None:
        after = load_calendar(conn)
        complaints.recompute_open(conn, before, after)
        ratings.recompute_open_followups(conn, before, after)
    special_services.recompute_holidays(conn, int(event.body["year"]))


def load_calendar(conn: Connection) -> WorkCalendar:
    # The key comes from the projection itself (it rolls back with a verify replay) plus the
    # hash of the last loading event (it differs between ledgers whose ids get reused).
    count, last_seq = conn.execute(
        "SELECT count(*), coalesce(max(loaded_seq), 0) FROM calendar_years"
    ).fetchone()
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", (last_seq,)).fetchone()
    generation = f"{count}:{last_seq}:{row[0] if row else ''}"
    cached = _cache.get(id(conn))
    if cached is not None and cached[0] == generation:
        return cached[1]
    schedules = {
        int(r[0]): YearSchedule.from_json(json.loads(r[1]))
        for r in conn.execute("SELECT year, schedule FROM calendar_years")
    }
    calendar = WorkCalendar(schedules)
    _cache[id(conn)] = (generation, calendar)
    return calendar


def loaded_years(conn: Connection) -> list[tuple[int, str]]:
    return [
        (int(r[0]), str(r[1]))
        for r in conn.execute("SELECT year, source FROM calendar_years ORDER BY year")
    ]


def _append_years(desk: Desk, schedules: list[YearSchedule]) -> list[int]:
    with desk.ledger.write() as w:
        for schedule in sorted(schedules, key=lambda s: s.year):
            w.append(
                "calendar.year_loaded",
                f"calendar/{schedule.year}",
                {"year": schedule.year, "source": schedule.source, "schedule": schedule.to_json()},
                desk.user.username,
            )
    return [s.year for s in schedules]


def seed_from_package(desk: Desk) -> list[int]:
    """Load every year the installed package covers and the ledger does not have yet."""
    have = {year for year, _ in loaded_years(desk.conn)}
    missing = [s for year, s in seed_schedules().items() if year not in have]
    return _append_years(desk, missing) if missing else []


def import_file(desk: Desk, text: str) -> list[int]:
    """Load (or replace) the years in a schedule file, all or nothing."""
    require(desk.user.role, "calendar.load")
    return _append_years(desk, parse_schedule_file(text))
