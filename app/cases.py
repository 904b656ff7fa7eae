"""Cases (办件): intake, the one-time notice, acceptance, handling, completion (DESIGN §2).

State machine:

    received ──notice──▶ awaiting_correction ──lapse──▶ lapsed
       │  ╲                  │
       │   ╲───accept────────┴──accept──▶ accepted ──forward──▶ in_handling
       │   ╲                 │               ▲  │  (pause/resume)       │ (pause/resume)
       │    ╲──§32 deemed────┴───────────────╯  └──────complete─────────┴──▶ completed
       ├──reject──▶ rejected
       └──withdraw (from any open state)──▶ withdrawn

§32 (行政许可法第三十二条): an application with no one-time notice by the fifth working day
after receipt counts as accepted on the day the materials arrived. The desk records this as
its own event, `case.deemed_accepted`, dated the first day past those five working days; it
is written by the first command that touches the case on or after that day (a late notice,
an acceptance, any other step, in the same transaction as that step) and by the start-of-day
sweep `deem_overdue` (run by `lapse_overdue`). The clock runs from the receipt date. A
deemed case is in `accepted`: it may still get its one-time notice (listing what is missing)
and the materials (neither restarts the clock) and its acceptance document; it is never
closed for missing materials (no `lapse`) and is no longer rejected as not acceptable.

Every transition is one event with actor, time, the business date (`on`, which may lie in
the past when paper records are entered after an outage, 补录) and the reason. Refused
transitions raise `RuleRefused` with the state the case is in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from stdnum.iso7064 import mod_11_10

from app import applicants, counters, deadlines, settings
from app.applicants import Person
from app.calendar import load_calendar
from app.catalogue import get_item
from app.desk import business_date
from app.errors import InvalidInput, NotFound, PermissionDenied, RuleRefused
from app.identity import check_phone, check_text
from app.permissions import allowed, require
from app.projections import REGISTRY
from app.workdays import WorkCalendar
from db import store
from db.errors import WrongPassphrase
from db.ledger import Event, Writer, canonical_json, events_for_subject
from db.sqlite import Connection
from printing.masking import mask_id_number, mask_phone

if TYPE_CHECKING:
    from app import staff
    from app.desk import Desk

REGISTRY.own_tables("doc_counters", "cases", "case_materials", "case_notices", "case_pauses")

STATE_LABELS = {
    "received": "已收件",
    "awaiting_correction": "待补正",
    "accepted": "已受理",
    "in_handling": "办理中",
    "completed": "已办结",
    "rejected": "不予受理",
    "withdrawn": "已撤回",
    "lapsed": "补正逾期",
}
OPEN_STATES = ("received", "awaiting_correction", "accepted", "in_handling")
MATERIAL_STATUSES = {
    "received": "已收",
    "missing": "缺少",
    "defective": "不符合要求",
    "not_applicable": "不适用",
}
PAUSE_KINDS = {
    "hearing": "听证",
    "public_notice": "公示",
    "inspection": "现场勘验",
    "testing": "检验检测",
    "expert_review": "专家评审",
    "extension": "延期",
    "other": "其他",
}
RESULTS = {"approved": "准予（办结）", "not_approved": "不予批准"}
DELIVERY = {"window": "窗口领取", "post": "邮寄送达", "electronic": "电子送达"}
CHANNELS = {"window": "窗口", "appointment": "预约", "proxy": "代办", "home_visit": "上门服务"}

# (action, label, states it is allowed from)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "notice": ("出具一次性告知书", ("received", "awaiting_correction")),
    "supplement": ("登记补正材料", ("received", "awaiting_correction")),
    "accept": ("受理", ("received", "awaiting_correction")),
    "reject": ("不予受理", ("received", "awaiting_correction")),
    "forward": ("转办理", ("accepted",)),
    "pause": ("启动特别程序（暂停计时）", ("accepted", "in_handling")),
    "resume": ("结束特别程序（恢复计时）", ("accepted", "in_handling")),
    "complete": ("办结", ("accepted", "in_handling")),
    "withdraw": ("撤回", OPEN_STATES),
    "lapse": ("按补正逾期处理", ("awaiting_correction",)),
}

# ASCII digits only: `\d` alone would take any script's digits and hand them back as "canonical".
_CASE_NO = re.compile(r"^(\d{9})-?(\d{2})-?(\d{8})-?(\d{4})-?(\d)$", re.ASCII)


# -- numbers -----------------------------------------------------------------------------------


def format_case_no(centre_code: str, desk_no: int, day: dt.date, seq: int) -> str:
    """Division code + desk + date + the day's sequence + ISO 7064 MOD 11-10 check digit.
    The desk number keeps desks of one centre from colliding while offline."""
    digits = f"{centre_code}{desk_no:02d}{day:%Y%m%d}{seq:04d}"
    check = mod_11_10.calc_check_digit(digits)
    return f"{centre_code}-{desk_no:02d}-{day:%Y%m%d}-{seq:04d}-{check}"


def parse_case_no(text: str) -> str:
    """Accept a typed or scanned case number (with or without dashes); return the canonical
    form or raise `InvalidInput` — a mistyped digit fails the check digit."""
    # NFKC: a Chinese IME in full-width mode types ５１０４２１… and －.
    cleaned = "".join(unicodedata.normalize("NFKC", text).split()).replace("—", "-")
    match = _CASE_NO.match(cleaned)
    if not match:
        raise InvalidInput("case_no", f"“{text.strip()[:40]}”不是办件编号 / not a case number")
    centre, desk, day, seq, check = match.groups()
    if not mod_11_10.is_valid(f"{centre}{desk}{day}{seq}{check}"):
        raise InvalidInput("case_no", "办件编号校验位不符，请核对 / the case number's check digit")
    return f"{centre}-{desk}-{day}-{seq}-{check}"


def barcode_value(case_no: str) -> str:
    """Digits only: Code128 packs them two per symbol, so the barcode stays short."""
    return case_no.replace("-", "")


def _doc_prefix(desk: Desk) -> str:
    prefix = str(settings.get(desk.conn, "doc_prefix") or "")
    if prefix:
        return prefix
    name = desk.profile().centre_name
    return name[:2] + "便民"


def _doc_no(desk: Desk, kind: str, year: int, seq: int) -> str:
    """E.g. 攀莲便民受字〔2026〕第01-0007号: the desk number keeps offline desks apart."""
    return f"{_doc_prefix(desk)}{kind}字〔{year}〕第{desk.profile().desk_no:02d}-{seq:04d}号"


# -- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaterialTick:
    status: str  # received | missing | defective | not_applicable
    note: str = ""


@dataclass(frozen=True)
class NoticeItem:
    """One line of a one-time notice: a checklist material or free text."""

    name: str
    problem: str
    how_to_fix: str
    code: str = ""


@dataclass(frozen=True)
class NoticeOverride:
    """A director's authorisation of a second notice, proven by their passphrase."""

    director: str
    reason: str


