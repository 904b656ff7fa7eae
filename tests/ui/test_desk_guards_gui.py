"""Guards found by the GUI review: a registered case never takes another application's ticks,
no double submit, nothing of a locked session survives the lock, and the keys a clerk relies
on (F2 in the checklist, a scanner's Tab) do what they say."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDialog

from app import cases
from tests.ui.conftest import DIRECTOR_PASSPHRASE, Gui
from tests.ui.test_desk_gui import (
    DIBAO,
    ID_NUMBER,
    fill_intake,
    open_desk,
    type_text,
    unlock,
)
from ui.controllers.app import PAGE_UNLOCK, TAB_CASE, TAB_INTAKE, TAB_TODAY

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
LINSHI = "512B0003600031"  # 临时救助


def _pending_case(gui: Gui) -> str:
    """An incomplete F9: registered (已收件), not accepted, linked to the form."""
    fill_intake(gui, "112114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F9)
    gui.settle()
    case_no = gui.ctl.intake.pending_case_no
    assert case_no is not None
    return str(case_no)


def _cases(gui: Gui) -> dict[str, tuple[str, str]]:
    return {c.case_no: (c.item_code, c.state) for c in gui.run(lambda d: cases.list_cases(d.conn))}


def test_pending_case_is_not_reused_for_another_item(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    old = _pending_case(gui)
    v, bot = gui.window.intake, gui.qtbot
    v.item_search.setFocus()
    v.item_search.selectAll()
    bot.keyClicks(v.item_search, "lsjz")
    bot.keyClick(v.item_search, Key.Key_Return)
    gui.settle()
    assert gui.ctl.intake.item.code == LINSHI
    assert gui.ctl.intake.pending_case_no is None
    assert old in v.message.text() and "已收件" in v.message.text()
    v.materials.setFocus()
    bot.keyClicks(v.materials, "111111")
    bot.keyClick(v.materials, Key.Key_Home)
    bot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    ledger_cases = _cases(gui)
    assert ledger_cases.pop(old) == (DIBAO, "received")  # untouched, still 已收件
    ((_new, (code, state)),) = ledger_cases.items()
    assert (code, state) == (LINSHI, "accepted")


def test_pending_case_is_not_reused_after_the_applicant_changed(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    old = _pending_case(gui)
    v, bot = gui.window.intake, gui.qtbot
    v.applicant.phone.clear()
    bot.keyClicks(v.applicant.phone, "13900001111")
    v.materials.setFocus()
    v.materials.setCurrentCell(2, 4)
    bot.keyClicks(v.materials, "1")
    bot.keyClick(v.materials, Key.Key_Home)
    bot.keyClick(v.materials, Key.Key_F9)  # refused: the clerk is told, nothing is written
    gui.settle()
    assert old in v.message.text() and "另行登记" in v.message.text()
    assert _cases(gui) == {old: (DIBAO, "received")}
    old_detail = gui.run(lambda d: cases.get_case(d.conn, old))
    assert old_detail.applicant.phone == "13881234567"
    bot.keyClick(v.materials, Key.Key_F9)  # now a new application, under the new phone
    gui.settle()
    ledger_cases = _cases(gui)
    assert ledger_cases.pop(old) == (DIBAO, "received")
    ((new, (_code, state)),) = ledger_cases.items()
    assert state == "accepted"
    assert gui.run(lambda d: cases.get_case(d.conn, new)).applicant.phone == "13900001111"


def test_double_enter_in_director_dialog_issues_one_notice(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "112114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F10)
    gui.settle()
    (case,) = gui.run(lambda d: cases.list_cases(d.conn))
    gui.ctl.open_case(case.case_no)
    gui.settle()
    ctl = gui.ctl.case
    gui.qtbot.keyClick(ctl.action_buttons["notice"], Key.Key_Space)
    dlg = ctl.dialog
    gui.qtbot.waitUntil(dlg.isVisible)
    gui.qtbot.keyClicks(dlg.widgets["director"], "zhaomin")
    gui.qtbot.keyClicks(dlg.widgets["passphrase"], DIRECTOR_PASSPHRASE)
    type_text(gui, dlg.widgets["reason"], "户口簿页不全")
    gui.qtbot.keyClick(dlg.widgets["passphrase"], Key.Key_Return)
    gui.qtbot.keyClick(dlg.widgets["passphrase"], Key.Key_Return)  # impatient second Enter
    gui.qtbot.keyClick(dlg.widgets["passphrase"], Key.Key_Return, CTRL)
    gui.settle()
    notices = gui.run(lambda d: cases.get_case(d.conn, case.case_no).notices)
    assert len(notices) == 2  # the one at intake and ONE authorised by the director
    assert [n.override_by for n in notices].count("zhaomin") == 1


def test_accept_then_lock_at_once_reports_the_unprinted_receipt(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    v = gui.window.intake
    gui.qtbot.keyClick(v.materials, Key.Key_F9)
    gui.qtbot.keyClick(v.materials, Key.Key_L, CTRL)  # before the result came back
    gui.settle()
    assert gui.window.pages.currentIndex() == PAGE_UNLOCK
    assert gui.slips.slips == []  # nothing previewed over the lock screen
    unlock(gui)
    ((case_no, (_code, state)),) = _cases(gui).items()
    assert state == "accepted"
    notice = gui.window.notice.text()
    assert "未打印" in notice and case_no in notice and "补打" in notice


def test_lock_closes_an_open_print_preview(
    make_gui: Callable[..., Gui], ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import slips

    gui = open_desk(make_gui, ledger)
    opened: list[QDialog] = []

    def fake_preview(_pdf: bytes, parent: object, **_kw: object) -> QDialog:
        dialog = QDialog(gui.window)
        opened.append(dialog)
        return dialog

    monkeypatch.setattr(slips.qt_print, "preview_dialog", fake_preview)
    output = slips.QtSlipOutput(gui.window, gui.ctl.prefs)
    gui.ctl.printer.output = output
    seen: dict[str, bool] = {}

    def lock_while_previewing() -> None:
        seen["preview_open"] = opened[0].isVisible()
        gui.ctl.auto_lock()

    QTimer.singleShot(50, lock_while_previewing)
    output.show(b"%PDF-1.4", "打印预览", False)  # blocks until the preview closes
    assert seen == {"preview_open": True}
    assert not opened[0].isVisible()
    assert output.dialog is None
    assert gui.window.pages.currentIndex() == PAGE_UNLOCK
    assert QApplication.activeModalWidget() is None


def test_nothing_of_a_locked_session_comes_back(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    w, v, bot = gui.window, gui.window.intake, gui.qtbot
    bot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    (case,) = gui.run(lambda d: cases.list_cases(d.conn))
    # A returning applicant's lookup is on its way when the clerk locks.
    bot.keyClick(w, Key.Key_F3)
    v.applicant.id_number.setFocus()
    bot.keyClicks(v.applicant.id_number, ID_NUMBER)
    bot.keyClick(v.applicant.id_number, Key.Key_Tab)
    bot.keyClick(v.applicant.phone, Key.Key_L, CTRL)
    gui.settle()
    assert w.pages.currentIndex() == PAGE_UNLOCK
    assert (v.applicant.name.text(), v.applicant.phone.text(), v.returning.text()) == ("", "", "")
    unlock(gui)
    # A case opened just before the lock is not shown to whoever unlocks next.
    gui.ctl.open_case(case.case_no)
    bot.keyClick(w, Key.Key_L, CTRL)
    gui.settle()
    unlock(gui, "zhaomin", DIRECTOR_PASSPHRASE)
    assert gui.ctl.case.current is None
    assert w.case.body.isHidden()
    # What was typed into the header, the case note and the board filter goes with the lock.
    gui.ctl.open_case(case.case_no)
    gui.settle()
    bot.keyClicks(w.case.note, "tel back")
    w.today.text_filter.setText("li")
    bot.keyClick(w, Key.Key_F, CTRL)
    bot.keyClicks(w.find_box, ID_NUMBER)  # typed, not searched
    bot.keyClick(w.find_box, Key.Key_L, CTRL)
    gui.settle()
    assert (w.find_box.text(), w.case.note.text(), w.today.text_filter.text()) == ("", "", "")


def test_settings_not_while_locked_and_shortcuts_after_unlock(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    w, bot = gui.window, gui.qtbot
    fill_intake(gui, "111114441")
    bot.keyClick(w.intake.materials, Key.Key_F11)
    dlg = gui.ctl.intake.dialog
    bot.waitUntil(dlg.isVisible)
    gui.ctl.auto_lock()  # closes the dialog
    gui.settle()
    bot.keyClick(w.unlock.passphrase, Key.Key_Comma, CTRL)
    assert gui.ctl.dialog is None
    assert QApplication.activeModalWidget() is None
    unlock(gui)
    assert QApplication.activeWindow() is w
    bot.keyClick(w.today.table, Key.Key_F3)
    assert w.tabs.currentIndex() == TAB_INTAKE
    bot.keyClick(w.intake.item_search, Key.Key_Comma, CTRL)
    assert gui.ctl.dialog is not None and gui.ctl.dialog.isVisible()
    bot.keyClick(gui.ctl.dialog, Key.Key_Escape)
    assert gui.ctl.dialog is None


def test_scanner_sending_tab_opens_the_case(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F9)
    gui.settle()
    (case,) = gui.run(lambda d: cases.list_cases(d.conn))
    v = gui.window.intake
    type_text(gui, v.applicant.name, "张三")
    gui.qtbot.keyClicks(v.applicant.name, cases.barcode_value(case.case_no))
    gui.qtbot.keyClick(v.applicant.name, Key.Key_Tab)
    gui.settle()
    assert v.applicant.name.text() == "张三"
    assert gui.window.tabs.currentIndex() == TAB_CASE
    assert gui.ctl.case.current.detail.case_no == case.case_no
    # A person's Tab after a few digits still moves on and keeps the digits.
    gui.qtbot.keyClick(gui.window, Key.Key_F3)
    v.applicant.phone.setFocus()
    gui.qtbot.keyClicks(v.applicant.phone, "1388")
    gui.qtbot.keyClick(v.applicant.phone, Key.Key_Tab)
    assert v.applicant.phone.text() == "1388"
    assert v.applicant.address.hasFocus()


def test_f2_in_the_materials_checklist_edits_the_note(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    m = gui.window.intake.materials
    m.setCurrentCell(1, 4)
    gui.qtbot.keyClick(m, Key.Key_F2)
    assert gui.window.tabs.currentIndex() == TAB_INTAKE
    assert m.state() == QAbstractItemView.State.EditingState
    editor = QApplication.focusWidget()
    type_text(gui, editor, "复印件不清晰")
    gui.qtbot.keyClick(editor, Key.Key_F9)  # the note counts without an Enter first
    gui.settle()
    (case,) = gui.run(lambda d: cases.list_cases(d.conn))
    detail = gui.run(lambda d: cases.get_case(d.conn, case.case_no))
    assert [m_.note for m_ in detail.materials if m_.note] == ["复印件不清晰"]
    assert detail.state == "accepted"


def test_today_board_shows_no_sort_arrow_until_sorted(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    assert gui.window.tabs.currentIndex() == TAB_TODAY
    header = gui.window.today.table.horizontalHeader()
    assert not header.isSortIndicatorShown()
    gui.window.today.table.sortByColumn(7, Qt.SortOrder.AscendingOrder)
    assert header.isSortIndicatorShown()
