"""Read-only queries for screens that the service modules do not already answer. Plain data
out, no Qt, no writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from app import (
    away,
    cases,
    complaints,
    deadlines,
    duty_records,
    ratings,
    settings,
    special_services,
    staff,
    windows,
)
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
        "SELECT c.case_no, c.item_name, c.applicant_name, a.id_number, c.return_by, "
        "c.notice_count "
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
    cover: away.CoveredCase | None = None  # its holder is away: the backup looks after it
    due_reason: str = ""  # why the committed date is 暂定, when it is

    def who(self, username: str) -> str:
        return self.staff_names.get(username, username)


def case_view(conn: Connection, case_no: str, today: dt.date) -> CaseView:
    detail = cases.get_case(conn, case_no)
    status = None
    # §32 may count it as accepted before the ledger records so: light and actions as then.
    deeming = cases.pending_deeming(conn, detail, today)
    summary = cases.as_deemed_summary(conn, detail.summary) if deeming else detail.summary
    calendar = load_calendar(conn)
    if summary.due_on is not None and summary.state in deadlines.CLOCK_RUNNING_STATES:
        status = deadlines.status(
            calendar,
            summary.due_on,
            today,
            int(settings.get(conn, "yellow_at_workdays")),
            summary.due_provisional,
        )
    reason = ""
    if summary.due_on is not None and summary.due_provisional:
        start = detail.clock_start or summary.received_on
        reason = deadlines.provisional_reason(calendar, start, summary.due_on)
    names = {m.username: m.display_name for m in staff.list_staff(conn)}
    cover = away.case_cover(conn, detail.case_no)
    actions = tuple(cases.allowed_actions(detail, deeming))
    return CaseView(detail, status, actions, names, cover, reason)


# -- the board's desk duties: today's appointments, the window and its away note ---------------

#: Booked special services the board lists for the day (an appointment at the window, or a
#: home visit the clerk goes out for).
BOOKED_KINDS = ("appointment", "home_visit")


def appointments_on(conn: Connection, day: dt.date) -> list[special_services.SpecialService]:
    """The day's appointments and home visits, by time (after-hours and holiday flags on each)."""
    return [s for s in special_services.list_between(conn, day, day) if s.kind in BOOKED_KINDS]


@dataclass(frozen=True)
class WindowPost:
    """The board's window panel for the person at the keyboard: their window with its A角 and
    B角, who sits there now, the away note that matters (their own, else the A角's), whether
    that return is overdue, and every open case a backup covers now."""

    username: str
    window: windows.Window | None
    seated: str | None  # signed in at the window and not away
    note: away.AwayNote | None
    overdue: bool
    overdue_at: dt.datetime | None  # when the shown note becomes an overdue return
    minutes_late: int
    covered: tuple[away.CoveredCase, ...]
    staff_names: Mapping[str, str] = field(default_factory=dict)

    def who(self, username: str | None) -> str:
        if not username:
            return ""
        return self.staff_names.get(username, username)

    @property
    def user_away(self) -> bool:
        return self.note is not None and self.note.username == self.username

    def covered_note_cases(self) -> tuple[away.CoveredCase, ...]:
        """The open cases the shown note handed to its cover."""
        if self.note is None:
            return ()
        return tuple(c for c in self.covered if c.note_no == self.note.note_no)


def _board_window(conn: Connection, username: str, desk_no: int) -> windows.Window | None:
    # The window one is signed in at, else one's own (A角, then B角), else the desk's number.
    session = windows.current_session(conn, username)
    if session is not None:
        return windows.get_window(conn, session.window_no)
    mine = windows.window_of(conn, username)
    if mine is not None:
        return mine
    return next((w for w in windows.list_windows(conn) if w.window_no == desk_no), None)


def window_post(conn: Connection, username: str, desk_no: int, now: dt.datetime) -> WindowPost:
    window = _board_window(conn, username, desk_no)
    note = away.current_note(conn, username)
    seated = None
    if window is not None:
        if note is None and window.primary_clerk:
            note = away.current_note(conn, window.primary_clerk)
        sitting = windows.at_window(conn, window.window_no)
        if sitting is not None and away.current_note(conn, sitting.username) is None:
            seated = sitting.username
    grace = dt.timedelta(minutes=int(settings.get(conn, "away_grace_minutes")))
    overdue_at = note.until + grace if note is not None else None
    return WindowPost(
        username=username,
        window=window,
        seated=seated,
        note=note,
        overdue=overdue_at is not None and now > overdue_at,
        overdue_at=overdue_at,
        minutes_late=note.minutes_late(now) if note is not None else 0,
        covered=tuple(away.covered_cases(conn)),
        staff_names=duty_records.display_names(conn),
    )


@dataclass(frozen=True)
class Colleague:
    username: str
    name: str
    away: bool


@dataclass(frozen=True)
class AwayForm:
    """What the away-note dialog starts from: the B角 of one's window (the default cover),
    the colleagues who could cover instead, the phone on one's staff card, and how many open
    cases would be handed over."""

    username: str
    away: bool  # already has an open note: the next step is the return
    backup: str | None
    colleagues: tuple[Colleague, ...]
    phone: str
    open_cases: int


def away_form(conn: Connection, username: str) -> AwayForm:
    window = windows.window_of(conn, username)
    backup = window.backup_clerk if window and window.primary_clerk == username else None
    away_now = {n.username for n in away.open_notes(conn)}
    colleagues = tuple(
        Colleague(m.username, m.display_name, m.username in away_now)
        for m in staff.list_staff(conn)
        if m.active and m.username != username
    )
    card = windows.staff_card(conn, username)
    held = cases.list_cases(conn, cases.OPEN_STATES, holder=username, limit=1_000_000)
    return AwayForm(
        username=username,
        away=username in away_now,
        backup=backup,
        colleagues=colleagues,
        phone=card.phone if card else "",
        open_cases=len(held),
    )


