"""评价整改 at the desk: bad ratings with their deadline lights; verify → rectify → call back
by keyboard in app/'s order; the rated clerk may not verify her own; an appeal is raised by
the rated clerk and decided by the director alone (a clerk's Alt+D is refused)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import complaints, consultations, ratings
from app.desk import open_desk
from app.errors import PermissionDenied
from tests.conftest import PASSPHRASE, FakeClock
from tests.ui.conftest import DIRECTOR_PASSPHRASE, Gui
from tests.ui.test_desk_duties_gui import duty_ledger  # noqa: F401 — the fixture
from tests.ui.test_desk_gui import type_text, unlock

pytestmark = pytest.mark.on_date("2026-03-02")

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def rated_ledger(duty_ledger: Path, clock: FakeClock) -> Path:  # noqa: F811
    """刘洋 answered two consultations; both were rated 非常不满意 on the screen."""
    desk = open_desk(duty_ledger, "liuyang", PASSPHRASE, clock)
    try:
        for topic in ("社保卡", "医保"):
            c = consultations.log(desk, "怎么办", "这样办", topic=topic)
            ratings.rate(desk, "consultation", c.consult_no, 5)
    finally:
        desk.close()
    return duty_ledger


def rating(gui: Gui, no: str) -> ratings.Rating:
    return gui.run(lambda desk: ratings.get_rating(desk.conn, no))


def open_tab(make_gui: Callable[..., Gui], ledger: Path, user: str, passphrase: str) -> Gui:
    gui = make_gui(ledger)
    unlock(gui, user, passphrase)
    gui.settle()
    gui.qtbot.keyClick(gui.window, Key.Key_F5)
    assert gui.window.tabs.currentWidget() is gui.window.ratings
    assert gui.window.ratings.table.hasFocus()
    return gui


def submit(gui: Gui) -> None:
    gui.qtbot.keyClick(gui.ctl.ratings.dialog.focusWidget(), Key.Key_Return, CTRL)
    gui.settle()


def wait_dialog(gui: Gui) -> object:
    dialog = gui.ctl.ratings.dialog
    gui.qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    return dialog


def test_the_backup_follows_up_a_bad_rating_step_by_step(
    make_gui: Callable[..., Gui], rated_ledger: Path, clock: FakeClock
) -> None:
    gui = open_tab(make_gui, rated_ledger, "chenjing", PASSPHRASE)
    v, bot = gui.window.ratings, gui.qtbot
    assert v.table.rowCount() == 2
    assert v.summary.text() == "待办差评 2 件 · 整改超期 0 · 申诉待裁定 0"
    light = v.table.item(0, 0)
    assert (
        light.text().startswith("● 绿 剩余 ") and light.data(Qt.ItemDataRole.UserRole) == "normal"
    )
    assert [v.table.item(0, c).text() for c in (2, 4, 5)] == ["非常不满意", "刘洋", "待核实"]
    no = v.table.item(0, 1).text()
    # A clerk cannot decide appeals: the button says so, and Alt+D is refused by app/'s rule.
    assert not v.decide_button.isEnabled()

    for step, note in (("核实", "调阅录像，情况属实"), ("整改", "已提醒一次告知到位")):
        bot.keyClick(v.table, Key.Key_Return)
        dialog = wait_dialog(gui)
        assert dialog.windowTitle() == f"{step} — 评价 {no}"
        submit(gui)  # nothing typed: told in the form, nothing written
        assert dialog.isVisible()
        assert dialog.errors["note"].text() == f"请填写{step}情况"
        type_text(gui, dialog.widgets["note"], note)
        submit(gui)
        assert not dialog.isVisible()
    r = rating(gui, no)
    assert r.followup is not None
    assert (r.followup.verified_by, r.followup.verify_note) == ("chenjing", "调阅录像，情况属实")
    assert r.followup.rectified_by == "chenjing"
    assert v.table.item(0, 5).text() == "待回访" and v.table.item(0, 1).text() == no

    bot.keyClick(v.table, Key.Key_Return)
    dialog = wait_dialog(gui)
    type_text(gui, dialog.widgets["note"], "电话回访群众")
    bot.keyClick(dialog.widgets["note"], Key.Key_Tab)
    bot.keyClick(dialog.widgets["satisfied"], Key.Key_Down)  # 仍不满意
    submit(gui)
    r = rating(gui, no)
    assert r.followup is not None and r.followup.state == "closed"
    assert r.followup.callback_satisfied is False
    assert v.table.rowCount() == 1 and v.table.item(0, 1).text() != no
    assert v.message.text() == f"已登记评价 {no} 的回访。"

    bot.keyClick(v.table, Key.Key_D, ALT)
    assert gui.ctl.ratings.dialog is None
    assert v.message.text() == "此操作需要中心负责人权限（当前为窗口人员）"


def test_the_rated_clerk_appeals_and_only_the_director_decides(
    make_gui: Callable[..., Gui], rated_ledger: Path, clock: FakeClock
) -> None:
    gui = open_tab(make_gui, rated_ledger, "liuyang", PASSPHRASE)
    v, bot = gui.window.ratings, gui.qtbot
    no = v.table.item(0, 1).text()
    # Her own rating: she may not verify it (app/'s rule, told in the form).
    bot.keyClick(v.table, Key.Key_Return)
    dialog = wait_dialog(gui)
    type_text(gui, dialog.widgets["note"], "我自己核实")
    submit(gui)
    assert dialog.isVisible() and "被评价人不能自己核实或回访" in dialog.message.text()
    assert rating(gui, no).followup.verified_by is None  # type: ignore[union-attr]
    dialog.reject()
    bot.waitUntil(lambda: gui.ctl.ratings.dialog is None and gui.window.isActiveWindow())

    # She appeals it as malicious (Alt+S).
    bot.keyClick(v.table, Key.Key_S, ALT)
    dialog = wait_dialog(gui)
    bot.keyClick(dialog.widgets["kind"], Key.Key_Down)  # 误评 → 恶意评价
    bot.keyClick(dialog.widgets["kind"], Key.Key_Tab)
    type_text(gui, dialog.widgets["reason"], "评价人当日未办理业务")
    submit(gui)
    r = rating(gui, no)
    assert (r.appeal_state, r.appeal_kind) == ("pending", "malicious")
    assert v.table.item(0, 5).text() == "待核实；申诉待裁定"
    # The ruling is the director's: app/ refuses a clerk whatever the screen shows.
    errors: list[BaseException] = []
    gui.ctl.session.op(
        lambda desk: ratings.decide_appeal(desk, no, True, "成立"), None, errors.append
    )
    gui.settle()
    assert isinstance(errors[0], PermissionDenied)
    gui.ctl.lock()
    gui.settle()

    # The director: Alt+D, upheld — the rating leaves the figures and the follow-up ends.
    unlock(gui, "zhaomin", DIRECTOR_PASSPHRASE)
    gui.settle()
    bot.keyClick(gui.window, Key.Key_F5)
    gui.settle()
    assert v.decide_button.isEnabled()
    assert v.table.item(0, 1).text() == no
    bot.keyClick(v.table, Key.Key_D, ALT)
    dialog = wait_dialog(gui)
    bot.keyClick(dialog.widgets["upheld"], Key.Key_Down)  # 申诉成立
    bot.keyClick(dialog.widgets["upheld"], Key.Key_Tab)
    type_text(gui, dialog.widgets["note"], "经查属恶意评价")
    submit(gui)
    r = rating(gui, no)
    assert (r.appeal_state, r.voided, r.decision_note) == ("upheld", True, "经查属恶意评价")
    assert r.followup is not None and r.followup.state == "voided"
    assert no not in [v.table.item(i, 1).text() for i in range(v.table.rowCount())]


def complaint_state(gui: Gui, no: str) -> str:
    return gui.run(lambda desk: complaints.get(desk.conn, no).state)


def test_a_complaint_is_registered_by_a_clerk_and_handled_by_the_director(
    make_gui: Callable[..., Gui], rated_ledger: Path, clock: FakeClock
) -> None:
    gui = open_tab(make_gui, rated_ledger, "chenjing", PASSPHRASE)
    p, bot = gui.window.ratings.complaints, gui.qtbot
    assert p.summary.text() == "投诉举报：未办结 0 件 · 超期 0"
    bot.keyClick(gui.window.ratings.table, Key.Key_Tab)  # from one list to the other
    assert p.table.hasFocus()

    bot.keyClick(p.table, Key.Key_N, ALT)
    dialog = gui.ctl.complaints.dialog
    gui.qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    f = dialog.widgets
    assert f["channel"].hasFocus() and f["channel"].currentData() == "phone"
    bot.keyClick(f["channel"], Key.Key_Tab)
    bot.keyClick(dialog.focusWidget(), Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.errors["content"].text() == "请填写投诉内容"
    type_text(gui, f["content"], "中午窗口无人值守")
    bot.keyClick(f["content"], Key.Key_Tab)
    f["about_staff"].setCurrentIndex(f["about_staff"].findData("liuyang"))
    bot.keyClick(f["about_staff"], Key.Key_Return, CTRL)
    gui.settle()
    assert not dialog.isVisible()
    assert p.table.rowCount() == 1
    no = p.table.item(0, 1).text()
    assert [p.table.item(0, c).text() for c in (2, 3, 5)] == ["投诉电话", "刘洋", "待办理"]
    assert p.table.item(0, 0).text().startswith("● 绿 剩余 ")

    # A clerk may not handle it: app/ refuses, the form says so, the complaint stays open.
    bot.waitUntil(lambda: gui.ctl.complaints.dialog is None and gui.window.isActiveWindow())
    bot.keyClick(p.table, Key.Key_Return)
    dialog = gui.ctl.complaints.dialog
    gui.qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    type_text(gui, dialog.widgets["handling"], "我来处理")
    bot.keyClick(dialog.widgets["handling"], Key.Key_Tab)
    type_text(gui, dialog.widgets["result"], "已处理")
    bot.keyClick(dialog.widgets["result"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible()
    assert dialog.message.text() == "此操作需要中心负责人权限（当前为窗口人员）"
    assert complaint_state(gui, no) == "open"
    dialog.reject()
    gui.ctl.lock()
    gui.settle()

    # The director: Enter handles, Enter again calls back; then it leaves the list.
    unlock(gui, "zhaomin", DIRECTOR_PASSPHRASE)
    gui.settle()
    bot.keyClick(gui.window, Key.Key_F5)
    bot.keyClick(gui.window.ratings.table, Key.Key_Tab)
    assert p.table.hasFocus() and p.table.item(0, 1).text() == no
    bot.keyClick(p.table, Key.Key_Return)
    dialog = gui.ctl.complaints.dialog
    gui.qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    assert dialog.windowTitle() == f"办理投诉 {no}"
    type_text(gui, dialog.widgets["handling"], "调整午间轮岗")
    bot.keyClick(dialog.widgets["handling"], Key.Key_Tab)
    type_text(gui, dialog.widgets["result"], "已安排B角午间值守")
    bot.keyClick(dialog.widgets["result"], Key.Key_Return)
    gui.settle()
    assert complaint_state(gui, no) == "handled"
    assert p.table.item(0, 5).text() == "待回访"
    bot.waitUntil(lambda: gui.ctl.complaints.dialog is None and gui.window.isActiveWindow())
    bot.keyClick(p.table, Key.Key_Return)
    dialog = gui.ctl.complaints.dialog
    gui.qtbot.waitUntil(lambda: dialog.isVisible() and dialog.isActiveWindow())
    type_text(gui, dialog.widgets["note"], "已电话告知投诉人")
    bot.keyClick(dialog.widgets["note"], Key.Key_Return, CTRL)
    gui.settle()
    assert complaint_state(gui, no) == "closed"
    assert p.table.rowCount() == 0
    assert p.message.text() == f"投诉 {no} 已回访办结。"
