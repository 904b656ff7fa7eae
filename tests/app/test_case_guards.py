"""Guards found in review: a withdrawn item takes no new cases, pauses never overlap, a
director added after a session began can still authorise, and caches never mix ledgers."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app import calendar, cases, catalogue, staff
from app.desk import open_desk
from app.errors import InvalidInput, RuleRefused
from tests.app.case_helpers import LSJZ, MakeDesk, at, person
from tests.conftest import PASSPHRASE, FakeClock


def _all(desk, code):  # type: ignore[no-untyped-def]
    item = catalogue.get_item(desk.conn, code).item
    return {m.code: cases.MaterialTick("received") for m in item.materials}


def test_a_withdrawn_item_takes_no_new_case(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    catalogue.install_demo(desk)
    catalogue.withdraw(desk, LSJZ)
    with pytest.raises(RuleRefused, match="已停用"):
        cases.intake(desk, LSJZ, person(1), {})


def test_a_backdated_pause_cannot_overlap_the_last_one(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk, _ = make_desk()
    catalogue.install_demo(desk)
    at(clock, "2026-03-02")
    case_no = cases.intake(desk, LSJZ, person(1), _all(desk, LSJZ)).case_no
    cases.accept(desk, case_no)
    at(clock, "2026-03-04")
    cases.pause(desk, case_no, "inspection", "现场勘验")
    at(clock, "2026-03-09")
    cases.resume(desk, case_no)
    with pytest.raises(InvalidInput, match="上一次特别程序"):
        cases.pause(desk, case_no, "hearing", "听证", on=dt.date(2026, 3, 5))


def test_a_director_added_in_another_session_can_authorise(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk, _ = make_desk()
    catalogue.install_demo(desk)
    clerk_session = desk  # opened before the director exists
    admin = open_desk(desk.path, "admin", PASSPHRASE, clock=clock)
    staff.add_account(admin, "lisi", "李四", "director", "li pass 1234")
    admin.close()
    case_no = cases.intake(clerk_session, LSJZ, person(1), {}).case_no
    cases.issue_notice(clerk_session, case_no)
    override = cases.authorize_override(clerk_session, "lisi", "li pass 1234", "补充告知")
    assert override.director == "lisi"


def test_calendar_cache_never_mixes_two_ledgers(make_desk: MakeDesk) -> None:
    first, _ = make_desk(name="a.ledger")
    schedule = {
        "format": "clerkdesk-holidays",
        "version": 1,
        "years": [
            {
                "year": 2027,
                "source": "测试（非真实）",
                "holidays": [{"date": "2027-01-01", "name": "元旦"}],
                "workdays": [],
            }
        ],
    }
    calendar.import_file(first, json.dumps(schedule, ensure_ascii=False))
    assert calendar.load_calendar(first.conn).is_known(2027)
    first.close()
    second, _ = make_desk(name="b.ledger")  # may get the same id() as the closed connection
    assert not calendar.load_calendar(second.conn).is_known(2027)


def test_a_name_prefix_search_looks_at_the_most_recently_seen_people(
    make_desk: MakeDesk, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, _ = make_desk()
    catalogue.install_demo(desk)
    monkeypatch.setattr(cases, "NAME_SEARCH_PEOPLE", 2)
    numbers = []
    for n, day in enumerate(("2026-03-02", "2026-03-03", "2026-03-04")):
        at(clock, day)
        numbers.append(cases.intake(desk, LSJZ, person(n + 10, name="王秀英"), {}).case_no)
    found = [c.case_no for c in cases.search_cases(desk.conn, "王秀")]
    assert found == [numbers[2], numbers[1]]  # the oldest applicant falls outside the window
    assert [c.case_no for c in cases.search_cases(desk.conn, "王秀英")] == found
