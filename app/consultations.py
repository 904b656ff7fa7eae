"""First-question responsibility (首问负责, plan §2.4.2(1)): every consultation is logged by
the staff member who was asked first. A matter that is ours is answered (or taken in); one
that is not is referred — the citizen is told the window or department and the responsible
person, and may take a printed referral slip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import desk_profile, duty_records, windows
from app.catalogue import get_item
from app.errors import InvalidInput, NotFound
from app.identity import check_text
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("consultations")

CHANNELS = {"in_person": "现场", "phone": "电话", "online": "网上"}


@dataclass(frozen=True)
class Referral:
    """Where a matter that is not ours belongs: told to the citizen, printed on the slip."""

    to: str  # the window or department (e.g. 县社保局 二楼3号窗口)
    responsible_person: str
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Consultation:
    consult_no: str
    on: dt.date
    at: str
    served_by: str
    window_no: int | None
    channel: str
    citizen_name: str
    citizen_phone: str
    item_code: str | None
    item_name: str
    topic: str
    question: str
    answer: str
    ours: bool
    referral: Referral | None

    @property
    def subject(self) -> str:
        return self.item_name or self.topic


@REGISTRY.on("consultation.logged")
def _logged(conn: Connection, event: Event) -> None:
    b = event.body
    r = b["referral"] or {}
    conn.execute(
        "INSERT INTO consultations (consult_no, on_date, at, served_by, window_no, channel, "
        "citizen_name, citizen_phone, item_code, item_name, topic, question, answer, ours, "
        "referred_to, responsible_person, referral_phone, referral_address) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            b["consult_no"],
            b["on"],
            event.at,
            event.actor,
            b["window_no"],
            b["channel"],
            b["citizen_name"],
            b["citizen_phone"],
            b["item_code"],
            b["item_name"],
            b["topic"],
            b["question"],
            b["answer"],
            int(b["ours"]),
            r.get("to"),
            r.get("responsible_person"),
            r.get("phone"),
            r.get("address"),
        ),
    )
    duty_records.bump(conn, b["consult_no"])


def log(
    desk: Desk,
    question: str,
    answer: str,
    ours: bool = True,
    item_code: str | None = None,
    topic: str = "",
    referral: Referral | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    channel: str = "in_person",
    on: dt.date | None = None,
) -> Consultation:
    """Log a consultation: about a catalogue item or a free topic; a referral when not ours."""
    require(desk.user.role, "consultation.log")
    duty_records.choice(channel, CHANNELS, "channel", "咨询方式")
    item_name = ""
    code = item_code.strip() if item_code else None
    if code:
        item_name = get_item(desk.conn, code).item.name
    topic_text = check_text(topic, "topic", "咨询事项", 100, required=not code)
    referral_body: dict[str, Any] | None = None
    if ours and referral is not None:
        raise InvalidInput("referral", "本窗口承办的事项无需转介 / ours: no referral")
    if not ours:
        if referral is None:
            raise InvalidInput(
                "referral",
                "不属于本窗口的事项须告知具体承办窗口（部门）和责任人 / name the window or "
                "department and the responsible person",
            )
        referral_body = {
            "to": check_text(referral.to, "referral.to", "承办窗口（部门）", 100),
            "responsible_person": check_text(
                referral.responsible_person, "referral.responsible_person", "责任人", 30
            ),
            "phone": duty_records.optional_phone(referral.phone, "referral.phone"),
            "address": check_text(
                referral.address, "referral.address", "地址", 100, required=False
            ),
        }
    day = duty_records.business_date(desk, on)
    number, _ = duty_records.next_number(desk, "consultation", day)
    window = windows.window_of(desk.conn, desk.user.username)
    desk.ledger.append(
        "consultation.logged",
        f"consultation/{number}",
        {
            "consult_no": number,
            "on": day.isoformat(),
            "window_no": window.window_no if window else None,
            "channel": channel,
            "citizen_name": duty_records.optional_name(citizen_name, "citizen_name"),
            "citizen_phone": duty_records.optional_phone(citizen_phone, "citizen_phone"),
            "item_code": code,
            "item_name": item_name,
            "topic": topic_text,
            "question": check_text(question, "question", "咨询内容", 500),
            "answer": check_text(answer, "answer", "答复内容", 1000),
            "ours": bool(ours),
            "referral": referral_body,
        },
        desk.user.username,
    )
    return get(desk.conn, number)


_SQL = (
    "SELECT consult_no, on_date, at, served_by, window_no, channel, citizen_name, citizen_phone, "
    "item_code, item_name, topic, question, answer, ours, referred_to, responsible_person, "
    "referral_phone, referral_address FROM consultations"
)


def _row(r: Any) -> Consultation:
    referral = Referral(r[14], r[15], r[16] or "", r[17] or "") if r[14] else None
    return Consultation(
        r[0], dt.date.fromisoformat(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
        r[10], r[11], r[12], bool(r[13]), referral,
    )  # fmt: skip


def get(conn: Connection, consult_no: str) -> Consultation:
    row = conn.execute(_SQL + " WHERE consult_no = ?", (consult_no.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"没有咨询记录 {consult_no} / no consultation {consult_no}")
    return _row(row)


def list_between(conn: Connection, start: dt.date, end: dt.date) -> list[Consultation]:
    rows = conn.execute(
        _SQL + " WHERE on_date BETWEEN ? AND ? ORDER BY on_date, consult_no",
        (start.isoformat(), end.isoformat()),
    )
    return [_row(r) for r in rows]


@dataclass(frozen=True)
class ReferralSlip:
    """Plain data for the printed 首问负责 referral slip (printing has no database)."""

    consult_no: str
    centre_name: str
    on: dt.date
    served_by_name: str
    window_name: str | None
    subject: str
    question: str
    answer: str
    referred_to: str
    responsible_person: str
    referral_phone: str
    referral_address: str
    citizen_name: str


def referral_slip(conn: Connection, consult_no: str) -> ReferralSlip:
    c = get(conn, consult_no)
    if c.referral is None:
        raise InvalidInput("consult_no", "该咨询属于本窗口，没有转介 / not referred")
    names = duty_records.display_names(conn)
    window = windows.get_window(conn, c.window_no) if c.window_no else None
    return ReferralSlip(
        consult_no=c.consult_no,
        centre_name=desk_profile.load_profile(conn).centre_name,
        on=c.on,
        served_by_name=names.get(c.served_by, c.served_by),
        window_name=window.name if window else None,
        subject=c.subject,
        question=c.question,
        answer=c.answer,
        referred_to=c.referral.to,
        responsible_person=c.referral.responsible_person,
        referral_phone=c.referral.phone,
        referral_address=c.referral.address,
        citizen_name=c.citizen_name,
    )
