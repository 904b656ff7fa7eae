"""Cases (办件): the state machine, the one-time notice rule, 行政许可法 §32, case and
document numbers, applicants, search, business dates (补录) and the ledger behind it all."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import applicants, calendar, cases, catalogue, staff
from app import settings as desk_settings
from app.applicants import Person
from app.cases import STATE_LABELS, TRANSITIONS, NoticeItem, NoticeOverride
from app.catalogue_model import TimeLimit, load_demo_catalogue
from app.desk import Desk, verify_desk
from app.errors import InvalidInput, PermissionDenied, RuleRefused
from app.identity import resident_id_check_char
from app.projections import projector
from db.errors import WrongPassphrase
from db.ledger import rebuild_projections
from tests.app.case_helpers import (
    CLERK,
    CLERK_PASS,
    DBSQ,
    DIRECTOR,
    DIRECTOR_PASS,
    LSJZ,
    YLBX,
    MakeDesk,
    all_received,
    at,
    case_in_state,
    case_kinds,
    day,
    demo_desk,
    event_count,
    mobile,
    new_case,
    person,
    resident_id,
    schedule_2027,
    session,
    snapshot,
    tick,
)
from tests.conftest import PASSPHRASE, FakeClock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")

ALL_STATES = tuple(STATE_LABELS)
CLOSED_STATES = ("completed", "rejected", "withdrawn", "lapsed")


def attempt(desk: Desk, action: str, case_no: str) -> object:
    """Each transition with valid arguments, so only the desk rules can refuse it."""
    if action == "notice":
        detail = cases.get_case(desk.conn, case_no, with_timeline=False)
        override = (
            cases.authorize_override(desk, DIRECTOR, DIRECTOR_PASS, "申请人提交的材料出现新问题")
            if detail.notices
            else None
        )
        extra = [NoticeItem("家庭情况说明", "未提供", "请村委会出具并盖章")]
        return cases.issue_notice(desk, case_no, extra=extra, override=override)
    if action == "supplement":
        return cases.supplement(desk, case_no, tick("M02"))
    if action == "accept":
        return cases.accept(desk, case_no, all_received(desk, LSJZ))
    if action == "reject":
        return cases.reject(desk, case_no, "不属于本中心受理范围", "请到县民政局办理")
    if action == "forward":
        return cases.forward(desk, case_no, "民政办", "请入户调查")
    if action == "pause":
        return cases.pause(desk, case_no, "public_notice", "公示七天")
    if action == "resume":
        return cases.resume(desk, case_no)
    if action == "complete":
        return cases.complete(desk, case_no, "approved", "window", "救助金发放通知书", "LS-001")
    if action == "withdraw":
        return cases.withdraw(desk, case_no, "申请人自愿撤回")
    if action == "lapse":
        return cases.lapse(desk, case_no)
    raise AssertionError(action)


# -- the state machine -------------------------------------------------------------------------


@pytest.mark.parametrize("state", ALL_STATES)
def test_every_refused_transition_names_the_state_and_writes_nothing(
    make_desk: MakeDesk, state: str
) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, state)
    refused = [a for a, (_, allowed) in TRANSITIONS.items() if state not in allowed]
    assert refused, "every state refuses something"
    for action in refused:
        before = event_count(desk)
        with pytest.raises(RuleRefused) as err:
            attempt(desk, action, no)
        message = str(err.value)
        assert f"“{STATE_LABELS[state]}”" in message, (action, message)
        assert f"不能{TRANSITIONS[action][0]}" in message, (action, message)
        assert event_count(desk) == before, action
        assert cases.get_case(desk.conn, no).state == state


@pytest.mark.parametrize("state", CLOSED_STATES)
def test_a_closed_case_accepts_nothing_further(make_desk: MakeDesk, state: str) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, state)
    before = event_count(desk)
    for action in TRANSITIONS:
        with pytest.raises(RuleRefused):
            attempt(desk, action, no)
    assert event_count(desk) == before
    detail = cases.get_case(desk.conn, no)
    assert not detail.summary.is_open
    assert detail.closed_on == desk.today()
    assert detail.outcome == ("approved" if state == "completed" else state)


# (action, state before, paused before, event kind, state after, paused after)
ALLOWED = [
    ("notice", "received", False, "case.notice_issued", "awaiting_correction", False),
    ("notice", "awaiting_correction", False, "case.notice_issued", "awaiting_correction", False),
    ("supplement", "received", False, "case.materials_updated", "received", False),
    (
        "supplement",
        "awaiting_correction",
        False,
        "case.materials_updated",
        "awaiting_correction",
        False,
    ),
    ("accept", "received", False, "case.accepted", "accepted", False),
    ("accept", "awaiting_correction", False, "case.accepted", "accepted", False),
    ("reject", "received", False, "case.rejected", "rejected", False),
    ("reject", "awaiting_correction", False, "case.rejected", "rejected", False),
    ("forward", "accepted", False, "case.forwarded", "in_handling", False),
    ("pause", "accepted", False, "case.paused", "accepted", True),
    ("pause", "in_handling", False, "case.paused", "in_handling", True),
    ("resume", "accepted", True, "case.resumed", "accepted", False),
    ("resume", "in_handling", True, "case.resumed", "in_handling", False),
    ("complete", "accepted", False, "case.completed", "completed", False),
    ("complete", "in_handling", False, "case.completed", "completed", False),
    ("withdraw", "received", False, "case.withdrawn", "withdrawn", False),
    ("withdraw", "awaiting_correction", False, "case.withdrawn", "withdrawn", False),
    ("withdraw", "accepted", False, "case.withdrawn", "withdrawn", False),
    ("withdraw", "in_handling", False, "case.withdrawn", "withdrawn", False),
    ("withdraw", "in_handling", True, "case.withdrawn", "withdrawn", False),
    ("lapse", "awaiting_correction", False, "case.lapsed", "lapsed", False),
]


def test_the_allowed_list_covers_every_allowed_transition() -> None:
    covered = {(action, state) for action, state, *_ in ALLOWED}
    declared = {(a, s) for a, (_, states) in TRANSITIONS.items() for s in states}
    assert covered == declared


@pytest.mark.parametrize(
    ("action", "state", "paused", "kind", "after", "paused_after"),
    ALLOWED,
    ids=[f"{a}-{s}{'-paused' if p else ''}" for a, s, p, *_ in ALLOWED],
)
def test_every_allowed_transition_is_one_attributed_event(
    make_desk: MakeDesk,
    clock: FakeClock,
    action: str,
    state: str,
    paused: bool,
    kind: str,
    after: str,
    paused_after: bool,
) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, state, paused=paused)
    if action == "lapse":
        return_by = cases.get_case(desk.conn, no).return_by
        assert return_by is not None
        clock.current += return_by - desk.today() + dt.timedelta(days=1)
    with session(desk, CLERK, CLERK_PASS, clock) as clerk:
        before = event_count(clerk)
        attempt(clerk, action, no)
        assert event_count(clerk) == before + 1
        detail = cases.get_case(clerk.conn, no)
    last = detail.timeline[-1]
    assert (last.kind, last.actor, last.subject) == (kind, CLERK, f"case/{no}")
    assert last.body["case_no"] == no
    assert last.body["on"] == desk.today().isoformat()
    assert (detail.state, detail.summary.paused and detail.summary.is_open) == (
        after,
        paused_after,
    )


@pytest.mark.parametrize("state", ["accepted", "in_handling"])
def test_a_paused_case_cannot_be_completed_forwarded_or_paused_again(
    make_desk: MakeDesk, state: str
) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, state, paused=True)
    assert (
        cases.get_case(desk.conn, no).summary.state_label == f"{STATE_LABELS[state]}（特别程序中）"
    )
    before = event_count(desk)
    for action in ("complete", "pause", "forward"):
        with pytest.raises(RuleRefused) as err:
            attempt(desk, action, no)
        assert STATE_LABELS[state] in str(err.value), action
        if action != "forward" or state == "accepted":
            assert "特别程序中" in str(err.value), action
    assert event_count(desk) == before


@pytest.mark.parametrize("state", ["accepted", "in_handling"])
def test_resume_when_not_paused_is_refused(make_desk: MakeDesk, state: str) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, state)
    before = event_count(desk)
    with pytest.raises(RuleRefused) as err:
        cases.resume(desk, no)
    assert STATE_LABELS[state] in str(err.value)
    assert "没有进行中的特别程序" in str(err.value)
    assert event_count(desk) == before


def test_a_withdrawn_paused_case_reads_as_withdrawn(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, "withdrawn", paused=True)
    summary = cases.get_case(desk.conn, no).summary
    assert summary.state_label == "已撤回"
    assert no not in {o.case.case_no for o in cases.open_cases(desk.conn, desk.today())}


def test_accept_with_a_required_material_missing_is_refused(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    ticks = tick("M01", "M02", "M03", "M04", "M05")  # 银行账户信息 (M09) not handed over
    result = cases.intake(desk, DBSQ, person(), ticks)
    assert not result.complete
    before = event_count(desk)
    with pytest.raises(RuleRefused) as err:
        cases.accept(desk, result.case_no)
    assert "材料不齐" in str(err.value)
    assert "银行账户信息" in str(err.value)
    assert event_count(desk) == before
    assert cases.get_case(desk.conn, result.case_no).state == "received"
    # Handing it over at the desk, ticked on acceptance, completes the file.
    accepted = cases.accept(desk, result.case_no, tick("M09"))
    assert accepted.state == "accepted"
    assert {m.code: m.status for m in accepted.materials}["M09"] == "received"


def test_a_conditional_material_marked_missing_blocks_acceptance_and_is_named(
    make_desk: MakeDesk,
) -> None:
    desk = demo_desk(make_desk)
    # 残疾人证 (M06) is needed when a family member is disabled: the clerk marked it missing.
    ticks = {**all_received(desk, DBSQ), **tick("M06", status="missing")}
    result = cases.intake(desk, DBSQ, person(), ticks)
    assert not result.complete
    with pytest.raises(RuleRefused) as err:
        cases.accept(desk, result.case_no)
    assert "材料不齐（残疾人证）" in str(err.value)
    # Marked not applicable after all (nobody in the family is disabled): acceptable.
    accepted = cases.accept(desk, result.case_no, tick("M06", status="not_applicable"))
    assert accepted.state == "accepted"


def test_lapse_before_the_return_by_date_is_refused(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, "awaiting_correction")
    return_by = cases.get_case(desk.conn, no).return_by
    assert return_by == day("2026-03-23")  # 15 working days after Mon 2026-03-02
    at(clock, "2026-03-23")
    before = event_count(desk)
    with pytest.raises(RuleRefused) as err:
        cases.lapse(desk, no)
    assert "尚未届满" in str(err.value)
    assert event_count(desk) == before
    at(clock, "2026-03-24")
    assert cases.lapse_overdue(desk) == [no]
    assert cases.get_case(desk.conn, no).state == "lapsed"
    assert cases.lapse_overdue(desk) == []


def test_a_full_life_is_a_timeline_of_events(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)
    cases.issue_notice(desk, no)
    clock.advance(days=1)
    cases.supplement(desk, no, all_received(desk, LSJZ))
    cases.accept(desk, no)
    cases.forward(desk, no, "民政办")
    cases.pause(desk, no, "inspection", "入户调查核实家庭状况")
    clock.advance(days=1)
    cases.resume(desk, no)
    cases.add_note(desk, no, "申请人来电询问进度")
    detail = cases.complete(desk, no, "approved", "post", "临时救助审批表", "MY-2026-001", "已邮寄")
    assert case_kinds(desk, no) == [
        "case.received",
        "case.notice_issued",
        "case.materials_updated",
        "case.accepted",
        "case.forwarded",
        "case.paused",
        "case.resumed",
        "case.note_added",
        "case.completed",
    ]
    assert all(e.actor == "admin" for e in detail.timeline)
    assert detail.outcome == "approved"
    assert detail.outcome_detail == {
        "delivery": "post",
        "certificate_name": "临时救助审批表",
        "certificate_no": "MY-2026-001",
        "note": "已邮寄",
    }
    assert detail.department == "民政办"
    assert detail.closed_on == day("2026-03-04")


def test_rejection_records_the_reason_and_where_to_go(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.reject(desk, no, "  ", "县民政局")
    assert err.value.field == "reason"
    assert event_count(desk) == before
    detail = cases.reject(desk, no, "申请人户籍不在本镇", "请到户籍所在地乡镇便民服务中心")
    assert detail.state == "rejected"
    assert detail.outcome_detail == {
        "doc_no": "攀莲便民不予受理字〔2026〕第01-0001号",
        "reason": "申请人户籍不在本镇",
        "where_to_go": "请到户籍所在地乡镇便民服务中心",
    }


def test_bad_completion_and_pause_arguments_write_nothing(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = case_in_state(desk, "accepted")
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.complete(desk, no, "maybe")
    assert err.value.field == "result"
    with pytest.raises(InvalidInput) as err:
        cases.complete(desk, no, "approved", delivery="pigeon")
    assert err.value.field == "delivery"
    with pytest.raises(InvalidInput) as err:
        cases.pause(desk, no, "coffee_break", "休息")
    assert err.value.field == "kind"
    assert event_count(desk) == before


# -- the one-time notice ------------------------------------------------------------------------


def test_the_notice_lists_every_missing_and_defective_material_plus_free_text(
    make_desk: MakeDesk,
) -> None:
    desk = demo_desk(make_desk)
    ticks = {
        **tick("M01", "M04", "M05"),
        **tick("M02", status="defective", note="缺少共同生活家庭成员签字"),
        **tick("M06", status="missing"),  # conditional, but this family has a disabled member
    }
    no = cases.intake(desk, DBSQ, person(), ticks).case_no
    notice = cases.issue_notice(
        desk,
        no,
        extra=[NoticeItem("村委会出具的家庭情况说明", "未提供", "请村委会出具并加盖公章")],
    )
    lines = {(i.code, i.name): i for i in notice.items}
    assert set(lines) == {
        ("M02", "家庭经济状况核对授权书"),
        ("M03", "家庭收入和财产状况申报表"),
        ("M06", "残疾人证"),
        ("M09", "银行账户信息"),
        ("", "村委会出具的家庭情况说明"),
    }
    assert lines[("M02", "家庭经济状况核对授权书")].problem == "缺少共同生活家庭成员签字"
    assert lines[("M03", "家庭收入和财产状况申报表")].problem == "缺少"
    assert all(i.how_to_fix for i in notice.items)
    # Default return-by: 15 working days after Mon 2026-03-02 → Mon 2026-03-23.
    assert notice.return_by == day("2026-03-23")
    assert (notice.ordinal, notice.late, notice.override_by) == (1, False, None)
    assert notice.notice_no == "攀莲便民补正告字〔2026〕第01-0001号"
    detail = cases.get_case(desk.conn, no)
    assert detail.state == "awaiting_correction"
    assert detail.return_by == day("2026-03-23")
    event = detail.timeline[-1]
    assert event.kind == "case.notice_issued"
    assert len(event.body["items"]) == 5


def test_no_notice_when_nothing_is_missing(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk)
    before = event_count(desk)
    with pytest.raises(RuleRefused) as err:
        cases.issue_notice(desk, no)
    assert "无需告知" in str(err.value)
    assert event_count(desk) == before


def test_a_return_by_date_not_after_the_notice_is_refused(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.issue_notice(desk, no, return_by=desk.today())
    assert err.value.field == "return_by"
    assert event_count(desk) == before


def test_a_second_notice_needs_the_directors_override(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    with session(desk, CLERK, CLERK_PASS, clock) as clerk:
        no = new_case(clerk, complete=False)
        first = cases.issue_notice(clerk, no)
        before = event_count(clerk)
        with pytest.raises(RuleRefused) as err:
            cases.issue_notice(clerk, no, extra=[NoticeItem("补充材料", "遗漏", "请补交")])
        assert "已出具过一次性告知书" in str(err.value)
        assert first.notice_no in str(err.value)
        assert event_count(clerk) == before

        # The director comes to the window and types their own passphrase.
        override = cases.authorize_override(
            clerk, DIRECTOR, DIRECTOR_PASS, "  户籍信息变更需补交  "
        )
        assert event_count(clerk) == before  # authorising writes nothing by itself
        second = cases.issue_notice(
            clerk,
            no,
            extra=[NoticeItem("户籍变更证明", "户籍信息已变更", "请到派出所开具")],
            override=override,
        )
        assert event_count(clerk) == before + 1
        assert (second.ordinal, second.override_by, second.override_reason) == (
            2,
            DIRECTOR,
            "户籍信息变更需补交",
        )
        assert second.notice_no == "攀莲便民补正告字〔2026〕第01-0002号"
        assert second.items[-1].name == "户籍变更证明"
        event = cases.get_case(clerk.conn, no).timeline[-1]
        assert event.actor == CLERK
        assert (event.body["ordinal"], event.body["override_by"]) == (2, DIRECTOR)

        row = clerk.conn.execute(
            "SELECT notice_count, notice_overrides FROM cases WHERE case_no = ?", (no,)
        ).fetchone()
        assert tuple(row) == (2, 1)
        # A third notice again needs an override: one authorisation is not a licence.
        with pytest.raises(RuleRefused):
            cases.issue_notice(clerk, no, extra=[NoticeItem("其他", "其他", "其他")])
    assert [n.ordinal for n in cases.get_case(desk.conn, no).notices] == [1, 2]


def test_only_a_director_with_the_right_passphrase_can_authorise(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    before = event_count(desk)
    with pytest.raises(PermissionDenied):
        cases.authorize_override(desk, CLERK, CLERK_PASS, "我自己批准")
    with pytest.raises(PermissionDenied):
        cases.authorize_override(desk, "admin", PASSPHRASE, "管理员不是中心负责人")
    with pytest.raises(PermissionDenied):
        cases.authorize_override(desk, "nobody", "whatever 123", "没有这个人")
    with pytest.raises(WrongPassphrase) as err:
        cases.authorize_override(desk, DIRECTOR, "not the pass 99", "口令错误")
    assert "负责人口令不正确" in str(err.value)
    with pytest.raises(InvalidInput) as bad:
        cases.authorize_override(desk, DIRECTOR, DIRECTOR_PASS, "   ")
    assert bad.value.field == "override_reason"
    assert event_count(desk) == before


def test_who_may_authorise_is_the_notice_override_permission(
    make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule lives in app/permissions.py: granting `notice.override` to another role is
    the one change that lets that role authorise (no role check hard-coded in cases)."""
    from app import permissions

    desk = demo_desk(make_desk)
    monkeypatch.setitem(
        permissions.PERMISSIONS,
        "notice.override",
        frozenset({permissions.Role.DIRECTOR, permissions.Role.ADMIN}),
    )
    override = cases.authorize_override(desk, "admin", PASSPHRASE, "负责人外出，授权管理员")
    assert override.director == "admin"
    monkeypatch.setitem(
        permissions.PERMISSIONS, "notice.override", frozenset({permissions.Role.ADMIN})
    )
    with pytest.raises(PermissionDenied):
        cases.authorize_override(desk, DIRECTOR, DIRECTOR_PASS, "负责人")


