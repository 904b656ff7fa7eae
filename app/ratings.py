"""Good/bad reviews (好差评, plan §2.4.2(8)) and the follow-up of a bad one.

One rating per service contact — a case, a consultation or a special service — on the five
levels, kept as GB/T 39046-2020 satisfaction codes (1 = 非常满意 … 5 = 非常不满意); a
second rating of the same contact is refused (一次一评). A bad review (不满意, 非常不满意)
opens a follow-up: verify (核实), rectify (整改), call back (回访), each step with actor and
time, due within the configured working days (`followup_workdays`). Each step is dated (补录
of a paper record may date it earlier than it is entered), never before the step it follows
nor after today. The rated staff member (or a director) may appeal (申诉) a mistaken or
malicious rating; a director decides — never about their own rating — and an upheld appeal
takes the rating out of the figures.

When a calendar year is loaded, open follow-ups keep their number of working days and get
their due date on the new calendar (`recompute_open_followups`, from the calendar handler).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import cases, deadlines, duty_records, settings, windows
from app.calendar import load_calendar
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_text
from app.permissions import Role, require
from app.projections import REGISTRY
from app.workdays import WorkCalendar
from db.ledger import Event, events_for_subject
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("ratings", "rating_followups")

# GB/T 39046-2020 satisfaction codes. Some provincial interfaces use the reverse order
# (1 = 非常不满意): map explicitly at the sync boundary, never here.
LEVELS = {1: "非常满意", 2: "满意", 3: "基本满意", 4: "不满意", 5: "非常不满意"}
BAD_LEVELS = frozenset({4, 5})
SATISFIED_LEVELS = frozenset({1, 2, 3})
CHANNELS = {
    "screen": "窗口评价器",
    "qr": "二维码",
    "paper": "纸质评价表",
    "phone": "电话回访",
    "sms": "短信",
    "online": "网上",
}
CONTACT_KINDS = {"case": "办件", "consultation": "咨询", "service": "特色服务"}
STEPS = {"verify": "核实", "rectify": "整改", "callback": "回访"}
_PREVIOUS_STEP = {"rectify": "verify", "callback": "rectify"}
APPEAL_KINDS = {"mistaken": "误评", "malicious": "恶意评价"}


@dataclass(frozen=True)
class FollowUp:
    rating_no: str
    due_on: dt.date
    due_provisional: bool
    state: str  # open | closed | voided
    verified_by: str | None
    verify_note: str | None
    rectified_by: str | None
    rectify_note: str | None
    called_back_by: str | None
    callback_note: str | None
    callback_satisfied: bool | None
    closed_on: dt.date | None

    @property
    def next_step(self) -> str | None:
        if self.state != "open":
            return None
        if self.verified_by is None:
            return "verify"
        if self.rectified_by is None:
            return "rectify"
        return "callback"


@dataclass(frozen=True)
class Rating:
    rating_no: str
    contact_kind: str
    contact_ref: str
    level: int
    channel: str
    comment: str
    on: dt.date
    at: str
    recorded_by: str
    staff: str
    window_no: int | None
    voided: bool
    appeal_state: str | None
    appeal_kind: str | None
    appeal_reason: str | None
    decision_note: str | None
    followup: FollowUp | None

    @property
    def level_label(self) -> str:
        return LEVELS[self.level]

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS


# -- projection ----------------------------------------------------------------------------


@REGISTRY.on("rating.given")
def _given(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO ratings (rating_no, contact_kind, contact_ref, level, channel, comment, "
        "on_date, at, recorded_by, staff, window_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (b["rating_no"], b["contact_kind"], b["contact_ref"], b["level"], b["channel"],
         b["comment"], b["on"], event.at, event.actor, b["staff"], b["window_no"]),
    )  # fmt: skip
    duty_records.bump(conn, b["rating_no"])
    if b["followup"] is not None:
        conn.execute(
            "INSERT INTO rating_followups (rating_no, due_on, due_provisional, state) "
            "VALUES (?, ?, ?, 'open')",
            (b["rating_no"], b["followup"]["due_on"], int(b["followup"]["provisional"])),
        )
        duty_records.notify(
            conn,
            event,
            [b["staff"], *duty_records.directors(conn)],
            "rating.bad",
            b["rating_no"],
            f"差评（{LEVELS[b['level']]}）：{CONTACT_KINDS[b['contact_kind']]} "
            f"{b['contact_ref']}，须于 {b['followup']['due_on']} 前核实、整改、回访",
        )


_STEP_COLUMNS = {
    "verify": ("verified_at", "verified_by", "verify_note"),
    "rectify": ("rectified_at", "rectified_by", "rectify_note"),
    "callback": ("called_back_at", "called_back_by", "callback_note"),
}


@REGISTRY.on("rating.followup_step")
def _step(conn: Connection, event: Event) -> None:
    b = event.body
    at, by, note = _STEP_COLUMNS[b["step"]]
    conn.execute(
        f"UPDATE rating_followups SET {at} = ?, {by} = ?, {note} = ? WHERE rating_no = ?",
        (event.at, event.actor, b["note"], b["rating_no"]),
    )
    if b["step"] == "callback":
        conn.execute(
            "UPDATE rating_followups SET state = 'closed', callback_satisfied = ?, closed_on = ? "
            "WHERE rating_no = ?",
            (int(b["satisfied"]), b["on"], b["rating_no"]),
        )


@REGISTRY.on("rating.appealed")
def _appealed(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE ratings SET appeal_state = 'pending', appeal_kind = ?, appeal_reason = ?, "
        "appeal_by = ?, appeal_at = ? WHERE rating_no = ?",
        (b["kind"], b["reason"], event.actor, event.at, b["rating_no"]),
    )
    duty_records.notify(
        conn,
        event,
        duty_records.directors(conn),
        "rating.appealed",
        b["rating_no"],
        f"{event.actor} 对评价 {b['rating_no']} 提出申诉（{APPEAL_KINDS[b['kind']]}），待您裁定",
    )


@REGISTRY.on("rating.appeal_decided")
def _decided(conn: Connection, event: Event) -> None:
    b = event.body
    upheld = bool(b["upheld"])
    conn.execute(
        "UPDATE ratings SET appeal_state = ?, decided_by = ?, decided_at = ?, decision_note = ?, "
        "voided = ? WHERE rating_no = ?",
        ("upheld" if upheld else "rejected", event.actor, event.at, b["note"], int(upheld),
         b["rating_no"]),
    )  # fmt: skip
    if upheld:
        conn.execute(
            "UPDATE rating_followups SET state = 'voided', closed_on = ? "
            "WHERE rating_no = ? AND state = 'open'",
            (b["on"], b["rating_no"]),
        )


def has_open_followups(conn: Connection) -> bool:
    return (
        conn.execute("SELECT 1 FROM rating_followups WHERE state = 'open' LIMIT 1").fetchone()
        is not None
    )


def recompute_open_followups(conn: Connection, before: WorkCalendar, after: WorkCalendar) -> None:
    """For the calendar handler (pure: reads the database only). An open follow-up's due date
    was `before.add_workdays(rating day, n)`; its n working days are recovered exactly from
    that calendar (`workdays_between` inverts `add_workdays`) and counted again on `after`,
    the calendar with the new year: a provisional due date becomes final, or moves."""
    rows = conn.execute(
        "SELECT f.rating_no, r.on_date, f.due_on, f.due_provisional FROM rating_followups f "
        "JOIN ratings r ON r.rating_no = f.rating_no WHERE f.state = 'open' ORDER BY f.rating_no"
    ).fetchall()
    for rating_no, on, due_on, provisional in rows:
        start = dt.date.fromisoformat(on)
        due = after.add_workdays(
            start, before.workdays_between(start, dt.date.fromisoformat(due_on))
        )
        if (due.date.isoformat(), int(due.provisional)) != (due_on, provisional):
            conn.execute(
                "UPDATE rating_followups SET due_on = ?, due_provisional = ? WHERE rating_no = ?",
                (due.date.isoformat(), int(due.provisional), rating_no),
            )


# -- reading -------------------------------------------------------------------------------

_RATING_SQL = (
    "SELECT r.rating_no, r.contact_kind, r.contact_ref, r.level, r.channel, r.comment, "
    "r.on_date, r.at, r.recorded_by, r.staff, r.window_no, r.voided, r.appeal_state, "
    "r.appeal_kind, r.appeal_reason, r.decision_note, f.rating_no, f.due_on, "
    "f.due_provisional, f.state, f.verified_by, f.verify_note, f.rectified_by, f.rectify_note, "
    "f.called_back_by, f.callback_note, f.callback_satisfied, f.closed_on "
    "FROM ratings r LEFT JOIN rating_followups f ON f.rating_no = r.rating_no"
)


def _rating(r: Any) -> Rating:
    followup = None
    if r[16] is not None:
        followup = FollowUp(
            rating_no=r[16],
            due_on=dt.date.fromisoformat(r[17]),
            due_provisional=bool(r[18]),
            state=r[19],
            verified_by=r[20],
            verify_note=r[21],
            rectified_by=r[22],
            rectify_note=r[23],
            called_back_by=r[24],
            callback_note=r[25],
            callback_satisfied=None if r[26] is None else bool(r[26]),
            closed_on=dt.date.fromisoformat(r[27]) if r[27] else None,
        )
    return Rating(
        rating_no=r[0],
        contact_kind=r[1],
        contact_ref=r[2],
        level=r[3],
        channel=r[4],
        comment=r[5],
        on=dt.date.fromisoformat(r[6]),
        at=r[7],
        recorded_by=r[8],
        staff=r[9],
        window_no=r[10],
        voided=bool(r[11]),
        appeal_state=r[12],
        appeal_kind=r[13],
        appeal_reason=r[14],
        decision_note=r[15],
        followup=followup,
    )


def get_rating(conn: Connection, rating_no: str) -> Rating:
    row = conn.execute(_RATING_SQL + " WHERE r.rating_no = ?", (rating_no.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"没有评价 {rating_no} / no rating {rating_no}")
    return _rating(row)


def rating_for(conn: Connection, contact_kind: str, contact_ref: str) -> Rating | None:
    row = conn.execute(
        _RATING_SQL + " WHERE r.contact_kind = ? AND r.contact_ref = ?",
        (contact_kind, contact_ref),
    ).fetchone()
    return _rating(row) if row else None


def list_between(conn: Connection, start: dt.date, end: dt.date) -> list[Rating]:
    rows = conn.execute(
        _RATING_SQL + " WHERE r.on_date BETWEEN ? AND ? ORDER BY r.on_date, r.rating_no",
        (start.isoformat(), end.isoformat()),
    )
    return [_rating(r) for r in rows]


def pending_appeals(conn: Connection) -> list[Rating]:
    """Appeals waiting for a director's ruling, oldest first."""
    rows = conn.execute(
        _RATING_SQL + " WHERE r.appeal_state = 'pending' ORDER BY r.on_date, r.rating_no"
    )
    return [_rating(r) for r in rows]


