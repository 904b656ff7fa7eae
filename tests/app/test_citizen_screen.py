"""The citizen-facing monitor's data: the staff card of the person at the keyboard and the
window's away note — and never anything about a citizen."""

from __future__ import annotations

import dataclasses

import pytest

from app import away, cases, views, windows
from tests.app.case_helpers import all_received, person
from tests.app.duty_helpers import CLERK, CLERK2, LSJZ, MakeDesk, as_user, duty_desk, moment
from tests.conftest import FakeClock

pytestmark = pytest.mark.on_date("2026-03-02")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_the_card_and_the_away_note_of_the_window(make_desk: MakeDesk, clock: FakeClock) -> None:
    desk = duty_desk(make_desk)
    zs, ww = as_user(desk, CLERK), as_user(desk, CLERK2)
    windows.set_staff_card(desk, CLERK, "攀莲镇人民政府", "窗口受理员", "13808120001", False, PNG)
    windows.sign_in(zs, 1)
    applicant = person(1)
    cases.intake(zs, LSJZ, applicant, all_received(zs, LSJZ))

    screen = views.citizen_screen(desk.conn, CLERK, 1, desk.now())
    assert (screen.window_label, screen.staff_name, screen.post) == (
        "1号窗口 综合窗口1",
        "张三",
        "窗口受理员",
    )
    assert screen.photo == PNG and screen.away_text == ""

    # 张三 leaves; 王五 (B角) sits down: the screen says where 张三 went and who covers.
    away.post(zs, "meeting", "镇政府党政办", moment("2026-03-02", 11), "13808120001")
    windows.sign_in(ww, 1)
    screen = views.citizen_screen(ww.conn, CLERK2, 1, ww.now())
    assert screen.staff_name == "王五" and screen.photo is None and screen.unit == ""
    assert screen.away_text == "张三 离岗（会议）：镇政府党政办，预计 11:00 返回，由 王五 代岗"
    # Nothing of a citizen on it: not the applicant's name, ID number or phone.
    shown = " ".join(str(v) for v in dataclasses.asdict(screen).values())
    for private in (applicant.name, applicant.id_number, applicant.phone):
        assert private not in shown