# -- projection handlers -------------------------------------------------------------------


def _touch(conn: Connection, event: Event, **changes: Any) -> None:
    if changes.get("state", "") is None:
        del changes["state"]  # the step leaves the state as it is
    sets = "".join(f"{k} = ?, " for k in changes)  # none for materials and notes
    conn.execute(
        f"UPDATE cases SET {sets}updated_at = ?, last_seq = ? WHERE case_no = ?",
        (*changes.values(), event.at, event.seq, event.body["case_no"]),
    )


@REGISTRY.on("case.received")
def _received(conn: Connection, event: Event) -> None:
    b = event.body
    key = applicants.upsert_from_case(conn, b["applicant"], event.at)
    item = b["item"]
    conn.execute(
        "INSERT INTO cases (case_no, desk_seq, item_code, item_version, item_name, case_kind, "
        "limit_days, limit_unit, applicant_key, applicant_name, applicant_phone, "
        "applicant_address, agent, channel, state, received_on, received_at, received_by, "
        "holder, updated_at, last_seq) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?)",
        (
            b["case_no"],
            b["day_seq"],
            item["code"],
            item["version"],
            item["name"],
            item["case_kind"],
            item["limit_days"],
            item["limit_unit"],
            key,
            # The applicant as this intake recorded them stays with the case (issue 10).
            b["applicant"]["name"],
            b["applicant"]["phone"],
            b["applicant"]["address"],
            canonical_json(b["agent"]) if b["agent"] else None,
            b["channel"],
            b["on"],
            event.at,
            event.actor,
            event.actor,
            event.at,
            event.seq,
        ),
    )
    for m in b["materials"]:
        conn.execute(
            "INSERT INTO case_materials (case_no, code, name, status, note) VALUES (?, ?, ?, ?, ?)",
            (b["case_no"], m["code"], m["name"], m["status"], m["note"]),
        )
    counters.raise_to(conn, "doc_counters", f"case:{b['on']}", b["day_seq"])


def _apply_ticks(conn: Connection, case_no: str, ticks: Sequence[Mapping[str, Any]]) -> None:
    for m in ticks:
        conn.execute(
            "UPDATE case_materials SET status = ?, note = ? WHERE case_no = ? AND code = ?",
            (m["status"], m["note"], case_no, m["code"]),
        )


@REGISTRY.on("case.materials_updated")
def _materials_updated(conn: Connection, event: Event) -> None:
    _apply_ticks(conn, event.body["case_no"], event.body["materials"])
    _touch(conn, event)


@REGISTRY.on("case.notice_issued")
def _notice_issued(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO case_notices (case_no, notice_no, ordinal, issued_at, issued_by, return_by, "
        "items, override_by, override_reason, late) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            b["case_no"],
            b["notice_no"],
            b["ordinal"],
            event.at,
            event.actor,
            b["return_by"],
            canonical_json(b["items"]),
            b["override_by"],
            b["override_reason"],
            int(b["late"]),
        ),
    )
    row = conn.execute(
        "SELECT notice_count, notice_overrides, notice_late, deemed_accepted_on, received_on, "
        "state FROM cases WHERE case_no = ?",
        (b["case_no"],),
    ).fetchone()
    # A notice on a case §32 already deems accepted lists the materials; the clock runs on.
    running = row[5] in deadlines.CLOCK_RUNNING_STATES
    _touch(
        conn,
        event,
        state=None if running else "awaiting_correction",
        notice_count=row[0] + 1,
        notice_overrides=row[1] + (1 if b["override_by"] else 0),
        notice_late=int(row[2] or b["late"]),
        deemed_accepted_on=row[3] or (row[4] if b["late"] else None),
        return_by=b["return_by"],
    )
    counters.raise_to(conn, "doc_counters", f"notice:{b['on'][:4]}", b["doc_seq"])


@REGISTRY.on("case.deemed_accepted")
def _deemed_accepted(conn: Connection, event: Event) -> None:
    b = event.body
    _touch(
        conn,
        event,
        state="accepted",
        accepted_on=b["on"],
        clock_start=b["clock_start"],
        deemed_accepted_on=b["deemed_accepted_on"],
    )
    deadlines.recompute_case(conn, load_calendar(conn), b["case_no"])


@REGISTRY.on("case.accepted")
def _accepted(conn: Connection, event: Event) -> None:
    b = event.body
    _apply_ticks(conn, b["case_no"], b["materials"])
    # Deemed accepted already (§32): the acceptance document does not move that day.
    (before,) = conn.execute(
        "SELECT accepted_on FROM cases WHERE case_no = ?", (b["case_no"],)
    ).fetchone()
    _touch(
        conn,
        event,
        state="accepted",
        accepted_on=before or b["on"],
        accept_doc_no=b["doc_no"],
        clock_start=b["clock_start"],
        deemed_accepted_on=b["deemed_accepted_on"],
        return_by=None,
    )
    counters.raise_to(conn, "doc_counters", f"accept:{b['on'][:4]}", b["doc_seq"])
    deadlines.recompute_case(conn, load_calendar(conn), b["case_no"])


@REGISTRY.on("case.rejected")
def _rejected(conn: Connection, event: Event) -> None:
    b = event.body
    detail = {"doc_no": b["doc_no"], "reason": b["reason"], "where_to_go": b["where_to_go"]}
    _touch(
        conn,
        event,
        state="rejected",
        closed_on=b["on"],
        outcome="rejected",
        outcome_detail=canonical_json(detail),
        return_by=None,
    )
    counters.raise_to(conn, "doc_counters", f"reject:{b['on'][:4]}", b["doc_seq"])


@REGISTRY.on("case.forwarded")
def _forwarded(conn: Connection, event: Event) -> None:
    _touch(conn, event, state="in_handling", department=event.body["department"])


@REGISTRY.on("case.paused")
def _paused(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO case_pauses (case_no, ordinal, kind, reason, started_on) "
        "VALUES (?, ?, ?, ?, ?)",
        (b["case_no"], b["ordinal"], b["kind"], b["reason"], b["on"]),
    )
    _touch(conn, event, paused=1)
    deadlines.recompute_case(conn, load_calendar(conn), b["case_no"])


@REGISTRY.on("case.resumed")
def _resumed(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE case_pauses SET ended_on = ? WHERE case_no = ? AND ordinal = ?",
        (b["on"], b["case_no"], b["ordinal"]),
    )
    _touch(conn, event, paused=0)
    deadlines.recompute_case(conn, load_calendar(conn), b["case_no"])


