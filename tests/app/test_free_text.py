"""Free text typed at the desk goes through one check (app.identity.check_text): a control
character (an escape sequence pasted from a terminal, a NUL, a DEL) is refused wherever it is
typed, with a message naming it, and nothing is written — not an event, not a row."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import cases, complaints, consultations, staff
from app import settings as desk_settings
from app.applicants import NameChange
from app.desk import Desk
from app.errors import InvalidInput
from tests.app.case_helpers import (
    DIRECTOR,
    DIRECTOR_PASS,
    LSJZ,
    all_received,
    demo_desk,
    event_count,
    new_case,
    person,
    required_codes,
    snapshot,
)

Entry = Callable[[Desk, str, str], object]


def _defective_note(d: Desk, no: str, t: str) -> object:
    code = required_codes(d, LSJZ)[0]
    return cases.intake(d, LSJZ, person(5), {code: cases.MaterialTick("defective", t)})


# Every free-text field a clerk types into, through the app/ call the screens and the CLI use.
# `no` is a case already received (complete); the text is checked before any state rule.
ENTRY_POINTS: dict[str, Entry] = {
    "applicant address": lambda d, no, t: cases.intake(
        d, LSJZ, dataclasses.replace(person(5), address=t), all_received(d, LSJZ)
    ),
    "agent relationship": lambda d, no, t: cases.intake(
        d,
        LSJZ,
        person(5),
        all_received(d, LSJZ),
        agent=dataclasses.replace(person(6), relationship=t),
    ),
    "material note": _defective_note,
    "name-change reason": lambda d, no, t: cases.intake(
        d,
        LSJZ,
        person(0, name="张小三"),
        all_received(d, LSJZ),
        name_change=NameChange("correction", t),
    ),
    "notice item": lambda d, no, t: cases.issue_notice(
        d, no, [cases.NoticeItem("村委会证明", t, "请加盖公章")]
    ),
    "override reason": lambda d, no, t: cases.authorize_override(d, DIRECTOR, DIRECTOR_PASS, t),
    "reject reason": lambda d, no, t: cases.reject(d, no, t, "县民政局"),
    "reject where to go": lambda d, no, t: cases.reject(d, no, "不属本中心受理", t),
    "forward department": lambda d, no, t: cases.forward(d, no, t),
    "forward note": lambda d, no, t: cases.forward(d, no, "县民政局", t),
    "pause reason": lambda d, no, t: cases.pause(d, no, "hearing", t),
    "certificate name": lambda d, no, t: cases.complete(d, no, "approved", "window", t),
    "certificate number": lambda d, no, t: cases.complete(d, no, "approved", "window", "证", t),
    "completion note": lambda d, no, t: cases.complete(d, no, "approved", "window", "", "", t),
    "withdrawal reason": lambda d, no, t: cases.withdraw(d, no, t),
    "case note": lambda d, no, t: cases.add_note(d, no, t),
    "staff display name": lambda d, no, t: staff.add_account(
        d, "newclerk", t, "clerk", "new pass 1234"
    ),
    "setting text": lambda d, no, t: desk_settings.change(d, "centre_address", t),
    "complaint content": lambda d, no, t: complaints.register(d, "phone", t),
    "consultation question": lambda d, no, t: consultations.log(
        d, t, "请带身份证到窗口办理", topic="低保"
    ),
}

CONTROL = st.characters(categories=["Cc"])
# Text around the control character is otherwise fine (letters, CJK, digits).
PLAIN = st.text(st.sampled_from("县民政局证明材料未盖章请补正ABCabc0123"), min_size=1, max_size=20)


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=list(ENTRY_POINTS))
def test_a_control_character_is_refused_and_nothing_is_written(make_desk, entry: str) -> None:  # type: ignore[no-untyped-def]
    desk = demo_desk(make_desk)
    case_no = new_case(desk)
    events, tables = event_count(desk), snapshot(desk)
    call = ENTRY_POINTS[entry]

    @settings(
        max_examples=8 if entry in ("override reason", "staff display name") else 25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(before=PLAIN, bad=CONTROL, after=PLAIN)
    def refused(before: str, bad: str, after: str) -> None:
        if bad.isspace():  # tab, newline...: folded to one space like any whitespace
            return
        with pytest.raises(InvalidInput) as caught:
            call(desk, case_no, before + bad + after)
        message = str(caught.value)
        assert "控制字符" in message and f"U+{ord(bad):04X}" in message
        assert "\n" not in message
        assert event_count(desk) == events
        assert snapshot(desk) == tables

    refused()
