"""The board's desk duties as a clerk sees them: today's appointments, who is at the window,
the away note with its backup's cover, posting a note and coming back, by keyboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app import away, cases, catalogue, centre, special_services, staff, windows
from app.applicants import Person
from app.identity import IdType
from db.ledger import CHINA_TZ, events_for_subject
from tests.app.duty_helpers import as_user
from tests.conftest import PASSPHRASE, FakeClock
from tests.ui.conftest import DIRECTOR_PASSPHRASE, Gui
from tests.ui.test_desk_gui import DIBAO, ID_NUMBER, type_text, unlock

# Dated stories: the expectations below are written for these March 2026 days.
pytestmark = pytest.mark.on_date("2026-03-02")

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
GAOLING = "512B0003600037"  # 高龄津贴 in the demo catalogue
MONDAY = dt.date(2026, 3, 2)  # the test clock's day (a working day)
SUNDAY = dt.date(2026, 3, 8)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), CHINA_TZ)


@pytest.fixture
def duty_ledger(make_desk: Callable[..., Any]) -> Path:
    """Window 1: 刘洋 (A角) with 陈静 as B角; one open case held by 刘洋; three appointments:
    this morning, this evening (after hours) and Sunday (a holiday)."""
    desk, _recovery = make_desk()
    catalogue.install_demo(desk)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", PASSPHRASE)
    staff.add_account(desk, "chenjing", "陈静", "clerk", PASSPHRASE)
    staff.add_account(desk, "zhaomin", "赵敏", "director", DIRECTOR_PASSPHRASE)
    for clerk in ("liuyang", "chenjing"):
        centre.record_training(desk, clerk, "pre_job", "岗前培训", True, 16)
    windows.define_window(desk, 1)
    windows.assign(desk, 1, "liuyang", "chenjing")
    windows.set_staff_card(desk, "liuyang", "攀莲镇人民政府", "窗口受理员", "13808120001", False)
    liuyang = as_user(desk, "liuyang")
    applicant = Person("李秀英", IdType.RESIDENT_ID.value, ID_NUMBER, "13881234567")
    cases.intake(liuyang, DIBAO, applicant, {})
    for when, time, after_hours, name in (
        (MONDAY, "10:30", False, "王秀英"),
        (MONDAY, "18:30", True, "张伟"),
        (SUNDAY, "09:30", False, "赵兰"),
    ):
        special_services.record(
            liuyang,
            "appointment",
            on=when,
            time=time,
            item_code=GAOLING,
            citizen_name=name,
            citizen_phone="13908120003",
            group="elderly",
            after_hours=after_hours,
        )
    path = Path(desk.path)
    desk.close()
    return path


def away_events(gui: Gui, username: str) -> list[str]:
    return gui.run(lambda desk: [e.kind for e in events_for_subject(desk.conn, f"away/{username}")])


def open_as(make_gui: Callable[..., Gui], ledger: Path, user: str) -> Gui:
    gui = make_gui(ledger)
    unlock(gui, user)
    gui.settle()
    assert gui.ctl.today.loaded
    return gui


def test_board_shows_appointments_and_the_overdue_away_note(
    make_gui: Callable[..., Gui], duty_ledger: Path, clock: FakeClock
) -> None:
    # 刘洋 went to a village at 09:00, back by 09:30; at 09:50 she is overdue (10 min grace).
    from app.desk import open_desk

    desk = open_desk(duty_ledger, "liuyang", PASSPHRASE, clock)
    try:
        away.post(desk, "village", "双沟村入户核查", at(9, 30), "13808120001")
    finally:
        desk.close()
    clock.current = at(9, 50)

    gui = open_as(make_gui, duty_ledger, "chenjing")  # the B角 sits down at the desk
    t = gui.window.today
    assert t.window_label.text() == ("1号窗口 综合窗口1 · A角 刘洋 · B角 陈静 · 在岗：暂无人员")
    text = t.away_label.text()
    for part in (
        "刘洋 离岗（下村）：双沟村入户核查",
        "09:00 离开，预计 09:30 返回",
        "电话 13808120001",
        "由 陈静 代岗，代管在办件 1 件",
        "已超时 20 分钟 未返回",
    ):
        assert part in text
    assert t.post_panel.property("level") == "overdue"
    assert t.away_button.text() == "去向留言（F6）"  # 陈静 herself is not away
    (row,) = gui.ctl.today.visible_rows()
    assert "由 陈静 代管" in row["flags"]

    # Today's appointments only, the evening one flagged as after hours.
    rows = gui.ctl.today.appointment_rows()
    assert [r[0] for r in rows] == ["10:30", "18:30"]
    assert rows[0][1] == "预约服务" and rows[0][3] == "王秀英" and rows[0][4] == "139****0003"
    assert rows[1][5] == "延时服务" and rows[0][5] == ""
    assert t.appointments_title.text() == "今日预约与上门服务：2 件（待服务 2）"

    # F7: the away sign of the note on the board, through the print preview.
    gui.qtbot.keyClick(gui.window, Key.Key_F7)
    gui.settle()
    ((title, pdf, direct),) = gui.slips.slips
    assert "去向留言牌" in title and "刘洋" in title
    assert pdf.startswith(b"%PDF") and not direct

    # On Sunday the board lists Sunday's appointment, flagged as a holiday service.
    clock.current = at(9, 0, SUNDAY)
    gui.ctl.today.reload()
    gui.settle()
    ((time, *_rest, marks, status),) = gui.ctl.today.appointment_rows()
    assert time == "09:30" and marks == "节假日" and status == "已登记待服务"


def test_post_an_away_note_and_come_back_by_keyboard(
    make_gui: Callable[..., Gui], duty_ledger: Path, clock: FakeClock
) -> None:
    gui = open_as(make_gui, duty_ledger, "liuyang")
    w, bot, t = gui.window, gui.qtbot, gui.window.today
    assert t.away_label.text() == "无去向留言：窗口人员在岗。"
    assert not t.sign_button.isEnabled()

    bot.keyClick(w.today.table, Key.Key_F6)
    gui.settle()
    dialog = gui.ctl.away.dialog
    bot.waitUntil(dialog.isVisible)
    f = dialog.widgets
    assert f["place"].hasFocus()
    assert f["phone"].text() == "13808120001"  # from the staff card
    assert f["cover"].currentData() == "chenjing"  # the window's B角 by default
    assert f["cover"].currentText() == "陈静（本窗口B角）"
    assert "在办件 1 件" in dialog.findChild(QLabel, "hint").text()

    # Nothing typed: the field at fault says so, and nothing is recorded.
    bot.keyClick(f["place"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.errors["place"].text() == "请填写去向"
    type_text(gui, f["place"], "镇政府党政办")
    bot.keyClick(f["place"], Key.Key_Tab)
    assert f["reason"].hasFocus()
    bot.keyClick(f["reason"], Key.Key_Down)  # 下村 → 会议
    assert f["reason"].currentData() == "meeting"
    bot.keyClick(f["reason"], Key.Key_Tab)
    # Back at 10:00 by default; two hours earlier is in the past and refused by app/.
    assert f["until"].hasFocus()
    bot.keyClick(f["until"], Key.Key_Down)
    bot.keyClick(f["until"], Key.Key_Down)
    bot.keyClick(f["until"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and "晚于现在" in dialog.errors["until"].text()
    assert away_events(gui, "liuyang") == []
    for _ in range(3):
        bot.keyClick(f["until"], Key.Key_Up)
    bot.keyClick(f["until"], Key.Key_Return, CTRL)
    gui.settle()
    assert not dialog.isVisible()
    assert away_events(gui, "liuyang") == ["away.posted"]
    note = gui.run(lambda desk: away.current_note(desk.conn, "liuyang"))
    assert (note.reason, note.place, note.cover) == ("meeting", "镇政府党政办", "chenjing")
    assert note.until == at(11, 0)

    # The board shows the note and the covered case.
    text = t.away_label.text()
    assert "刘洋 离岗（会议）：镇政府党政办" in text and "预计 11:00 返回" in text
    assert "由 陈静 代岗，代管在办件 1 件" in text
    assert t.post_panel.property("level") == "away"
    (row,) = gui.ctl.today.visible_rows()
    assert "由 陈静 代管" in row["flags"]
    assert t.away_button.text() == "登记返回（F6）"
    assert t.sign_button.isEnabled()
    assert "已登记去向留言" in w.notice.text()
    # The case screen says so too.
    bot.keyClick(w, Key.Key_F2)
    bot.keyClick(w.today.table, Key.Key_Return)
    gui.settle()
    assert w.case.state.text() == "已收件 · 刘洋 离岗，由 陈静 代管（预计 11:00 返回）"
    bot.keyClick(w, Key.Key_F2)

    # Back at 10:25: F6 asks to confirm, Enter confirms.
    clock.current = at(10, 25)
    bot.keyClick(w.today.table, Key.Key_F6)
    gui.settle()
    confirm = gui.ctl.away.dialog
    bot.waitUntil(confirm.isVisible)
    assert confirm.windowTitle() == "登记返回"
    bot.keyClick(confirm.focusWidget(), Key.Key_Return)
    gui.settle()
    assert not confirm.isVisible()
    assert away_events(gui, "liuyang") == ["away.posted", "away.returned"]
    assert "离岗 1 小时 25 分" in w.notice.text()
    assert t.away_label.text() == "无去向留言：窗口人员在岗。"
    (row,) = gui.ctl.today.visible_rows()
    assert "代管" not in row["flags"]
    assert t.away_button.text() == "去向留言（F6）"


def test_board_without_a_window_says_so(
    make_gui: Callable[..., Gui], ledger: Path, clock: FakeClock
) -> None:
    gui = open_as(make_gui, ledger, "liuyang")
    t = gui.window.today
    assert "未安排窗口" in t.window_label.text()
    assert gui.ctl.today.appointment_rows() == []
    # No window, no open case: the note needs no cover.
    gui.qtbot.keyClick(t.table, Key.Key_F6)
    gui.settle()
    dialog = gui.ctl.away.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    assert dialog.widgets["cover"].currentData() == ""
    dialog.reject()
