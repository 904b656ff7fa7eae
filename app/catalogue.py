"""The service catalogue as the ledger holds it: every published version of every item.

A case records the (code, version) it was received under, so later edits of the catalogue
never change what an old receipt or notice said. Publishing an unchanged item is a no-op.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.catalogue_model import (
    Catalogue,
    CatalogueIndex,
    ServiceItem,
    dump_catalogue,
    load_demo_catalogue,
    parse_catalogue,
)
from app.errors import NotFound
from app.permissions import require
from app.projections import REGISTRY
from db.ledger import Event, canonical_json, last_event_of
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("catalogue_items")


@dataclass(frozen=True)
class PublishedItem:
    item: ServiceItem
    version: int
    demo: bool
    published_at: str
    withdrawn: bool = False


@REGISTRY.on("catalogue.item_published")
def _published(conn: Connection, event: Event) -> None:
    b = event.body
    item = ServiceItem.from_dict(b["item"])
    conn.execute("UPDATE catalogue_items SET current = 0 WHERE code = ?", (item.code,))
    conn.execute(
        "INSERT INTO catalogue_items (code, version, name, item, demo, published_at, current) "
        "VALUES (?, ?, ?, ?, ?, ?, 1)",
        (
            item.code,
            b["version"],
            item.name,
            canonical_json(b["item"]),
            int(b["demo"]),
            event.at,
        ),
    )


@REGISTRY.on("catalogue.item_withdrawn")
def _withdrawn(conn: Connection, event: Event) -> None:
    conn.execute(
        "UPDATE catalogue_items SET withdrawn = 1 WHERE code = ? AND current = 1",
        (event.body["code"],),
    )


def _row_to_item(row: tuple[object, ...]) -> PublishedItem:
    item_json, version, demo, published_at, withdrawn = row
    return PublishedItem(
        ServiceItem.from_dict(json.loads(str(item_json))),
        int(str(version)),
        bool(demo),
        str(published_at),
        bool(withdrawn),
    )


def current_items(conn: Connection, include_withdrawn: bool = False) -> list[PublishedItem]:
    sql = (
        "SELECT item, version, demo, published_at, withdrawn FROM catalogue_items WHERE current = 1"
    )
    if not include_withdrawn:
        sql += " AND withdrawn = 0"
    return [_row_to_item(tuple(r)) for r in conn.execute(sql + " ORDER BY code")]


def get_item(conn: Connection, code: str, version: int | None = None) -> PublishedItem:
    if version is None:
        row = conn.execute(
            "SELECT item, version, demo, published_at, withdrawn FROM catalogue_items "
            "WHERE code = ? AND current = 1",
            (code,),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT item, version, demo, published_at, withdrawn FROM catalogue_items "
            "WHERE code = ? AND version = ?",
            (code, version),
        ).fetchone()
    if row is None:
        raise NotFound(f"目录中没有事项 {code} / no catalogue item {code}")
    return _row_to_item(tuple(row))


def is_demo(conn: Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM catalogue_items WHERE current = 1 AND demo = 1"
    ).fetchone()
    return bool(row[0])


def publish(desk: Desk, catalogue: Catalogue) -> list[str]:
    """Publish every item that is new or changed, in one transaction. Returns their codes."""
    require(desk.user.role, "catalogue.edit")
    return _publish(desk, catalogue)


def _publish(desk: Desk, catalogue: Catalogue) -> list[str]:
    changed: list[str] = []
    with desk.ledger.write() as w:
        for item in catalogue.items:
            body = item.to_dict()
            row = desk.conn.execute(
                "SELECT item, version, withdrawn FROM catalogue_items "
                "WHERE code = ? AND current = 1",
                (item.code,),
            ).fetchone()
            if row is not None and json.loads(row[0]) == body and not row[2]:
                continue
            version = 1 if row is None else int(row[1]) + 1
            w.append(
                "catalogue.item_published",
                f"catalogue/{item.code}",
                {"item": body, "version": version, "demo": catalogue.demo},
                desk.user.username,
            )
            changed.append(item.code)
    return changed


def import_text(desk: Desk, text: str) -> list[str]:
    """Parse a catalogue file (all or nothing) and publish what it changes."""
    require(desk.user.role, "catalogue.edit")
    return _publish(desk, parse_catalogue(text))


def install_demo(desk: Desk) -> list[str]:
    """The bundled demo catalogue, marked as demo data wherever it shows."""
    return _publish(desk, load_demo_catalogue())


def withdraw(desk: Desk, code: str) -> None:
    require(desk.user.role, "catalogue.edit")
    get_item(desk.conn, code)
    desk.ledger.append(
        "catalogue.item_withdrawn", f"catalogue/{code}", {"code": code}, desk.user.username
    )


def export_text(conn: Connection, name: str = "本中心事项目录") -> str:
    published = current_items(conn)
    return dump_catalogue(
        Catalogue(
            name=name,
            version_label="导出",
            demo=any(p.demo for p in published),
            issued_by="ClerkDesk",
            items=tuple(p.item for p in published),
        )
    )


_index_cache: dict[int, tuple[str, CatalogueIndex]] = {}


def search(conn: Connection, query: str, limit: int = 20) -> list[ServiceItem]:
    """Code, name or pinyin initials (`dbsq` → 低保申请); the index is rebuilt only after the
    catalogue changed."""
    generation = last_event_of(conn, ("catalogue.item_published", "catalogue.item_withdrawn"))
    cached = _index_cache.get(id(conn))
    if cached is None or cached[0] != generation:
        cached = (generation, CatalogueIndex(p.item for p in current_items(conn)))
        _index_cache[id(conn)] = cached
    return cached[1].search(query, limit)
