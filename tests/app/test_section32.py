"""行政许可法第三十二条: no one-time notice by the fifth working day after receipt → the
application counts as accepted from the day the materials arrived. Every date below is
worked out by hand from the 2026 State Council schedule the desk's calendar is seeded with
(chinesecalendar); the first test checks the days these cases rely on.

Working days count from the day after receipt (民法典 §201); LSJZ (临时救助) has a committed
limit of 10 working days; the notice's return-by date is 15 working days after it.
"""

from __future__ import annotations

import chinese_calendar
import pytest

from app import cases, views
from app.desk import Desk
from app.errors import RuleRefused
from app.projections import projector
from db.ledger import rebuild_projections
from tests.app.case_helpers import (
    LSJZ,
    MakeDesk,
    all_received,
    at,
    case_kinds,
    day,
    demo_desk,
    event_count,
    new_case,
    snapshot,
)
from tests.conftest import FakeClock


def deemed_event(desk: Desk, case_no: str) -> dict[str, object]:
    (event,) = [
        e for e in cases.get_case(desk.conn, case_no).timeline if e.kind == "case.deemed_accepted"
    ]
    return dict(event.body)


def test_the_2026_days_these_cases_rely_on() -> None:
    # Mid-Autumn Festival (Fri 09-25) and National Day (10-01..10-07) are off; Sun 09-20 and
    # Sat 10-10 are make-up working days; March 2026 has only weekends off.
    assert not chinese_calendar.is_workday(day("2026-09-25"))
    assert all(not chinese_calendar.is_workday(day(f"2026-10-0{d}")) for d in range(1, 8))
    assert chinese_calendar.is_workday(day("2026-09-20"))
    assert chinese_calendar.is_workday(day("2026-10-10"))
    assert not chinese_calendar.is_workday(day("2026-03-14"))


