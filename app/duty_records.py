"""Pieces every desk-duty record shares (plan §2.4.2): record numbers, text and date checks,
the staff inbox.

Record numbers carry the centre's division code and the desk number, like case numbers, so
desks of one centre never collide while offline: ``ZX-510421100-01-20260302-0001`` is the
first consultation logged at desk 01 on 2 March 2026.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app import counters, staff
from app.desk import business_date as business_date  # one definition, re-exported
from app.errors import InvalidInput, NotFound
from app.identity import check_name, check_phone
from app.projections import REGISTRY
from db.ledger import CHINA_TZ, Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("duty_counters", "duty_inbox")

# Prefixes of record numbers (pinyin initials of the record's Chinese name).
PREFIXES = {
    "consultation": "ZX",  # 咨询
    "rating": "PJ",  # 评价
    "complaint": "TS",  # 投诉
    "special": "FW",  # 特色服务
    "away": "LY",  # 留言
    "training": "PX",  # 培训
    "equipment": "SB",  # 设备
    "inspection": "JC",  # 检查
}


# -- numbers -------------------------------------------------------------------------------


def _series(prefix: str, day: dt.date) -> str:
    return f"{prefix}:{day.isoformat()}"


def next_number(desk: Desk, record: str, day: dt.date) -> tuple[str, int]:
    """The next free number of this record kind for the day; the handler bumps the counter
    (`bump`) from the event body, so a rebuild reproduces it."""
    prefix = PREFIXES[record]
    seq = counters.next_in(desk.conn, "duty_counters", _series(prefix, day))
    profile = desk.profile()
    return f"{prefix}-{profile.centre_code}-{profile.desk_no:02d}-{day:%Y%m%d}-{seq:04d}", seq


def bump(conn: Connection, number: str) -> None:
    """Called by handlers with a record number made by `next_number`."""
    prefix, _centre, _desk, day, seq = number.split("-")
    series = _series(prefix, dt.date(int(day[:4]), int(day[4:6]), int(day[6:])))
    counters.raise_to(conn, "duty_counters", series, int(seq))


# -- input checks ----------------------------------------------------------------------------


def choice(value: str, options: Mapping[str, str], field: str, label: str) -> str:
    if value not in options:
        shown = "、".join(f"{k}（{v}）" for k, v in options.items())
        raise InvalidInput(field, f"{label}应为 {shown} / {field} must be one of {list(options)}")
    return value


def optional_name(value: str, field: str) -> str:
    """A citizen's name is optional in duty records (the plan asks for none); checked if given."""
    return check_name(value, field=field) if value and value.strip() else ""


def optional_phone(value: str, field: str) -> str:
    return check_phone(value, field=field).normalised if value and value.strip() else ""


def active_member(conn: Connection, username: str, field: str) -> staff.StaffMember:
    member = staff.find(conn, username)
    if member is None or not member.active:
        raise InvalidInput(field, f"没有在用账号“{username}” / no active account {username!r}")
    return member


def display_names(conn: Connection) -> dict[str, str]:
    return {r[0]: r[1] for r in conn.execute("SELECT username, display_name FROM staff")}


def directors(conn: Connection) -> list[str]:
    """Active directors, in a fixed order (used by handlers: deterministic)."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT username FROM staff WHERE role = 'director' AND active = 1 ORDER BY username"
        )
    ]


_EIGHT_HOURS = dt.timedelta(hours=8)


def parse_at(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    # Stored times are +08:00 already; converting them again costs time in year reports.
    return moment if moment.utcoffset() == _EIGHT_HOURS else moment.astimezone(CHINA_TZ)


def iso_at(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(CHINA_TZ).isoformat(timespec="seconds")


def day_of(at: str) -> dt.date:
    """The Asia/Shanghai date of an event time (events are written with +08:00)."""
    return parse_at(at).date()


# -- inbox -----------------------------------------------------------------------------------


def notify(
    conn: Connection, event: Event, usernames: Iterable[str], kind: str, ref: str, message: str
) -> None:
    """A message to staff members, written by a handler (so it is rebuilt with the rest)."""
    for username in sorted(set(usernames)):
        if username == event.actor:
            continue  # nobody needs telling what they just did
        conn.execute(
            "INSERT INTO duty_inbox (username, seq, at, kind, ref, text) VALUES (?, ?, ?, ?, ?, ?)",
            (username, event.seq, event.at, kind, ref, message),
        )


@REGISTRY.on("inbox.read")
def _read(conn: Connection, event: Event) -> None:
    for seq in event.body["seqs"]:
        conn.execute(
            "UPDATE duty_inbox SET read_at = ? WHERE username = ? AND seq = ? AND read_at IS NULL",
            (event.at, event.actor, seq),
        )


@dataclass(frozen=True)
class InboxMessage:
    seq: int
    at: str
    kind: str
    ref: str
    text: str
    read: bool


def inbox(conn: Connection, username: str, unread_only: bool = False) -> list[InboxMessage]:
    where = " AND read_at IS NULL" if unread_only else ""
    rows = conn.execute(
        "SELECT seq, at, kind, ref, text, read_at FROM duty_inbox WHERE username = ?"
        f"{where} ORDER BY seq DESC",
        (username,),
    )
    return [InboxMessage(r[0], r[1], r[2], r[3], r[4], r[5] is not None) for r in rows]


def mark_read(desk: Desk, seqs: Sequence[int] | None = None) -> int:
    """Mark the user's own messages read (all unread ones by default)."""
    mine = {m.seq: m.read for m in inbox(desk.conn, desk.user.username)}
    if seqs is not None and any(s not in mine for s in seqs):
        raise NotFound("没有这条消息 / no such message")
    wanted = sorted({s for s in (mine if seqs is None else seqs) if not mine[s]})
    if wanted:
        desk.ledger.append(
            "inbox.read", f"inbox/{desk.user.username}", {"seqs": wanted}, desk.user.username
        )
    return len(wanted)
