"""The daily report and the report for any date range (DESIGN §2.6, plan §2.4.2): plain,
frozen data for the printing and GUI rooms, `clerkdesk report ... --json`, and CSV / XLSX
export.

What is counted, and by which date:

* cases received (`received_on`), accepted (`accepted_on`), completed, rejected, withdrawn
  and lapsed (`closed_on`) in the period, by item and by staff member. A case belongs to the
  staff member who received it and holds it (首问负责: the first clerk stays responsible).
* on-time completion rate: cases completed in the period whose completion date is on or
  before their due date, over all completed cases that had one.
* open cases at the end of the period (received by then, not closed by then) with who holds
  them; overdue when past the due date in working days, judged on the period's last day (or
  today, when the period runs on into the future).
* one-notice overrides and the §32 lapses (行政许可法第三十二条): notices given later than five
  working days after receipt, and applications that count as accepted from receipt because
  no notice came within those five working days — counted as accepted (and open, with a due
  date from the receipt date) on the day after the fifth, whether or not the ledger records
  the deeming yet, so the figures do not depend on when the start-of-day sweep ran.

Every record counts on its business date (`on`: paper records entered later, 补录, belong to
the day on the paper), never on the time it was typed: a past day's report says what was true
that day and says it again whenever it is run. Only the settings and who covered for whom
are taken as they stood at the end of the period by the event time.
* consultations and referrals; ratings per level and the satisfaction rate — levels 1–3
  (非常满意, 满意, 基本满意) over all ratings, ratings voided by an upheld appeal left out —
  with open and overdue follow-ups; complaints; follow-ups and complaints closed in the period
  but after their due date (closing late never makes the lateness vanish); special services;
  minutes away from the window per person and returns later than the note said; for the
  director, overdue safety inspections, faulty equipment, the hall-area grade, and primary
  clerks short of a year.

No citizen's personal data goes into a report: it is printed and exported to files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from app import away, cases, centre, deadlines, duty_records, ratings, settings, windows
from app.calendar import load_calendar
from app.cases import OPEN_STATES, STATE_LABELS
from app.complaints import CHANNELS as COMPLAINT_CHANNELS
from app.errors import InvalidInput
from app.jsonout import jsonable
from app.permissions import require
from db.connection import open_private
from db.ledger import CHINA_TZ
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

MAX_RANGE_DAYS = 3660


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    percent: float | None  # one decimal; None when there was nothing to count

    @property
    def label(self) -> str:
        return "—" if self.percent is None else f"{self.percent:.1f}%"


def make_rate(numerator: int, denominator: int) -> Rate:
    percent = round(100 * numerator / denominator, 1) if denominator else None
    return Rate(numerator, denominator, percent)


@dataclass(frozen=True)
class CaseCounts:
    received: int = 0
    accepted: int = 0
    completed: int = 0
    completed_on_time: int = 0
    completed_with_due: int = 0
    rejected: int = 0
    withdrawn: int = 0
    lapsed: int = 0

    def plus(self, **more: int) -> CaseCounts:
        return replace(self, **{k: getattr(self, k) + v for k, v in more.items()})

    @property
    def on_time_rate(self) -> Rate:
        return make_rate(self.completed_on_time, self.completed_with_due)


@dataclass(frozen=True)
class ItemFigures:
    item_code: str
    item_name: str
    counts: CaseCounts


@dataclass(frozen=True)
class StaffFigures:
    username: str
    name: str
    counts: CaseCounts
    open_cases: int
    overdue_cases: int
    consultations: int
    referrals: int
    ratings: int
    bad_ratings: int
    complaints_about: int
    away_minutes: int
    away_notes: int


@dataclass(frozen=True)
class OpenCaseLine:
    case_no: str
    item_name: str
    state: str
    state_label: str
    holder: str
    holder_name: str
    received_on: dt.date
    due_on: dt.date | None
    workdays_left: int | None
    overdue: bool
    covered_by: str | None  # the backup looking after it while the holder is away


@dataclass(frozen=True)
class OverrideLine:
    case_no: str
    notice_no: str
    issued_on: dt.date
    issued_by: str
    override_by: str
    reason: str


SECTION32_KINDS = {
    "late_notice": "收件后超过5个工作日才一次性告知",
    "deemed_accepted": "逾期未告知，自收到材料之日起视为受理",
}


@dataclass(frozen=True)
class Section32Line:
    case_no: str
    item_name: str
    holder: str
    received_on: dt.date
    kind: str

    @property
    def label(self) -> str:
        return SECTION32_KINDS[self.kind]


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ConsultationFigures:
    total: int
    ours: int
    referred: int
    by_subject: tuple[Count, ...]  # the ten most asked about


@dataclass(frozen=True)
class FollowUpLine:
    rating_no: str
    staff: str
    level: int
    next_step: str
    due_on: dt.date
    workdays_left: int
    overdue: bool


@dataclass(frozen=True)
class ClosedLateLine:
    """A follow-up or complaint closed in the period, but after its due date."""

    ref: str  # rating or complaint number
    staff: str | None  # the rated staff member / the staff member complained about
    due_on: dt.date
    closed_on: dt.date
    workdays_late: int


@dataclass(frozen=True)
class RatingFigures:
    total: int  # counted ratings (voided ones left out)
    per_level: tuple[Count, ...]  # GB/T 39046 codes 1..5
    satisfaction: Rate
    bad: int
    voided: int
    appeals_pending: int
    followups_open: int
    followups_overdue: int
    followups: tuple[FollowUpLine, ...]  # open at the end of the period
    followups_closed_late: int  # closed (called back) in the period after the due date
    late_followups: tuple[ClosedLateLine, ...]


@dataclass(frozen=True)
class ComplaintLine:
    complaint_no: str
    on: dt.date
    channel: str
    about_staff: str | None
    state: str
    due_on: dt.date
    workdays_left: int
    overdue: bool


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    closed: int
    by_channel: tuple[Count, ...]
    open: int
    overdue: int
    open_list: tuple[ComplaintLine, ...]
    closed_late: int  # closed (called back) in the period after the due date
    late_list: tuple[ClosedLateLine, ...]


@dataclass(frozen=True)
class SpecialFigures:
    appointments: int
    after_hours: int
    holiday: int
    no_shows: int
    fast_lane: int
    proxy: int
    assisted: int
    home_visits: int
    linked_to_cases: int


@dataclass(frozen=True)
class AwayLine:
    note_no: str
    username: str
    reason: str
    place: str
    posted_at: str
    until: str
    returned_at: str | None
    minutes_late: int


@dataclass(frozen=True)
class AwayFigures:
    total_minutes: int
    notes: int
    late_returns: tuple[AwayLine, ...]  # back (or still away) later than the note said
    away_now: tuple[AwayLine, ...]  # open notes when the report was made
    covered_cases: int  # open cases a backup looks after now


@dataclass(frozen=True)
class InspectionLine:
    kind: str
    label: str
    next_due: dt.date | None
    last_done_on: dt.date | None
    days_overdue: int


@dataclass(frozen=True)
class HallLine:
    population: int
    hall_area_m2: str
    ethnic_variant: bool
    band: str
    grade: str
    below_third: bool
    shortfall_m2: str


@dataclass(frozen=True)
class TenureLine:
    username: str
    window_no: int
    days_as_primary: int


@dataclass(frozen=True)
class Supervision:
    hall: HallLine | None  # None until the centre profile is entered
    inspections_overdue: tuple[InspectionLine, ...]
    inspections_unscheduled: tuple[str, ...]
    equipment_faulty: int
    under_one_year: tuple[TenureLine, ...]


@dataclass(frozen=True)
class Report:
    centre_code: str
    centre_name: str
    start: dt.date
    end: dt.date
    as_of: dt.date  # the day open and overdue items are judged on
    generated_at: str
    generated_by: str
    cases: CaseCounts
    on_time_rate: Rate
    by_item: tuple[ItemFigures, ...]
    by_staff: tuple[StaffFigures, ...]
    open_cases: tuple[OpenCaseLine, ...]
    overdue_cases: int
    notice_overrides: tuple[OverrideLine, ...]
    section32: tuple[Section32Line, ...]
    consultations: ConsultationFigures
    ratings: RatingFigures
    complaints: ComplaintFigures
    special: SpecialFigures
    away: AwayFigures
    supervision: Supervision
    notes: tuple[str, ...] = field(default=())

    @property
    def daily(self) -> bool:
        return self.start == self.end


# -- building --------------------------------------------------------------------------------


def _d(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _item_names(conn: Connection, codes: set[str]) -> dict[str, str]:
    """Names from the catalogue (latest version); a code no longer there, from a case."""
    names: dict[str, str] = {}
    for code, name in conn.execute("SELECT code, name FROM catalogue_items ORDER BY version"):
        if code in codes:
            names[code] = name
    for code in sorted(codes - set(names)):
        row = conn.execute("SELECT item_name FROM cases WHERE item_code = ? LIMIT 1", (code,))
        names[code] = str(row.fetchone()[0])
    return names


@dataclass(frozen=True)
class _Notice:
    """A one-time notice on its business date (`on`: a paper notice entered later, 补录,
    belongs to the day it was handed over, not the day it was typed)."""

    case_no: str
    notice_no: str
    on: str
    late: bool
    issued_by: str
    override_by: str | None
    override_reason: str | None


def _flagged_notices(conn: Connection, start: str, end: str) -> list[_Notice]:
    """The late notices and the director-authorised second notices dated in [start, end].
    A notice is never dated after it was typed, so only those typed since `start` can be; the
    business date of each comes from its event (the notice table keeps when it was typed)."""
    notices: list[_Notice] = []
    for case_no, notice_no, late, by, override_by, reason in conn.execute(
        "SELECT case_no, notice_no, late, issued_by, override_by, override_reason "
        "FROM case_notices WHERE (late = 1 OR override_by IS NOT NULL) AND issued_at >= ?",
        (start,),
    ):
        (on,) = conn.execute(
            "SELECT json_extract(body, '$.on') FROM events WHERE subject = ? "
            "AND kind = 'case.notice_issued' AND json_extract(body, '$.notice_no') = ?",
            (f"case/{case_no}", notice_no),
        ).fetchone()
        if on <= end:
            notices.append(_Notice(case_no, notice_no, on, bool(late), by, override_by, reason))
    return sorted(notices, key=lambda n: (n.on, n.notice_no))


# For a past period: whether a case had been forwarded / told what to supply by its end, by
# the business dates in the case's own events (found through the subject index).
_STEP_BY_END = (
    "EXISTS (SELECT 1 FROM events e WHERE e.subject = 'case/' || case_no AND e.kind = '{}' "
    "AND json_extract(e.body, '$.on') <= ?)"
)


def _pending_deemings(conn: Connection, as_of: dt.date, notice_days: int) -> dict[str, str]:
    """case_no → the day §32 counted it as accepted, for the cases it counts so by `as_of`
    that the ledger does not record yet (the start-of-day sweep will, dated that same day):
    a report says the same before and after the sweep. Recorded deemings are accepted cases
    (`accepted_on` the day of the deeming) and need nothing more."""
    return {d.case_no: d.on.isoformat() for d in cases.due_deemings(conn, as_of, notice_days)}


def _case_figures(
    conn: Connection, start: str, end: str, deemed: dict[str, str]
) -> tuple[CaseCounts, dict[str, ItemFigures], dict[str, CaseCounts]]:
    """Three grouped queries, each answered from a covering index (migration 0003), and the
    §32 deemings not recorded yet counted as accepted on their day."""
    totals = CaseCounts()
    items: dict[str, CaseCounts] = defaultdict(CaseCounts)
    staff: dict[str, CaseCounts] = defaultdict(CaseCounts)

    def add(code: str, who: str, **more: int) -> None:
        nonlocal totals
        totals = totals.plus(**more)
        items[code] = items[code].plus(**more)
        staff[who] = staff[who].plus(**more)

    for code, who, n in conn.execute(
        "SELECT item_code, received_by, count(*) FROM cases "
        "WHERE received_on BETWEEN ? AND ? GROUP BY item_code, received_by",
        (start, end),
    ):
        add(code, who, received=n)
    for code, who, n in conn.execute(
        "SELECT item_code, received_by, count(*) FROM cases "
        "WHERE accepted_on BETWEEN ? AND ? GROUP BY item_code, received_by",
        (start, end),
    ):
        add(code, who, accepted=n)
    for case_no, on in deemed.items():
        if start <= on <= end:
            code, who = conn.execute(
                "SELECT item_code, received_by FROM cases WHERE case_no = ?", (case_no,)
            ).fetchone()
            add(code, who, accepted=1)
    for code, who, state, n, with_due, on_time in conn.execute(
        "SELECT item_code, received_by, state, count(*), sum(due_on IS NOT NULL), "
        "sum(due_on IS NOT NULL AND closed_on <= due_on) FROM cases "
        "WHERE closed_on BETWEEN ? AND ? GROUP BY item_code, received_by, state",
        (start, end),
    ):
        if state == "completed":
            add(code, who, completed=n, completed_with_due=with_due)
            add(code, who, completed_on_time=on_time)
        elif state in ("rejected", "withdrawn", "lapsed"):
            add(code, who, **{state: n})
    names = _item_names(conn, set(items))
    by_item = {code: ItemFigures(code, names[code], counts) for code, counts in items.items()}
    return totals, by_item, dict(staff)


def _open_cases(
    conn: Connection,
    end: str,
    as_of: dt.date,
    names: dict[str, str],
    moment: dt.datetime,
    past: bool,
    deemed: dict[str, str],
) -> list[OpenCaseLine]:
    """Cases received by `end` and not closed by then (two indexed queries), in the state
    they were in then, due as they stood then, and with the colleague who covered for their
    holder at `moment` (the end of the period, or now while it runs). A case §32 counts as
    accepted runs from its receipt whether or not the ledger records the deeming yet."""
    calendar = load_calendar(conn)
    covers = away.covers_at(conn, moment)
    steps = (
        f"{_STEP_BY_END.format('case.forwarded')}, {_STEP_BY_END.format('case.notice_issued')}, "
        "EXISTS (SELECT 1 FROM case_pauses p WHERE p.case_no = cases.case_no)"
        if past
        else "0, 0, 0"
    )
    cols = (
        "case_no, item_name, state, holder, received_on, due_on, accepted_on, clock_start, "
        f"limit_days, limit_unit, {steps}"
    )
    by_end = (end, end) if past else ()
    marks = ",".join("?" for _ in OPEN_STATES)
    rows = conn.execute(
        f"SELECT {cols} FROM cases WHERE state IN ({marks}) AND received_on <= ? "
        f"UNION ALL SELECT {cols} FROM cases INDEXED BY cases_report_closed "
        "WHERE closed_on > ? AND received_on <= ?",
        (*by_end, *OPEN_STATES, end, *by_end, end, end),
    ).fetchall()
    lines: list[OpenCaseLine] = []
    for row in rows:
        case_no, item_name, state, holder, received_on, due_on, accepted_on = row[:7]
        clock_start, days, unit, forwarded, noticed, had_pauses = row[7:]
        accepted = accepted_on or deemed.get(case_no)  # §32 counts it accepted from then
        if past:
            # The state it was in at the end of the period, by its steps' business dates.
            if accepted and accepted <= end:
                state = "in_handling" if forwarded else "accepted"
            else:
                state = "awaiting_correction" if noticed else "received"
        elif case_no in deemed:
            state = "accepted"
        due: dt.date | None = None
        if case_no in deemed:
            due = deadlines.compute_due(calendar, _dd(received_on), days, unit, 0).date
        elif accepted_on and accepted_on <= end:
            if had_pauses:  # (past periods only) the due date may have moved since
                stood = deadlines.due_as_of(
                    conn,
                    calendar,
                    case_no,
                    _dd(clock_start or received_on),
                    days,
                    unit,
                    _dd(end),
                )
                due = stood.date if stood else None
            else:
                due = _d(due_on)
        left = calendar.workdays_between(as_of, due) if due else None
        lines.append(
            OpenCaseLine(
                case_no=case_no,
                item_name=item_name,
                state=state,
                state_label=STATE_LABELS[state],
                holder=holder,
                holder_name=names.get(holder, holder),
                received_on=dt.date.fromisoformat(received_on),
                due_on=due,
                workdays_left=left,
                overdue=left is not None and left < 0,
                covered_by=covers.get(holder),
            )
        )
    lines.sort(key=lambda o: (not o.overdue, o.workdays_left is None, o.workdays_left or 0,
                              o.case_no))  # fmt: skip
    return lines


def _setting_at(conn: Connection, key: str, moment: dt.datetime | None) -> Any:
    """A setting as it stood at `moment`, the end of a past period (its last change recorded
    before then, else its default: a later change does not rewrite past reports); None: now."""
    if moment is None:
        return settings.get(conn, key)
    row = conn.execute(
        "SELECT body FROM events WHERE subject = ? AND kind = 'settings.changed' AND at < ? "
        "ORDER BY seq DESC LIMIT 1",
        (f"settings/{key}", away.time_key(moment)),
    ).fetchone()
    return json.loads(row[0])["value"] if row else settings.SETTINGS[key].default


def _section32(
    conn: Connection, start: str, end: str, flagged: list[_Notice], deemed: dict[str, str]
) -> list[Section32Line]:
    """Notices given late in the period, and the applications §32 counted as accepted in
    it (recorded, or still to be recorded by the sweep), each on its business date."""
    sql = "SELECT case_no, item_name, holder, received_on FROM cases WHERE case_no = ?"
    late = sorted({n.case_no for n in flagged if n.late})
    pending = sorted(no for no, on in deemed.items() if start <= on <= end)
    lines: list[Section32Line] = []
    for kind, numbers in (("late_notice", late), ("deemed_accepted", pending)):
        for number in numbers:
            case_no, item, holder, received = conn.execute(sql, (number,)).fetchone()
            lines.append(Section32Line(case_no, item, holder, _dd(received), kind))
    for case_no, item, holder, received in conn.execute(
        "SELECT case_no, item_name, holder, received_on FROM cases "
        "WHERE accepted_on BETWEEN ? AND ? AND deemed_accepted_on IS NOT NULL",
        (start, end),
    ):
        lines.append(Section32Line(case_no, item, holder, _dd(received), "deemed_accepted"))
    return sorted(lines, key=lambda x: (x.kind, x.received_on, x.case_no))


def _dd(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _consultations(
    conn: Connection, start: str, end: str
) -> tuple[ConsultationFigures, dict[str, tuple[int, int]]]:
    total = ours = 0
    per_staff: dict[str, tuple[int, int]] = {}
    for who, n, n_ours in conn.execute(
        "SELECT served_by, count(*), sum(ours) FROM consultations "
        "WHERE on_date BETWEEN ? AND ? GROUP BY served_by",
        (start, end),
    ):
        total += n
        ours += n_ours
        per_staff[who] = (n, n - n_ours)
    subjects = [
        Count(subject, subject, n)
        for subject, n in conn.execute(
            "SELECT CASE WHEN item_name != '' THEN item_name ELSE topic END AS subject, "
            "count(*) AS n FROM consultations WHERE on_date BETWEEN ? AND ? "
            "GROUP BY subject ORDER BY n DESC, subject LIMIT 10",
            (start, end),
        )
    ]
    return ConsultationFigures(total, ours, total - ours, tuple(subjects)), per_staff


def _appeals_at_end(
    conn: Connection, end: str, moment: dt.datetime | None
) -> tuple[set[str], set[str]]:
    """As the end of the period stood, by the business dates of the rulings: the ratings
    voided by an upheld appeal, and the appeals still undecided. An appeal has no business
    date of its own: its entry time counts."""
    decided: set[str] = set()
    voided: set[str] = set()
    for b in _events_before(conn, "rating.appeal_decided", None):
        if b["on"] <= end:
            decided.add(b["rating_no"])
            if b["upheld"]:
                voided.add(b["rating_no"])
    appealed = {b["rating_no"] for b in _events_before(conn, "rating.appealed", moment)}
    return voided, appealed - decided


def _ratings(
    conn: Connection, start: str, end: str, as_of: dt.date, moment: dt.datetime | None
) -> tuple[RatingFigures, dict[str, tuple[int, int]]]:
    per_level = dict.fromkeys(ratings.LEVELS, 0)
    voided = 0
    per_staff: dict[str, tuple[int, int]] = {}
    voided_then, pending_then = _appeals_at_end(conn, end, moment)
    for rating_no, who, level in conn.execute(
        "SELECT rating_no, staff, level FROM ratings WHERE on_date BETWEEN ? AND ?",
        (start, end),
    ):
        if rating_no in voided_then:
            voided += 1
            continue
        per_level[level] += 1
        total, bad = per_staff.get(who, (0, 0))
        per_staff[who] = (total + 1, bad + (1 if level in ratings.BAD_LEVELS else 0))
    total = sum(per_level.values())
    satisfied = sum(per_level[lv] for lv in ratings.SATISFIED_LEVELS)
    pending = len(pending_then)
    calendar = load_calendar(conn)
    followups: list[FollowUpLine] = []
    # Open at the end of the period: open now, or closed only after it (two indexed sets).
    cols = (
        "SELECT r.rating_no, r.staff, r.level, f.due_on "
        "FROM rating_followups f JOIN ratings r ON r.rating_no = f.rating_no WHERE "
    )
    for rating_no, staff, level, due_on in conn.execute(
        f"{cols} f.state = 'open' AND r.on_date <= ? UNION ALL "
        f"{cols} f.closed_on > ? AND r.on_date <= ? ORDER BY 4, 1",
        (end, end, end),
    ):
        due = _dd(due_on)
        left = calendar.workdays_between(as_of, due)
        # The step it had reached at the end of the period, by the steps' business dates.
        done = {k for k, on in ratings.step_days(conn, rating_no).items() if on <= _dd(end)}
        step = next((s for s in ("verify", "rectify", "callback") if s not in done), "callback")
        followups.append(FollowUpLine(rating_no, staff, level, step, due, left, left < 0))
    late = _closed_late(
        conn,
        "SELECT f.rating_no, r.staff, f.due_on, f.closed_on FROM rating_followups f "
        "JOIN ratings r ON r.rating_no = f.rating_no WHERE f.closed_on BETWEEN ? AND ? "
        "AND f.state = 'closed' AND f.closed_on > f.due_on ORDER BY f.closed_on, f.rating_no",
        start,
        end,
    )
    figures = RatingFigures(
        total=total,
        per_level=tuple(Count(str(lv), ratings.LEVELS[lv], per_level[lv]) for lv in ratings.LEVELS),
        satisfaction=make_rate(satisfied, total),
        bad=total - satisfied,
        voided=voided,
        appeals_pending=int(pending),
        followups_open=len(followups),
        followups_overdue=sum(f.overdue for f in followups),
        followups=tuple(followups),
        followups_closed_late=len(late),
        late_followups=tuple(late),
    )
    return figures, per_staff


def _closed_late(conn: Connection, sql: str, start: str, end: str) -> list[ClosedLateLine]:
    """Rows of (number, staff, due_on, closed_on) closed late, with the working days late."""
    calendar = load_calendar(conn)
    lines: list[ClosedLateLine] = []
    for ref, staff, due_on, closed_on in conn.execute(sql, (start, end)):
        due, closed = _dd(due_on), _dd(closed_on)
        # Closed on a day off right after the due day: late, by (at least) one working day.
        lines.append(
            ClosedLateLine(ref, staff, due, closed, max(1, calendar.workdays_between(due, closed)))
        )
    return lines


def _complaints(
    conn: Connection, start: str, end: str, as_of: dt.date
) -> tuple[ComplaintFigures, dict[str, int]]:
    by_channel = {k: 0 for k in COMPLAINT_CHANNELS}
    about: dict[str, int] = defaultdict(int)
    received = 0
    for channel, who, n in conn.execute(
        "SELECT channel, about_staff, count(*) FROM complaints WHERE on_date BETWEEN ? AND ? "
        "GROUP BY channel, about_staff",
        (start, end),
    ):
        received += n
        by_channel[channel] += n
        if who:
            about[who] += n
    closed = conn.execute(
        "SELECT count(*) FROM complaints WHERE closed_on BETWEEN ? AND ?", (start, end)
    ).fetchone()[0]
    calendar = load_calendar(conn)
    open_list: list[ComplaintLine] = []
    cols = "SELECT complaint_no, on_date, channel, about_staff, handled_on, due_on FROM complaints"
    for number, on, channel, who, handled_on, due_on in conn.execute(
        f"{cols} WHERE state IN ('open', 'handled') AND on_date <= ? UNION ALL "
        f"{cols} WHERE closed_on > ? AND on_date <= ? ORDER BY 6, 1",
        (end, end, end),
    ):
        # Its state at the end of the period, by the business date of the handling.
        state = "handled" if handled_on and handled_on <= end else "open"
        left = calendar.workdays_between(as_of, _dd(due_on))
        open_list.append(
            ComplaintLine(number, _dd(on), channel, who, state, _dd(due_on), left, left < 0)
        )
    late = _closed_late(
        conn,
        "SELECT complaint_no, about_staff, due_on, closed_on FROM complaints "
        "WHERE closed_on BETWEEN ? AND ? AND closed_on > due_on ORDER BY closed_on, complaint_no",
        start,
        end,
    )
    figures = ComplaintFigures(
        received=received,
        closed=int(closed),
        by_channel=tuple(Count(k, COMPLAINT_CHANNELS[k], n) for k, n in by_channel.items() if n),
        open=len(open_list),
        overdue=sum(c.overdue for c in open_list),
        open_list=tuple(open_list),
        closed_late=len(late),
        late_list=tuple(late),
    )
    return figures, dict(about)


def _special(conn: Connection, start: str, end: str) -> SpecialFigures:
    counts: dict[str, int] = defaultdict(int)
    for kind, status, after_hours, holiday, linked, n in conn.execute(
        "SELECT kind, status, after_hours, holiday, case_no IS NOT NULL, count(*) "
        "FROM special_services WHERE on_date BETWEEN ? AND ? "
        "GROUP BY kind, status, after_hours, holiday, case_no IS NOT NULL",
        (start, end),
    ):
        if status == "cancelled":
            continue
        counts[kind] += n
        if linked:
            counts["linked"] += n
        if kind == "appointment":
            counts["after_hours"] += n if after_hours else 0
            counts["holiday"] += n if holiday else 0
            counts["no_show"] += n if status == "no_show" else 0
    return SpecialFigures(
        appointments=counts["appointment"],
        after_hours=counts["after_hours"],
        holiday=counts["holiday"],
        no_shows=counts["no_show"],
        fast_lane=counts["fast_lane"],
        proxy=counts["proxy"],
        assisted=counts["assisted"],
        home_visits=counts["home_visit"],
        linked_to_cases=counts["linked"],
    )


def _away_line(n: away.AwayNote, now: dt.datetime) -> AwayLine:
    return AwayLine(
        n.note_no,
        n.username,
        n.reason_label,
        n.place,
        n.posted_at.isoformat(timespec="minutes"),
        n.until.isoformat(timespec="minutes"),
        n.returned_at.isoformat(timespec="minutes") if n.returned_at else None,
        n.minutes_late(now),
    )


def _away(
    conn: Connection,
    start: dt.date,
    end: dt.date,
    now: dt.datetime,
    settings_at: dt.datetime | None,
) -> tuple[AwayFigures, dict[str, tuple[int, int]]]:
    begin = dt.datetime.combine(start, dt.time(0), CHINA_TZ)
    finish = min(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), CHINA_TZ), now)
    notes = away.notes_between(conn, begin, finish) if finish > begin else []
    minutes = away.minutes_by_person(notes, begin, finish, load_calendar(conn).is_workday)
    posted: dict[str, int] = defaultdict(int)
    for n in notes:
        if begin <= n.posted_at < finish:
            posted[n.username] += 1
    grace = dt.timedelta(minutes=int(_setting_at(conn, "away_grace_minutes", settings_at)))
    late = [
        _away_line(n, now)
        for n in notes
        if begin <= n.until < finish and (n.returned_at or now) > n.until + grace
    ]
    away_now = [_away_line(n, now) for n in away.open_notes(conn)] if finish >= now else []
    per_staff = {u: (minutes.get(u, 0), posted.get(u, 0)) for u in set(minutes) | set(posted)}
    figures = AwayFigures(
        total_minutes=sum(minutes.values()),
        notes=sum(posted.values()),
        late_returns=tuple(late),
        away_now=tuple(away_now),
        covered_cases=len(away.covered_cases(conn)) if finish >= now else 0,
    )
    return figures, per_staff


def _events_before(conn: Connection, kind: str, moment: dt.datetime | None) -> list[Any]:
    """The bodies of `kind` events entered before `moment` (None: all of them), in order."""
    if moment is None:
        rows = conn.execute("SELECT body FROM events WHERE kind = ? ORDER BY seq", (kind,))
    else:
        rows = conn.execute(
            "SELECT body FROM events WHERE kind = ? AND at < ? ORDER BY seq",
            (kind, away.time_key(moment)),
        )
    return [json.loads(text) for (text,) in rows]


def _faulty_at(conn: Connection, moment: dt.datetime | None) -> int:
    """Equipment out of order at the end of a past period (`moment`; None: now). A status
    change has no business date: its entry time counts, and a later repair or breakdown
    does not rewrite a past day."""
    if moment is None:
        return int(
            conn.execute("SELECT count(*) FROM equipment WHERE status = 'faulty'").fetchone()[0]
        )
    last: dict[str, str] = {}
    for b in _events_before(conn, "equipment.status_changed", moment):
        last[b["asset_no"]] = b["status"]
    return sum(status == "faulty" for status in last.values())


def _supervision(conn: Connection, as_of: dt.date, moment: dt.datetime | None) -> Supervision:
    hall = None
    profile = centre.own_profile(conn)
    if profile is not None:
        g = profile.grade
        hall = HallLine(
            population=profile.population,
            hall_area_m2=f"{profile.hall_area_m2:.2f}",
            ethnic_variant=g.ethnic_variant,
            band=g.band,
            grade=g.label,
            below_third=g.below_third,
            shortfall_m2=f"{g.shortfall_m2:.2f}",
        )
    statuses = centre.inspection_status(conn, as_of)
    faulty = _faulty_at(conn, moment)
    short: list[TenureLine] = []
    for w in windows.list_windows(conn):
        if w.primary_clerk:
            t = windows.tenure(conn, w.primary_clerk, as_of)
            if not t.meets_one_year:
                short.append(TenureLine(w.primary_clerk, w.window_no, t.days_as_primary))
    return Supervision(
        hall=hall,
        inspections_overdue=tuple(
            InspectionLine(s.kind, s.label, s.next_due, s.last_done_on, s.days_overdue)
            for s in statuses
            if s.overdue
        ),
        inspections_unscheduled=tuple(s.label for s in statuses if s.unscheduled),
        equipment_faulty=int(faulty),
        under_one_year=tuple(short),
    )


def build_report(
    conn: Connection, start: dt.date, end: dt.date, now: dt.datetime, generated_by: str = ""
) -> Report:
    """The report for [start, end] as the ledger stands at `now` (no permission check: the
    services below and the bench call it)."""
    if end < start:
        raise InvalidInput("end", "结束日期不能早于开始日期 / the end is before the start")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise InvalidInput("end", "统计区间不超过10年 / at most ten years")
    today = now.astimezone(CHINA_TZ).date()
    as_of = min(end, today)
    # What was true at the end of a past period (its state, cover, settings); now otherwise.
    past = end < today
    moment = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), CHINA_TZ) if past else now
    s, e = start.isoformat(), end.isoformat()
    names = duty_records.display_names(conn)
    desk = conn.execute("SELECT centre_code, centre_name FROM desk").fetchone()

    settings_at = moment if past else None
    flagged = _flagged_notices(conn, s, e)
    notice_days = int(_setting_at(conn, "notice_due_workdays", settings_at))
    deemed = _pending_deemings(conn, as_of, notice_days)
    totals, by_item, staff_counts = _case_figures(conn, s, e, deemed)
    open_cases = _open_cases(conn, e, as_of, names, moment, past, deemed)
    consult, consult_staff = _consultations(conn, s, e)
    rating_figs, rating_staff = _ratings(conn, s, e, as_of, settings_at)
    complaint_figs, complaint_staff = _complaints(conn, s, e, as_of)
    away_figs, away_staff = _away(conn, start, end, now, settings_at)
    overrides = [
        OverrideLine(n.case_no, n.notice_no, _dd(n.on), n.issued_by, n.override_by,
                     n.override_reason or "")
        for n in flagged
        if n.override_by
    ]  # fmt: skip

    open_by: dict[str, list[OpenCaseLine]] = defaultdict(list)
    for line in open_cases:
        open_by[line.holder].append(line)
    people = (
        set(staff_counts) | set(open_by) | set(consult_staff) | set(rating_staff)
        | set(complaint_staff) | set(away_staff)
    )  # fmt: skip
    by_staff = tuple(
        StaffFigures(
            username=u,
            name=names.get(u, u),
            counts=staff_counts.get(u, CaseCounts()),
            open_cases=len(open_by.get(u, [])),
            overdue_cases=sum(o.overdue for o in open_by.get(u, [])),
            consultations=consult_staff.get(u, (0, 0))[0],
            referrals=consult_staff.get(u, (0, 0))[1],
            ratings=rating_staff.get(u, (0, 0))[0],
            bad_ratings=rating_staff.get(u, (0, 0))[1],
            complaints_about=complaint_staff.get(u, 0),
            away_minutes=away_staff.get(u, (0, 0))[0],
            away_notes=away_staff.get(u, (0, 0))[1],
        )
        for u in sorted(people)
    )
    notes: list[str] = []
    if end > today:
        notes.append(f"统计区间延伸到今天之后；在办与超期情况按今天（{today}）判断")
    return Report(
        centre_code=desk[0],
        centre_name=desk[1],
        start=start,
        end=end,
        as_of=as_of,
        generated_at=now.astimezone(CHINA_TZ).isoformat(timespec="seconds"),
        generated_by=generated_by,
        cases=totals,
        on_time_rate=totals.on_time_rate,
        by_item=tuple(sorted(by_item.values(), key=lambda i: i.item_code)),
        by_staff=by_staff,
        open_cases=tuple(open_cases),
        overdue_cases=sum(o.overdue for o in open_cases),
        notice_overrides=tuple(overrides),
        section32=tuple(_section32(conn, s, e, flagged, deemed)),
        consultations=consult,
        ratings=rating_figs,
        complaints=complaint_figs,
        special=_special(conn, s, e),
        away=away_figs,
        supervision=_supervision(conn, as_of, settings_at),
        notes=tuple(notes),
    )


def daily_report(desk: Desk, day: dt.date | None = None) -> Report:
    """The end-of-day report (DESIGN §2.6) — today's by default."""
    require(desk.user.role, "report.view")
    d = day or desk.today()
    return build_report(desk.conn, d, d, desk.now(), desk.user.username)