def _close(
    conn: Connection, event: Event, state: str, outcome: str, detail: dict[str, Any]
) -> None:
    _touch(
        conn,
        event,
        state=state,
        closed_on=event.body["on"],
        outcome=outcome,
        outcome_detail=canonical_json(detail),
        return_by=None,
    )


@REGISTRY.on("case.completed")
def _completed(conn: Connection, event: Event) -> None:
    b = event.body
    detail = {k: b[k] for k in ("delivery", "certificate_name", "certificate_no", "note")}
    _close(conn, event, "completed", b["result"], detail)


@REGISTRY.on("case.withdrawn")
def _withdrawn(conn: Connection, event: Event) -> None:
    _close(conn, event, "withdrawn", "withdrawn", {"reason": event.body["reason"]})


@REGISTRY.on("case.lapsed")
def _lapsed(conn: Connection, event: Event) -> None:
    _close(conn, event, "lapsed", "lapsed", {"reason": event.body["reason"]})


@REGISTRY.on("case.note_added")
def _note_added(conn: Connection, event: Event) -> None:
    _touch(conn, event)


# -- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSummary:
    case_no: str
    item_code: str
    item_name: str
    state: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    received_on: dt.date
    holder: str
    due_on: dt.date | None
    due_provisional: bool
    paused: bool
    notice_late: bool
    case_kind: str

    @property
    def state_label(self) -> str:
        label = STATE_LABELS[self.state]
        return f"{label}（特别程序中）" if self.paused and self.is_open else label

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


_SUMMARY_SQL = (
    "SELECT c.case_no, c.item_code, c.item_name, c.state, c.applicant_name, a.id_number, "
    "c.applicant_phone, "
    "c.received_on, c.holder, c.due_on, c.due_provisional, c.paused, c.notice_late, c.case_kind "
    "FROM cases c JOIN applicants a ON a.applicant_key = c.applicant_key"
)


def _summary(row: Sequence[Any]) -> CaseSummary:
    return CaseSummary(
        case_no=row[0],
        item_code=row[1],
        item_name=row[2],
        state=row[3],
        applicant_name=row[4],
        applicant_id_number=row[5],
        applicant_phone=row[6],
        received_on=dt.date.fromisoformat(row[7]),
        holder=row[8],
        due_on=dt.date.fromisoformat(row[9]) if row[9] else None,
        due_provisional=bool(row[10]),
        paused=bool(row[11]),
        notice_late=bool(row[12]),
        case_kind=row[13],
    )


@dataclass(frozen=True)
class MaterialLine:
    code: str
    name: str
    status: str
    note: str

    @property
    def status_label(self) -> str:
        return MATERIAL_STATUSES[self.status]


@dataclass(frozen=True)
class NoticeRecord:
    notice_no: str
    ordinal: int
    issued_at: str
    issued_by: str
    return_by: dt.date
    items: tuple[NoticeItem, ...]
    override_by: str | None
    override_reason: str | None
    late: bool


@dataclass(frozen=True)
class PauseRecord:
    ordinal: int
    kind: str
    reason: str
    started_on: dt.date
    ended_on: dt.date | None
    days: int | None


@dataclass(frozen=True)
class CaseDetail:
    summary: CaseSummary
    item_version: int
    limit_days: int
    limit_unit: str
    applicant: applicants.Applicant
    agent: dict[str, Any] | None
    channel: str
    received_by: str
    return_by: dt.date | None
    deemed_accepted_on: dt.date | None
    accepted_on: dt.date | None
    accept_doc_no: str | None
    clock_start: dt.date | None
    paused_days: int
    department: str | None
    closed_on: dt.date | None
    outcome: str | None
    outcome_detail: dict[str, Any]
    materials: tuple[MaterialLine, ...]
    notices: tuple[NoticeRecord, ...]
    pauses: tuple[PauseRecord, ...]
    timeline: tuple[Event, ...] = field(default=())

    @property
    def case_no(self) -> str:
        return self.summary.case_no

    @property
    def state(self) -> str:
        return self.summary.state

    def missing_materials(self) -> list[MaterialLine]:
        return [m for m in self.materials if m.status in ("missing", "defective")]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def get_case(conn: Connection, case_no: str, with_timeline: bool = True) -> CaseDetail:
    number = parse_case_no(case_no)
    row = conn.execute(_SUMMARY_SQL + " WHERE c.case_no = ?", (number,)).fetchone()
    if row is None:
        raise NotFound(f"没有办件 {number} / no case {number}")
    summary = _summary(row)
    c = conn.execute(
        "SELECT item_version, limit_days, limit_unit, applicant_key, agent, channel, "
        "received_by, return_by, deemed_accepted_on, accepted_on, accept_doc_no, clock_start, "
        "paused_workdays, department, closed_on, outcome, outcome_detail, applicant_address "
        "FROM cases "
        "WHERE case_no = ?",
        (number,),
    ).fetchone()
    a = conn.execute(
        "SELECT applicant_key, id_type, id_number, name, phone, address, first_seen, last_seen "
        "FROM applicants WHERE applicant_key = ?",
        (c[3],),
    ).fetchone()
    materials = tuple(
        MaterialLine(*r)
        for r in conn.execute(
            "SELECT code, name, status, note FROM case_materials WHERE case_no = ? ORDER BY code",
            (number,),
        )
    )
    notices = tuple(
        NoticeRecord(
            notice_no=r[0],
            ordinal=r[1],
            issued_at=r[2],
            issued_by=r[3],
            return_by=dt.date.fromisoformat(r[4]),
            items=tuple(NoticeItem(**i) for i in json.loads(r[5])),
            override_by=r[6],
            override_reason=r[7],
            late=bool(r[8]),
        )
        for r in conn.execute(
            "SELECT notice_no, ordinal, issued_at, issued_by, return_by, items, override_by, "
            "override_reason, late FROM case_notices WHERE case_no = ? ORDER BY ordinal",
            (number,),
        )
    )
    pauses = tuple(
        PauseRecord(r[0], r[1], r[2], dt.date.fromisoformat(r[3]), _date(r[4]), r[5])
        for r in conn.execute(
            "SELECT ordinal, kind, reason, started_on, ended_on, workdays FROM case_pauses "
            "WHERE case_no = ? ORDER BY ordinal",
            (number,),
        )
    )
    return CaseDetail(
        summary=summary,
        item_version=c[0],
        limit_days=c[1],
        limit_unit=c[2],
        # Name, phone and address as this case recorded them, not the applicant's latest.
        applicant=dataclasses.replace(
            applicants.Applicant(*a),
            name=summary.applicant_name,
            phone=summary.applicant_phone,
            address=c[17],
        ),
        agent=json.loads(c[4]) if c[4] else None,
        channel=c[5],
        received_by=c[6],
        return_by=_date(c[7]),
        deemed_accepted_on=_date(c[8]),
        accepted_on=_date(c[9]),
        accept_doc_no=c[10],
        clock_start=_date(c[11]),
        paused_days=c[12],
        department=c[13],
        closed_on=_date(c[14]),
        outcome=c[15],
        outcome_detail=json.loads(c[16]) if c[16] else {},
        materials=materials,
        notices=notices,
        pauses=pauses,
        timeline=tuple(events_for_subject(conn, f"case/{number}")) if with_timeline else (),
    )


