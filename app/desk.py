"""A desk session: the open ledger plus the staff member at the keyboard.

Every service in `app/` takes a `Desk`; every event it appends is attributed to `desk.user`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app import calendar, desk_profile, staff
from app.errors import InvalidInput
from app.permissions import Role, require
from app.projections import projector
from db import backup as db_backup
from db import store
from db.errors import AuthenticationFailed, ClerkDeskError, IntegrityFailure
from db.ledger import CHINA_TZ, ChainIdentity, Ledger, VerifyReport, now_in_china, verify
from db.sqlite import Connection

Clock = Callable[[], datetime]


@dataclass
class Desk:
    opened: store.OpenedLedger
    ledger: Ledger
    user: staff.StaffMember
    clock: Clock = now_in_china

    @property
    def conn(self) -> Connection:
        return self.opened.conn

    @property
    def path(self) -> Path:
        return self.opened.files.db

    def now(self) -> datetime:
        return self.clock().astimezone(CHINA_TZ)

    def today(self) -> date:
        return self.now().date()

    def profile(self) -> desk_profile.DeskProfile:
        return desk_profile.load_profile(self.conn)

    def close(self) -> None:
        self.opened.close()


def business_date(
    desk: Desk, on: date | None, not_before: date | None = None, after: str = ""
) -> date:
    """The day a record (or a step of one) belongs to: today, or an earlier day for paper
    records entered after an outage (补录). Never in the future, never before `not_before`
    (the record's start or the step it follows, named by `after` in the message)."""
    today = desk.today()
    day = on or today
    if day > today:
        raise InvalidInput("on", "业务日期不能晚于今天 / the date cannot be in the future")
    if not_before is not None and day < not_before:
        raise InvalidInput(
            "on",
            f"业务日期不能早于{after or '记录日期'} {not_before:%Y-%m-%d} / the date is before "
            f"{'the step it follows' if after else 'the record'} ({not_before:%Y-%m-%d})",
        )
    return day


def set_up(
    path: Path,
    *,
    centre_code: str,
    centre_name: str,
    desk_no: int,
    admin_username: str,
    admin_display_name: str,
    passphrase: str,
    clock: Clock = now_in_china,
) -> tuple[Desk, str]:
    """Create a ledger for a new desk with its first (admin) account. Returns the open desk
    and the recovery key text, to be shown once and stored in the director's safe."""
    code = desk_profile.check_centre_code(centre_code)
    name = desk_profile.check_centre_name(centre_name)
    number = desk_profile.check_desk_no(desk_no)
    username = staff.check_username(admin_username)
    display = staff.check_display_name(admin_display_name or username)
    opened, recovery = store.create(path, username, passphrase)
    identity = ChainIdentity(opened.ledger_id, desk_profile.desk_id(code, number))
    ledger = Ledger(opened.conn, projector(), clock, identity=identity)
    try:
        with ledger.write() as w:
            w.append(
                "ledger.created",
                "desk",
                {
                    "ledger_id": opened.ledger_id,
                    "centre_code": code,
                    "centre_name": name,
                    "desk_no": number,
                },
                username,
            )
            w.append(
                "staff.account_added",
                f"staff/{username}",
                {"username": username, "display_name": display, "role": Role.ADMIN.value},
                username,
            )
    except BaseException:
        opened.close()
        for leftover in (path, opened.files.keys, *opened.files.sidecars()):
            leftover.unlink(missing_ok=True)
        raise
    user = staff.StaffMember(username, display, Role.ADMIN, True)
    desk = Desk(opened, ledger, user, clock)
    # Working days are part of every deadline: start with every year the package knows.
    calendar.seed_from_package(desk)
    return desk, recovery


def _ledger(opened: store.OpenedLedger, clock: Clock) -> Ledger:
    identity = desk_profile.load_profile(opened.conn).chain_identity
    return Ledger(opened.conn, projector(), clock, identity=identity)


def _session(opened: store.OpenedLedger, username: str, clock: Clock) -> Desk:
    member = staff.find(opened.conn, username)
    if member is None or not member.active:
        opened.close()
        raise AuthenticationFailed(
            f"账号“{username}”不存在或已停用 / account {username} does not exist or is inactive"
        )
    return Desk(opened, _ledger(opened, clock), member, clock)


def open_desk(path: Path, username: str, passphrase: str, clock: Clock = now_in_china) -> Desk:
    opened = store.open_with_passphrase(path, username, passphrase)
    return _session(opened, username, clock)


def recover_account(
    path: Path, recovery_key: str, username: str, new_passphrase: str, clock: Clock = now_in_china
) -> Desk:
    """The director's safe: open with the recovery key and give `username` (an active
    director or admin) a new passphrase. Works even when the key file is gone."""
    opened = store.open_with_recovery(path, recovery_key)
    member = staff.find(opened.conn, username)
    if member is None or not member.active or member.role == Role.CLERK:
        opened.close()
        raise AuthenticationFailed(
            "恢复密钥只能为在用的中心负责人或管理员账号重设口令 / the recovery key resets the "
            "passphrase of an active director or admin account only"
        )
    try:
        store.add_slot(opened, member.username, new_passphrase)
    except BaseException:
        opened.close()
        raise
    desk = Desk(opened, _ledger(opened, clock), member, clock)
    desk.ledger.append(
        "staff.passphrase_changed",
        f"staff/{member.username}",
        {"username": member.username, "via": "recovery_key"},
        member.username,
    )
    return desk


def verify_desk(desk: Desk) -> VerifyReport:
    require(desk.user.role, "ledger.verify")
    return verify(desk.conn, projector(), desk.ledger.identity)


def _verify_or_raise(conn: Connection, identity: ChainIdentity) -> None:
    report = verify(conn, projector(), identity)
    if not report.ok:
        raise IntegrityFailure(
            f"备份副本校验失败：{report.problem} / the backup copy failed verification",
            report.first_bad_seq,
        )


def backup_desk(desk: Desk, out: Path) -> db_backup.BackupManifest:
    """An encrypted, verified backup. Refuses to back up a ledger that does not verify: a
    backup of a broken chain would only hide the break."""
    require(desk.user.role, "ledger.backup")
    # The copy is verified (chain, pages and a projection replay) before it counts as a
    # backup; it is page-identical to the live ledger, so one verification covers both.
    identity = desk.ledger.identity
    manifest = db_backup.backup(desk.opened, out, lambda copy: _verify_or_raise(copy, identity))
    desk.ledger.append(
        "ledger.backed_up",
        "desk",
        {"events": manifest.events, "head_hash": manifest.head_hash, "file": out.name},
        desk.user.username,
    )
    return manifest


def rotate_key(desk: Desk, show_recovery_key: Callable[[str], None]) -> None:
    require(desk.user.role, "ledger.rekey")
    store.rotate_key(desk.opened, show_recovery_key)
    desk.ledger.append("ledger.key_rotated", "desk", {}, desk.user.username)


__all__ = [
    "ClerkDeskError",
    "Desk",
    "backup_desk",
    "open_desk",
    "recover_account",
    "rotate_key",
    "set_up",
    "verify_desk",
]
