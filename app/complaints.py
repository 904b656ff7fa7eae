"""Complaints and reports (投诉举报, plan §2.4.2(8)): registered by whoever receives them,
handled and called back by a director — never one the complaint is about — within a
working-day limit (`complaint_workdays`); an unfinished complaint past its limit is overdue
and stays on the lists, like a case, and one closed after it counts as closed late in the
reports. When a calendar year is loaded, open complaints keep their number of working days and
get their due date on the new calendar (`recompute_open`, from the calendar handler)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import deadlines, duty_records, settings, windows
from app.calendar import load_calendar
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_text
from app.permissions import require
from app.projections import REGISTRY
from app.workdays import WorkCalendar
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("complaints")

CHANNELS = {
    "phone": "投诉电话",
    "box": "意见箱",
    "qr": "评价二维码",
    "in_person": "当面投诉",
    "hotline": "12345热线",
    "letter": "来信",
}
STATES = {"open": "待办理", "handled": "已办理待回访", "closed": "已办结"}


@dataclass(frozen=True)
class Complaint:
    complaint_no: str
    on: dt.date
    at: str
    channel: str
    content: str
    complainant_name: str
    complainant_phone: str
    about_staff: str | None
    about_window: int | None
    recorded_by: str
    due_on: dt.date
    due_provisional: bool
    state: str
    handling: str | None
    result: str | None
    handled_on: dt.date | None
    handled_by: str | None
    callback_note: str | None
    callback_satisfied: bool | None
    called_back_by: str | None
    closed_on: dt.date | None

    @property
    def state_label(self) -> str:
        return STATES[self.state]

    @property
    def channel_label(self) -> str:
        return CHANNELS[self.channel]


@REGISTRY.on("complaint.registered")
def _registered(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO complaints (complaint_no, on_date, at, channel, content, complainant_name, "
        "complainant_phone, about_staff, about_window, recorded_by, due_on, due_provisional, "
        "state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')",
        (b["complaint_no"], b["on"], event.at, b["channel"], b["content"], b["complainant_name"],
         b["complainant_phone"], b["about_staff"], b["about_window"], event.actor, b["due_on"],
         int(b["due_provisional"])),
    )  # fmt: skip
    duty_records.bump(conn, b["complaint_no"])
    duty_records.notify(
        conn,
        event,
        duty_records.directors(conn),
        "complaint.registered",
        b["complaint_no"],
        f"新投诉 {b['complaint_no']}（{CHANNELS[b['channel']]}），须于 {b['due_on']} 前办理回访",
    )


@REGISTRY.on("complaint.handled")
def _handled(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE complaints SET state = 'handled', handling = ?, result = ?, handled_on = ?, "
        "handled_by = ? WHERE complaint_no = ?",
        (b["handling"], b["result"], b["on"], event.actor, b["complaint_no"]),
    )


@REGISTRY.on("complaint.called_back")
def _called_back(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE complaints SET state = 'closed', callback_note = ?, callback_satisfied = ?, "
        "called_back_by = ?, closed_on = ? WHERE complaint_no = ?",
        (b["note"], int(b["satisfied"]), event.actor, b["on"], b["complaint_no"]),
    )


def has_open(conn: Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM complaints WHERE state != 'closed' LIMIT 1").fetchone()
        is not None
    )


def recompute_open(conn: Connection, before: WorkCalendar, after: WorkCalendar) -> None:
    """For the calendar handler (pure: reads the database only). A complaint's due date was
    `before.add_workdays(day received, n)`; n is recovered exactly from that calendar and
    counted again on `after`, the calendar with the new year."""
    rows = conn.execute(
        "SELECT complaint_no, on_date, due_on, due_provisional FROM complaints "
        "WHERE state != 'closed' ORDER BY complaint_no"
    ).fetchall()
    for number, on, due_on, provisional in rows:
        start = dt.date.fromisoformat(on)
        due = after.add_workdays(
            start, before.workdays_between(start, dt.date.fromisoformat(due_on))
        )
        if (due.date.isoformat(), int(due.provisional)) != (due_on, provisional):
            conn.execute(
                "UPDATE complaints SET due_on = ?, due_provisional = ? WHERE complaint_no = ?",
                (due.date.isoformat(), int(due.provisional), number),
            )


_SQL = (
    "SELECT complaint_no, on_date, at, channel, content, complainant_name, complainant_phone, "
    "about_staff, about_window, recorded_by, due_on, due_provisional, state, handling, result, "
    "handled_on, handled_by, callback_note, callback_satisfied, called_back_by, closed_on "
    "FROM complaints"
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _row(r: Any) -> Complaint:
    return Complaint(
        complaint_no=r[0],
        on=dt.date.fromisoformat(r[1]),
        at=r[2],
        channel=r[3],
        content=r[4],
        complainant_name=r[5],
        complainant_phone=r[6],
        about_staff=r[7],
        about_window=r[8],
        recorded_by=r[9],
        due_on=dt.date.fromisoformat(r[10]),
        due_provisional=bool(r[11]),
        state=r[12],
        handling=r[13],
        result=r[14],
        handled_on=_date(r[15]),
        handled_by=r[16],
        callback_note=r[17],
        callback_satisfied=None if r[18] is None else bool(r[18]),
        called_back_by=r[19],
        closed_on=_date(r[20]),
    )


def get(conn: Connection, complaint_no: str) -> Complaint:
    row = conn.execute(_SQL + " WHERE complaint_no = ?", (complaint_no.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"没有投诉 {complaint_no} / no complaint {complaint_no}")
    return _row(row)


def list_between(conn: Connection, start: dt.date, end: dt.date) -> list[Complaint]:
    rows = conn.execute(
        _SQL + " WHERE on_date BETWEEN ? AND ? ORDER BY on_date, complaint_no",
        (start.isoformat(), end.isoformat()),
    )
    return [_row(r) for r in rows]


@dataclass(frozen=True)
class OpenComplaint:
    complaint: Complaint
    workdays_left: int
    provisional: bool

    @property
    def overdue(self) -> bool:
        return self.workdays_left < 0


def open_complaints(conn: Connection, today: dt.date) -> list[OpenComplaint]:
    """Complaints not yet called back, most urgent first; overdue ones never drop out."""
    calendar = load_calendar(conn)
    result = []
    for r in conn.execute(_SQL + " WHERE state != 'closed' ORDER BY due_on, complaint_no"):
        c = _row(r)
        st = deadlines.status(calendar, c.due_on, today, 0, c.due_provisional)
        result.append(OpenComplaint(c, st.workdays_left, st.provisional))
    return result


# -- commands ------------------------------------------------------------------------------


def _not_about_me(desk: Desk, c: Complaint) -> None:
    if c.about_staff is not None and c.about_staff == desk.user.username:
        raise RuleRefused(
            f"投诉 {c.complaint_no} 涉及您本人，须回避，请由其他负责人办理 / the complaint is "
            f"about you: another director must handle it"
        )


def register(
    desk: Desk,
    channel: str,
    content: str,
    about_staff: str | None = None,
    about_window: int | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    on: dt.date | None = None,
) -> Complaint:
    require(desk.user.role, "complaint.register")
    duty_records.choice(channel, CHANNELS, "channel", "投诉渠道")
    staff_name = None
    if about_staff:
        staff_name = duty_records.active_member(desk.conn, about_staff, "about_staff").username
    if about_window is not None:
        windows.get_window(desk.conn, windows.check_window_no(about_window, "about_window"))
    elif staff_name is not None:
        w = windows.window_of(desk.conn, staff_name)
        about_window = w.window_no if w else None
    day = duty_records.business_date(desk, on)
    days = int(settings.get(desk.conn, "complaint_workdays"))
    due = load_calendar(desk.conn).add_workdays(day, days)
    number, _ = duty_records.next_number(desk, "complaint", day)
    desk.ledger.append(
        "complaint.registered",
        f"complaint/{number}",
        {
            "complaint_no": number,
            "on": day.isoformat(),
            "channel": channel,
            "content": check_text(content, "content", "投诉内容", 1000),
            "complainant_name": duty_records.optional_name(complainant_name, "complainant_name"),
            "complainant_phone": duty_records.optional_phone(
                complainant_phone, "complainant_phone"
            ),
            "about_staff": staff_name,
            "about_window": about_window,
            "due_on": due.date.isoformat(),
            "due_provisional": due.provisional,
        },
        desk.user.username,
    )
    return get(desk.conn, number)


def handle(
    desk: Desk, complaint_no: str, handling: str, result: str, on: dt.date | None = None
) -> Complaint:
    """The director records how the complaint was handled and its result."""
    require(desk.user.role, "complaint.handle")
    c = get(desk.conn, complaint_no)
    _not_about_me(desk, c)
    if c.state != "open":
        raise RuleRefused(f"投诉 {c.complaint_no} 当前为“{c.state_label}” / already handled")
    day = duty_records.business_date(desk, on, c.on, "投诉登记日期")
    desk.ledger.append(
        "complaint.handled",
        f"complaint/{c.complaint_no}",
        {
            "complaint_no": c.complaint_no,
            "handling": check_text(handling, "handling", "办理情况", 1000),
            "result": check_text(result, "result", "处理结果", 500),
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get(desk.conn, c.complaint_no)


def call_back(
    desk: Desk, complaint_no: str, note: str, satisfied: bool, on: dt.date | None = None
) -> Complaint:
    """回访: the complainant is told the result; the complaint is closed."""
    require(desk.user.role, "complaint.handle")
    c = get(desk.conn, complaint_no)
    _not_about_me(desk, c)
    if c.state != "handled":
        raise RuleRefused(
            f"投诉 {c.complaint_no} 当前为“{c.state_label}”，须先办理再回访 / handle it first"
        )
    if not isinstance(satisfied, bool):
        raise InvalidInput("satisfied", "请登记投诉人是否满意 / record satisfaction")
    assert c.handled_on is not None
    day = duty_records.business_date(desk, on, c.handled_on, "办理日期")
    desk.ledger.append(
        "complaint.called_back",
        f"complaint/{c.complaint_no}",
        {
            "complaint_no": c.complaint_no,
            "note": check_text(note, "note", "回访情况", 500),
            "satisfied": satisfied,
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get(desk.conn, c.complaint_no)