@dataclass(frozen=True)
class FollowUpStatus:
    rating_no: str
    staff: str
    level: int
    next_step: str
    due_on: dt.date
    workdays_left: int  # 0 on the due day, negative when overdue
    provisional: bool

    @property
    def overdue(self) -> bool:
        return self.workdays_left < 0


def open_followups(conn: Connection, today: dt.date) -> list[FollowUpStatus]:
    """Bad reviews still being followed up, most urgent first; overdue ones stay listed."""
    calendar = load_calendar(conn)
    result: list[FollowUpStatus] = []
    rows = conn.execute(
        _RATING_SQL + " WHERE f.state = 'open' ORDER BY f.due_on, r.rating_no"
    ).fetchall()
    for row in rows:
        rating = _rating(row)
        f = rating.followup
        assert f is not None and f.next_step is not None
        st = deadlines.status(calendar, f.due_on, today, 0, f.due_provisional)
        result.append(
            FollowUpStatus(
                rating.rating_no,
                rating.staff,
                rating.level,
                f.next_step,
                f.due_on,
                st.workdays_left,
                st.provisional,
            )
        )
    return result


def step_days(conn: Connection, rating_no: str) -> dict[str, dt.date]:
    """The business day of each follow-up step done so far, from the record's events (the
    projection keeps when a step was entered; 补录 may date it earlier)."""
    return {
        e.body["step"]: dt.date.fromisoformat(e.body["on"])
        for e in events_for_subject(conn, f"rating/{rating_no}")
        if e.kind == "rating.followup_step"
    }