def masked_summary(summary: CaseSummary) -> CaseSummary:
    """A case list row as the screens show it: ID and phone numbers masked."""
    return replace(
        summary,
        applicant_id_number=mask_id_number(summary.applicant_id_number),
        applicant_phone=mask_phone(summary.applicant_phone),
    )


def masked(detail: CaseDetail) -> CaseDetail:
    """The case as the screens show it: the applicant's and the agent's ID and phone numbers
    masked (printing.masking, the one place masking lives). Timeline event bodies are left as
    recorded: callers that print them must not print the bodies."""
    agent = detail.agent
    if agent is not None:
        agent = {
            **agent,
            **{k: mask_id_number(agent[k]) for k in ("id_number",) if agent.get(k)},
            **{k: mask_phone(agent[k]) for k in ("phone",) if agent.get(k)},
        }
    return replace(
        detail,
        summary=masked_summary(detail.summary),
        applicant=replace(
            detail.applicant,
            # The key is made of the ID number: a display copy masks it too.
            key=applicants.applicant_key(
                detail.applicant.id_type, mask_id_number(detail.applicant.id_number)
            ),
            id_number=mask_id_number(detail.applicant.id_number),
            phone=mask_phone(detail.applicant.phone),
        ),
        agent=agent,
    )


def show_case(desk: Desk, case_no: str, full: bool = False) -> CaseDetail:
    """One case for display: masked, or in full for a role allowed to see the numbers."""
    if full:
        require(desk.user.role, "applicant.view_full")
    detail = get_case(desk.conn, case_no)
    return detail if full else masked(detail)


def list_cases(
    conn: Connection,
    states: Sequence[str] | None = None,
    holder: str | None = None,
    limit: int = 500,
) -> list[CaseSummary]:
    clauses: list[str] = []
    params: list[Any] = []
    if states:
        clauses.append(f"c.state IN ({','.join('?' for _ in states)})")
        params.extend(states)
    if holder:
        clauses.append("c.holder = ?")
        params.append(holder)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    sql = f"{_SUMMARY_SQL}{where} ORDER BY c.received_on DESC, c.case_no DESC LIMIT ?"
    return [_summary(r) for r in conn.execute(sql, (*params, limit))]


# -- 行政许可法 §32: deemed acceptance --------------------------------------------------------


def notice_due_on(calendar: WorkCalendar, received_on: dt.date, notice_days: int) -> dt.date:
    """The last day a one-time notice is in time: the fifth working day after receipt."""
    return calendar.add_workdays(received_on, notice_days).date


def deemed_on(calendar: WorkCalendar, received_on: dt.date, notice_days: int) -> dt.date:
    """The day §32 makes an application with no timely notice count as accepted (from its
    receipt): the first day past the last day for the notice, whatever kind of day it is."""
    return notice_due_on(calendar, received_on, notice_days) + dt.timedelta(days=1)


@dataclass(frozen=True)
class Deeming:
    """An open application §32 counts as accepted that the ledger does not record so yet."""

    case_no: str
    received_on: dt.date
    on: dt.date  # the day it counts as accepted (the clock runs from `received_on`)


def due_deemings(conn: Connection, today: dt.date, notice_days: int | None = None) -> list[Deeming]:
    """Applications with no notice (or only a late one — ledgers from before the event
    existed) and no decision on the day after their five working days, by `today`."""
    calendar = load_calendar(conn)
    days = int(settings.get(conn, "notice_due_workdays") if notice_days is None else notice_days)
    result: list[Deeming] = []
    for case_no, received in conn.execute(
        "SELECT case_no, received_on FROM cases WHERE state = 'received' "
        "OR (state = 'awaiting_correction' AND notice_late = 1) ORDER BY received_on, case_no"
    ):
        received_on = dt.date.fromisoformat(received)
        on = deemed_on(calendar, received_on, days)
        if on <= today:
            result.append(Deeming(case_no, received_on, on))
    return result


def as_deemed_summary(conn: Connection, case: CaseSummary) -> CaseSummary:
    """A case §32 counts as accepted before the ledger records it, as it will stand then:
    accepted, due the item's limit after the receipt date."""
    row = conn.execute(
        "SELECT limit_days, limit_unit FROM cases WHERE case_no = ?", (case.case_no,)
    ).fetchone()
    due = deadlines.compute_due(load_calendar(conn), case.received_on, row[0], row[1], 0)
    return replace(case, state="accepted", due_on=due.date, due_provisional=due.provisional)


def _as_deemed(detail: CaseDetail, deeming: Deeming) -> CaseDetail:
    """The case as it stands once its deeming is recorded (for what may be done next)."""
    return replace(
        detail,
        summary=replace(detail.summary, state="accepted"),
        accepted_on=deeming.on,
        clock_start=deeming.received_on,
        deemed_accepted_on=deeming.received_on,
    )


def pending_deeming(conn: Connection, detail: CaseDetail, day: dt.date) -> Deeming | None:
    """`detail`'s deeming if §32 counts it accepted by `day` and the ledger does not say so."""
    # The same cases as `due_deemings` selects: no notice yet, or only a late one.
    late_notice_only = detail.state == "awaiting_correction" and detail.summary.notice_late
    if detail.state != "received" and not late_notice_only:
        return None
    days = int(settings.get(conn, "notice_due_workdays"))
    on = deemed_on(load_calendar(conn), detail.summary.received_on, days)
    return Deeming(detail.case_no, detail.summary.received_on, on) if on <= day else None


@dataclass(frozen=True)
class OpenCase:
    case: CaseSummary
    deadline: deadlines.DeadlineStatus | None  # None until accepted, or while paused
    notice_overdue: bool  # §32: no notice within the 5 working days: counts as accepted


