"""Applicants (申请人) and agents (代办人): checked on entry, remembered by ID number.

An applicant is a projection of the intake events that named them: the latest name, phone
and address win; a returning applicant is found by ID number, with their cases one query away.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.errors import InvalidInput
from app.identity import IdType, check_id, check_name, check_phone, check_printable
from app.projections import REGISTRY
from db.sqlite import Connection

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
    address = " ".join(person.address.split())
    if len(address) > MAX_ADDRESS:
        raise InvalidInput(f"{role}.address", f"地址不超过 {MAX_ADDRESS} 个字 / address too long")
    check_printable(address, field=f"{role}.address", label="地址")
    body: dict[str, Any] = {
        "name": name,
        "id_type": ident.id_type.value,
        "id_number": ident.number,
        "phone": phone.normalised,
        "address": address,
    }
    if role == "agent":
        relationship = " ".join(person.relationship.split())
        if not relationship:
            raise InvalidInput(
                "agent.relationship", "请填写代办人与申请人的关系 / the agent's relationship"
            )
        body["relationship"] = check_printable(
            relationship[:20], field="agent.relationship", label="关系"
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