def test_a_forged_override_naming_a_clerk_is_refused(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)
    cases.issue_notice(desk, no)
    before = event_count(desk)
    with pytest.raises(PermissionDenied):
        cases.issue_notice(
            desk,
            no,
            extra=[NoticeItem("其他", "其他", "其他")],
            override=NoticeOverride(CLERK, "绕过负责人"),
        )
    assert event_count(desk) == before


def test_supplying_the_materials_then_accepting_starts_the_clock_on_acceptance(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)  # Mon 2026-03-02
    cases.issue_notice(desk, no)
    at(clock, "2026-03-12")  # 8 working days later: the notice was on time, so no §32
    cases.supplement(desk, no, all_received(desk, LSJZ))
    detail = cases.accept(desk, no)
    assert detail.clock_start == day("2026-03-12")
    assert detail.deemed_accepted_on is None
    assert detail.return_by is None
    # 10 working days after Thu 03-12: 13, 16-20, 23-26 → Thu 2026-03-26.
    assert detail.summary.due_on == day("2026-03-26")


# -- 行政许可法 §32: five working days -------------------------------------------------------------


@pytest.mark.parametrize(
    ("notice_on", "late"),
    [
        ("2026-03-02", False),  # on the spot
        ("2026-03-09", False),  # Mon 03-02 + 5 working days = Mon 03-09: the last day in time
        ("2026-03-10", True),  # the 6th working day: too late
    ],
)
def test_a_late_notice_makes_the_case_count_as_accepted_on_receipt(
    make_desk: MakeDesk, clock: FakeClock, notice_on: str, late: bool
) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk, complete=False)  # received Mon 2026-03-02
    at(clock, notice_on)
    notice = cases.issue_notice(desk, no)
    detail = cases.get_case(desk.conn, no)
    assert notice.late is late
    assert detail.summary.notice_late is late
    assert detail.deemed_accepted_on == (day("2026-03-02") if late else None)

    at(clock, "2026-03-12")
    accepted = cases.accept(desk, no, all_received(desk, LSJZ))
    if late:
        # Deemed accepted the day after the 5th working day (Mon 03-09), whatever day the
        # acceptance document is dated; the clock runs from receipt: 10 working days after
        # Mon 03-02 → Mon 03-16.
        assert accepted.accepted_on == day("2026-03-10")
        assert accepted.clock_start == day("2026-03-02")
        assert accepted.deemed_accepted_on == day("2026-03-02")
        assert accepted.summary.due_on == day("2026-03-16")
    else:
        # From acceptance: 10 working days after Thu 03-12 → Thu 03-26.
        assert accepted.accepted_on == day("2026-03-12")
        assert accepted.clock_start == day("2026-03-12")
        assert accepted.deemed_accepted_on is None
        assert accepted.summary.due_on == day("2026-03-26")