def open_cases(conn: Connection, today: dt.date) -> list[OpenCase]:
    """Every open case with its light, most urgent first. Overdue cases never drop out.
    A case §32 deems accepted shows its deadline from the receipt date even before the
    ledger records the deeming (the start-of-day sweep does)."""
    calendar = load_calendar(conn)
    yellow = int(settings.get(conn, "yellow_at_workdays"))
    pending = {d.case_no: d for d in due_deemings(conn, today)}
    deemed = {
        r[0]
        for r in conn.execute(
            "SELECT case_no FROM cases WHERE deemed_accepted_on IS NOT NULL AND state IN "
            f"({','.join('?' for _ in OPEN_STATES)})",
            OPEN_STATES,
        )
    }
    result: list[OpenCase] = []
    for case in list_cases(conn, OPEN_STATES, limit=1_000_000):
        if case.case_no in pending:
            case = as_deemed_summary(conn, case)
        status = None
        if case.due_on is not None and case.state in deadlines.CLOCK_RUNNING_STATES:
            status = deadlines.status(calendar, case.due_on, today, yellow, case.due_provisional)
        notice_overdue = case.case_no in pending or case.case_no in deemed
        result.append(OpenCase(case, status, notice_overdue))

    def urgency(o: OpenCase) -> tuple[int, int, str]:
        if o.deadline is not None:
            return (0, o.deadline.workdays_left, o.case.case_no)
        return (1 if not o.notice_overdue else 0, 10_000, o.case.case_no)

    result.sort(key=urgency)
    return result


NAME_SEARCH_PEOPLE = 200  # most recently seen applicants a name prefix search looks at
_DIGITS = re.compile(r"^\+?\d[\d\- ]{5,}$")


def search_cases(conn: Connection, text: str, limit: int = 50) -> list[CaseSummary]:
    """By case number, ID number, phone or name (prefix); each uses an index."""
    query = text.strip()
    if not query:
        return []
    try:
        number = parse_case_no(query)
    except InvalidInput:
        number = None
    if number is not None:
        return [_summary(r) for r in conn.execute(_SUMMARY_SQL + " WHERE c.case_no = ?", (number,))]
    compact = query.replace(" ", "").replace("-", "").upper()
    params: tuple[str, ...]
    if len(compact) >= 15 and compact[:-1].isdigit():
        where, params = "a.id_number = ?", (compact,)
    elif _DIGITS.match(query):
        try:  # stored normalised: 13812345678, 0812-1234567
            phone = check_phone(query).normalised
        except InvalidInput:
            digits = re.sub(r"\D", "", query)
            phone = digits[-11:] if digits.startswith("86") else digits
        where, params = "a.phone = ?", (phone,)
    else:
        # A name prefix may match thousands of people: take the most recently seen ones
        # (answered from the covering index of migration 0004), then their cases.
        where = (
            "a.applicant_key IN (SELECT applicant_key FROM applicants "
            "INDEXED BY applicants_by_name_recent WHERE name >= ? AND name < ? "
            f"ORDER BY last_seen DESC LIMIT {NAME_SEARCH_PEOPLE})"
        )
        params = (query, query + "\U0010ffff")
    sql = (
        f"{_SUMMARY_SQL} WHERE c.applicant_key IN (SELECT applicant_key FROM applicants a "
        f"WHERE {where}) ORDER BY c.received_on DESC, c.case_no DESC LIMIT ?"
    )
    return [_summary(r) for r in conn.execute(sql, (*params, limit))]


def applicant_history(conn: Connection, applicant_key: str) -> list[CaseSummary]:
    sql = f"{_SUMMARY_SQL} WHERE c.applicant_key = ? ORDER BY c.received_on DESC"
    return [_summary(r) for r in conn.execute(sql, (applicant_key,))]


# -- commands ----------------------------------------------------------------------------------


# What a case §32 deems accepted may still get besides the steps of `accepted`: its one-time
# notice and the materials (the clock runs on), and the acceptance document (受理, once).
_DEEMED_EXTRA = {
    "notice": deadlines.CLOCK_RUNNING_STATES,
    "supplement": deadlines.CLOCK_RUNNING_STATES,
    "accept": ("accepted",),
}


def _deemed_extra(detail: CaseDetail, action: str) -> bool:
    if detail.deemed_accepted_on is None or detail.state not in _DEEMED_EXTRA.get(action, ()):
        return False
    return action != "accept" or detail.accept_doc_no is None


def _check_transition(detail: CaseDetail, action: str) -> None:
    label, allowed = TRANSITIONS[action]
    state = detail.state
    if state not in allowed and not _deemed_extra(detail, action):
        allowed_labels = "、".join(STATE_LABELS[s] for s in allowed)
        deemed = (
            f"（{detail.deemed_accepted_on:%Y-%m-%d}起依行政许可法第三十二条视为受理）"
            if detail.deemed_accepted_on and state in deadlines.CLOCK_RUNNING_STATES
            else ""
        )
        raise RuleRefused(
            f"办件 {detail.case_no} 当前为“{STATE_LABELS[state]}”{deemed}，不能{label}"
            f"（仅限{allowed_labels}） / case is {state}; cannot {action}"
        )
    if action in ("pause", "complete", "forward") and detail.summary.paused:
        raise RuleRefused(
            f"办件 {detail.case_no} 当前为“{detail.summary.state_label}”，正在特别程序中，"
            f"不能{label}，请先结束特别程序 / the case is {state} and paused; resume it first"
        )
    if action == "resume" and not detail.summary.paused:
        raise RuleRefused(
            f"办件 {detail.case_no} 当前为“{STATE_LABELS[state]}”，没有进行中的特别程序 / "
            f"the case is {state} and not paused"
        )


def _record_deeming(
    desk: Desk, w: Writer, detail: CaseDetail, day: dt.date, trigger: str
) -> CaseDetail:
    """Before a step dated `day`: if §32 counts the case as accepted by then and the ledger
    does not say so yet, record it (in the step's transaction) and return the case as it
    then stands. `trigger` names what recorded it (a command, or the start-of-day sweep)."""
    deeming = pending_deeming(desk.conn, detail, day)
    if deeming is None:
        return detail
    w.append(
        "case.deemed_accepted",
        f"case/{detail.case_no}",
        {
            "case_no": detail.case_no,
            "on": deeming.on.isoformat(),
            "deemed_accepted_on": deeming.received_on.isoformat(),
            "clock_start": deeming.received_on.isoformat(),
            "notice_due": (deeming.on - dt.timedelta(days=1)).isoformat(),
            "trigger": trigger,
        },
        desk.user.username,
    )
    return get_case(desk.conn, detail.case_no, with_timeline=False)


