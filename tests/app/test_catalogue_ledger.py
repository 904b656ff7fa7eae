"""The service catalogue as the ledger holds it: published versions, no-op republishing,
all-or-nothing imports, who may import, search, and cases keeping their item version."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from app import cases, catalogue
from app.catalogue_model import (
    Catalogue,
    TimeLimit,
    demo_catalogue_text,
    dump_catalogue,
    load_demo_catalogue,
    parse_catalogue,
)
from app.desk import verify_desk
from app.errors import InvalidInput, NotFound, PermissionDenied
from app.projections import projector
from db.ledger import rebuild_projections
from tests.app.case_helpers import (
    CLERK,
    CLERK_PASS,
    DBSQ,
    DIRECTOR,
    DIRECTOR_PASS,
    LSJZ,
    MakeDesk,
    all_received,
    day,
    demo_desk,
    event_count,
    new_case,
    person,
    session,
    snapshot,
)
from tests.conftest import FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")


def published_events(desk_conn: Any) -> list[tuple[str, int]]:
    rows = desk_conn.execute(
        "SELECT json_extract(body, '$.item.code'), json_extract(body, '$.version') "
        "FROM events WHERE kind = 'catalogue.item_published' ORDER BY seq"
    )
    return [(r[0], r[1]) for r in rows]


def changed_demo(**changes: Any) -> Catalogue:
    """The demo catalogue with 临时救助 (LSJZ) changed."""
    demo = load_demo_catalogue()
    items = tuple(
        dataclasses.replace(item, **changes) if item.code == LSJZ else item for item in demo.items
    )
    return dataclasses.replace(demo, items=items)


def test_install_demo_publishes_every_item_once(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    assert not catalogue.is_demo(desk.conn)
    codes = catalogue.install_demo(desk)
    demo = load_demo_catalogue()
    assert len(codes) >= 20
    assert codes == [item.code for item in demo.items]
    assert published_events(desk.conn) == [(c, 1) for c in codes]
    current = catalogue.current_items(desk.conn)
    assert sorted(p.item.code for p in current) == sorted(codes)
    assert all(p.version == 1 and p.demo for p in current)
    assert catalogue.is_demo(desk.conn)  # shown as demo data in the app
    assert catalogue.get_item(desk.conn, DBSQ).item == demo.get(DBSQ)


def test_republishing_an_unchanged_catalogue_writes_nothing(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    before = event_count(desk)
    assert catalogue.install_demo(desk) == []
    with session(desk, DIRECTOR, DIRECTOR_PASS, clock) as director:
        assert catalogue.import_text(director, demo_catalogue_text()) == []
        assert catalogue.publish(director, load_demo_catalogue()) == []
    assert event_count(desk) == before


def test_a_changed_item_is_version_2_and_old_cases_keep_version_1(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    old_case = new_case(desk, LSJZ, n=1)  # Mon 2026-03-02, under version 1 (10 wd)
    before = event_count(desk)
    changed = changed_demo(name="临时救助（急难型）", committed_limit=TimeLimit(8, "working"))
    with session(desk, DIRECTOR, DIRECTOR_PASS, clock) as director:
        assert catalogue.import_text(director, dump_catalogue(changed)) == [LSJZ]
    assert event_count(desk) == before + 1
    assert published_events(desk.conn)[-1] == (LSJZ, 2)

    current = catalogue.get_item(desk.conn, LSJZ)
    assert (current.version, current.item.name, current.item.committed_limit.days) == (
        2,
        "临时救助（急难型）",
        8,
    )
    first = catalogue.get_item(desk.conn, LSJZ, 1)
    assert (first.version, first.item.name) == (1, "临时救助")
    with pytest.raises(NotFound):
        catalogue.get_item(desk.conn, LSJZ, 3)

    old = cases.accept(desk, old_case)
    assert (old.item_version, old.summary.item_name, old.limit_days) == (1, "临时救助", 10)
    # 10 wd from Mon 03-02: 03-03..03-06, 03-09..03-13, 03-16 → Mon 03-16.
    assert old.summary.due_on == day("2026-03-16")

    new = cases.accept(desk, new_case(desk, LSJZ, n=2))
    assert (new.item_version, new.summary.item_name, new.limit_days) == (2, "临时救助（急难型）", 8)
    # 8 wd from Mon 03-02: 03-03..03-06 (1-4), 03-09..03-12 (5-8) → Thu 03-12.
    assert new.summary.due_on == day("2026-03-12")

    # Search follows the catalogue at once.
    assert [i.code for i in catalogue.search(desk.conn, "急难")] == [LSJZ]
    # Projections rebuilt from the events keep both versions exactly.
    snap = snapshot(desk)
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == snap
    assert verify_desk(desk).ok


def test_a_bad_catalogue_file_is_refused_whole(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    doc = json.loads(demo_catalogue_text())
    doc["items"][2]["name"] = "临时救助（已改名）"  # a valid change to LSJZ ...
    doc["items"][5]["item_type"] = "99"  # ... and a broken item further down
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    before = event_count(desk)
    with session(desk, DIRECTOR, DIRECTOR_PASS, clock) as director:
        with pytest.raises(InvalidInput) as err:
            catalogue.import_text(director, text)
        assert err.value.field == "items[5].item_type"
        assert "行" in str(err.value)  # the line at fault
        for junk in ("", "{", "[]", '{"format": "clerkdesk-catalogue/1"}'):
            with pytest.raises(InvalidInput):
                catalogue.import_text(director, junk)
    assert event_count(desk) == before
    assert catalogue.get_item(desk.conn, LSJZ).item.name == "临时救助"
    assert catalogue.get_item(desk.conn, LSJZ).version == 1


def test_a_clerk_cannot_import_or_withdraw_but_a_director_can(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    text = dump_catalogue(changed_demo(fee="工本费 20 元"))
    before = event_count(desk)
    with session(desk, CLERK, CLERK_PASS, clock) as clerk:
        with pytest.raises(PermissionDenied):
            catalogue.import_text(clerk, text)
        with pytest.raises(PermissionDenied):
            catalogue.publish(clerk, parse_catalogue(text))
        with pytest.raises(PermissionDenied):
            catalogue.withdraw(clerk, LSJZ)
        # Searching is for everyone.
        assert catalogue.search(clerk.conn, "dbsq")[0].code == DBSQ
    assert event_count(desk) == before
    with session(desk, DIRECTOR, DIRECTOR_PASS, clock) as director:
        assert catalogue.import_text(director, text) == [LSJZ]
        catalogue.withdraw(director, LSJZ)
        last = director.conn.execute(
            "SELECT kind, actor FROM events ORDER BY seq DESC LIMIT 2"
        ).fetchall()
        assert [tuple(r) for r in last] == [
            ("catalogue.item_withdrawn", DIRECTOR),
            ("catalogue.item_published", DIRECTOR),
        ]
    assert LSJZ not in {p.item.code for p in catalogue.current_items(desk.conn)}
    assert LSJZ not in {i.code for i in catalogue.search(desk.conn, "临时救助")}
    # Publishing it again brings it back as a new version.
    catalogue.publish(desk, changed_demo(fee="工本费 20 元"))
    assert catalogue.get_item(desk.conn, LSJZ).version == 3


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("dbsq", DBSQ),  # pinyin initials of the keyword 低保申请
        ("zdshbz", DBSQ),  # initials of 最低生活保障
        ("低保", DBSQ),
        ("512B0003600029", DBSQ),
        ("512b0003600031", LSJZ),
        ("lsjz", LSJZ),
    ],
)
def test_search_finds_items_by_code_name_and_pinyin(
    make_desk: MakeDesk, query: str, code: str
) -> None:
    desk = demo_desk(make_desk)
    found = catalogue.search(desk.conn, query)
    assert found, query
    assert found[0].code == code
    if query == "dbsq":
        assert found[0].name == "最低生活保障"


def test_export_gives_back_the_current_items(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    exported = parse_catalogue(catalogue.export_text(desk.conn))
    assert exported.demo
    assert {i.code: i for i in exported.items} == {
        p.item.code: p.item for p in catalogue.current_items(desk.conn)
    }


def test_intake_of_an_unknown_item_is_not_found_and_writes_nothing(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    before = event_count(desk)
    with pytest.raises(NotFound):
        cases.intake(desk, "NO-SUCH-ITEM", person(1), all_received(desk, LSJZ))
    assert event_count(desk) == before