def range_report(desk: Desk, start: dt.date, end: dt.date) -> Report:
    require(desk.user.role, "report.view")
    return build_report(desk.conn, start, end, desk.now(), desk.user.username)


# -- tables for export -------------------------------------------------------------------------

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _counts_cells(c: CaseCounts) -> tuple[Cell, ...]:
    return (
        c.received, c.accepted, c.completed, c.completed_on_time, c.on_time_rate.percent,
        c.rejected, c.withdrawn, c.lapsed,
    )  # fmt: skip


_COUNT_HEADER = ("收件", "受理", "办结", "按时办结", "按时办结率%", "不予受理", "撤回", "补正逾期")


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def report_tables(r: Report) -> list[Table]:
    """The report as titled tables: one XLSX sheet each, or CSV blocks one after another."""
    summary: list[tuple[Cell, ...]] = [
        ("中心", f"{r.centre_name}（{r.centre_code}）"),
        ("统计区间", f"{r.start} 至 {r.end}"),
        ("生成时间", r.generated_at),
        ("收件", r.cases.received),
        ("受理", r.cases.accepted),
        ("办结", r.cases.completed),
        ("按时办结率", r.on_time_rate.label),
        ("不予受理", r.cases.rejected),
        ("撤回", r.cases.withdrawn),
        ("补正逾期", r.cases.lapsed),
        ("在办件", len(r.open_cases)),
        ("超期件", r.overdue_cases),
        ("负责人授权的再次告知", len(r.notice_overrides)),
        ("第三十二条逾期情形", len(r.section32)),
        ("咨询", r.consultations.total),
        ("其中转介", r.consultations.referred),
        ("评价", r.ratings.total),
        ("满意率（非常满意+满意+基本满意）", r.ratings.satisfaction.label),
        ("差评", r.ratings.bad),
        ("申诉成立不计入的评价", r.ratings.voided),
        ("整改中的差评", r.ratings.followups_open),
        ("整改超期", r.ratings.followups_overdue),
        ("整改逾期完成", r.ratings.followups_closed_late),
        ("投诉", r.complaints.received),
        ("投诉超期未办结", r.complaints.overdue),
        ("投诉逾期办结", r.complaints.closed_late),
        ("预约服务", r.special.appointments),
        ("其中延时/节假日", f"{r.special.after_hours}/{r.special.holiday}"),
        ("上门服务", r.special.home_visits),
        ("代办/帮办", f"{r.special.proxy}/{r.special.assisted}"),
        ("离岗时长（分钟）", r.away.total_minutes),
        ("逾时未归", len(r.away.late_returns)),
        ("超期未检查的安全检查", len(r.supervision.inspections_overdue)),
        ("大厅面积等级", r.supervision.hall.grade if r.supervision.hall else "未登记"),
        *(("说明", n) for n in r.notes),
    ]
    overrides: list[tuple[Cell, ...]] = [
        ("再次告知（负责人授权）", o.case_no, _iso(o.issued_on), o.issued_by,
         f"{o.override_by}：{o.reason}")
        for o in r.notice_overrides
    ]  # fmt: skip
    overrides += [
        ("第三十二条", x.case_no, _iso(x.received_on), x.holder, x.label) for x in r.section32
    ]
    rating_rows: list[tuple[Cell, ...]] = [
        (f"{c.key} {c.label}", c.count) for c in r.ratings.per_level
    ]
    rating_rows += [
        ("满意率", r.ratings.satisfaction.label),
        ("申诉待裁定", r.ratings.appeals_pending),
    ]
    rating_rows += [
        (
            f"整改 {f.rating_no}（{ratings.STEPS[f.next_step]}）",
            f"{f.due_on} 前" + ("，已超期" if f.overdue else ""),
        )
        for f in r.ratings.followups
    ]
    sup = r.supervision
    premises: list[tuple[Cell, ...]] = [
        (i.label + "超期", f"应于 {_iso(i.next_due)} 前检查，已超 {i.days_overdue} 天")
        for i in sup.inspections_overdue
    ]
    premises += [(label, "未安排") for label in sup.inspections_unscheduled]
    premises.append(("故障设备", sup.equipment_faulty))
    premises += [
        (f"{t.window_no}号窗口A角 {t.username} 在岗天数", t.days_as_primary)
        for t in sup.under_one_year
    ]
    return [
        Table("概况", ("项目", "数值"), tuple(summary)),
        Table(
            "按事项",
            ("事项编码", "事项名称", *_COUNT_HEADER),
            tuple((i.item_code, i.item_name, *_counts_cells(i.counts)) for i in r.by_item),
        ),
        Table("按人员", _STAFF_HEADER, tuple(_staff_cells(s) for s in r.by_staff)),
        Table("在办与超期", _OPEN_HEADER, tuple(_open_cells(o) for o in r.open_cases)),
        Table("告知与第三十二条", ("类别", "办件编号", "日期", "人员", "说明"), tuple(overrides)),
        Table("好差评", ("项目", "数值"), tuple(rating_rows)),
        Table(
            "投诉",
            ("投诉编号", "日期", "渠道", "涉及人员", "状态", "期限", "超期"),
            tuple(_complaint_cells(c) for c in r.complaints.open_list),
        ),
        Table(
            "逾期办结",
            ("类别", "编号", "涉及人员", "期限", "办结日期", "逾期工作日"),
            tuple(
                (kind, x.ref, x.staff or "", _iso(x.due_on), _iso(x.closed_on), x.workdays_late)
                for kind, lines in (
                    ("差评整改", r.ratings.late_followups),
                    ("投诉", r.complaints.late_list),
                )
                for x in lines
            ),
        ),
        Table(
            "去向留言",
            ("留言编号", "人员", "事由", "去向", "离岗", "预计返回", "返回", "逾时分钟"),
            tuple(_away_cells(a) for a in (*r.away.late_returns, *r.away.away_now)),
        ),
        Table("场所与设备", ("项目", "数值"), tuple(premises)),
    ]