def deem_overdue(desk: Desk) -> list[str]:
    """The start-of-day sweep: record §32's deeming of every application still without a
    (timely) notice or a decision past its five working days — dated the day it happened,
    whenever the sweep runs. Run after the day's paper records are entered (补录)."""
    require(desk.user.role, "case.handle")
    today = desk.today()
    due = due_deemings(desk.conn, today)
    if due:
        with desk.ledger.write() as w:
            for d in due:
                _record_deeming(desk, w, get_case(desk.conn, d.case_no, False), today, "sweep")
    return [d.case_no for d in due]


def _ticks_body(
    names: Mapping[str, str], ticks: Mapping[str, MaterialTick]
) -> list[dict[str, Any]]:
    """Ticks as event-body lines; `names` is the checklist (code → name) they must belong to."""
    body: list[dict[str, Any]] = []
    for code, tick in ticks.items():
        if code not in names:
            raise InvalidInput("materials", f"事项清单中没有材料 {code} / no material {code}")
        if tick.status not in MATERIAL_STATUSES:
            raise InvalidInput("materials", f"材料状态“{tick.status}”无效 / bad status")
        body.append(
            {
                "code": code,
                "name": names[code],
                "status": tick.status,
                "note": check_text(tick.note, "materials", "材料备注", 200, required=False),
            }
        )
    return body


@dataclass(frozen=True)
class IntakeResult:
    case_no: str
    warnings: tuple[str, ...]
    complete: bool  # every required material received: ready to accept


def intake(
    desk: Desk,
    item_code: str,
    applicant: Person,
    ticks: Mapping[str, MaterialTick],
    agent: Person | None = None,
    channel: str = "window",
    on: dt.date | None = None,
    name_change: applicants.NameChange | None = None,
) -> IntakeResult:
    """Register an application (收件): the item's current version, who applies, and what was
    handed over. Materials not ticked count as missing. An ID number recorded under another
    name needs `name_change` (更正 or 改名 with a reason), else `NameConflict`."""
    require(desk.user.role, "case.handle")
    published = get_item(desk.conn, item_code.strip())
    if published.withdrawn:
        raise RuleRefused(f"事项 {published.item.code} 已停用，不能收件 / the item is withdrawn")
    day = business_date(desk, on, None)
    person = applicants.check_person(applicant, "applicant", day)
    agent_checked = applicants.check_person(agent, "agent", day) if agent else None
    if channel not in CHANNELS:
        raise InvalidInput("channel", f"来源“{channel}”无效 / unknown channel")
    renamed = applicants.name_change_body(desk.conn, person, name_change)
    item = published.item
    names = {m.code: m.name for m in item.materials}
    given = {m["code"]: m for m in _ticks_body(names, ticks)}
    # Unticked: missing if the item always needs it, otherwise not applicable to this case.
    materials = [
        given.get(
            m.code,
            {
                "code": m.code,
                "name": m.name,
                "status": "missing" if m.required and not m.condition else "not_applicable",
                "note": "",
            },
        )
        for m in item.materials
    ]
    limit = item.committed_limit
    profile = desk.profile()
    with desk.ledger.write() as w:
        seq = counters.next_in(desk.conn, "doc_counters", f"case:{day.isoformat()}")
        case_no = format_case_no(profile.centre_code, profile.desk_no, day, seq)
        w.append(
            "case.received",
            f"case/{case_no}",
            {
                "case_no": case_no,
                "day_seq": seq,
                "on": day.isoformat(),
                "backfilled": day != desk.today(),
                "item": {
                    "code": item.code,
                    "version": published.version,
                    "name": item.name,
                    "case_kind": item.case_kind,
                    "limit_days": limit.days,
                    "limit_unit": limit.unit,
                },
                "applicant": person.body,
                "agent": agent_checked.body if agent_checked else None,
                "channel": channel,
                "materials": materials,
            },
            desk.user.username,
        )
        if renamed is not None:
            w.append(
                "applicant.renamed",
                f"case/{case_no}",
                {"case_no": case_no, **renamed},
                desk.user.username,
            )
    warnings = person.warnings + (agent_checked.warnings if agent_checked else ())
    return IntakeResult(
        case_no, warnings, _complete(item_materials=item.materials, lines=materials)
    )


def _blocking(item_materials: Sequence[Any], lines: Sequence[Mapping[str, Any]]) -> list[str]:
    """Names of the materials that keep the file from being complete."""
    status = {m["code"]: m["status"] for m in lines}
    names: list[str] = []
    for m in item_materials:
        st = status.get(m.code, "missing")
        # A conditional material may be marked not applicable; any other must be received.
        acceptable = ("received", "not_applicable") if m.condition else ("received",)
        if m.required and st not in acceptable:
            names.append(m.name)
    return names


def _complete(item_materials: Sequence[Any], lines: Sequence[Mapping[str, Any]]) -> bool:
    return not _blocking(item_materials, lines)


def supplement(
    desk: Desk, case_no: str, ticks: Mapping[str, MaterialTick], on: dt.date | None = None
) -> CaseDetail:
    """The applicant brought (some of) the materials: tick them off."""
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    day = business_date(desk, on, detail.summary.received_on)
    names = {m.code: m.name for m in detail.materials}
    body = _ticks_body(names, ticks)
    with desk.ledger.write() as w:
        detail = _record_deeming(desk, w, detail, day, "supplement")
        _check_transition(detail, "supplement")
        w.append(
            "case.materials_updated",
            f"case/{detail.case_no}",
            {"case_no": detail.case_no, "on": day.isoformat(), "materials": body},
            desk.user.username,
        )
    return get_case(desk.conn, detail.case_no)


def authorize_override(desk: Desk, director: str, passphrase: str, reason: str) -> NoticeOverride:
    """A director at the desk types their passphrase to allow a second notice. Proven against
    their own key slot; nothing is written."""
    member = _authoriser(desk, director)
    try:
        # The key file on disk: the director's slot may have been added after this session began.
        key = store.throttled_unlock(
            desk.opened.files, desk.opened.reload_keyfile(), member.username, passphrase
        )
    except WrongPassphrase:
        raise WrongPassphrase("负责人口令不正确 / the director's passphrase is wrong") from None
    if key != desk.opened.key:
        raise PermissionDenied("授权账号与本台账不符 / the account does not open this ledger")
    return NoticeOverride(member.username, check_text(reason, "override_reason", "授权理由", 200))


def _check_override(desk: Desk, override: NoticeOverride) -> None:
    """An override must name an active account allowed to authorise one: a hand-made
    `NoticeOverride` naming anyone else (the clerk themself) is refused, whatever the screen
    did."""
    _authoriser(desk, override.director)


