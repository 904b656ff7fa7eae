"""Service windows (综合窗口 1…n), their primary clerk and backup (服务双岗 / AB角), who sits
at which window (sign-in and sign-out), time on the window, and the public staff card.

Plan §2.4.1(1): window staff serve at the window for at least a year; (2) new window staff
go on duty only after passing pre-job training; §2.4.2(5): every window has a backup so the
citizen always finds someone; §2.3.2(4): a staff card with unit, name, post, phone, photo and
party membership.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app import centre, duty_records
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_text
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("windows", "window_assignments", "window_sessions", "staff_cards")

MAX_WINDOWS = 99
ONE_YEAR_DAYS = 365
MAX_PHOTO_BYTES = 256 * 1024


@dataclass(frozen=True)
class Window:
    window_no: int
    name: str
    scope: str
    primary_clerk: str | None
    backup_clerk: str | None


def check_window_no(value: int, field: str = "window_no") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WINDOWS:
        raise InvalidInput(field, f"窗口号应为 1 至 {MAX_WINDOWS} / window 1-{MAX_WINDOWS}")
    return value


# -- projection ----------------------------------------------------------------------------


@REGISTRY.on("window.defined")
def _defined(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO windows (window_no, name, scope, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (window_no) DO UPDATE SET name = excluded.name, scope = excluded.scope, "
        "updated_at = excluded.updated_at",
        (b["window_no"], b["name"], b["scope"], event.at),
    )


@REGISTRY.on("window.assigned")
def _assigned(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE windows SET primary_clerk = ?, backup_clerk = ?, updated_at = ? "
        "WHERE window_no = ?",
        (b["primary"], b["backup"], event.at, b["window_no"]),
    )
    conn.execute(
        "UPDATE window_assignments SET to_on = ? WHERE window_no = ? AND to_on IS NULL",
        (b["on"], b["window_no"]),
    )
    for post in ("primary", "backup"):
        conn.execute(
            "INSERT INTO window_assignments (window_no, seq, post, username, from_on) "
            "VALUES (?, ?, ?, ?, ?)",
            (b["window_no"], event.seq, post, b[post], b["on"]),
        )
    duty_records.notify(
        conn,
        event,
        [b["primary"], b["backup"]],
        "window.assigned",
        f"window/{b['window_no']}",
        f"{b['window_no']}号窗口：A角 {b['primary']}，B角 {b['backup']}（{b['on']}起）",
    )


@REGISTRY.on("window.signed_in")
def _signed_in(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE window_sessions SET signed_out_at = ? WHERE username = ? AND signed_out_at IS NULL",
        (event.at, event.actor),
    )
    conn.execute(
        "INSERT INTO window_sessions (seq, window_no, username, signed_in_at) VALUES (?, ?, ?, ?)",
        (event.seq, event.body["window_no"], event.actor, event.at),
    )


@REGISTRY.on("window.signed_out")
def _signed_out(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE window_sessions SET signed_out_at = ? WHERE username = ? AND signed_out_at IS NULL",
        (event.at, event.body["username"]),
    )


@REGISTRY.on("staffcard.set")
def _card_set(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO staff_cards (username, unit, post, phone, party_member, photo, photo_type, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
        "unit = excluded.unit, post = excluded.post, phone = excluded.phone, "
        "party_member = excluded.party_member, photo = excluded.photo, "
        "photo_type = excluded.photo_type, updated_at = excluded.updated_at",
        (b["username"], b["unit"], b["post"], b["phone"], int(b["party_member"]), b["photo"],
         b["photo_type"], event.at),
    )  # fmt: skip


# -- windows -------------------------------------------------------------------------------


def define_window(desk: Desk, window_no: int, name: str = "", scope: str = "") -> Window:
    """Open (or rename) a window: 综合窗口 n unless named otherwise."""
    require(desk.user.role, "window.manage")
    number = check_window_no(window_no)
    desk.ledger.append(
        "window.defined",
        f"window/{number}",
        {
            "window_no": number,
            "name": check_text(name or f"综合窗口{number}", "name", "窗口名称", 30),
            "scope": check_text(scope, "scope", "受理范围", 200, required=False),
        },
        desk.user.username,
    )
    return get_window(desk.conn, number)


def assign(
    desk: Desk, window_no: int, primary: str, backup: str, on: dt.date | None = None
) -> Window:
    """Put a primary clerk (A角) and a backup (B角) on a window. Both must have passed pre-job
    training; a clerk is primary at one window only."""
    require(desk.user.role, "window.manage")
    window = get_window(desk.conn, window_no)
    a = duty_records.active_member(desk.conn, primary, "primary")
    b = duty_records.active_member(desk.conn, backup, "backup")
    if a.username == b.username:
        raise RuleRefused("A角与B角不能是同一人 / primary and backup must differ")
    for member in (a, b):
        centre.require_pre_job(desk.conn, member.username)
    elsewhere = desk.conn.execute(
        "SELECT window_no FROM windows WHERE primary_clerk = ? AND window_no != ?",
        (a.username, window.window_no),
    ).fetchone()
    if elsewhere is not None:
        raise RuleRefused(
            f"{a.username} 已是 {elsewhere[0]} 号窗口的A角 / already primary at window "
            f"{elsewhere[0]}"
        )
    day = duty_records.business_date(desk, on)
    # The day of the posting counts towards time on the window (plan: ≥ 1 year), so it can
    # be back-dated (补录) but neither to before a clerk passed pre-job training nor to
    # before the window's current posting began.
    for member, post in ((a, "A角"), (b, "B角")):
        trained = centre.pre_job_passed_on(desk.conn, member.username)
        if trained is not None and day < trained:
            raise InvalidInput(
                "on",
                f"{post} {member.username} 于 {trained:%Y-%m-%d} 岗前培训合格，上岗日期不能早于"
                f"该日 / {member.username} passed pre-job training on {trained}: the posting "
                f"cannot start earlier",
            )
    current = desk.conn.execute(
        "SELECT max(from_on) FROM window_assignments WHERE window_no = ? AND to_on IS NULL",
        (window.window_no,),
    ).fetchone()[0]
    if current is not None and day.isoformat() < current:
        raise InvalidInput(
            "on",
            f"{window.window_no}号窗口现有安排自 {current} 起，新安排不能早于该日 / the window's "
            f"current posting began on {current}: the new one cannot start earlier",
        )
    desk.ledger.append(
        "window.assigned",
        f"window/{window.window_no}",
        {
            "window_no": window.window_no,
            "primary": a.username,
            "backup": b.username,
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get_window(desk.conn, window.window_no)


def get_window(conn: Connection, window_no: int) -> Window:
    row = conn.execute(
        "SELECT window_no, name, scope, primary_clerk, backup_clerk FROM windows "
        "WHERE window_no = ?",
        (window_no,),
    ).fetchone()
    if row is None:
        raise NotFound(f"没有 {window_no} 号窗口 / no window {window_no}")
    return Window(*row)


def list_windows(conn: Connection) -> list[Window]:
    rows = conn.execute(
        "SELECT window_no, name, scope, primary_clerk, backup_clerk FROM windows ORDER BY window_no"
    )
    return [Window(*r) for r in rows]


def window_of(conn: Connection, username: str) -> Window | None:
    """The window where this person is primary, else the first where they are the backup."""
    row = conn.execute(
        "SELECT window_no, name, scope, primary_clerk, backup_clerk FROM windows "
        "WHERE primary_clerk = ? OR backup_clerk = ? "
        "ORDER BY primary_clerk = ? DESC, window_no LIMIT 1",
        (username, username, username),
    ).fetchone()
    return Window(*row) if row else None


# -- sign-in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WindowSession:
    window_no: int
    username: str
    signed_in_at: str
    signed_out_at: str | None


def at_window(conn: Connection, window_no: int) -> WindowSession | None:
    row = conn.execute(
        "SELECT window_no, username, signed_in_at, signed_out_at FROM window_sessions "
        "WHERE window_no = ? AND signed_out_at IS NULL ORDER BY seq DESC LIMIT 1",
        (window_no,),
    ).fetchone()
    return WindowSession(*row) if row else None


def current_session(conn: Connection, username: str) -> WindowSession | None:
    row = conn.execute(
        "SELECT window_no, username, signed_in_at, signed_out_at FROM window_sessions "
        "WHERE username = ? AND signed_out_at IS NULL",
        (username,),
    ).fetchone()
    return WindowSession(*row) if row else None


def sign_in(desk: Desk, window_no: int) -> WindowSession:
    """Take one's seat at a window: one's own (A角) or one where one is the backup (B角)."""
    require(desk.user.role, "window.sign")
    window = get_window(desk.conn, window_no)
    me = desk.user.username
    if me not in (window.primary_clerk, window.backup_clerk):
        raise RuleRefused(
            f"您不是 {window.window_no} 号窗口的A角或B角 / you are not posted to this window"
        )
    centre.require_pre_job(desk.conn, me)
    seated = at_window(desk.conn, window.window_no)
    if seated is not None and seated.username != me:
        from app import away  # away reads windows; imported here to avoid a cycle

        if away.current_note(desk.conn, seated.username) is None:
            raise RuleRefused(
                f"{seated.username} 正在 {window.window_no} 号窗口上岗 / "
                f"{seated.username} is at this window"
            )
    desk.ledger.append(
        "window.signed_in",
        f"window/{window.window_no}",
        {"window_no": window.window_no},
        me,
    )
    session = current_session(desk.conn, me)
    assert session is not None
    return session


def sign_out(desk: Desk, username: str | None = None) -> None:
    """Leave the window at the end of the shift (a director may sign out a forgotten session)."""
    who = username or desk.user.username
    require(desk.user.role, "window.sign" if who == desk.user.username else "window.manage")
    session = current_session(desk.conn, who)
    if session is None:
        raise RuleRefused(f"{who} 当前未在窗口上岗 / {who} is not signed in")
    desk.ledger.append(
        "window.signed_out",
        f"window/{session.window_no}",
        {"window_no": session.window_no, "username": who},
        desk.user.username,
    )


# -- time on the window ------------------------------------------------------------------------


@dataclass(frozen=True)
class Tenure:
    username: str
    first_on: dt.date | None  # first day as primary (A角) anywhere
    days_as_primary: int

    @property
    def meets_one_year(self) -> bool:
        return self.days_as_primary >= ONE_YEAR_DAYS


def tenure(conn: Connection, username: str, today: dt.date) -> Tenure:
    """Days served as primary clerk at any window (plan: 固定到窗口工作一年以上)."""
    rows = conn.execute(
        "SELECT from_on, to_on FROM window_assignments WHERE username = ? AND post = 'primary' "
        "ORDER BY from_on",
        (username,),
    ).fetchall()
    days: set[dt.date] = set()
    for from_on, to_on in rows:
        start = dt.date.fromisoformat(from_on)
        end = dt.date.fromisoformat(to_on) if to_on else today
        days.update(start + dt.timedelta(days=i) for i in range(max(0, (end - start).days)))
    first = dt.date.fromisoformat(rows[0][0]) if rows else None
    return Tenure(username, first, len(days))


# -- staff cards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffCard:
    """The public staff card (岗位牌) on the window and the citizen screen."""

    username: str
    name: str
    unit: str
    post: str
    phone: str
    party_member: bool
    photo: bytes | None
    photo_type: str | None
    window_no: int | None
    window_name: str | None


def _photo_type(photo: bytes) -> str:
    if photo.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if photo.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    raise InvalidInput("photo", "照片应为 JPEG 或 PNG 图片 / the photo must be JPEG or PNG")


def set_staff_card(
    desk: Desk,
    username: str,
    unit: str,
    post: str,
    phone: str,
    party_member: bool,
    photo: bytes | None = None,
) -> StaffCard:
    require(desk.user.role, "centre.manage")
    member = duty_records.active_member(desk.conn, username, "username")
    photo_text = photo_type = None
    if photo is not None:
        if len(photo) > MAX_PHOTO_BYTES:
            raise InvalidInput("photo", "照片不超过 256 KB / the photo is at most 256 KB")
        photo_type = _photo_type(photo)
        photo_text = base64.b64encode(photo).decode("ascii")
    desk.ledger.append(
        "staffcard.set",
        f"staff/{member.username}",
        {
            "username": member.username,
            "unit": check_text(unit, "unit", "单位", 60),
            "post": check_text(post, "post", "职务", 30),
            "phone": duty_records.optional_phone(phone, "phone"),
            "party_member": bool(party_member),
            "photo": photo_text,
            "photo_type": photo_type,
        },
        desk.user.username,
    )
    card = staff_card(desk.conn, member.username)
    assert card is not None
    return card


def staff_card(conn: Connection, username: str) -> StaffCard | None:
    row: Any = conn.execute(
        "SELECT c.username, s.display_name, c.unit, c.post, c.phone, c.party_member, c.photo, "
        "c.photo_type FROM staff_cards c JOIN staff s ON s.username = c.username "
        "WHERE c.username = ?",
        (username,),
    ).fetchone()
    if row is None:
        return None
    window = window_of(conn, username)
    return StaffCard(
        username=row[0],
        name=row[1],
        unit=row[2],
        post=row[3],
        phone=row[4],
        party_member=bool(row[5]),
        photo=base64.b64decode(row[6]) if row[6] else None,
        photo_type=row[7],
        window_no=window.window_no if window else None,
        window_name=window.name if window else None,
    )