_STAFF_HEADER = (
    "账号", "姓名", *_COUNT_HEADER, "在办", "超期", "咨询", "转介", "评价", "差评", "被投诉",
    "离岗分钟", "去向留言",
)  # fmt: skip
_OPEN_HEADER = (
    "办件编号", "事项", "状态", "承办人", "收件日期", "承诺办结", "剩余工作日", "超期", "B角代管",
)  # fmt: skip


def _staff_cells(s: StaffFigures) -> tuple[Cell, ...]:
    return (
        s.username, s.name, *_counts_cells(s.counts), s.open_cases, s.overdue_cases,
        s.consultations, s.referrals, s.ratings, s.bad_ratings, s.complaints_about,
        s.away_minutes, s.away_notes,
    )  # fmt: skip


def _open_cells(o: OpenCaseLine) -> tuple[Cell, ...]:
    return (
        o.case_no, o.item_name, o.state_label, o.holder_name, _iso(o.received_on),
        _iso(o.due_on), o.workdays_left, "是" if o.overdue else "", o.covered_by or "",
    )  # fmt: skip


def _complaint_cells(c: ComplaintLine) -> tuple[Cell, ...]:
    return (
        c.complaint_no, _iso(c.on), COMPLAINT_CHANNELS[c.channel], c.about_staff or "",
        c.state, _iso(c.due_on), "是" if c.overdue else "",
    )  # fmt: skip