def test_a_late_notice_across_a_weekend_deems_the_case_accepted_from_receipt(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    at(clock, "2026-03-06")
    no = new_case(desk, complete=False)  # received Fri 03-06
    # Working days after Fri 03-06: Mon 09 (1), 10 (2), 11 (3), 12 (4), Fri 13 (5): the notice
    # was due by Fri 03-13; the weekend 14/15 does not count. Given Mon 03-16: late.
    at(clock, "2026-03-16")
    notice = cases.issue_notice(desk, no)
    assert notice.late
    assert [i.code for i in notice.items]  # the late notice still lists what is missing
    assert case_kinds(desk, no)[-2:] == ["case.deemed_accepted", "case.notice_issued"]
    body = deemed_event(desk, no)
    # Deemed the first day past Fri 03-13 — Sat 03-14 — accepted as of receipt.
    assert (body["on"], body["deemed_accepted_on"], body["clock_start"]) == (
        "2026-03-14",
        "2026-03-06",
        "2026-03-06",
    )
    assert body["trigger"] == "notice"
    detail = cases.get_case(desk.conn, no)
    assert detail.state == "accepted" and detail.accepted_on == day("2026-03-14")
    assert detail.clock_start == day("2026-03-06")
    # 10 working days after Fri 03-06: 09 10 11 12 13 16 17 18 19 20 → Fri 03-20.
    assert detail.summary.due_on == day("2026-03-20")
    (row,) = [o for o in cases.open_cases(desk.conn, desk.today()) if o.case.case_no == no]
    assert row.deadline is not None and row.deadline.due_on == day("2026-03-20")
    assert row.deadline.workdays_left == 4 and row.notice_overdue  # 17 18 19 20 left

    # The materials arrive Wed 03-18: the clock does not restart.
    at(clock, "2026-03-18")
    cases.supplement(desk, no, all_received(desk, LSJZ))
    detail = cases.get_case(desk.conn, no)
    assert detail.clock_start == day("2026-03-06") and detail.summary.due_on == day("2026-03-20")
    # The acceptance document may still be issued; it keeps the deemed day and the clock.
    accepted = cases.accept(desk, no)
    assert accepted.accept_doc_no and accepted.accepted_on == day("2026-03-14")
    assert accepted.summary.due_on == day("2026-03-20")
    assert "accept" not in cases.allowed_actions(accepted)


@pytest.mark.parametrize(
    ("notice_on", "late"),
    [
        # Working days after Wed 09-30: 10-01..10-07 are National Day; Thu 10-08 (1), Fri 09
        # (2), Sat 10 make-up (3), Mon 12 (4), Tue 13 (5). Counting weekends only would give
        # Wed 10-07. Tue 10-13 is exactly the fifth working day: still in time.
        ("2026-10-13", False),
        ("2026-10-14", True),
    ],
)
def test_national_day_and_the_fifth_working_day(
    make_desk: MakeDesk, clock: FakeClock, notice_on: str, late: bool
) -> None:
    desk = demo_desk(make_desk)
    at(clock, "2026-09-30")
    no = new_case(desk, complete=False)
    at(clock, notice_on)
    notice = cases.issue_notice(desk, no)
    detail = cases.get_case(desk.conn, no)
    assert notice.late is late
    if not late:
        assert detail.state == "awaiting_correction" and detail.deemed_accepted_on is None
        assert "case.deemed_accepted" not in case_kinds(desk, no)
        assert detail.clock_start is None and detail.summary.due_on is None
        # Return by: 15 working days after Tue 10-13: 14 15 16 19 20 21 22 23 26 27 28 29 30,
        # 11-02, 11-03 → Tue 11-03. The next day the correction period has run out.
        assert detail.return_by == day("2026-11-03")
        at(clock, "2026-11-04")
        assert cases.lapse_overdue(desk) == [no]
        assert cases.get_case(desk.conn, no).state == "lapsed"
        return
    assert deemed_event(desk, no)["on"] == "2026-10-14"  # the day after Tue 10-13
    assert detail.state == "accepted" and detail.clock_start == day("2026-09-30")
    # 10 working days after Wed 09-30: 10-08 09 10 12 13 14 15 16 19 20 → Tue 10-20.
    assert detail.summary.due_on == day("2026-10-20")
    at(clock, "2026-11-20")  # long past the notice's return-by date (11-04)
    assert cases.lapse_overdue(desk) == []
    assert cases.get_case(desk.conn, no).state == "accepted"


def test_lapse_overdue_closes_lapsed_cases_and_never_a_deemed_one(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    at(clock, "2026-03-02")  # every case received Mon 03-02: the notice is due by Mon 03-09
    timely = new_case(desk, complete=False, n=1)
    cases.issue_notice(desk, timely)  # on the spot; return by 03-23 (15 working days)
    silent = new_case(desk, complete=False, n=2)  # never told anything
    late = new_case(desk, complete=False, n=3)
    complete = new_case(desk, n=4)  # a complete file nobody accepted
    on_fifth = new_case(desk, n=5)
    at(clock, "2026-03-09")
    cases.accept(desk, on_fifth)  # accepted on the fifth working day: not deemed
    at(clock, "2026-03-10")
    cases.issue_notice(desk, late, return_by=day("2026-03-17"))
    before = snapshot(desk)

    at(clock, "2026-03-24")  # timely's and late's return-by dates have passed
    assert cases.lapse_overdue(desk) == [timely]
    state = {no: cases.get_case(desk.conn, no) for no in (timely, silent, late, complete)}
    assert state[timely].state == "lapsed"
    for no in (silent, late, complete):
        d = state[no]
        assert d.state == "accepted" and d.deemed_accepted_on == day("2026-03-02")
        assert d.accepted_on == day("2026-03-10")  # the day after Mon 03-09
        # 10 working days after Mon 03-02: 03 04 05 06 09 10 11 12 13 16 → Mon 03-16.
        assert d.summary.due_on == day("2026-03-16")
    assert deemed_event(desk, silent)["trigger"] == "sweep"
    assert deemed_event(desk, late)["trigger"] == "notice"
    fifth = cases.get_case(desk.conn, on_fifth)
    assert fifth.deemed_accepted_on is None and fifth.clock_start == day("2026-03-09")
    # Overdue on the board, red: 03-16 was 6 working days ago (17 18 19 20 23 24).
    lights = {o.case.case_no: o.deadline for o in cases.open_cases(desk.conn, desk.today())}
    assert lights[silent] is not None and lights[silent].workdays_left == -6
    assert lights[silent].level == "red"
    # Run again: nothing more happens.
    events = event_count(desk)
    assert cases.lapse_overdue(desk) == [] and event_count(desk) == events
    # Never closed for missing materials, whatever the button pressed.
    with pytest.raises(RuleRefused) as refused:
        cases.lapse(desk, late)
    assert "第三十二条" in str(refused.value)
    assert event_count(desk) == events
    assert before != snapshot(desk)
    after = snapshot(desk)
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == after


def test_before_the_sweep_the_board_and_the_case_screen_already_see_the_deeming(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)  # Mon 03-02; notice due by Mon 03-09
    at(clock, "2026-03-09")
    (row,) = cases.open_cases(desk.conn, desk.today())
    assert row.deadline is None and not row.notice_overdue  # the fifth day: still in time
    assert "reject" in views.case_view(desk.conn, no, desk.today()).actions
    at(clock, "2026-03-12")
    (row,) = cases.open_cases(desk.conn, desk.today())
    assert row.notice_overdue and row.case.state == "accepted"
    assert row.deadline is not None and row.deadline.due_on == day("2026-03-16")
    assert row.deadline.workdays_left == 2  # 13, 16
    view = views.case_view(desk.conn, no, desk.today())
    assert view.deadline is not None and view.deadline.due_on == day("2026-03-16")
    # What may be done with an accepted case, plus its notice, materials and acceptance
    # document; no 不予受理, no 补正逾期.
    assert view.actions == (
        "notice",
        "supplement",
        "accept",
        "forward",
        "pause",
        "complete",
        "withdraw",
    )
    events = event_count(desk)
    with pytest.raises(RuleRefused) as refused:
        cases.reject(desk, no, "不属于本中心受理范围", "请到县民政局办理")
    assert "视为受理" in str(refused.value)
    assert event_count(desk) == events  # the refusal writes nothing, not even the deeming
    assert case_kinds(desk, no) == ["case.received"]
    # A special procedure is possible: the deeming is recorded first, dated Tue 03-10.
    paused = cases.pause(desk, no, "inspection", "入户调查")
    assert paused.summary.paused and paused.accepted_on == day("2026-03-10")
    assert case_kinds(desk, no)[-2:] == ["case.deemed_accepted", "case.paused"]


def test_a_paper_notice_entered_later_keeps_its_business_date(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    on_paper = new_case(desk, complete=False, n=1)  # Mon 03-02
    swept = new_case(desk, complete=False, n=2)
    at(clock, "2026-03-12")
    # 补录: the notice was handed over on Fri 03-06, within the five working days.
    cases.issue_notice(desk, on_paper, on=day("2026-03-06"))
    assert cases.get_case(desk.conn, on_paper).state == "awaiting_correction"
    assert cases.deem_overdue(desk) == [swept]
    # Once the ledger says it was deemed accepted, a notice dated in time cannot follow.
    events = event_count(desk)
    with pytest.raises(RuleRefused) as refused:
        cases.issue_notice(desk, swept, on=day("2026-03-06"))
    assert "视为受理" in str(refused.value)
    assert event_count(desk) == events


def test_the_lapse_command_over_lapsed_and_deemed_cases(
    make_desk: MakeDesk,
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`clerkdesk case lapse-overdue`, the start-of-day command, on the desk's clock: the one
    told in time and silent since is closed; the ones §32 deems accepted are recorded as such
    and stay open with their clock running from receipt."""
    import json

    from tests.app.test_cli import clerkdesk
    from tests.conftest import PASSPHRASE

    desk = demo_desk(make_desk)
    at(clock, "2026-03-02")
    timely = new_case(desk, complete=False, n=1)
    cases.issue_notice(desk, timely)  # on the spot; return by 03-23 (15 working days)
    silent = new_case(desk, complete=False, n=2)  # never told: deemed from Tue 03-10
    path = desk.path
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    at(clock, "2026-03-24")

    def command(*argv: str) -> tuple[int, str, str]:
        return clerkdesk(capsys, monkeypatch, *argv, "--ledger", str(path), "--user", "admin")

    code, out, err = command("case", "lapse-overdue", "--json")
    assert code == 0, err
    assert json.loads(out) == {"deemed_accepted": [silent], "lapsed": [timely]}
    code, out, err = command("case", "lapse-overdue", "--json")
    assert (code, json.loads(out)) == (0, {"deemed_accepted": [], "lapsed": []})
    code, out, _ = command("case", "show", silent)
    assert code == 0 and "视为受理  2026-03-02（行政许可法第三十二条：逾期未告知）" in out
    assert "状态      已受理" in out and "承诺办结  2026-03-16" in out
    code, out, _ = command("case", "list", "--open", "--json")
    board = {c["case_no"]: c for c in json.loads(out)}
    assert timely not in board
    # 10 working days from Mon 03-02 → Mon 03-16, six working days overdue on 03-24: red.
    assert board[silent]["due_on"] == "2026-03-16" and board[silent]["light"] == "red"
