"""`clerkdesk demo` includes every kind of desk-duty record, so every screen has something
real to show, and those projections rebuild identically from the events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app import away, reports
from app.demo import DEMO_PASSPHRASE, create_demo_ledger
from app.desk import open_desk
from app.projections import projector
from db.ledger import CHINA_TZ, read_events, rebuild_projections, verify
from tests.app.test_duty_ledger import DUTY_KINDS

DUTY_TABLES = (
    "duty_counters", "duty_inbox", "centre_profiles", "staff_cards", "trainings", "equipment",
    "inspection_plan", "inspections", "windows", "window_assignments", "window_sessions",
    "away_notes", "away_handover", "consultations", "ratings", "rating_followups", "complaints",
    "special_services",
)  # fmt: skip


def test_the_demo_has_every_duty_and_something_for_every_report_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.ledger"
    create_demo_ledger(path, end=dt.date(2026, 3, 20))
    end = dt.datetime(2026, 3, 20, 16, 40, tzinfo=CHINA_TZ)
    desk = open_desk(path, "zhaomin", DEMO_PASSPHRASE, clock=lambda: end)
    try:
        kinds = {e.kind for e in read_events(desk.conn)}
        assert kinds >= DUTY_KINDS, DUTY_KINDS - kinds
        r = reports.range_report(desk, dt.date(2026, 2, 20), dt.date(2026, 3, 20))
        assert r.consultations.referred > 0 and r.ratings.total > 0
        assert r.ratings.voided == 1 and r.ratings.followups_overdue >= 1
        assert r.complaints.closed >= 1 and r.complaints.overdue >= 1
        assert r.special.appointments >= 2 and r.special.holiday >= 1
        assert r.special.home_visits == 1 and r.special.no_shows == 1
        assert r.away.total_minutes > 0 and r.away.late_returns
        (overdue,) = away.overdue_returns(desk.conn, end)
        assert overdue.note.username == "liuyang" and overdue.note.cover == "chenjing"
        assert r.away.covered_cases > 0
        assert any(o.covered_by == "chenjing" for o in r.open_cases)
        sup = r.supervision
        assert [i.kind for i in sup.inspections_overdue] == ["fire"]
        assert sup.hall is not None and sup.hall.grade == "二级标准"
        assert sup.equipment_faulty == 1
        assert [t.username for t in sup.under_one_year] == ["chenjing"]
        other = desk.conn.execute(
            "SELECT population, hall_area_dm2, ethnic_area FROM centre_profiles WHERE own = 0"
        ).fetchone()
        from app.centre import hall_grade

        assert hall_grade(other[0], other[1], bool(other[2])).below_third

        def tables() -> dict[str, list[tuple[object, ...]]]:
            return {
                t: sorted(map(tuple, desk.conn.execute(f'SELECT * FROM "{t}"')), key=repr)
                for t in DUTY_TABLES
            }

        before = tables()
        assert verify(desk.conn, projector(), desk.ledger.identity).ok
        rebuild_projections(desk.conn, projector())
        assert tables() == before
    finally:
        desk.close()
