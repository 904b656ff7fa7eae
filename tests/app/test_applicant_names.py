"""An applicant's identity kept as recorded: each case keeps the name (phone, address) its
intake recorded and its receipt printed; an ID number known under another name is refused
until the clerk confirms a correction (更正) or a change of name (改名) with a reason, an
event of its own with who and why."""

from __future__ import annotations

import pytest

from app import applicants, cases, slips
from app.applicants import NameChange, NameConflict, Person
from app.errors import InvalidInput
from app.projections import projector
from db.ledger import rebuild_projections
from printing.forms import receipt_pdf
from tests.app.case_helpers import (
    DBSQ,
    LSJZ,
    MakeDesk,
    all_received,
    demo_desk,
    event_count,
    person,
    resident_id,
    snapshot,
)
from tests.printing.pdfcheck import flat_text


def _renamed(n: int, name: str) -> Person:
    return Person(name, "resident_id", resident_id(n), person(n).phone, "米易县丙谷镇")


def test_a_known_id_under_another_name_is_refused_naming_both_and_writes_nothing(
    make_desk: MakeDesk,
) -> None:
    desk = demo_desk(make_desk)
    first = cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ)).case_no
    before = event_count(desk)
    with pytest.raises(NameConflict) as err:
        cases.intake(desk, DBSQ, _renamed(1, "李秀"), all_received(desk, DBSQ))
    message = str(err.value)
    assert "“李秀英”" in message and "“李秀”" in message
    assert "更正" in message and "改名" in message
    assert resident_id(1) not in message  # masked
    assert (err.value.recorded, err.value.typed) == ("李秀英", "李秀")
    assert event_count(desk) == before
    assert cases.get_case(desk.conn, first).summary.applicant_name == "李秀英"


@pytest.mark.parametrize("kind", ["correction", "change"])
def test_a_confirmed_change_is_its_own_event_and_earlier_cases_keep_their_name(
    make_desk: MakeDesk, kind: str
) -> None:
    desk = demo_desk(make_desk)
    first = cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ)).case_no
    cases.accept(desk, first)
    change = NameChange(kind, "户口簿变更页已核对")
    second = cases.intake(
        desk, DBSQ, _renamed(1, "李秀"), all_received(desk, DBSQ), name_change=change
    ).case_no
    new = cases.get_case(desk.conn, second)
    event = next(e for e in new.timeline if e.kind == "applicant.renamed")
    assert event.actor == desk.user.username
    assert event.body["old_name"] == "李秀英" and event.body["new_name"] == "李秀"
    assert (event.body["kind"], event.body["reason"]) == (kind, "户口簿变更页已核对")
    # Every view of the earlier case, and its reprinted receipt, keep the name it was issued.
    old = cases.get_case(desk.conn, first)
    assert old.summary.applicant_name == "李秀英" and old.applicant.name == "李秀英"
    assert old.applicant.address == "米易县攀莲镇"
    listed = {c.case_no: c.applicant_name for c in cases.list_cases(desk.conn, limit=10)}
    assert listed == {first: "李秀英", second: "李秀"}
    reprint = flat_text(receipt_pdf(slips.receipt_data(desk, first)))
    assert "李秀英" in reprint
    assert applicants.find_by_id_number(desk.conn, resident_id(1))[0].name == "李秀"
    # A third intake under the new name needs no confirmation.
    cases.intake(desk, LSJZ, _renamed(1, "李秀"), all_received(desk, LSJZ))
    before = snapshot(desk)
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (NameChange("rename", "x"), "name_change.kind"),
        (NameChange("correction", "  "), "name_change.reason"),
    ],
)
def test_a_confirmation_needs_a_known_kind_and_a_reason(
    make_desk: MakeDesk, change: NameChange, field: str
) -> None:
    desk = demo_desk(make_desk)
    cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ))
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.intake(desk, DBSQ, _renamed(1, "李秀"), all_received(desk, DBSQ), name_change=change)
    assert err.value.field == field
    assert event_count(desk) == before


def test_the_same_name_or_a_new_id_records_no_change(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ))
    again = cases.intake(
        desk, DBSQ, person(1), all_received(desk, DBSQ), name_change=NameChange("change", "x")
    ).case_no
    kinds = [e.kind for e in cases.get_case(desk.conn, again).timeline]
    assert "applicant.renamed" not in kinds
