"""The desk's identity: which centre, which desk number, which ledger. Set once, by the first
event of every ledger (`ledger.created`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InvalidInput
from app.identity import check_text
from app.projections import REGISTRY
from db.ledger import ChainIdentity, Event
from db.sqlite import Connection

REGISTRY.own_tables("desk")

_DIVISION_CODE = re.compile(r"^\d{9}(\d{3})?$")
MAX_DESKS = 99


@dataclass(frozen=True)
class DeskProfile:
    ledger_id: str
    centre_code: str
    centre_name: str
    desk_no: int
    created_at: str
    last_backup_at: str | None
    key_rotated_at: str | None

    @property
    def desk_id(self) -> str:
        return desk_id(self.centre_code, self.desk_no)

    @property
    def chain_identity(self) -> ChainIdentity:
        """What every v2 event hash binds the chain to (docs/ledger-format.md)."""
        return ChainIdentity(self.ledger_id, self.desk_id)


def desk_id(centre_code: str, desk_no: int) -> str:
    """Globally unique name of a desk: centre division code + desk number."""
    return f"{centre_code}-{desk_no:02d}"


def check_centre_code(raw: str) -> str:
    code = raw.strip()
    if not _DIVISION_CODE.match(code):
        raise InvalidInput(
            "centre_code",
            "中心代码应为 9 位乡镇级行政区划代码（如 510421100） / the centre code is the "
            "9-digit township division code, e.g. 510421100",
        )
    return code


def check_centre_name(raw: str) -> str:
    name = check_text(raw, "centre_name", "中心名称", 60, required=False)
    if not 2 <= len(name) <= 60:
        raise InvalidInput(
            "centre_name", "中心名称应为 2 至 60 个字 / the centre name is 2-60 chars"
        )
    return name


def check_desk_no(desk_no: int) -> int:
    if not 1 <= desk_no <= MAX_DESKS:
        raise InvalidInput("desk_no", f"窗口台号应为 1 至 {MAX_DESKS} / desk number 1-{MAX_DESKS}")
    return desk_no


@REGISTRY.on("ledger.created")
def _ledger_created(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO desk (singleton, ledger_id, centre_code, centre_name, desk_no, created_at) "
        "VALUES (1, ?, ?, ?, ?, ?)",
        (b["ledger_id"], b["centre_code"], b["centre_name"], b["desk_no"], event.at),
    )


@REGISTRY.on("ledger.backed_up")
def _backed_up(conn: Connection, event: Event) -> None:
    conn.execute("UPDATE desk SET last_backup_at = ?", (event.at,))


@REGISTRY.on("ledger.key_rotated")
def _key_rotated(conn: Connection, event: Event) -> None:
    conn.execute("UPDATE desk SET key_rotated_at = ?", (event.at,))


def load_profile(conn: Connection) -> DeskProfile:
    row = conn.execute(
        "SELECT ledger_id, centre_code, centre_name, desk_no, created_at, last_backup_at, "
        "key_rotated_at FROM desk"
    ).fetchone()
    if row is None:
        raise LookupError("the ledger has no ledger.created event")
    return DeskProfile(*row)