@pytest.mark.parametrize(
    ("accept_on", "clock_start", "deemed"),
    [
        ("2026-03-09", "2026-03-09", None),  # within 5 working days: from acceptance
        ("2026-03-10", "2026-03-02", "2026-03-02"),  # no notice and past 5: from receipt
    ],
)
def test_accepting_without_a_notice_after_five_working_days_counts_from_receipt(
    make_desk: MakeDesk, clock: FakeClock, accept_on: str, clock_start: str, deemed: str | None
) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk)  # complete file, received Mon 2026-03-02, left lying
    at(clock, accept_on)
    detail = cases.accept(desk, no)
    assert detail.clock_start == day(clock_start)
    assert detail.deemed_accepted_on == (day(deemed) if deemed else None)
    assert detail.timeline[-1].body["clock_start"] == clock_start


def test_open_cases_flag_a_case_still_received_after_five_working_days(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    waiting = new_case(desk, complete=False, n=1)  # Mon 2026-03-02
    noticed = new_case(desk, complete=False, n=2)
    cases.issue_notice(desk, noticed)

    def flags() -> dict[str, bool]:
        return {o.case.case_no: o.notice_overdue for o in cases.open_cases(desk.conn, desk.today())}

    at(clock, "2026-03-09")
    assert flags() == {waiting: False, noticed: False}
    at(clock, "2026-03-10")
    assert flags() == {waiting: True, noticed: False}
    # The overdue one is listed first: it needs a decision now.
    assert cases.open_cases(desk.conn, desk.today())[0].case.case_no == waiting


# -- case numbers and document numbers ---------------------------------------------------------


def iso7064_mod_11_10(digits: str) -> str:
    """ISO 7064 MOD 11,10 check digit, written out independently of python-stdnum."""
    p = 10
    for ch in digits:
        s = (p + int(ch)) % 10 or 10
        p = (2 * s) % 11
    return str((11 - p) % 10)


CASE_NO_RE = re.compile(r"(\d{9})-(\d{2})-(\d{8})-(\d{4})-(\d)", re.ASCII)


def test_case_number_format_and_check_digit(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    no = new_case(desk)
    match = CASE_NO_RE.fullmatch(no)
    assert match is not None, no
    assert match.groups()[:4] == ("510421100", "01", "20260302", "0001")
    assert match.group(5) == iso7064_mod_11_10("".join(match.groups()[:4]))
    assert cases.barcode_value(no) == no.replace("-", "")
    assert cases.format_case_no("510421100", 1, day("2026-03-02"), 1) == no


@pytest.mark.parametrize(
    "typed",
    [
        "{}",
        "{digits}",
        "  {digits}\n",
        "{spaced}",
        "{emdash}",
        "{fullwidth}",
    ],
)
def test_parse_case_no_accepts_typed_and_scanned_forms(typed: str) -> None:
    no = cases.format_case_no("510421100", 2, day("2026-10-09"), 37)
    digits = no.replace("-", "")
    forms = {
        "digits": digits,
        "spaced": " ".join(no.split("-")),
        "emdash": no.replace("-", "—"),
        # A Chinese IME in full-width mode types ５１０４２１…
        "fullwidth": digits.translate({ord(c): 0xFF10 + int(c) for c in "0123456789"}),
    }
    assert cases.parse_case_no(typed.format(no, **forms)) == no


def test_parse_case_no_rejects_non_ascii_digits() -> None:
    no = cases.format_case_no("510421100", 1, day("2026-03-02"), 1)
    arabic = no.translate({ord(c): 0x0660 + int(c) for c in "0123456789"})
    with pytest.raises(InvalidInput):
        cases.parse_case_no(arabic)


@settings(max_examples=300, deadline=None)
@given(
    centre=st.from_regex(r"\A[0-9]{9}\Z"),
    desk_no=st.integers(1, 99),
    when=st.dates(dt.date(2004, 1, 1), dt.date(2099, 12, 31)),
    seq=st.integers(1, 9999),
    position=st.integers(0, 23),
    delta=st.integers(1, 9),
)
def test_any_single_digit_change_is_caught(
    centre: str, desk_no: int, when: dt.date, seq: int, position: int, delta: int
) -> None:
    no = cases.format_case_no(centre, desk_no, when, seq)
    assert cases.parse_case_no(no) == no
    digits = cases.barcode_value(no)
    assert len(digits) == 24
    wrong = digits[:position] + str((int(digits[position]) + delta) % 10) + digits[position + 1 :]
    with pytest.raises(InvalidInput) as err:
        cases.parse_case_no(wrong)
    assert err.value.field == "case_no"


DIGIT_SCRIPTS = {
    "fullwidth": 0xFF10,  # ０-９: NFKC maps them to ASCII, so they are accepted
    "arabic-indic": 0x0660,  # ٠-٩: digits to Python's \d and int(), never case-number digits
    "devanagari": 0x0966,
}


@settings(max_examples=150, deadline=None)
@given(
    seq=st.integers(1, 9999),
    script=st.sampled_from(sorted(DIGIT_SCRIPTS)),
    positions=st.sets(st.integers(0, 23), min_size=1),
)
def test_other_scripts_digits_parse_to_ascii_or_are_refused(
    seq: int, script: str, positions: set[int]
) -> None:
    no = cases.format_case_no("510421100", 1, day("2026-03-02"), seq)
    digits = list(cases.barcode_value(no))
    for i in positions:
        digits[i] = chr(DIGIT_SCRIPTS[script] + int(digits[i]))
    typed = "".join(digits)
    if script == "fullwidth":
        assert cases.parse_case_no(typed) == no
    else:
        with pytest.raises(InvalidInput):
            cases.parse_case_no(typed)


NEAR_CASE_NO = st.text(alphabet="0123456789-— \u3000０１２３４５６７８９٣x", max_size=34)


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.text(max_size=60), NEAR_CASE_NO))
def test_parse_case_no_raises_only_invalid_input(text: str) -> None:
    try:
        number = cases.parse_case_no(text)
    except InvalidInput as err:
        assert err.field == "case_no"
        assert str(err)
        return
    assert CASE_NO_RE.fullmatch(number), number
    assert cases.parse_case_no(number) == number


