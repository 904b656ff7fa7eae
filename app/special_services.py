"""Special services (特色服务, plan §2.4.2(7)): appointments — also after hours and on
holidays (延时、节假日预约) — the fast lane (快速通道), proxy and assisted handling (代办、帮办)
and home visits (上门服务) for elderly, infirm, sick and disabled people and children. Each
may be linked to the case it led to. The holiday flag follows the working-day calendar: set
when the service is recorded, and set again for that year's services whenever a calendar year
is loaded (`recompute_holidays`, from the calendar handler) — an appointment booked before the
year's holidays were published is flagged once they are."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import cases, duty_records
from app.calendar import load_calendar
from app.catalogue import get_item
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_text
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("special_services")

KINDS = {
    "appointment": "预约服务",
    "fast_lane": "快速通道",
    "proxy": "代办",
    "assisted": "帮办",
    "home_visit": "上门服务",
}
GROUPS = {
    "elderly": "老年人",
    "infirm": "体弱",
    "sick": "患病",
    "disabled": "残疾人",
    "child": "儿童",
    "other": "其他",
}
STATUSES = {"booked": "已登记待服务", "done": "已完成", "no_show": "未到", "cancelled": "已取消"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_BOOKING_AHEAD = dt.timedelta(days=90)


@dataclass(frozen=True)
class SpecialService:
    service_no: str
    kind: str
    on: dt.date
    time_text: str
    item_code: str | None
    item_name: str
    citizen_name: str
    citizen_phone: str
    group: str
    agent: str
    address: str
    after_hours: bool
    holiday: bool
    note: str
    status: str
    outcome: str
    case_no: str | None
    recorded_by: str
    at: str

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return STATUSES[self.status]


@REGISTRY.on("special.recorded")
def _recorded(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO special_services (service_no, kind, on_date, time_text, item_code, "
        "item_name, citizen_name, citizen_phone, group_kind, agent, address, after_hours, "
        "holiday, note, status, outcome, case_no, recorded_by, at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (b["service_no"], b["kind"], b["on"], b["time"], b["item_code"], b["item_name"],
         b["citizen_name"], b["citizen_phone"], b["group"], b["agent"], b["address"],
         int(b["after_hours"]), int(b["holiday"]), b["note"], b["status"], b["outcome"],
         b["case_no"], event.actor, event.at, event.at),
    )  # fmt: skip
    duty_records.bump(conn, b["service_no"])


@REGISTRY.on("special.updated")
def _updated(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE special_services SET status = ?, outcome = ?, case_no = ?, updated_at = ? "
        "WHERE service_no = ?",
        (b["status"], b["outcome"], b["case_no"], event.at, b["service_no"]),
    )


def recompute_holidays(conn: Connection, year: int) -> None:
    """For the calendar handler (pure: reads the database only): the holiday flag of every
    service in the loaded year (and the December before it, which a year's schedule may
    declare days in) as the calendar now says."""
    rows = conn.execute(
        "SELECT service_no, on_date, holiday FROM special_services WHERE on_date BETWEEN ? AND ? "
        "ORDER BY service_no",
        (f"{year - 1}-12-01", f"{year}-12-31"),
    ).fetchall()
    if not rows:
        return
    calendar = load_calendar(conn)
    for number, on, holiday in rows:
        now_holiday = int(not calendar.is_workday(dt.date.fromisoformat(on)))
        if now_holiday != holiday:
            conn.execute(
                "UPDATE special_services SET holiday = ? WHERE service_no = ?",
                (now_holiday, number),
            )


_SQL = (
    "SELECT service_no, kind, on_date, time_text, item_code, item_name, citizen_name, "
    "citizen_phone, group_kind, agent, address, after_hours, holiday, note, status, outcome, "
    "case_no, recorded_by, at FROM special_services"
)


def _row(r: Any) -> SpecialService:
    return SpecialService(
        r[0], r[1], dt.date.fromisoformat(r[2]), r[3], r[4], r[5], r[6], r[7], r[8], r[9],
        r[10], bool(r[11]), bool(r[12]), r[13], r[14], r[15], r[16], r[17], r[18],
    )  # fmt: skip


def get(conn: Connection, service_no: str) -> SpecialService:
    row = conn.execute(_SQL + " WHERE service_no = ?", (service_no.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"没有特色服务记录 {service_no} / no special service {service_no}")
    return _row(row)


def list_between(
    conn: Connection, start: dt.date, end: dt.date, kind: str | None = None
) -> list[SpecialService]:
    sql = _SQL + " WHERE on_date BETWEEN ? AND ?"
    params: list[Any] = [start.isoformat(), end.isoformat()]
    if kind is not None:
        sql += " AND kind = ?"
        params.append(kind)
    return [_row(r) for r in conn.execute(sql + " ORDER BY on_date, time_text, service_no", params)]


def for_case(conn: Connection, case_no: str) -> list[SpecialService]:
    number = cases.parse_case_no(case_no)
    return [_row(r) for r in conn.execute(_SQL + " WHERE case_no = ?", (number,))]


# -- commands ------------------------------------------------------------------------------


def _case_ref(desk: Desk, case_no: str | None) -> str | None:
    if not case_no:
        return None
    return cases.get_case(desk.conn, case_no, with_timeline=False).case_no


def record(
    desk: Desk,
    kind: str,
    on: dt.date | None = None,
    time: str = "",
    item_code: str | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    group: str = "other",
    agent: str = "",
    address: str = "",
    after_hours: bool = False,
    note: str = "",
    outcome: str = "",
    case_no: str | None = None,
) -> SpecialService:
    """Record a special service. An appointment or a home visit may be booked for a later
    day; it is 'booked' until done (with its outcome), missed or cancelled. A day that is not
    a working day is flagged as a holiday service."""
    require(desk.user.role, "special.record")
    duty_records.choice(kind, KINDS, "kind", "服务类别")
    duty_records.choice(group, GROUPS, "group", "服务对象")
    today = desk.today()
    if kind in ("appointment", "home_visit"):
        day = on or today
        if day - today > MAX_BOOKING_AHEAD:
            raise InvalidInput("on", "预约不超过90天 / book at most 90 days ahead")
    else:
        day = duty_records.business_date(desk, on)
    time_text = time.strip()
    if time_text and not _TIME.match(time_text):
        raise InvalidInput("time", "时间格式为 HH:MM / time is HH:MM")
    if kind == "appointment" and not time_text:
        raise InvalidInput("time", "请填写预约时间 / the appointment needs a time")
    if kind in ("proxy", "assisted") and not agent.strip():
        raise InvalidInput("agent", "请填写代办（帮办）人 / who handles it for the citizen")
    if kind == "home_visit" and not address.strip():
        raise InvalidInput("address", "上门服务须填写地址 / a home visit needs the address")
    code = item_code.strip() if item_code else None
    item_name = get_item(desk.conn, code).item.name if code else ""
    outcome_text = check_text(outcome, "outcome", "服务结果", 500, required=False)
    if outcome_text and day > today:
        raise InvalidInput("outcome", "尚未到服务日期，不能登记结果 / not yet happened")
    booked = not outcome_text and kind in ("appointment", "home_visit")
    number, _ = duty_records.next_number(desk, "special", min(day, today))
    desk.ledger.append(
        "special.recorded",
        f"special/{number}",
        {
            "service_no": number,
            "kind": kind,
            "on": day.isoformat(),
            "time": time_text,
            "item_code": code,
            "item_name": item_name,
            "citizen_name": duty_records.optional_name(citizen_name, "citizen_name"),
            "citizen_phone": duty_records.optional_phone(citizen_phone, "citizen_phone"),
            "group": group,
            "agent": check_text(agent, "agent", "代办（帮办）人", 30, required=False),
            "address": check_text(address, "address", "地址", 120, required=False),
            "after_hours": bool(after_hours),
            "holiday": not load_calendar(desk.conn).is_workday(day),
            "note": check_text(note, "note", "备注", 200, required=False),
            "status": "booked" if booked else "done",
            "outcome": outcome_text,
            "case_no": _case_ref(desk, case_no),
        },
        desk.user.username,
    )
    return get(desk.conn, number)


def update(
    desk: Desk,
    service_no: str,
    status: str,
    outcome: str = "",
    case_no: str | None = None,
) -> SpecialService:
    """Close a booked service (done with its outcome, no-show, cancelled), or link a case."""
    require(desk.user.role, "special.record")
    current = get(desk.conn, service_no)
    duty_records.choice(status, STATUSES, "status", "服务状态")
    if current.status != "booked" and status != current.status:
        raise RuleRefused(
            f"{current.service_no} 已是“{current.status_label}” / already {current.status}"
        )
    if status == "done" and current.on > desk.today():
        raise RuleRefused("尚未到服务日期 / the service day has not come")
    outcome_text = (
        check_text(outcome, "outcome", "服务结果", 500, required=False) or current.outcome
    )
    desk.ledger.append(
        "special.updated",
        f"special/{current.service_no}",
        {
            "service_no": current.service_no,
            "status": status,
            "outcome": outcome_text,
            "case_no": _case_ref(desk, case_no) or current.case_no,
        },
        desk.user.username,
    )
    return get(desk.conn, current.service_no)


def link_case(desk: Desk, service_no: str, case_no: str) -> SpecialService:
    current = get(desk.conn, service_no)
    return update(desk, current.service_no, current.status, "", case_no)