def _authoriser(desk: Desk, username: str) -> staff.StaffMember:
    """The active account named to authorise a second notice, if its role holds the
    `notice.override` permission (app/permissions.py: the director)."""
    from app import staff

    member = staff.find(desk.conn, username)
    if member is None or not member.active or not allowed(member.role, "notice.override"):
        raise PermissionDenied(
            "第二次告知须由中心负责人授权 / a second notice needs the centre director"
        )
    return member


def issue_notice(
    desk: Desk,
    case_no: str,
    extra: Sequence[NoticeItem] = (),
    return_by: dt.date | None = None,
    override: NoticeOverride | None = None,
    on: dt.date | None = None,
) -> NoticeRecord:
    """The one-time notice (一次性告知书): every missing or defective material on the
    checklist plus free-text items, in ONE notice. A second notice on the same application
    is refused unless a director authorised it; it is then recorded and reported."""
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    day = business_date(desk, on, detail.summary.received_on)
    calendar = load_calendar(desk.conn)
    notice_days = int(settings.get(desk.conn, "notice_due_workdays"))
    notice_due = notice_due_on(calendar, detail.summary.received_on, notice_days)
    late = day > notice_due
    with desk.ledger.write() as w:
        # A late notice: §32 counted the case as accepted before it; that comes first.
        detail = _record_deeming(desk, w, detail, day, "notice")
        _check_transition(detail, "notice")
        if override is not None:
            _check_override(desk, override)
        if detail.notices and override is None:
            raise RuleRefused(
                f"办件 {detail.case_no} 已出具过一次性告知书（{detail.notices[0].notice_no}），"
                f"再次告知须中心负责人授权并说明理由 / a one-time notice was already issued; a "
                f"second one needs the director's override"
            )
        if detail.deemed_accepted_on is not None and not late:
            raise RuleRefused(
                f"办件 {detail.case_no} 已登记为自 {detail.deemed_accepted_on:%Y-%m-%d} 起视为受理"
                f"（行政许可法第三十二条），不能再登记 {notice_due:%Y-%m-%d} 前的告知 / the case "
                f"is recorded as deemed accepted; a notice dated in time cannot follow that"
            )
        items = [
            {
                "code": m.code,
                "name": m.name,
                "problem": m.note or MATERIAL_STATUSES[m.status],
                "how_to_fix": "请补交原件及复印件"
                if m.status == "missing"
                else "请按要求更正后重新提交",
            }
            for m in detail.missing_materials()
        ]
        for x in extra:
            items.append(
                {
                    "code": x.code,
                    "name": check_text(x.name, "extra.name", "材料名称", 100),
                    "problem": check_text(x.problem, "extra.problem", "存在问题", 200),
                    "how_to_fix": check_text(x.how_to_fix, "extra.how_to_fix", "补正要求", 200),
                }
            )
        if not items:
            raise RuleRefused(
                "没有缺少或不符合要求的材料，无需告知，可直接受理 / nothing is missing"
            )
        if return_by is None:
            days = int(settings.get(desk.conn, "notice_return_workdays"))
            return_by = calendar.add_workdays(day, days).date
        if return_by <= day:
            raise InvalidInput("return_by", "补正期限须晚于告知日期 / return-by must be later")
        year = day.year
        doc_seq = counters.next_in(desk.conn, "doc_counters", f"notice:{year}")
        notice_no = _doc_no(desk, "补正告", year, doc_seq)
        w.append(
            "case.notice_issued",
            f"case/{detail.case_no}",
            {
                "case_no": detail.case_no,
                "notice_no": notice_no,
                "doc_seq": doc_seq,
                "ordinal": len(detail.notices) + 1,
                "on": day.isoformat(),
                "return_by": return_by.isoformat(),
                "items": items,
                "override_by": override.director if override else None,
                "override_reason": override.reason if override else None,
                "late": late,
            },
            desk.user.username,
        )
    return get_case(desk.conn, detail.case_no).notices[-1]


def accept(
    desk: Desk,
    case_no: str,
    ticks: Mapping[str, MaterialTick] | None = None,
    on: dt.date | None = None,
) -> CaseDetail:
    """受理: the materials are complete. Issues the acceptance document number and starts the
    clock — from the receipt date when §32 makes the application count as accepted then."""
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    # A deemed case's acceptance document is not dated before the day it counted as accepted.
    day = business_date(desk, on, detail.accepted_on or detail.summary.received_on)
    names = {m.code: m.name for m in detail.materials}
    body_ticks = _ticks_body(names, ticks or {})
    with desk.ledger.write() as w:
        # §32: accepted only after the five working days with no notice: deemed from receipt.
        detail = _record_deeming(desk, w, detail, day, "accept")
        _check_transition(detail, "accept")
        merged = {m.code: {"code": m.code, "status": m.status} for m in detail.materials}
        merged.update({t["code"]: t for t in body_ticks})
        item = get_item(desk.conn, detail.summary.item_code, detail.item_version).item
        blocking = _blocking(item.materials, list(merged.values()))
        if blocking:
            missing = "、".join(blocking)
            raise RuleRefused(
                f"材料不齐（{missing}），不能受理；请出具一次性告知书 / materials incomplete"
            )
        deemed = detail.deemed_accepted_on
        clock_start = deemed or day
        doc_seq = counters.next_in(desk.conn, "doc_counters", f"accept:{day.year}")
        w.append(
            "case.accepted",
            f"case/{detail.case_no}",
            {
                "case_no": detail.case_no,
                "doc_no": _doc_no(desk, "受", day.year, doc_seq),
                "doc_seq": doc_seq,
                "on": day.isoformat(),
                "clock_start": clock_start.isoformat(),
                "deemed_accepted_on": deemed.isoformat() if deemed else None,
                "materials": body_ticks,
            },
            desk.user.username,
        )
    return get_case(desk.conn, detail.case_no)


def check_rejection(reason: str, where_to_go: str) -> tuple[str, str]:
    """What a rejection notice must say, checked before anything is registered (the
    intake screen calls this first, so a refused rejection never leaves a received case)."""
    return (
        check_text(reason, "reason", "不予受理理由"),
        check_text(where_to_go, "where_to_go", "建议办理机关或途径", 200),
    )


def reject(
    desk: Desk, case_no: str, reason: str, where_to_go: str, on: dt.date | None = None
) -> CaseDetail:
    """不予受理: not in scope or not our competence; the notice says why and where to go."""
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    day = business_date(desk, on, detail.summary.received_on)
    reason_text, where = check_rejection(reason, where_to_go)
    with desk.ledger.write() as w:
        # Past the five working days with no notice the application counts as accepted:
        # no longer a 不予受理 (the case is decided on its merits, 办结 不予批准).
        detail = _record_deeming(desk, w, detail, day, "reject")
        _check_transition(detail, "reject")
        doc_seq = counters.next_in(desk.conn, "doc_counters", f"reject:{day.year}")
        w.append(
            "case.rejected",
            f"case/{detail.case_no}",
            {
                "case_no": detail.case_no,
                "doc_no": _doc_no(desk, "不予受理", day.year, doc_seq),
                "doc_seq": doc_seq,
                "on": day.isoformat(),
                "reason": reason_text,
                "where_to_go": where,
            },
            desk.user.username,
        )
    return get_case(desk.conn, detail.case_no)