def test_two_desks_of_one_centre_never_collide(make_desk: MakeDesk) -> None:
    one = demo_desk(make_desk, "one.ledger", desk_no=1)
    two = demo_desk(make_desk, "two.ledger", desk_no=2)
    numbers = [new_case(d, n=i) for i in range(3) for d in (one, two)]
    assert len(set(numbers)) == 6
    assert sorted(n for n in numbers if "-01-" in n) == [
        cases.format_case_no("510421100", 1, day("2026-03-02"), s) for s in (1, 2, 3)
    ]
    assert sorted(n for n in numbers if "-02-" in n) == [
        cases.format_case_no("510421100", 2, day("2026-03-02"), s) for s in (1, 2, 3)
    ]
    # Their acceptance documents differ too, though each is the first of the year.
    a = cases.accept(one, numbers[0]).accept_doc_no
    b = cases.accept(two, numbers[1]).accept_doc_no
    assert (a, b) == ("攀莲便民受字〔2026〕第01-0001号", "攀莲便民受字〔2026〕第02-0001号")


def test_the_sequence_continues_per_day_and_is_never_reused(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    first = new_case(desk, n=1)
    second = new_case(desk, n=2)
    cases.withdraw(desk, second, "申请人撤回")
    third = new_case(desk, n=3)
    assert [n.split("-")[3] for n in (first, second, third)] == ["0001", "0002", "0003"]
    clock.advance(days=1)
    next_day = new_case(desk, n=4)
    assert next_day.split("-")[2:4] == ["20260303", "0001"]
    # A paper record of yesterday entered today (补录) continues yesterday's sequence.
    late_entry = new_case(desk, n=5, on=day("2026-03-02"))
    assert late_entry.split("-")[2:4] == ["20260302", "0004"]


def test_acceptance_document_numbers_increment_per_year(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    accept_docs = [cases.accept(desk, new_case(desk, n=i)).accept_doc_no for i in range(2)]
    assert accept_docs == ["攀莲便民受字〔2026〕第01-0001号", "攀莲便民受字〔2026〕第01-0002号"]
    # A paper file from last December, entered after an outage: its own year's series.
    old = new_case(desk, n=7, on=day("2025-12-30"))
    old_doc = cases.accept(desk, old, on=day("2025-12-31")).accept_doc_no
    assert old_doc == "攀莲便民受字〔2025〕第01-0001号"
    desk_settings.change(desk, "doc_prefix", "米易县攀莲镇")
    third = cases.accept(desk, new_case(desk, n=3)).accept_doc_no
    assert third == "米易县攀莲镇受字〔2026〕第01-0003号"
    at(clock, "2027-01-04")
    next_year = cases.accept(desk, new_case(desk, n=4)).accept_doc_no
    assert next_year == "米易县攀莲镇受字〔2027〕第01-0001号"


# -- applicants ---------------------------------------------------------------------------------


def test_a_returning_applicant_is_found_by_id_number_with_history(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    first = new_case(desk, LSJZ, n=5)
    at(clock, "2026-04-08")
    moved = Person("欧阳春花", "resident_id", resident_id(5), "0812-8123456", "米易县丙谷镇")
    second = cases.intake(desk, DBSQ, moved, all_received(desk, DBSQ)).case_no
    found = applicants.find_by_id_number(desk.conn, f" {resident_id(5).lower()} ")
    assert len(found) == 1
    who = found[0]
    assert (who.name, who.phone, who.address) == ("欧阳春花", "0812-8123456", "米易县丙谷镇")
    # The earlier case keeps the phone and address its receipt printed.
    earlier = cases.get_case(desk.conn, first).applicant
    assert (earlier.phone, earlier.address) == (mobile(5), "米易县攀莲镇")
    assert who.id_type_label == "居民身份证"
    history = cases.applicant_history(desk.conn, who.key)
    assert [c.case_no for c in history] == [second, first]
    assert [c.item_name for c in history] == ["最低生活保障", "临时救助"]
    assert applicants.find_by_id_number(desk.conn, resident_id(6)) == []


@pytest.mark.parametrize(
    ("who", "field"),
    [
        (Person("张三", "resident_id", "510421198001011230", "13812345678"), "applicant.id_number"),
        (Person("张三", "resident_id", resident_id(1), "12345"), "applicant.phone"),
        (Person("张三", "resident_id", resident_id(1), "8123456"), "applicant.phone"),
        (Person("", "resident_id", resident_id(1), "13812345678"), "applicant.name"),
    ],
)
def test_a_bad_applicant_is_refused_and_nothing_is_written(
    make_desk: MakeDesk, who: Person, field: str
) -> None:
    desk = demo_desk(make_desk)
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.intake(desk, LSJZ, who, all_received(desk, LSJZ))
    assert err.value.field == field
    assert event_count(desk) == before
    assert desk.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_an_agent_needs_a_relationship(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    agent = Person("王建国", "resident_id", resident_id(9), "13900000009", "攀莲镇")
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ), agent=agent)
    assert err.value.field == "agent.relationship"
    bad_agent = Person("王建国", "resident_id", "510421", "13900000009", relationship="子女")
    with pytest.raises(InvalidInput) as err:
        cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ), agent=bad_agent)
    assert err.value.field == "agent.id_number"
    assert event_count(desk) == before
    with_rel = Person("王建国", "resident_id", resident_id(9), "13900000009", "", "子女")
    no = cases.intake(
        desk, LSJZ, person(1), all_received(desk, LSJZ), agent=with_rel, channel="proxy"
    ).case_no
    detail = cases.get_case(desk.conn, no)
    assert detail.agent is not None
    assert (detail.agent["name"], detail.agent["relationship"]) == ("王建国", "子女")
    assert detail.channel == "proxy"
    assert detail.applicant.name == person(1).name