def _away_cells(a: AwayLine) -> tuple[Cell, ...]:
    return (
        a.note_no, a.username, a.reason, a.place, a.posted_at, a.until,
        a.returned_at or "未返回", a.minutes_late,
    )  # fmt: skip


# Text a spreadsheet takes for a formula (or a DDE call) when it starts with one of these.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters: XLSX cannot hold most of them, and none belongs in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def file_cell(value: Cell) -> Cell:
    """A cell as it goes into an exported file — the one place export neutralises text.

    Free text (an away note's place, names, item names...) starting with = + - @, a tab or a
    carriage return would be a live formula in Excel or WPS (CSV/formula injection): it gets
    a leading apostrophe and shows as typed. Control characters left by older versions are
    replaced by U+FFFD. Numbers and empty cells pass unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_STARTS):
        value = "'" + value
    return _CONTROL.sub("\ufffd", value)


def _create(path: Path, binary: bool) -> IO[Any]:
    """Open a new file for writing; never overwrite; a problem is the user's to fix."""
    try:
        fd = open_private(path)  # a report names applicants: its owner only
        if binary:
            return os.fdopen(fd, "wb")
        return os.fdopen(fd, "w", encoding="utf-8-sig", newline="")
    except FileExistsError:
        raise InvalidInput("file", f"{path} 已存在，不会覆盖 / exists, not overwritten") from None
    except OSError as exc:
        raise InvalidInput(
            "file", f"无法创建 {path}：{exc.strerror or exc} / cannot create {path}"
        ) from exc


