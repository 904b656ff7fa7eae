"""首问负责 at the desk: F8 from any screen, the item looked up as at intake, the answer, and a
matter that is not ours referred with the window and the person told — the 告知单 previewed.
Driven by the keyboard; what lands in the ledger is read back through app.consultations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app import consultations
from tests.conftest import FakeClock
from tests.ui.conftest import Gui
from tests.ui.test_desk_gui import DIBAO, type_text, unlock

pytestmark = pytest.mark.on_date("2026-03-02")

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
MONDAY = dt.date(2026, 3, 2)


def logged(gui: Gui) -> list[consultations.Consultation]:
    return gui.run(lambda desk: consultations.list_between(desk.conn, MONDAY, MONDAY))


def open_dialog(gui: Gui) -> Any:
    gui.qtbot.keyClick(gui.window.focusWidget() or gui.window, Key.Key_F8)
    dialog = gui.ctl.consult.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    gui.qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_a_consultation_about_an_item_is_answered_by_keyboard(
    make_gui: Callable[..., Gui], ledger: Path, clock: FakeClock
) -> None:
    gui = make_gui(ledger)
    unlock(gui)
    gui.settle()
    bot = gui.qtbot
    dialog = open_dialog(gui)
    f = dialog.widgets
    lookup = f["item"]
    assert lookup.edit.hasFocus()
    # The referral's fields wait until the matter is marked as not ours.
    assert not f["referral.to"].isEnabled()

    # The catalogue lookup of the intake screen: pinyin initials, ↓ and Enter.
    bot.keyClicks(lookup.edit, "dbsq")
    bot.waitUntil(lambda: lookup.results.count() > 0)
    assert "最低生活保障" in lookup.results.item(0).text()
    bot.keyClick(lookup.edit, Key.Key_Down)
    assert lookup.results.hasFocus()
    bot.keyClick(lookup.results, Key.Key_Return)
    gui.settle()
    assert lookup.code == DIBAO and lookup.edit.text() == "最低生活保障"
    assert "已选：" + DIBAO in lookup.chosen.text()
    assert f["question"].hasFocus()

    # No question yet: the form says so next to the field, and nothing is written.
    bot.keyClick(f["question"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.errors["question"].text() == "请填写咨询内容"
    assert logged(gui) == []

    type_text(gui, f["question"], "低保每月什么时候发放")
    bot.keyClick(f["question"], Key.Key_Tab)
    assert f["answer"].hasFocus()
    type_text(gui, f["answer"], "每月10日前发放到一卡通")
    # A phone number that is not one: refused in the form, the rest kept.
    f["citizen_phone"].setFocus()
    bot.keyClicks(f["citizen_phone"], "12345")
    bot.keyClick(f["citizen_phone"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.errors["citizen_phone"].text()
    assert f["question"].toPlainText() == "低保每月什么时候发放"
    assert logged(gui) == []
    f["citizen_phone"].clear()
    bot.keyClick(f["citizen_phone"], Key.Key_Return, CTRL)
    gui.settle()

    assert not dialog.isVisible() and gui.ctl.consult.dialog is None
    (c,) = logged(gui)
    assert (c.item_code, c.item_name, c.ours, c.referral) == (DIBAO, "最低生活保障", True, None)
    assert (c.question, c.answer, c.served_by) == (
        "低保每月什么时候发放",
        "每月10日前发放到一卡通",
        "liuyang",
    )
    assert f"已登记咨询 {c.consult_no}（最低生活保障）" in gui.window.notice.text()
    assert gui.slips.slips == []  # answered here: no referral slip


def test_a_matter_not_ours_is_referred_and_the_slip_previewed(
    make_gui: Callable[..., Gui], ledger: Path, clock: FakeClock
) -> None:
    gui = make_gui(ledger)
    unlock(gui)
    gui.settle()
    bot, w = gui.qtbot, gui.window
    bot.keyClick(w, Key.Key_F3)  # from the intake screen: F8 works on every screen
    assert w.tabs.currentWidget() is w.intake
    dialog = open_dialog(gui)
    f = dialog.widgets

    # An item typed but never picked is not guessed at.
    bot.keyClicks(f["item"].edit, "zzzz")
    bot.keyClick(f["item"].edit, Key.Key_Return)
    gui.settle()
    assert dialog.errors["item"].text() == "没有找到事项“zzzz”"
    f["item"].edit.clear()

    # A free topic, not in the catalogue; Tab through the form like a clerk.
    f["item"].edit.setFocus()
    bot.keyClick(f["item"].edit, Key.Key_Tab)
    assert f["topic"].hasFocus()
    type_text(gui, f["topic"], "养老保险关系转移")
    bot.keyClick(f["topic"], Key.Key_Tab)
    type_text(gui, f["question"], "外省养老保险怎么转回来")
    bot.keyClick(f["question"], Key.Key_Tab)
    type_text(gui, f["answer"], "由县社保局办理，已告知窗口和经办人")
    bot.keyClick(f["answer"], Key.Key_Tab)
    assert f["channel"].hasFocus()
    bot.keyClick(f["channel"], Key.Key_Down)  # 现场 → 电话
    assert f["channel"].currentData() == "phone"
    for _ in range(3):  # name, phone, the referral box
        bot.keyClick(QApplication.focusWidget(), Key.Key_Tab)
    assert f["refer"].hasFocus()
    bot.keyClick(f["refer"], Key.Key_Space)
    assert f["refer"].isChecked() and f["referral.to"].isEnabled()

    # Referred without saying where: app/ refuses, the field at fault says so.
    bot.keyClick(f["refer"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.errors["referral.to"].text() == "请填写承办窗口（部门）"
    assert f["referral.to"].hasFocus()
    assert logged(gui) == []
    type_text(gui, f["referral.to"], "县社保局二楼3号窗口")
    bot.keyClick(f["referral.to"], Key.Key_Tab)
    type_text(gui, f["referral.responsible_person"], "王芳")
    bot.keyClick(f["referral.responsible_person"], Key.Key_Tab)
    bot.keyClicks(f["referral.phone"], "0812-8172345")
    bot.keyClick(f["referral.phone"], Key.Key_Return, CTRL)
    gui.settle()

    assert not dialog.isVisible()
    (c,) = logged(gui)
    assert (c.topic, c.item_code, c.ours, c.channel) == ("养老保险关系转移", None, False, "phone")
    assert c.referral is not None
    assert (c.referral.to, c.referral.responsible_person) == ("县社保局二楼3号窗口", "王芳")
    assert "已告知到 县社保局二楼3号窗口 找 王芳" in w.notice.text()
    # The 首问负责告知单 opens in the preview (A4, never straight to the printer).
    ((title, pdf, direct),) = gui.slips.slips
    assert title == f"打印预览 — 首问负责告知单 {c.consult_no}"
    assert pdf.startswith(b"%PDF") and not direct


def test_lock_closes_the_consultation_form(
    make_gui: Callable[..., Gui], ledger: Path, clock: FakeClock
) -> None:
    gui = make_gui(ledger)
    unlock(gui)
    gui.settle()
    dialog = open_dialog(gui)
    type_text(gui, dialog.widgets["question"], "户口迁移")
    gui.ctl.auto_lock()  # five idle minutes
    gui.settle()
    assert not dialog.isVisible() and gui.ctl.consult.dialog is None
    assert gui.window.pages.currentWidget() is gui.window.unlock
    # Locked: F8 opens nothing for whoever sits down next.
    gui.qtbot.keyClick(gui.window, Key.Key_F8)
    assert gui.ctl.consult.dialog is None