def test_an_unknown_area_code_only_warns(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    body = "99042119800101123"  # no such province
    who = Person("张三", "resident_id", body + resident_id_check_char(body), "13812345678")
    result = cases.intake(desk, LSJZ, who, all_received(desk, LSJZ))
    assert result.warnings
    assert cases.get_case(desk.conn, result.case_no).state == "received"


# -- search -------------------------------------------------------------------------------------


def test_search_by_number_id_phone_and_name(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    mine = cases.intake(
        desk,
        LSJZ,
        Person("李秀英", "resident_id", resident_id(3), "13800000003", "攀莲镇"),
        all_received(desk, LSJZ),
    ).case_no
    landline = cases.intake(
        desk,
        YLBX,
        Person("欧阳春花", "resident_id", resident_id(4), "0812 8123456", "攀莲镇"),
        all_received(desk, YLBX),
    ).case_no
    other = new_case(desk, n=0)  # 张三

    def found(text: str) -> list[str]:
        return [c.case_no for c in cases.search_cases(desk.conn, text)]

    assert found(mine) == [mine]
    assert found(cases.barcode_value(mine)) == [mine]  # scanned from the receipt's barcode
    assert found(" ".join(mine.split("-"))) == [mine]
    wrong_digit = mine[:-1] + str((int(mine[-1]) + 1) % 10)
    assert found(wrong_digit) == []
    assert found(resident_id(3)) == [mine]
    assert found("13800000003") == [mine]
    assert found("+86 138 0000 0003") == [mine]
    assert found("0812-8123456") == [landline]
    assert found("李秀英") == [mine]
    assert found("李秀") == [mine]
    assert found("欧阳") == [landline]
    assert found("张三") == [other]
    assert found("王") == []
    assert found("   ") == []


# -- business dates (补录) -----------------------------------------------------------------------


def test_paper_records_keep_their_own_dates(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)  # today: Mon 2026-03-02
    result = cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ), on=day("2026-02-26"))
    assert result.case_no.split("-")[2] == "20260226"
    detail = cases.accept(desk, result.case_no, on=day("2026-02-27"))
    assert detail.summary.received_on == day("2026-02-26")
    assert detail.accepted_on == day("2026-02-27")
    assert detail.clock_start == day("2026-02-27")
    received, accepted = detail.timeline
    assert received.body["backfilled"] is True
    assert (received.body["on"], accepted.body["on"]) == ("2026-02-26", "2026-02-27")
    # The event itself is stamped with the time it was entered.
    assert received.at.startswith("2026-03-02T09:00")
    # 10 working days after Fri 02-27 (02-28 was a make-up working day): 02-28, 03-02..06,
    # 03-09..12 → Thu 2026-03-12.
    assert detail.summary.due_on == day("2026-03-12")