# -- commands ------------------------------------------------------------------------------


def _contact(desk: Desk, kind: str, ref: str) -> tuple[str, str, dt.date]:
    """(canonical reference, staff member who served, day of the contact)."""
    if kind == "case":
        summary = cases.get_case(desk.conn, ref, with_timeline=False).summary
        return summary.case_no, summary.holder, summary.received_on
    if kind == "consultation":
        from app import consultations

        c = consultations.get(desk.conn, ref)
        return c.consult_no, c.served_by, c.on
    from app import special_services

    s = special_services.get(desk.conn, ref)
    return s.service_no, s.recorded_by, s.on


def rate(
    desk: Desk,
    contact_kind: str,
    contact_ref: str,
    level: int,
    channel: str = "screen",
    comment: str = "",
    on: dt.date | None = None,
) -> Rating:
    """Record the citizen's rating of one service contact. 一次一评: a second is refused."""
    require(desk.user.role, "rating.record")
    duty_records.choice(contact_kind, CONTACT_KINDS, "contact_kind", "评价对象")
    if not str(contact_ref or "").strip():
        raise InvalidInput(
            "contact_ref",
            f"请填写被评价的{CONTACT_KINDS[contact_kind]}编号 / the {contact_kind} number is empty",
        )
    if isinstance(level, bool) or level not in LEVELS:
        raise InvalidInput("level", "评价等级应为 1（非常满意）至 5（非常不满意） / level 1-5")
    duty_records.choice(channel, CHANNELS, "channel", "评价渠道")
    ref, served_by, contact_day = _contact(desk, contact_kind, contact_ref)
    existing = rating_for(desk.conn, contact_kind, ref)
    if existing is not None:
        raise RuleRefused(
            f"一次一评：该次服务已于 {existing.on} 评价（{existing.rating_no}，"
            f"{existing.level_label}），不能再次评价 / this service was already rated"
        )
    day = duty_records.business_date(desk, on, contact_day)
    followup: dict[str, Any] | None = None
    if level in BAD_LEVELS:
        days = int(settings.get(desk.conn, "followup_workdays"))
        due = load_calendar(desk.conn).add_workdays(day, days)
        followup = {"due_on": due.date.isoformat(), "provisional": due.provisional}
    window = windows.window_of(desk.conn, served_by)
    number, _ = duty_records.next_number(desk, "rating", day)
    desk.ledger.append(
        "rating.given",
        f"rating/{number}",
        {
            "rating_no": number,
            "contact_kind": contact_kind,
            "contact_ref": ref,
            "level": level,
            "channel": channel,
            "comment": check_text(comment, "comment", "评价意见", 500, required=False),
            "on": day.isoformat(),
            "staff": served_by,
            "window_no": window.window_no if window else None,
            "followup": followup,
        },
        desk.user.username,
    )
    return get_rating(desk.conn, number)