def _simple(
    desk: Desk,
    case_no: str,
    action: str,
    kind: str,
    fields: dict[str, Any],
    on: dt.date | None,
) -> CaseDetail:
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    day = business_date(desk, on, detail.summary.received_on)
    with desk.ledger.write() as w:
        detail = _record_deeming(desk, w, detail, day, action)
        _check_transition(detail, action)
        not_before = detail.accepted_on or detail.summary.received_on
        business_date(desk, day, not_before)  # a step after acceptance is not dated before it
        w.append(
            kind,
            f"case/{detail.case_no}",
            {"case_no": detail.case_no, "on": day.isoformat(), **fields},
            desk.user.username,
        )
    return get_case(desk.conn, detail.case_no)


def forward(
    desk: Desk, case_no: str, department: str, note: str = "", on: dt.date | None = None
) -> CaseDetail:
    return _simple(
        desk,
        case_no,
        "forward",
        "case.forwarded",
        {
            "department": check_text(department, "department", "承办部门", 60),
            "note": check_text(note, "note", "备注", 500, required=False),
        },
        on,
    )


def pause(
    desk: Desk, case_no: str, kind: str, reason: str, on: dt.date | None = None
) -> CaseDetail:
    """特别程序 (行政许可法 §45): the clock stops; the applicant is told in writing."""
    if kind not in PAUSE_KINDS:
        raise InvalidInput("kind", f"特别程序类型“{kind}”无效 / unknown procedure kind")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    ended = [p.ended_on for p in detail.pauses if p.ended_on is not None]
    if ended and on is not None and on < max(ended):
        # Pauses must not overlap, or the same days would be counted twice.
        raise InvalidInput(
            "on", "特别程序不能早于上一次特别程序的结束日期 / overlaps the last pause"
        )
    return _simple(
        desk,
        case_no,
        "pause",
        "case.paused",
        {
            "ordinal": len(detail.pauses) + 1,
            "kind": kind,
            "reason": check_text(reason, "reason", "特别程序事由"),
        },
        on,
    )


def resume(desk: Desk, case_no: str, on: dt.date | None = None) -> CaseDetail:
    detail = get_case(desk.conn, case_no, with_timeline=False)
    open_pause = next((p for p in detail.pauses if p.ended_on is None), None)
    ordinal = open_pause.ordinal if open_pause else 0
    if open_pause is not None and on is not None and on < open_pause.started_on:
        raise InvalidInput("on", "恢复日期不能早于暂停日期 / resume date before the pause")
    return _simple(desk, case_no, "resume", "case.resumed", {"ordinal": ordinal}, on)


def complete(
    desk: Desk,
    case_no: str,
    result: str,
    delivery: str = "window",
    certificate_name: str = "",
    certificate_no: str = "",
    note: str = "",
    on: dt.date | None = None,
) -> CaseDetail:
    if result not in RESULTS:
        raise InvalidInput("result", "办结结果应为 approved 或 not_approved / bad result")
    if delivery not in DELIVERY:
        raise InvalidInput("delivery", "送达方式应为 window、post 或 electronic / bad delivery")
    return _simple(
        desk,
        case_no,
        "complete",
        "case.completed",
        {
            "result": result,
            "delivery": delivery,
            "certificate_name": check_text(
                certificate_name, "certificate_name", "证照名称", 60, required=False
            ),
            "certificate_no": check_text(
                certificate_no, "certificate_no", "证照编号", 60, required=False
            ),
            "note": check_text(note, "note", "备注", 500, required=False),
        },
        on,
    )


def withdraw(desk: Desk, case_no: str, reason: str, on: dt.date | None = None) -> CaseDetail:
    return _simple(
        desk,
        case_no,
        "withdraw",
        "case.withdrawn",
        {"reason": check_text(reason, "reason", "撤回原因")},
        on,
    )


def lapse(desk: Desk, case_no: str, on: dt.date | None = None) -> CaseDetail:
    """补正逾期: the return-by date of the one-time notice has passed."""
    detail = get_case(desk.conn, case_no, with_timeline=False)
    day = on or desk.today()
    if detail.return_by is not None and day <= detail.return_by:
        raise RuleRefused(
            f"补正期限（{detail.return_by:%Y-%m-%d}）尚未届满 / the return-by date has not passed"
        )
    return _simple(
        desk,
        case_no,
        "lapse",
        "case.lapsed",
        {"reason": f"未在补正期限 {detail.return_by} 前补齐材料"},
        on,
    )


def lapse_overdue(desk: Desk) -> list[str]:
    """Close every case whose correction period has run out (run at the start of a day).
    §32's deemings are recorded first: a case deemed accepted is never closed for missing
    materials, whatever its notice's return-by date."""
    deem_overdue(desk)
    today = desk.today()
    due = [
        r[0]
        for r in desk.conn.execute(
            "SELECT case_no FROM cases WHERE state = 'awaiting_correction' AND return_by < ?",
            (today.isoformat(),),
        )
    ]
    for case_no in due:
        lapse(desk, case_no)
    return due


def add_note(desk: Desk, case_no: str, text: str) -> None:
    require(desk.user.role, "case.handle")
    detail = get_case(desk.conn, case_no, with_timeline=False)
    desk.ledger.append(
        "case.note_added",
        f"case/{detail.case_no}",
        {"case_no": detail.case_no, "text": check_text(text, "text", "备注")},
        desk.user.username,
    )


def allowed_actions(detail: CaseDetail, deeming: Deeming | None = None) -> list[str]:
    """The actions the desk may offer for this case now, in TRANSITIONS order: the same checks
    the commands make, so a screen never offers a button the service would refuse for the
    case's state. (`lapse` is left out: it is a start-of-day job, not a clerk's choice.)
    With its `pending_deeming` for today, a case §32 already counts as accepted is judged as
    the command will see it once the deeming is recorded."""
    if deeming is not None:
        detail = _as_deemed(detail, deeming)
    offered: list[str] = []
    for action in TRANSITIONS:
        if action == "lapse":
            continue
        try:
            _check_transition(detail, action)
        except RuleRefused:
            continue
        offered.append(action)
    return offered