def _write_new(path: Path, binary: bool, write: Callable[[IO[Any]], None]) -> None:
    """Write a new file; on any failure the half-written file is removed again."""
    f = _create(path, binary)
    try:
        with f:
            write(f)
    except BaseException as exc:
        path.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InvalidInput(
                "file", f"无法写入 {path}：{exc.strerror or exc} / cannot write {path}"
            ) from exc
        raise


def write_csv(report: Report, path: Path) -> None:
    """One CSV file, the tables one after another (a title row, a header, the rows, a blank
    line), UTF-8 with BOM so that Excel opens the Chinese text correctly."""
    tables = report_tables(report)

    def write(f: IO[Any]) -> None:
        writer = csv.writer(f)
        for table in tables:
            writer.writerow([file_cell(f"# {table.title}")])
            writer.writerow([file_cell(h) for h in table.header])
            writer.writerows(["" if c is None else file_cell(c) for c in row] for row in table.rows)
            writer.writerow([])

    _write_new(path, False, write)


def write_xlsx(report: Report, path: Path) -> None:
    """One sheet per table, header row bold and frozen; text cells always typed as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in report_tables(report):
        sheet = book.create_sheet(table.title)
        for r, row in enumerate((table.header, *table.rows), start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=c, value=file_cell(value))
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                if r == 1:
                    cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for column, width in _widths(table).items():
            sheet.column_dimensions[column].width = width
    _write_new(path, True, book.save)


def _widths(table: Table) -> dict[str, float]:
    from openpyxl.utils import get_column_letter

    widths: dict[str, float] = {}
    for i, cells in enumerate(zip(table.header, *table.rows, strict=False), start=1):
        longest = max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(c or "")) for c in cells)
        widths[get_column_letter(i)] = min(60, max(8, longest + 2))
    return widths


def export(desk: Desk, start: dt.date, end: dt.date, path: Path) -> Report:
    """Write the range report to `path` (.csv or .xlsx by its suffix)."""
    require(desk.user.role, "report.export")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput("file", "导出文件应以 .csv 或 .xlsx 结尾 / use .csv or .xlsx")
    if not path.parent.is_dir():
        raise InvalidInput("file", f"文件夹不存在：{path.parent} / no such folder")
    if path.exists():
        raise InvalidInput("file", f"{path} 已存在，不会覆盖 / exists, not overwritten")
    report = build_report(desk.conn, start, end, desk.now(), desk.user.username)
    (write_csv if suffix == ".csv" else write_xlsx)(report, path)
    return report


def as_dict(value: Any) -> Any:
    """A report (or any part) as JSON-ready values: dates as ISO text, computed labels kept."""
    return jsonable(value, ("label", "on_time_rate", "daily"))