def test_future_business_dates_are_refused(make_desk: MakeDesk) -> None:
    desk = demo_desk(make_desk)
    tomorrow = desk.today() + dt.timedelta(days=1)
    before = event_count(desk)
    with pytest.raises(InvalidInput) as err:
        cases.intake(desk, LSJZ, person(1), all_received(desk, LSJZ), on=tomorrow)
    assert err.value.field == "on"
    assert event_count(desk) == before
    no = new_case(desk, n=1, on=day("2026-02-26"))
    before = event_count(desk)
    for when in (tomorrow, day("2026-02-25")):  # the future; before the receipt
        with pytest.raises(InvalidInput) as err:
            cases.accept(desk, no, on=when)
        assert err.value.field == "on"
    assert event_count(desk) == before


# -- the ledger ---------------------------------------------------------------------------------


def build_a_realistic_mix(desk: Desk, clock: FakeClock) -> dict[str, str]:
    """Cases in every state, with notices, an override, pauses, agents, backfilled paper
    records, a catalogue change and a calendar import in between."""
    at(clock, "2026-02-10")
    made = {state: case_in_state(desk, state, n=i) for i, state in enumerate(ALL_STATES)}
    made["paused"] = case_in_state(desk, "in_handling", n=20, paused=True)
    made["paper"] = new_case(desk, DBSQ, n=21, on=day("2026-02-05"))
    cases.accept(desk, made["paper"], on=day("2026-02-06"))
    made["immediate"] = new_case(desk, YLBX, n=22)
    cases.accept(desk, made["immediate"])
    cases.complete(desk, made["immediate"], "approved", "window", "参保登记回执", "YL001")
    made["override"] = new_case(desk, DBSQ, n=23, complete=False)
    cases.issue_notice(desk, made["override"])
    override = cases.authorize_override(desk, DIRECTOR, DIRECTOR_PASS, "政策调整需补交")
    cases.issue_notice(
        desk, made["override"], [NoticeItem("收入证明", "政策调整", "请补交")], override=override
    )
    at(clock, "2026-02-27")
    cases.resume(desk, made["paused"])
    made["late"] = new_case(desk, LSJZ, n=24, complete=False, on=day("2026-02-10"))
    cases.issue_notice(desk, made["late"])  # 13 working days after receipt: late
    agent = Person("王建国", "resident_id", resident_id(30), "13900000030", "", "子女")
    made["agent"] = cases.intake(
        desk, LSJZ, person(25), all_received(desk, LSJZ), agent=agent, channel="home_visit"
    ).case_no
    cases.accept(desk, made["agent"])
    cases.pause(desk, made["agent"], "hearing", "听证")
    # The director changes an item: cases already received keep version 1.
    changed = dataclasses.replace(
        catalogue.get_item(desk.conn, LSJZ).item, committed_limit=TimeLimit(8, "working")
    )
    catalogue.publish(desk, dataclasses.replace(load_demo_catalogue(), items=(changed,)))
    made["v2"] = new_case(desk, LSJZ, n=26)
    at(clock, "2026-12-15")
    made["provisional"] = new_case(desk, DBSQ, n=27)
    cases.accept(desk, made["provisional"])
    calendar.import_file(desk, schedule_2027())
    return made


