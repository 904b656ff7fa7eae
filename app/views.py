"""Read-only queries for screens that the service modules do not already answer. Plain data
out, no Qt, no writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app import cases, deadlines, settings, staff
from app.calendar import load_calendar
from db.sqlite import Connection


@dataclass(frozen=True)
class AwaitingCorrection:
    """A case waiting for the applicant to bring missing materials (待补正)."""

    case_no: str
    item_name: str
    applicant_name: str
    applicant_id_number: str
    return_by: dt.date | None
    notice_count: int


def awaiting_correction(conn: Connection) -> list[AwaitingCorrection]:
    """Every case in 待补正, the earliest return-by date first."""
    rows = conn.execute(
        "SELECT c.case_no, c.item_name, a.name, a.id_number, c.return_by, c.notice_count "
        "FROM cases c JOIN applicants a ON a.applicant_key = c.applicant_key "
        "WHERE c.state = 'awaiting_correction' "
        "ORDER BY c.return_by IS NULL, c.return_by, c.case_no"
    )
    return [
        AwaitingCorrection(
            case_no=r[0],
            item_name=r[1],
            applicant_name=r[2],
            applicant_id_number=r[3],
            return_by=dt.date.fromisoformat(r[4]) if r[4] else None,
            notice_count=int(r[5] or 0),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class CaseView:
    """Everything the case screen shows: the case, its light today and what may be done."""

    detail: cases.CaseDetail
    deadline: deadlines.DeadlineStatus | None
    actions: tuple[str, ...]
    staff_names: Mapping[str, str] = field(default_factory=dict)  # user name → 姓名

    def who(self, username: str) -> str:
        return self.staff_names.get(username, username)


def case_view(conn: Connection, case_no: str, today: dt.date) -> CaseView:
    detail = cases.get_case(conn, case_no)
    status = None
    summary = detail.summary
    if summary.due_on is not None and summary.state in deadlines.CLOCK_RUNNING_STATES:
        status = deadlines.status(
            load_calendar(conn),
            summary.due_on,
            today,
            int(settings.get(conn, "yellow_at_workdays")),
            summary.due_provisional,
        )
    names = {m.username: m.display_name for m in staff.list_staff(conn)}
    return CaseView(detail, status, tuple(cases.allowed_actions(detail)), names)