@dataclass(frozen=True)
class CitizenScreen:
    """What the monitor facing the citizen shows about the window: the staff card of the
    person at the keyboard and the away note that matters there. Deliberately no field for
    any citizen (the next person in the queue sees this screen)."""

    window_label: str
    staff_name: str
    unit: str
    post: str
    phone: str
    photo: bytes | None
    away_text: str  # '' when nobody of this window is away


def citizen_screen(
    conn: Connection, username: str, desk_no: int, now: dt.datetime
) -> CitizenScreen:
    post = window_post(conn, username, desk_no, now)
    card = windows.staff_card(conn, username)
    names = post.staff_names
    window = post.window
    label = f"{window.window_no}号窗口 {window.name}".strip() if window else f"{desk_no}号窗口"
    away_text = ""
    note = post.note
    if note is not None:
        who = names.get(note.username, note.username)
        away_text = f"{who} 离岗（{note.reason_label}）：{note.place}，预计 {note.until:%H:%M} 返回"
        if note.cover:
            away_text += f"，由 {names.get(note.cover, note.cover)} 代岗"
    return CitizenScreen(
        window_label=label,
        staff_name=card.name if card else names.get(username, username),
        unit=card.unit if card else "",
        post=card.post if card else "",
        phone=card.phone if card else "",
        photo=card.photo if card else None,
        away_text=away_text,
    )


@dataclass(frozen=True)
class RatingWork:
    """A bad rating that still needs someone: its follow-up step due (with the light of its
    deadline) and/or an appeal waiting for a director."""

    rating: ratings.Rating
    staff_name: str
    next_step: str | None  # verify | rectify | callback (app.ratings decides), None if done
    deadline: deadlines.DeadlineStatus | None
    appeal_pending: bool

    @property
    def task_label(self) -> str:
        parts = [f"待{ratings.STEPS[self.next_step]}"] if self.next_step else []
        if self.appeal_pending:
            parts.append("申诉待裁定")
        return "；".join(parts)


def rating_work(conn: Connection, today: dt.date) -> list[RatingWork]:
    """Open follow-ups, most urgent first (overdue ones stay), then appeals with no open
    follow-up; the light uses the desk's yellow threshold like the case board."""
    calendar = load_calendar(conn)
    yellow = int(settings.get(conn, "yellow_at_workdays"))
    names = duty_records.display_names(conn)
    appeals = {r.rating_no: r for r in ratings.pending_appeals(conn)}
    rows: list[RatingWork] = []
    for f in ratings.open_followups(conn, today):
        rating = appeals.pop(f.rating_no, None) or ratings.get_rating(conn, f.rating_no)
        status = deadlines.status(calendar, f.due_on, today, yellow, f.provisional)
        rows.append(
            RatingWork(
                rating,
                names.get(rating.staff, rating.staff),
                f.next_step,
                status,
                rating.appeal_state == "pending",
            )
        )
    for rating in appeals.values():
        rows.append(RatingWork(rating, names.get(rating.staff, rating.staff), None, None, True))
    return rows


#: A complaint's next step by its state: the director handles it, then calls back.
COMPLAINT_STEPS = {"open": "handle", "handled": "callback"}
COMPLAINT_STEP_LABELS = {"handle": "办理", "callback": "回访"}


@dataclass(frozen=True)
class ComplaintWork:
    """An unfinished complaint, its next step and the light of its working-day limit."""

    complaint: complaints.Complaint
    about_name: str
    next_step: str  # handle | callback
    deadline: deadlines.DeadlineStatus

    @property
    def task_label(self) -> str:
        return f"待{COMPLAINT_STEP_LABELS[self.next_step]}"


def complaint_work(conn: Connection, today: dt.date) -> list[ComplaintWork]:
    """Complaints not yet closed, most urgent first (overdue ones stay listed)."""
    calendar = load_calendar(conn)
    yellow = int(settings.get(conn, "yellow_at_workdays"))
    names = duty_records.display_names(conn)
    rows = []
    for o in complaints.open_complaints(conn, today):
        c = o.complaint
        status = deadlines.status(calendar, c.due_on, today, yellow, c.due_provisional)
        about = names.get(c.about_staff, c.about_staff) if c.about_staff else ""
        rows.append(ComplaintWork(c, about, COMPLAINT_STEPS[c.state], status))
    return rows


@dataclass(frozen=True)
class ServiceWork:
    """A special service on the list, with its light: red — booked for a day gone by and not
    closed; yellow — booked for today; green — booked ahead; none once done, missed or
    cancelled."""

    service: special_services.SpecialService
    light: str  # red | yellow | normal | ''

    @property
    def marks(self) -> str:
        s = self.service
        return "、".join(m for m, on in (("延时服务", s.after_hours), ("节假日", s.holiday)) if on)


def special_work(conn: Connection, today: dt.date, days_back: int = 30) -> list[ServiceWork]:
    """Special services from `days_back` days ago on (bookings run up to 90 days ahead),
    the ones still booked for a day gone by first."""
    start = today - dt.timedelta(days=days_back)
    rows = []
    for s in special_services.list_between(conn, start, today + special_services.MAX_BOOKING_AHEAD):
        light = ""
        if s.status == "booked":
            light = "red" if s.on < today else "yellow" if s.on == today else "normal"
        rows.append(ServiceWork(s, light))
    return sorted(rows, key=lambda r: (r.light != "red", r.service.on, r.service.time_text))