def test_rebuilding_the_projections_gives_identical_tables(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk = demo_desk(make_desk)
    made = build_a_realistic_mix(desk, clock)
    states = {cases.get_case(desk.conn, no).state for no in made.values()}
    assert states == set(ALL_STATES)
    versions = {cases.get_case(desk.conn, made[k]).item_version for k in ("accepted", "v2")}
    assert versions == {1, 2}
    assert not cases.get_case(desk.conn, made["provisional"]).summary.due_provisional
    before = snapshot(desk)
    assert before["cases"], "the mix made cases"
    assert len(before["case_notices"]) >= 4 and len(before["case_pauses"]) >= 2
    events_before = event_count(desk)
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == before
    assert event_count(desk) == events_before
    report = verify_desk(desk)
    assert report.ok, report.problem
    assert report.events == events_before


def test_every_case_row_traces_back_to_its_events(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = demo_desk(make_desk)
    made = build_a_realistic_mix(desk, clock)
    for no in made.values():
        detail = cases.get_case(desk.conn, no)
        assert detail.timeline[0].kind == "case.received"
        row = desk.conn.execute("SELECT last_seq FROM cases WHERE case_no = ?", (no,)).fetchone()
        assert row[0] == detail.timeline[-1].seq
        assert all(e.subject == f"case/{no}" for e in detail.timeline)


_ledger_names = itertools.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(actions=st.lists(st.sampled_from(sorted(TRANSITIONS)), min_size=1, max_size=12))
def test_random_action_sequences_keep_the_ledger_consistent(
    make_desk: MakeDesk, clock: FakeClock, actions: list[str]
) -> None:
    """Whatever a clerk clicks, a refused action writes nothing, an allowed one writes one
    event (after the §32 deeming when it is the first step past the five working days), and
    the projections always equal a replay of the ledger."""
    at(clock, "2026-03-02")
    desk, _ = make_desk(f"random-{next(_ledger_names)}.ledger")
    catalogue.install_demo(desk)
    staff.add_account(desk, DIRECTOR, "李四", "director", DIRECTOR_PASS)
    no = new_case(desk, complete=False)
    for action in actions:
        if action == "lapse":
            clock.advance(days=30)
        before = event_count(desk)
        try:
            attempt(desk, action, no)
        except RuleRefused:
            assert event_count(desk) == before
        else:
            added = [
                r[0] for r in desk.conn.execute("SELECT kind FROM events WHERE seq > ?", (before,))
            ]
            assert added and added[:-1] in ([], ["case.deemed_accepted"]), added
    report = verify_desk(desk)
    assert report.ok, report.problem
    desk.close()