def followup_step(
    desk: Desk,
    rating_no: str,
    step: str,
    note: str,
    satisfied: bool | None = None,
    on: dt.date | None = None,
) -> Rating:
    """One step of a bad review's follow-up, in order: verify → rectify → callback. The
    rated staff member may rectify but not verify their own review or make the call-back."""
    require(desk.user.role, "rating.followup")
    rating = get_rating(desk.conn, rating_no)
    duty_records.choice(step, STEPS, "step", "整改步骤")
    f = rating.followup
    if f is None:
        raise RuleRefused(f"评价 {rating.rating_no} 不是差评，无需整改 / not a bad review")
    if f.state != "open":
        raise RuleRefused(f"评价 {rating.rating_no} 的整改已结束 / the follow-up is closed")
    if step != f.next_step:
        assert f.next_step is not None
        raise RuleRefused(
            f"请先完成“{STEPS[f.next_step]}” / the next step is {f.next_step}, not {step}"
        )
    if step in ("verify", "callback") and desk.user.username == rating.staff:
        raise RuleRefused(
            "被评价人不能自己核实或回访 / the rated staff member cannot verify or call back"
        )
    if step == "callback" and satisfied is None:
        raise InvalidInput("satisfied", "请登记群众对整改结果是否满意 / record satisfaction")
    if step in _PREVIOUS_STEP:
        previous = _PREVIOUS_STEP[step]
        not_before = step_days(desk.conn, rating.rating_no)[previous]
        after = f"“{STEPS[previous]}”的日期"
    else:
        not_before, after = rating.on, "评价日期"
    # A step cannot predate the one before it (nor the rating): back-dating the call-back
    # before the verification would make a late follow-up look done in time.
    day = duty_records.business_date(desk, on, not_before, after)
    desk.ledger.append(
        "rating.followup_step",
        f"rating/{rating.rating_no}",
        {
            "rating_no": rating.rating_no,
            "step": step,
            "note": check_text(note, "note", f"{STEPS[step]}情况", 500),
            "satisfied": bool(satisfied) if step == "callback" else None,
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get_rating(desk.conn, rating.rating_no)


def appeal(desk: Desk, rating_no: str, kind: str, reason: str) -> Rating:
    """申诉: a bad review the rated staff member (or a director) holds mistaken or malicious.
    Nobody else may appeal a colleague's rating."""
    require(desk.user.role, "rating.appeal")
    rating = get_rating(desk.conn, rating_no)
    if desk.user.username != rating.staff and desk.user.role != Role.DIRECTOR:
        raise RuleRefused(
            f"只有被评价人（{rating.staff}）本人或中心负责人可以对该评价提出申诉 / only the rated "
            f"staff member or a director may appeal this rating"
        )
    duty_records.choice(kind, APPEAL_KINDS, "kind", "申诉理由类别")
    if not rating.bad:
        raise RuleRefused("只有差评可以申诉 / only a bad review can be appealed")
    if rating.appeal_state is not None:
        raise RuleRefused(f"评价 {rating.rating_no} 已申诉过 / already appealed")
    desk.ledger.append(
        "rating.appealed",
        f"rating/{rating.rating_no}",
        {
            "rating_no": rating.rating_no,
            "kind": kind,
            "reason": check_text(reason, "reason", "申诉理由"),
        },
        desk.user.username,
    )
    return get_rating(desk.conn, rating.rating_no)


def decide_appeal(
    desk: Desk, rating_no: str, upheld: bool, note: str, on: dt.date | None = None
) -> Rating:
    """A director rules on an appeal — never on one about their own rating; upheld takes the
    rating out of the figures. The ruling is dated no earlier than the appeal."""
    require(desk.user.role, "rating.appeal_decide")
    rating = get_rating(desk.conn, rating_no)
    if rating.appeal_state != "pending":
        raise RuleRefused(f"评价 {rating.rating_no} 没有待裁定的申诉 / no pending appeal")
    if rating.staff == desk.user.username:
        raise RuleRefused(
            "该评价是对您本人的评价，您不能裁定这项申诉，请由其他负责人裁定 / you cannot "
            "decide an appeal about your own rating"
        )
    appealed = desk.conn.execute(
        "SELECT appeal_at FROM ratings WHERE rating_no = ?", (rating.rating_no,)
    ).fetchone()[0]
    day = duty_records.business_date(desk, on, duty_records.day_of(appealed), "申诉日期")
    desk.ledger.append(
        "rating.appeal_decided",
        f"rating/{rating.rating_no}",
        {
            "rating_no": rating.rating_no,
            "upheld": bool(upheld),
            "note": check_text(note, "note", "裁定意见"),
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get_rating(desk.conn, rating.rating_no)
