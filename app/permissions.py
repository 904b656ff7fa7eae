"""Who may do what. Enforced here, in the application layer, so a hidden button is never
the only guard (DESIGN §4)."""

from __future__ import annotations

from enum import StrEnum

from app.errors import PermissionDenied


class Role(StrEnum):
    CLERK = "clerk"
    DIRECTOR = "director"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.CLERK: "窗口人员", Role.DIRECTOR: "中心负责人", Role.ADMIN: "系统管理员"}

_ALL = frozenset(Role)

# action -> roles allowed. Actions are named by what they change, not by screen.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "ledger.verify": _ALL,
    "ledger.backup": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "ledger.rekey": frozenset({Role.ADMIN}),
    "staff.manage": frozenset({Role.ADMIN}),
    "settings.change": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "calendar.load": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "catalogue.edit": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "case.handle": _ALL,
    # Screens, slips and the CLI mask ID and phone numbers; the full numbers are for the
    # director checking a record against the paper file.
    "applicant.view_full": frozenset({Role.DIRECTOR}),
    # A second one-time notice breaks the rule; only the director may authorise it.
    "notice.override": frozenset({Role.DIRECTOR}),
    # Desk duties and supervision (app/centre.py, windows.py, away.py, ratings.py, ...).
    "centre.manage": frozenset({Role.DIRECTOR, Role.ADMIN}),
    # Profiles and settings of other centres (village rooms, neighbours) are for supervision.
    "centre.view_other": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "window.manage": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "window.sign": _ALL,
    "away.post": _ALL,
    # Posting or closing a note for somebody else (who left without posting one).
    "away.manage": frozenset({Role.DIRECTOR, Role.ADMIN}),
    "consultation.log": _ALL,
    "special.record": _ALL,
    "rating.record": _ALL,
    "rating.followup": _ALL,
    "rating.appeal": _ALL,
    # The plan puts 好差评 under the centre: the director alone rules on an appeal.
    "rating.appeal_decide": frozenset({Role.DIRECTOR}),
    "complaint.register": _ALL,
    "complaint.handle": frozenset({Role.DIRECTOR}),
    "report.view": _ALL,
    "report.export": frozenset({Role.DIRECTOR, Role.ADMIN}),
    # Enrolling binds the desk to a county gateway with a key: the admin's job.
    "sync.enrol": frozenset({Role.ADMIN}),
    "sync.run": _ALL,
}


def allowed(role: Role, action: str) -> bool:
    return role in PERMISSIONS[action]


def require(role: Role, action: str) -> None:
    if not allowed(role, action):
        who = "、".join(r.label for r in Role if r in PERMISSIONS[action])
        raise PermissionDenied(
            f"此操作需要{who}权限（当前为{role.label}） / this needs the role "
            f"{'/'.join(sorted(PERMISSIONS[action]))}, you are {role}"
        )
