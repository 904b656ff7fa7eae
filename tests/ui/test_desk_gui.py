"""The desk as a clerk drives it: keyboard only, checking what the screen shows and what the
ledger recorded."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWizard

from app import cases
from app.identity import resident_id_check_char
from db.ledger import events_for_subject
from tests.conftest import PASSPHRASE
from tests.ui.conftest import DIRECTOR_PASSPHRASE, Gui
from ui.controllers.app import PAGE_DESK, PAGE_UNLOCK, PAGE_WELCOME, TAB_CASE, TAB_INTAKE

DIBAO = "512B0003600029"  # 最低生活保障 in the demo catalogue
ID_BODY = "51042119580312002"
ID_NUMBER = ID_BODY + resident_id_check_char(ID_BODY)

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def type_text(gui: Gui, widget: Any, text: str) -> None:
    """Type like a clerk: ASCII key by key; Chinese arrives from the input method as a
    committed string (QTest cannot synthesise non-ASCII key presses)."""
    for chunk in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        if chunk.isascii():
            gui.qtbot.keyClicks(widget, chunk)
        else:
            event = QInputMethodEvent()
            event.setCommitString(chunk)
            QApplication.sendEvent(widget, event)


def unlock(gui: Gui, user: str = "liuyang", passphrase: str = PASSPHRASE) -> None:
    u = gui.window.unlock
    u.user.clear()
    gui.qtbot.keyClicks(u.user, user)
    gui.qtbot.keyClick(u.user, Key.Key_Return)
    gui.qtbot.keyClicks(u.passphrase, passphrase)
    gui.qtbot.keyClick(u.passphrase, Key.Key_Return)
    gui.settle()


def open_desk(make_gui: Callable[..., Gui], ledger: Path) -> Gui:
    gui = make_gui(ledger)
    unlock(gui)
    assert gui.window.pages.currentIndex() == PAGE_DESK
    return gui


def events(gui: Gui, case_no: str) -> list[str]:
    return gui.run(lambda desk: [e.kind for e in events_for_subject(desk.conn, f"case/{case_no}")])


def fill_intake(gui: Gui, statuses: str) -> None:
    """Item by pinyin initials, applicant by keyboard, materials by number keys."""
    w, bot = gui.window, gui.qtbot
    bot.keyClick(w, Key.Key_F3)
    v = w.intake
    assert w.tabs.currentIndex() == TAB_INTAKE
    bot.keyClicks(v.item_search, "dbsq")
    bot.keyClick(v.item_search, Key.Key_Return)
    gui.settle()
    assert gui.ctl.intake.item.code == DIBAO
    a = v.applicant
    type_text(gui, a.name, "李秀英")
    bot.keyClick(a.name, Key.Key_Tab)
    bot.keyClick(a.id_type, Key.Key_Tab)
    assert a.id_number.hasFocus()  # the documented tab order
    bot.keyClicks(a.id_number, ID_NUMBER)
    bot.keyClick(a.id_number, Key.Key_Tab)
    bot.keyClicks(a.phone, "138 8123 4567")
    bot.keyClick(a.phone, Key.Key_Tab)
    type_text(gui, a.address, "米易县攀莲镇挂榜村3组")
    gui.settle()
    bot.keyClick(a.address, Key.Key_4, ALT)
    assert v.materials.hasFocus()
    bot.keyClicks(v.materials, statuses)
    bot.keyClick(v.materials, Key.Key_Home)  # any non-digit key hands the held digits over


def test_set_up_wizard_to_an_open_desk(make_gui: Callable[..., Gui], tmp_path: Path) -> None:
    gui = make_gui(tmp_path / "new" / "desk.ledger")
    w, bot = gui.window, gui.qtbot
    assert w.pages.currentIndex() == PAGE_WELCOME
    bot.keyClick(w.welcome.setup_button, Key.Key_Space)
    wizard = gui.ctl.setup.wizard
    bot.waitUntil(wizard.isVisible)
    assert wizard.centre.code.text() == "510421100"
    assert wizard.centre.name.text() == "攀莲镇便民服务中心"
    bot.keyClick(wizard.centre.township, Key.Key_Down)  # 丙谷镇
    assert wizard.centre.code.text() == "510421101"
    bot.keyClick(wizard.centre.name, Key.Key_Return)
    assert wizard.currentId() == wizard.admin_id
    a = wizard.admin
    bot.keyClicks(a.username, "wangqiang")
    type_text(gui, a.display_name, "王强")
    type_text(gui, a.passphrase, "bingu desk 2026!")
    assert a.strength_label.text() in ("较强", "强")
    type_text(gui, a.confirm, "bingu desk 2025!")
    bot.keyClick(a.confirm, Key.Key_Return)
    assert a.confirm_error.text() == "两次输入的口令不一致"
    assert wizard.currentId() == wizard.admin_id
    a.confirm.clear()
    type_text(gui, a.confirm, "bingu desk 2026!")
    bot.keyClick(a.confirm, Key.Key_Return)
    gui.settle()
    bot.waitUntil(lambda: wizard.currentId() == wizard.recovery_id)
    assert len(wizard.recovery.key.text()) > 40
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # "I have stored it" is required
    bot.keyClick(wizard, Key.Key_Escape)
    assert wizard.isVisible()  # cannot walk away from the recovery key
    bot.keyClick(wizard.recovery.stored, Key.Key_Space)
    assert finish.isEnabled()
    bot.keyClick(finish, Key.Key_Space)
    gui.settle()
    assert w.pages.currentIndex() == PAGE_DESK
    assert (tmp_path / "new" / "desk.ledger").exists()
    assert "丙谷镇便民服务中心" in w.centre_label.text()
    assert "王强" in w.user_label.text()
    assert w.sync_label.text() == "上次同步：尚未同步"


def test_unlock_wrong_then_right_lock_key_and_auto_lock(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = make_gui(ledger)
    w = gui.window
    assert w.pages.currentIndex() == PAGE_UNLOCK
    unlock(gui, "nobody")
    assert w.unlock.user_error.isVisible()
    assert "没有账号" in w.unlock.user_error.text()
    unlock(gui, "liuyang", "not the passphrase")
    assert w.pages.currentIndex() == PAGE_UNLOCK
    assert w.unlock.passphrase_error.text() == "口令不正确，请重新输入"
    assert w.unlock.passphrase.text() == ""
    unlock(gui)
    assert w.pages.currentIndex() == PAGE_DESK
    assert "刘洋" in w.user_label.text()
    assert gui.ctl.today.loaded

    gui.qtbot.keyClick(w.today.table, Key.Key_L, CTRL)
    gui.settle()
    assert w.pages.currentIndex() == PAGE_UNLOCK
    assert w.unlock.message.text() == "已锁定。请输入口令解锁。"
    assert w.unlock.user.text() == "liuyang"
    assert gui.ctl.today.model.rowCount() == 0  # nothing of the desk is left on screen

    gui.ctl.prefs.autolock_minutes = 0.02  # 1.2 s
    gui.qtbot.keyClicks(w.unlock.passphrase, PASSPHRASE)
    gui.qtbot.keyClick(w.unlock.passphrase, Key.Key_Return)
    gui.settle()
    assert w.pages.currentIndex() == PAGE_DESK
    gui.qtbot.waitUntil(lambda: w.pages.currentIndex() == PAGE_UNLOCK, timeout=5_000)
    assert w.unlock.message.text() == "长时间无操作，已自动锁定。"


def test_a_file_that_is_not_a_ledger_says_so(make_gui: Callable[..., Gui], tmp_path: Path) -> None:
    bogus = tmp_path / "desk.ledger"
    bogus.write_bytes(bytes(range(256)) * 32)
    gui = make_gui(bogus)
    unlock(gui, "admin")
    problem = gui.window.unlock.problem
    assert problem.isVisible()
    assert "台账" in problem.text() and "管理员" in problem.text()
    assert not gui.window.unlock.passphrase_error.isVisible()


def test_intake_accept_prints_the_receipt(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    # 9 materials: five always needed, three conditional (not applicable), one more needed
    fill_intake(gui, "111114441")
    v = gui.window.intake
    assert v.returning.text() == ""  # a first-time applicant
    gui.qtbot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    assert v.message.text().startswith("已受理 ")
    assert v.message.level == "ok"
    ((title, pdf, direct),) = gui.slips.slips
    assert "受理回执" in title and pdf.startswith(b"%PDF") and not direct
    (case,) = gui.run(lambda desk: cases.list_cases(desk.conn))
    assert case.state == "accepted" and case.applicant_id_number == ID_NUMBER
    assert events(gui, case.case_no) == ["case.received", "case.accepted"]
    assert case.case_no in title
    assert v.applicant.name.text() == ""  # the form is ready for the next citizen

    gui.qtbot.keyClick(gui.window, Key.Key_F2)
    gui.settle()
    (row,) = gui.ctl.today.visible_rows()
    assert row["case_no"] == case.case_no
    assert row["level"] == "normal" and row["light"].startswith("● 绿")
    assert row["state"] == "已受理" and row["id"] == "510421********" + ID_NUMBER[-4:]

    # The same person again: found by ID number, name/phone/address filled in.
    gui.qtbot.keyClick(gui.window, Key.Key_F3)
    v.applicant.id_number.setFocus()
    gui.qtbot.keyClicks(v.applicant.id_number, ID_NUMBER)
    gui.qtbot.keyClick(v.applicant.id_number, Key.Key_Tab)
    gui.settle()
    assert v.applicant.name.text() == "李秀英"
    assert v.applicant.phone.text() == "13881234567"
    assert "老申请人" in v.returning.text()


def test_bad_fields_are_marked_where_they_are(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    v = gui.window.intake
    gui.qtbot.keyClick(gui.window, Key.Key_F3)
    gui.qtbot.keyClick(v.item_search, Key.Key_F9)
    assert v.item_error.text() == "请先选择办理事项（Alt+1 搜索）"
    bad = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    fill_intake(gui, "111114441")
    v.applicant.id_number.clear()
    v.applicant.id_number.setFocus()
    gui.qtbot.keyClicks(v.applicant.id_number, bad)
    gui.qtbot.keyClick(v.applicant.id_number, Key.Key_Tab)
    assert "校验" in v.applicant.errors["id_number"].text()
    assert v.applicant.id_number.property("error") == "true"
    gui.qtbot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    assert "校验" in v.message.text()
    assert gui.slips.slips == []
    assert gui.run(lambda desk: cases.list_cases(desk.conn)) == []


def test_notice_then_return_by_scan_then_accept(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "112114441")  # the third material is missing
    v = gui.window.intake
    gui.qtbot.keyClick(v.materials, Key.Key_F10)
    gui.settle()
    assert "一次性告知书" in v.message.text()
    (case,) = gui.run(lambda desk: cases.list_cases(desk.conn))
    assert case.state == "awaiting_correction"
    assert "一次性告知书" in gui.slips.slips[-1][0]

    # The citizen comes back: the clerk scans the notice's barcode on the today screen.
    gui.qtbot.keyClick(gui.window, Key.Key_F2)
    gui.settle()
    gui.qtbot.keyClicks(gui.window.today.table, cases.barcode_value(case.case_no))
    gui.qtbot.keyClick(gui.window.today.table, Key.Key_Return)
    gui.settle()
    assert gui.window.tabs.currentIndex() == TAB_CASE
    ctl = gui.ctl.case
    assert ctl.current.detail.case_no == case.case_no
    assert set(ctl.action_buttons) == {"notice", "supplement", "accept", "reject", "withdraw"}

    # Refused: nothing ticked yet, so acceptance is refused with the rule's message.
    gui.qtbot.keyClick(ctl.action_buttons["accept"], Key.Key_Space)
    dialog = ctl.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    gui.qtbot.keyClick(dialog.table, Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible()
    assert dialog.message.text().startswith("材料不齐")
    # Tick the missing one (rows are ordered by material code).
    missing_row = next(
        i for i, m in enumerate(ctl.current.detail.materials) if m.status == "missing"
    )
    dialog.table.setCurrentCell(missing_row, 4)
    gui.qtbot.keyClicks(dialog.table, "1")
    gui.qtbot.keyClick(dialog.table, Key.Key_Return, CTRL)
    gui.settle()
    assert not dialog.isVisible()
    assert "受理回执" in gui.slips.slips[-1][0]
    assert events(gui, case.case_no) == ["case.received", "case.notice_issued", "case.accepted"]
    assert ctl.current.detail.state == "accepted"
    assert set(ctl.action_buttons) == {"forward", "pause", "complete", "withdraw"}


def test_reject_asks_for_the_reason(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    v = gui.window.intake
    gui.qtbot.keyClick(v.materials, Key.Key_F11)
    dialog = gui.ctl.intake.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    gui.qtbot.keyClick(dialog.widgets["where_to_go"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible()
    assert dialog.errors["reason"].text() == "请填写不予受理理由"
    type_text(gui, dialog.widgets["reason"], "申请人户籍不在本镇")
    type_text(gui, dialog.widgets["where_to_go"], "户籍所在地乡镇便民服务中心")
    gui.qtbot.keyClick(dialog.widgets["where_to_go"], Key.Key_Return, CTRL)
    gui.settle()
    assert not dialog.isVisible()
    assert "不予受理通知书" in gui.slips.slips[-1][0]
    (case,) = gui.run(lambda desk: cases.list_cases(desk.conn))
    assert case.state == "rejected"
    assert events(gui, case.case_no) == ["case.received", "case.rejected"]


def test_a_refused_rejection_leaves_no_case(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    v = gui.window.intake
    gui.qtbot.keyClick(v.materials, Key.Key_F11)
    dialog = gui.ctl.intake.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    gui.qtbot.keyClick(dialog.widgets["reason"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.errors["reason"].text() == "请填写不予受理理由"
    assert gui.run(lambda desk: cases.list_cases(desk.conn)) == []  # not even 已收件
    type_text(gui, dialog.widgets["reason"], "申请人户籍不在本镇")
    gui.qtbot.keyClick(dialog.widgets["reason"], Key.Key_Tab)
    gui.qtbot.keyClick(dialog.widgets["where_to_go"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.errors["where_to_go"].text() == "请填写建议办理机关或途径"
    assert dialog.widgets["where_to_go"].hasFocus()
    gui.qtbot.keyClick(dialog, Key.Key_Escape)
    assert not dialog.isVisible()
    assert gui.run(lambda desk: cases.list_cases(desk.conn)) == []
    assert "已登记收件" not in v.message.text()
    assert gui.ctl.intake.pending_case_no is None
    assert gui.slips.slips == []


def test_an_overlong_rejection_reason_leaves_no_case(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F11)
    dialog = gui.ctl.intake.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    type_text(gui, dialog.widgets["reason"], "户籍" * 300)
    type_text(gui, dialog.widgets["where_to_go"], "户籍所在地乡镇便民服务中心")
    gui.qtbot.keyClick(dialog.widgets["where_to_go"], Key.Key_Return, CTRL)
    gui.settle()
    assert "不超过 500 个字" in dialog.errors["reason"].text()
    assert gui.run(lambda desk: cases.list_cases(desk.conn)) == []


def test_scan_from_another_screen_and_a_wrong_code_leaves_the_field_alone(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "111114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F9)
    gui.settle()
    (case,) = gui.run(lambda desk: cases.list_cases(desk.conn))

    # A new citizen's form is half typed when a receipt with a misprinted digit is scanned.
    v = gui.window.intake
    type_text(gui, v.applicant.name, "张三")
    digits = cases.barcode_value(case.case_no)
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    gui.qtbot.keyClicks(v.applicant.name, wrong)
    gui.qtbot.keyClick(v.applicant.name, Key.Key_Return)
    gui.settle()
    assert v.applicant.name.text() == "张三"
    assert "校验位" in gui.window.notice.text()
    assert gui.window.tabs.currentIndex() == TAB_INTAKE

    # A well-formed number of a case this ledger does not have.
    unknown = cases.barcode_value(cases.format_case_no("510421100", 1, case.received_on, 999))
    gui.qtbot.keyClicks(v.applicant.name, unknown)
    gui.qtbot.keyClick(v.applicant.name, Key.Key_Return)
    gui.settle()
    assert v.applicant.name.text() == "张三"
    assert "没有办件" in gui.window.notice.text()

    # The real receipt, scanned with dashes, opens the case from the intake screen.
    gui.qtbot.keyClicks(v.applicant.name, case.case_no)
    gui.qtbot.keyClick(v.applicant.name, Key.Key_Return)
    gui.settle()
    assert gui.window.tabs.currentIndex() == TAB_CASE
    assert gui.ctl.case.current.detail.case_no == case.case_no
    assert v.applicant.name.text() == "张三"

    # Typing digits by hand (slowly, with a non-digit after) still reaches the field.
    gui.qtbot.keyClick(gui.window, Key.Key_F3)
    v.applicant.phone.clear()
    gui.qtbot.keyClicks(v.applicant.phone, "13881234567")
    gui.qtbot.keyClick(v.applicant.phone, Key.Key_Tab)
    assert v.applicant.phone.text() == "13881234567"


def test_second_notice_needs_the_director(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    fill_intake(gui, "112114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F10)
    gui.settle()
    (case,) = gui.run(lambda desk: cases.list_cases(desk.conn))
    gui.ctl.open_case(case.case_no)
    gui.settle()
    ctl = gui.ctl.case
    gui.qtbot.keyClick(ctl.action_buttons["notice"], Key.Key_Space)
    dialog = ctl.dialog
    gui.qtbot.waitUntil(dialog.isVisible)
    assert "中心负责人授权" in dialog.windowTitle()
    gui.qtbot.keyClicks(dialog.widgets["director"], "zhaomin")
    gui.qtbot.keyClicks(dialog.widgets["passphrase"], "guess")
    type_text(gui, dialog.widgets["reason"], "申请人补交的户口簿页不全")
    gui.qtbot.keyClick(dialog.widgets["director"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible()
    assert dialog.message.text() == "负责人口令不正确"
    dialog.widgets["passphrase"].clear()
    gui.qtbot.keyClicks(dialog.widgets["passphrase"], DIRECTOR_PASSPHRASE)
    gui.qtbot.keyClick(dialog.widgets["passphrase"], Key.Key_Return)
    gui.settle()
    assert not dialog.isVisible()
    notices = gui.run(lambda desk: cases.get_case(desk.conn, case.case_no).notices)
    assert [n.override_by for n in notices] == [None, "zhaomin"]
    assert "第二次告知书" in ctl.view.message.text()
    assert "一次性告知书" in gui.slips.slips[-1][0]


def test_print_directly_skips_the_preview(make_gui: Callable[..., Gui], ledger: Path) -> None:
    gui = open_desk(make_gui, ledger)
    gui.ctl.prefs.direct_print = True
    fill_intake(gui, "111114441")
    gui.qtbot.keyClick(gui.window.intake.materials, Key.Key_F9)
    gui.settle()
    ((_title, pdf, direct),) = gui.slips.slips
    assert direct and pdf.startswith(b"%PDF")


def test_unexpected_errors_are_an_apology_with_a_reference(
    make_gui: Callable[..., Gui], ledger: Path, caplog: Any
) -> None:
    gui = open_desk(make_gui, ledger)

    def broken(desk: Any) -> None:
        raise ZeroDivisionError("510421195803120027")  # personal data in the message

    gui.ctl.session.op(broken)
    gui.settle()
    text = gui.window.notice.text()
    assert text.startswith("抱歉") and "参考编号" in text
    assert "Traceback" not in text
    assert "510421195803120027" not in caplog.text
    assert "ZeroDivisionError" in caplog.text
