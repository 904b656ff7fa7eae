"""Away notes (去向留言) and the backup post taking over (服务双岗) — plan §2.4.2(5)(6).

A clerk who leaves the window posts where, why, until when and a phone number; the note is
what the window's public screen and the printed sign show. The window's backup (B角), or a
colleague named instead, is told and takes over: the clerk's open cases read "covered by" the
backup until the clerk returns. A return past the expected time (plus a configurable grace)
is an overdue return, visible to the director. Away time per person goes into the reports.

Cover is worked out from the open notes whenever it is asked for, so that:

* a case is never "covered" by someone who is away: when the cover goes away too, what they
  cover passes along the chain of open notes to the first colleague who is present (the
  cover's own cover; a cover must be named for it — the note is refused otherwise);
* every open case of an away clerk is covered, also one received while their note is open
  (a clerk working at the desk with a note still open has usually forgotten to sign back;
  the backup is responsible until they do, and each action stays attributed to whoever did
  it). The cases handed over at posting are kept with the note (`away_handover`) as a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import centre, duty_records, settings, windows
from app.cases import OPEN_STATES
from app.duty_records import iso_at, parse_at
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_phone, check_text
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import CHINA_TZ, Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("away_notes", "away_handover")

REASONS = {
    "village": "下村",
    "meeting": "会议",
    "training": "培训",
    "errand": "外出办事",
    "lunch": "午休",
    "leave": "请假",
    "other": "其他",
}
MAX_AWAY = dt.timedelta(days=14)


@dataclass(frozen=True)
class AwayNote:
    note_no: str
    username: str
    window_no: int | None
    reason: str
    place: str
    until: dt.datetime
    phone: str
    cover: str  # '' when nobody had to take over
    note: str
    posted_at: dt.datetime
    posted_by: str
    returned_at: dt.datetime | None

    @property
    def reason_label(self) -> str:
        return REASONS[self.reason]

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    def minutes_away(self, now: dt.datetime) -> int:
        end = self.returned_at or now
        return max(0, int((end - self.posted_at).total_seconds() // 60))

    def minutes_late(self, now: dt.datetime) -> int:
        """Minutes past the expected return (0 if back, or still away, in time)."""
        end = self.returned_at or now
        return max(0, int((end - self.until).total_seconds() // 60))


_NOTE_SQL = (
    "SELECT note_no, username, window_no, reason, place, until_at, phone, cover, note, "
    "posted_at, posted_by, returned_at FROM away_notes"
)


def _note(r: Any) -> AwayNote:
    return AwayNote(
        note_no=r[0],
        username=r[1],
        window_no=r[2],
        reason=r[3],
        place=r[4],
        until=parse_at(r[5]),
        phone=r[6],
        cover=r[7],
        note=r[8],
        posted_at=parse_at(r[9]),
        posted_by=r[10],
        returned_at=parse_at(r[11]) if r[11] else None,
    )


# -- projection ----------------------------------------------------------------------------


@REGISTRY.on("away.posted")
def _posted(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO away_notes (note_no, username, window_no, reason, place, until_at, phone, "
        "cover, note, posted_at, posted_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (b["note_no"], b["username"], b["window_no"], b["reason"], b["place"], b["until"],
         b["phone"], b["cover"], b["note"], event.at, event.actor),
    )  # fmt: skip
    passed_on = b["passed_on"]  # cases this clerk covered for colleagues
    for case_no in [*b["handover"], *passed_on]:
        conn.execute(
            "INSERT INTO away_handover (note_no, case_no) VALUES (?, ?)", (b["note_no"], case_no)
        )
    duty_records.bump(conn, b["note_no"])
    if b["cover"]:
        duty_records.notify(
            conn,
            event,
            [b["cover"]],
            "away.posted",
            b["note_no"],
            f"{b['username']} 离岗（{REASONS[b['reason']]}：{b['place']}），预计 "
            f"{b['until'][11:16]} 返回，电话 {b['phone']}；请您代岗，"
            f"{len(b['handover']) + len(passed_on)} 件在办件由您代管",
        )


@REGISTRY.on("away.returned")
def _returned(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE away_notes SET returned_at = ?, returned_by = ? WHERE note_no = ?",
        (event.at, event.actor, b["note_no"]),
    )
    row = conn.execute("SELECT cover FROM away_notes WHERE note_no = ?", (b["note_no"],)).fetchone()
    if row and row[0]:
        duty_records.notify(
            conn,
            event,
            [row[0]],
            "away.returned",
            b["note_no"],
            f"{b['username']} 已返回窗口，代岗结束",
        )


# -- queries -------------------------------------------------------------------------------


def current_note(conn: Connection, username: str) -> AwayNote | None:
    row = conn.execute(
        _NOTE_SQL + " WHERE username = ? AND returned_at IS NULL", (username,)
    ).fetchone()
    return _note(row) if row else None


def open_notes(conn: Connection) -> list[AwayNote]:
    return [
        _note(r) for r in conn.execute(_NOTE_SQL + " WHERE returned_at IS NULL ORDER BY posted_at")
    ]


def get_note(conn: Connection, note_no: str) -> AwayNote:
    row = conn.execute(_NOTE_SQL + " WHERE note_no = ?", (note_no,)).fetchone()
    if row is None:
        raise NotFound(f"没有去向留言 {note_no} / no away note {note_no}")
    return _note(row)


def notes_between(conn: Connection, start: dt.datetime, end: dt.datetime) -> list[AwayNote]:
    """Notes whose away time overlaps [start, end): still open, or returned after `start`
    (two indexed sets, so a day's report does not read a year of notes)."""
    rows = conn.execute(
        f"{_NOTE_SQL} WHERE returned_at IS NULL AND posted_at < ? UNION ALL "
        f"{_NOTE_SQL} WHERE returned_at > ? AND posted_at < ? ORDER BY posted_at",
        (time_key(end), time_key(start), time_key(end)),
    )
    return [n for n in map(_note, rows) if n.posted_at < end and (n.returned_at or end) > start]


def time_key(moment: dt.datetime) -> str:
    """`moment` in the form event times are written in (+08:00, microseconds): compared as
    text with `posted_at`, `returned_at` or an event's `at`, it orders like the times."""
    return moment.astimezone(CHINA_TZ).isoformat(timespec="microseconds")


# Away time counts only while the window would be staffed: working days, 08:00-18:00.
# A village visit from Friday afternoon to Monday morning is not a weekend off the desk.
DESK_DAY = (dt.time(8, 0), dt.time(18, 0))


def desk_minutes(
    begin: dt.datetime, finish: dt.datetime, is_workday: Callable[[dt.date], bool]
) -> int:
    """Minutes of [begin, finish) that fall within the desk day on working days."""
    total = 0.0
    day = begin.date()
    while day <= finish.date():
        if is_workday(day):
            opens = dt.datetime.combine(day, DESK_DAY[0], begin.tzinfo)
            closes = dt.datetime.combine(day, DESK_DAY[1], begin.tzinfo)
            overlap = (min(finish, closes) - max(begin, opens)).total_seconds()
            total += max(0.0, overlap)
        day += dt.timedelta(days=1)
    return int(total // 60)


def minutes_by_person(
    notes: list[AwayNote],
    start: dt.datetime,
    end: dt.datetime,
    is_workday: Callable[[dt.date], bool] | None = None,
) -> dict[str, int]:
    """Minutes each person was away within [start, end) (an open note counts up to `end`);
    with `is_workday`, only minutes within the desk day on working days count."""
    totals: dict[str, int] = {}
    for n in notes:
        begin = max(n.posted_at, start)
        finish = min(n.returned_at or end, end)
        if finish <= begin:
            continue
        if is_workday is None:
            minutes = int((finish - begin).total_seconds() // 60)
        else:
            minutes = desk_minutes(begin, finish, is_workday)
        if minutes > 0:
            totals[n.username] = totals.get(n.username, 0) + minutes
    return totals


def away_minutes(conn: Connection, start: dt.datetime, end: dt.datetime) -> dict[str, int]:
    from app.calendar import load_calendar

    calendar = load_calendar(conn)
    return minutes_by_person(notes_between(conn, start, end), start, end, calendar.is_workday)


@dataclass(frozen=True)
class OverdueReturn:
    note: AwayNote
    minutes_late: int


def overdue_returns(conn: Connection, now: dt.datetime) -> list[OverdueReturn]:
    """Still away past the expected return plus the grace minutes: the director's list."""
    grace = dt.timedelta(minutes=int(settings.get(conn, "away_grace_minutes")))
    return [
        OverdueReturn(n, n.minutes_late(now)) for n in open_notes(conn) if now > n.until + grace
    ]


@dataclass(frozen=True)
class CoveredCase:
    """An open case whose holder is away: the cover (B角) looks after it meanwhile."""

    case_no: str
    item_name: str
    state: str
    holder: str
    covered_by: str
    note_no: str
    until: dt.datetime


def _open_covers(
    conn: Connection, at: dt.datetime | None = None
) -> dict[str, tuple[str, str, str]]:
    """Who is away now (or was at `at`) → (cover named on the note, note number, expected
    return)."""
    sql = "SELECT username, cover, note_no, until_at FROM away_notes "
    if at is None:
        rows = conn.execute(sql + "WHERE returned_at IS NULL")
    else:
        key = time_key(at)
        rows = conn.execute(
            sql + "WHERE posted_at < ? AND (returned_at IS NULL OR returned_at > ?)", (key, key)
        )
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _resolve(covers: dict[str, tuple[str, str, str]], username: str) -> str | None:
    """The colleague who stands in for `username` now: their note's cover, or — when that
    cover is away too — the cover's cover, and so on to the first one present. None when the
    person is not away, or nobody was named."""
    if username not in covers:
        return None
    seen = {username}
    who = covers[username][0]
    while who and who in covers and who not in seen:
        seen.add(who)
        who = covers[who][0]
    return who if who and who not in seen else None


def resolve_cover(conn: Connection, username: str) -> str | None:
    """Who covers for this staff member now (following the chain of open notes)."""
    return _resolve(_open_covers(conn), username)


def covers_at(conn: Connection, moment: dt.datetime) -> dict[str, str]:
    """Everyone away at `moment` (a past one for the report of a past period) → the
    colleague who covered for them then, through the chain of notes open at that moment."""
    covers = _open_covers(conn, moment)
    resolved = {u: _resolve(covers, u) for u in covers}
    return {u: c for u, c in resolved.items() if c}


def _covered_rows(conn: Connection, case_no: str | None = None) -> list[CoveredCase]:
    covers = _open_covers(conn)
    if not covers:
        return []
    marks = ",".join("?" for _ in OPEN_STATES)
    sql = (
        "SELECT case_no, item_name, state, holder FROM cases "
        f"WHERE holder = ? AND state IN ({marks})"
    )
    params: list[Any] = list(OPEN_STATES)
    if case_no is not None:
        sql += " AND case_no = ?"
        params.append(case_no)
    result: list[CoveredCase] = []
    for holder in sorted(covers):
        cover = _resolve(covers, holder)
        if cover is None:
            continue
        _named, note_no, until = covers[holder]
        for r in conn.execute(sql, (holder, *params)):
            result.append(CoveredCase(r[0], r[1], r[2], r[3], cover, note_no, parse_at(until)))
    return sorted(result, key=lambda c: c.case_no)


def covered_cases(conn: Connection, cover: str | None = None) -> list[CoveredCase]:
    """Open cases looked after by a colleague now, because their holder is away (all, or
    those of one cover)."""
    return [c for c in _covered_rows(conn) if cover is None or c.covered_by == cover]


def case_cover(conn: Connection, case_no: str) -> CoveredCase | None:
    """For the case screen: "由B角 … 代管" while its holder is away."""
    rows = _covered_rows(conn, case_no)
    return rows[0] if rows else None


@dataclass(frozen=True)
class AwaySign:
    """What the window's public screen and the printed away sign (去向留言牌) show."""

    window_no: int | None
    window_name: str | None
    staff_name: str
    reason: str
    place: str
    until: dt.datetime
    phone: str
    cover_name: str
    cover_window_no: int | None
    overdue: bool


def away_sign(conn: Connection, username: str, now: dt.datetime) -> AwaySign | None:
    note = current_note(conn, username)
    if note is None:
        return None
    names = duty_records.display_names(conn)
    window = windows.get_window(conn, note.window_no) if note.window_no else None
    cover = resolve_cover(conn, username) or ""  # the one present, if the cover is away too
    cover_window = windows.window_of(conn, cover) if cover else None
    grace = dt.timedelta(minutes=int(settings.get(conn, "away_grace_minutes")))
    return AwaySign(
        window_no=note.window_no,
        window_name=window.name if window else None,
        staff_name=names.get(note.username, note.username),
        reason=note.reason_label,
        place=note.place,
        until=note.until,
        phone=note.phone,
        cover_name=names.get(cover, cover) if cover else "",
        cover_window_no=cover_window.window_no if cover_window else None,
        overdue=now > note.until + grace,
    )


def window_sign(conn: Connection, window_no: int, now: dt.datetime) -> AwaySign | None:
    """The current note of the window's primary clerk, if they are away."""
    window = windows.get_window(conn, window_no)
    return away_sign(conn, window.primary_clerk, now) if window.primary_clerk else None


@dataclass(frozen=True)
class WindowStatus:
    window: windows.Window
    seated: str | None  # signed in and not away
    away: AwayNote | None  # the primary clerk's open note
    covered_by: str | None
    overdue: bool


def window_board(conn: Connection, now: dt.datetime) -> list[WindowStatus]:
    """Who is at which window now: the director's overview."""
    grace = dt.timedelta(minutes=int(settings.get(conn, "away_grace_minutes")))
    covers = _open_covers(conn)
    board: list[WindowStatus] = []
    for w in windows.list_windows(conn):
        note = current_note(conn, w.primary_clerk) if w.primary_clerk else None
        session = windows.at_window(conn, w.window_no)
        seated = session.username if session else None
        if seated is not None and current_note(conn, seated) is not None:
            seated = None
        board.append(
            WindowStatus(
                w,
                seated,
                note,
                _resolve(covers, note.username) if note else None,
                note is not None and now > note.until + grace,
            )
        )
    return board


# -- commands ------------------------------------------------------------------------------


def post(
    desk: Desk,
    reason: str,
    place: str,
    until: dt.datetime,
    phone: str,
    note: str = "",
    username: str | None = None,
    cover: str | None = None,
) -> AwayNote:
    """Leave the window with a note. The cover defaults to the window's backup (B角); the
    clerk's open cases — and whatever the clerk covers for away colleagues — are handed to
    the cover until the return."""
    who = username or desk.user.username
    require(desk.user.role, "away.post" if who == desk.user.username else "away.manage")
    member = duty_records.active_member(desk.conn, who, "username")
    duty_records.choice(reason, REASONS, "reason", "离岗事由")
    if current_note(desk.conn, member.username) is not None:
        raise RuleRefused(
            f"{member.username} 已有未结束的去向留言，请先登记返回 / already away; return first"
        )
    now = desk.now()
    if until.tzinfo is None:
        raise InvalidInput("until", "预计返回时间须带时区 / the return time needs a time zone")
    if until <= now:
        raise InvalidInput("until", "预计返回时间须晚于现在 / the return time must be later")
    if until - now > MAX_AWAY:
        raise InvalidInput("until", "离岗超过14天请办理请假，不用去向留言 / over 14 days")
    window = windows.window_of(desk.conn, member.username)
    primary_window = window if window and window.primary_clerk == member.username else None
    handover = [
        r[0]
        for r in desk.conn.execute(
            f"SELECT case_no FROM cases WHERE holder = ? "
            f"AND state IN ({','.join('?' for _ in OPEN_STATES)}) ORDER BY case_no",
            (member.username, *OPEN_STATES),
        )
    ]
    # What this clerk covers for colleagues who are away passes on to this note's cover.
    covers = _open_covers(desk.conn)
    covering_for = sorted(u for u in covers if _resolve(covers, u) == member.username)
    passed_on = [c.case_no for c in covered_cases(desk.conn, member.username)]
    cover_name = cover or (primary_window.backup_clerk if primary_window else None) or ""
    if cover_name:
        covering = duty_records.active_member(desk.conn, cover_name, "cover")
        if covering.username == member.username:
            raise RuleRefused("不能由自己代岗 / you cannot cover for yourself")
        if current_note(desk.conn, covering.username) is not None:
            raise RuleRefused(
                f"B角 {covering.username} 也不在岗，请指定其他同事代岗 / the backup is away "
                f"too; name another colleague to cover"
            )
        # Covering is being on the window: 岗前培训合格后方可上岗 applies.
        centre.require_pre_job(desk.conn, covering.username)
        cover_name = covering.username
    elif covering_for:
        raise RuleRefused(
            f"您正在为 {'、'.join(covering_for)} 代岗，离岗须指定代岗同事接替 / you are covering "
            f"for {', '.join(covering_for)}: name a colleague to take over"
        )
    elif primary_window is not None or handover:
        raise RuleRefused(
            "窗口或在办件须有人代岗：请先为窗口设置B角或指定代岗同事 / somebody must cover the "
            "window and the open cases"
        )
    number, _ = duty_records.next_number(desk, "away", now.date())
    desk.ledger.append(
        "away.posted",
        f"away/{member.username}",
        {
            "note_no": number,
            "username": member.username,
            "window_no": primary_window.window_no if primary_window else None,
            "reason": reason,
            "place": check_text(place, "place", "去向", 60),
            "until": iso_at(until),
            "phone": check_phone(phone, field="phone").normalised,
            "cover": cover_name,
            "note": check_text(note, "note", "备注", 200, required=False),
            "handover": handover,
            "passed_on": passed_on,
        },
        desk.user.username,
    )
    return get_note(desk.conn, number)


def come_back(desk: Desk, username: str | None = None) -> AwayNote:
    """Close the open note: back at the window; the cover hands the cases back."""
    who = username or desk.user.username
    require(desk.user.role, "away.post" if who == desk.user.username else "away.manage")
    note = current_note(desk.conn, who)
    if note is None:
        raise RuleRefused(f"{who} 没有未结束的去向留言 / {who} is not away")
    desk.ledger.append(
        "away.returned",
        f"away/{who}",
        {"note_no": note.note_no, "username": who},
        desk.user.username,
    )
    return get_note(desk.conn, note.note_no)
