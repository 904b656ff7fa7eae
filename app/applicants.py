"""Applicants (申请人) and agents (代办人): checked on entry, remembered by ID number.

An applicant is a projection of the intake events that named them: the latest name, phone
and address win here, while each case keeps the applicant as its own intake recorded them
(what its receipt printed). A returning applicant is found by ID number, with their cases
one query away. An ID number known under another name is never renamed silently: the clerk
confirms a correction (更正) or a change of name (改名) with a reason, an event of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.errors import InvalidInput, RuleRefused
from app.identity import IdType, check_id, check_name, check_phone, check_text
from app.projections import REGISTRY
from db.ledger import Event
from db.sqlite import Connection
from printing.masking import mask_id_number

REGISTRY.own_tables("applicants")

MAX_ADDRESS = 120
RELATIONSHIPS = (
    "配偶",
    "父母",
    "子女",
    "兄弟姐妹",
    "其他亲属",
    "村（社区）代办员",
    "受托人",
    "其他",
)


@dataclass(frozen=True)
class Person:
    """What the clerk typed for an applicant or an agent."""

    name: str
    id_type: str
    id_number: str
    phone: str
    address: str = ""
    relationship: str = ""  # agents only: relation to the applicant


@dataclass(frozen=True)
class CheckedPerson:
    body: dict[str, Any]  # the event body part: normalised values only
    warnings: tuple[str, ...]

    @property
    def key(self) -> str:
        return applicant_key(self.body["id_type"], self.body["id_number"])


def applicant_key(id_type: str, id_number: str) -> str:
    return f"{id_type}:{id_number}"


def check_person(person: Person, role: str, today: dt.date) -> CheckedPerson:
    """Validate and normalise; `role` ("applicant" or "agent") prefixes the field names, so
    the GUI can highlight `applicant.id_number` and the CLI can name it."""
    name = check_name(person.name, field=f"{role}.name")
    ident = check_id(person.id_type, person.id_number, field=f"{role}.id_number", today=today)
    phone = check_phone(person.phone, field=f"{role}.phone")
    address = check_text(person.address, f"{role}.address", "地址", MAX_ADDRESS, required=False)
    body: dict[str, Any] = {
        "name": name,
        "id_type": ident.id_type.value,
        "id_number": ident.number,
        "phone": phone.normalised,
        "address": address,
    }
    if role == "agent":
        body["relationship"] = check_text(
            person.relationship, "agent.relationship", "代办人与申请人的关系", 20
        )
    return CheckedPerson(body, ident.warnings)


def upsert_from_case(conn: Connection, person: dict[str, Any], at: str) -> str:
    key = applicant_key(person["id_type"], person["id_number"])
    conn.execute(
        "INSERT INTO applicants (applicant_key, id_type, id_number, name, phone, address, "
        "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (applicant_key) DO UPDATE SET name = excluded.name, "
        "phone = excluded.phone, address = excluded.address, last_seen = excluded.last_seen",
        (
            key,
            person["id_type"],
            person["id_number"],
            person["name"],
            person["phone"],
            person["address"],
            at,
            at,
        ),
    )
    return key


@dataclass(frozen=True)
class Applicant:
    key: str
    id_type: str
    id_number: str
    name: str
    phone: str
    address: str
    first_seen: str
    last_seen: str

    @property
    def id_type_label(self) -> str:
        return IdType(self.id_type).label


def find_by_id_number(conn: Connection, id_number: str) -> list[Applicant]:
    """A returning applicant by ID number (any ID type; normalised like on entry)."""
    number = id_number.strip().upper().replace(" ", "")
    rows = conn.execute(
        "SELECT applicant_key, id_type, id_number, name, phone, address, first_seen, last_seen "
        "FROM applicants WHERE id_number = ?",
        (number,),
    )
    return [Applicant(*r) for r in rows]


# -- name changes ------------------------------------------------------------------------

NAME_CHANGE_KINDS = {"correction": "更正", "change": "改名"}


@dataclass(frozen=True)
class NameChange:
    """The clerk's confirmation that an ID number's recorded name is to change: `kind`
    "correction" (the earlier record was wrong) or "change" (the person changed their
    name), and why (e.g. the document seen)."""

    kind: str
    reason: str


class NameConflict(RuleRefused):
    """The ID number is recorded under another name and no correction or change of name was
    confirmed. Carries both names so the screen can show them side by side."""

    def __init__(
        self, id_number: str, recorded: str, typed: str, *, cli_hint: bool = False
    ) -> None:
        how = (
            "请加 --name-change correction（更正，原登记有误）或 --name-change change（改名），"
            "并用 --name-change-reason 写明理由"
            if cli_hint
            else "请确认是更正（原登记有误）还是改名，并填写理由"
        )
        how_en = (
            "add --name-change correction|change and --name-change-reason"
            if cli_hint
            else "confirm a correction or a change of name, with a reason"
        )
        super().__init__(
            f"证件号码 {mask_id_number(id_number)} 已登记姓名为“{recorded}”，本次填写为"
            f"“{typed}”：{how}；此前的办件仍保留原姓名 / this ID number is recorded as "
            f"{recorded!r}, typed {typed!r}: {how_en}"
        )
        self.id_number = id_number
        self.recorded = recorded
        self.typed = typed


def recorded_name(conn: Connection, key: str) -> str | None:
    row = conn.execute("SELECT name FROM applicants WHERE applicant_key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def name_change_body(
    conn: Connection, person: CheckedPerson, change: NameChange | None
) -> dict[str, Any] | None:
    """The body of the `applicant.renamed` event this intake needs, or None when the ID
    number is new or known under the same name (a confirmation is then not needed and not
    recorded). Raises `NameConflict` when the names differ and nothing was confirmed."""
    recorded = recorded_name(conn, person.key)
    typed = person.body["name"]
    if recorded is None or recorded == typed:
        return None
    if change is None:
        raise NameConflict(person.body["id_number"], recorded, typed)
    checked = check_name_change(change)
    return {
        "applicant_key": person.key,
        "id_type": person.body["id_type"],
        "id_number": person.body["id_number"],
        "old_name": recorded,
        "new_name": typed,
        "kind": checked.kind,
        "reason": checked.reason,
    }


def check_name_change(change: NameChange) -> NameChange:
    """A known kind and a reason (whitespace folded); the screen checks before it closes
    the confirmation dialog, the intake again."""
    if change.kind not in NAME_CHANGE_KINDS:
        raise InvalidInput(
            "name_change.kind", "请选择“更正”或“改名” / kind must be correction or change"
        )
    reason = check_text(
        change.reason,
        "name_change.reason",
        f"{NAME_CHANGE_KINDS[change.kind]}理由（如所见证件）",
        200,
    )
    return NameChange(change.kind, reason)


@REGISTRY.on("applicant.renamed")
def _renamed(conn: Connection, event: Event) -> None:
    # Only the applicant's current name: cases keep the name their intake recorded.
    conn.execute(
        "UPDATE applicants SET name = ? WHERE applicant_key = ?",
        (event.body["new_name"], event.body["applicant_key"]),
    )
