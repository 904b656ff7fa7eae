"""Staff accounts: who may open the ledger and in which role. The account is a projection of
`staff.*` events; the matching key slot (passphrase) lives in the key file (`db.keys`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_text
from app.permissions import Role, require
from app.projections import REGISTRY
from db import store
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("staff")

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str
    role: Role
    active: bool


def check_username(raw: str) -> str:
    name = raw.strip().lower()
    if not _USERNAME.match(name):
        raise InvalidInput(
            "username",
            "用户名为 2 至 32 位小写字母、数字或 . _ -，以字母开头（如 zhangsan） / the user "
            "name is 2-32 lowercase letters, digits or . _ -, starting with a letter",
        )
    return name


def check_display_name(raw: str) -> str:
    name = check_text(raw, "display_name", "姓名", 30, required=False)
    if not 1 <= len(name) <= 30:
        raise InvalidInput("display_name", "姓名应为 1 至 30 个字 / the name is 1-30 characters")
    return name


def check_role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        raise InvalidInput(
            "role", "角色应为 clerk、director 或 admin / role is clerk, director or admin"
        ) from None


# -- projection ----------------------------------------------------------------------------


@REGISTRY.on("staff.account_added")
def _added(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO staff (username, display_name, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, 1, ?, ?)",
        (b["username"], b["display_name"], b["role"], event.at, event.at),
    )


@REGISTRY.on("staff.role_changed")
def _role_changed(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET role = ?, updated_at = ? WHERE username = ?",
        (event.body["role"], event.at, event.body["username"]),
    )


@REGISTRY.on("staff.account_deactivated")
def _deactivated(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET active = 0, updated_at = ? WHERE username = ?",
        (event.at, event.body["username"]),
    )


@REGISTRY.on("staff.passphrase_changed")
def _passphrase_changed(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE staff SET updated_at = ? WHERE username = ?", (event.at, event.body["username"])
    )


# -- queries -------------------------------------------------------------------------------


def find(conn: Connection, username: str) -> StaffMember | None:
    row = conn.execute(
        "SELECT username, display_name, role, active FROM staff WHERE username = ?",
        (username.strip().lower(),),
    ).fetchone()
    if row is None:
        return None
    return StaffMember(row[0], row[1], Role(row[2]), bool(row[3]))


def list_staff(conn: Connection) -> list[StaffMember]:
    rows = conn.execute(
        "SELECT username, display_name, role, active FROM staff ORDER BY active DESC, username"
    )
    return [StaffMember(r[0], r[1], Role(r[2]), bool(r[3])) for r in rows]


# -- services ------------------------------------------------------------------------------


def add_account(
    desk: Desk, username: str, display_name: str, role: str, passphrase: str
) -> StaffMember:
    """A new account and its key slot. The slot is written inside the event's transaction,
    so a failure on either side leaves neither."""
    require(desk.user.role, "staff.manage")
    name = check_username(username)
    display = check_display_name(display_name or name)
    checked_role = check_role(role)
    if find(desk.conn, name) is not None:
        raise RuleRefused(f"账号“{name}”已存在 / account {name} exists")
    with desk.ledger.write() as w:
        w.append(
            "staff.account_added",
            f"staff/{name}",
            {"username": name, "display_name": display, "role": checked_role.value},
            desk.user.username,
        )
        store.add_slot(desk.opened, name, passphrase)
    return StaffMember(name, display, checked_role, True)


def deactivate_account(desk: Desk, username: str) -> None:
    """Stop an account: its key slot is removed so its passphrase no longer opens anything.
    The account and all it did stay in the ledger."""
    require(desk.user.role, "staff.manage")
    member = find(desk.conn, username)
    if member is None:
        raise NotFound(f"没有账号“{username}” / no account {username}")
    if member.username == desk.user.username:
        raise RuleRefused("不能停用自己的账号 / you cannot deactivate your own account")
    with desk.ledger.write() as w:
        w.append(
            "staff.account_deactivated",
            f"staff/{member.username}",
            {"username": member.username},
            desk.user.username,
        )
        store.remove_slot(desk.opened, member.username)


def change_role(desk: Desk, username: str, role: str) -> StaffMember:
    """Give an active account another role (a clerk made director, ...). Not one's own:
    an admin cannot lock the desk out of its administration by a slip."""
    require(desk.user.role, "staff.manage")
    checked_role = check_role(role)
    member = find(desk.conn, username)
    if member is None or not member.active:
        raise NotFound(f"没有在用的账号“{username}” / no active account {username}")
    if member.username == desk.user.username:
        raise RuleRefused("不能更改自己的角色 / you cannot change your own role")
    desk.ledger.append(
        "staff.role_changed",
        f"staff/{member.username}",
        {"username": member.username, "role": checked_role.value},
        desk.user.username,
    )
    return StaffMember(member.username, member.display_name, checked_role, True)


def reset_passphrase(desk: Desk, username: str, passphrase: str) -> StaffMember:
    """An admin gives an active account a new key slot (after `recover`, or when its slot
    was damaged); the member changes the passphrase at the next login."""
    require(desk.user.role, "staff.manage")
    member = find(desk.conn, username)
    if member is None or not member.active:
        raise NotFound(f"没有在用的账号“{username}” / no active account {username}")
    with desk.ledger.write() as w:
        w.append(
            "staff.passphrase_changed",
            f"staff/{member.username}",
            {"username": member.username, "via": "admin_reset"},
            desk.user.username,
        )
        store.add_slot(desk.opened, member.username, passphrase)
    return member


def accounts_without_slots(desk: Desk) -> list[StaffMember]:
    """Active accounts whose passphrase opens nothing: no slot in the key file (after a
    recovery with the key file lost) or a damaged one."""
    keyfile = desk.opened.reload_keyfile()
    return [m for m in list_staff(desk.conn) if m.active and not keyfile.has_user(m.username)]


def record_passphrase_changed(desk: Desk) -> None:
    desk.ledger.append(
        "staff.passphrase_changed",
        f"staff/{desk.user.username}",
        {"username": desk.user.username},
        desk.user.username,
    )
