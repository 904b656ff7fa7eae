"""At the intake screen, an ID number known under another name: both names are shown, the
clerk confirms 更正 or 改名 with a reason by keyboard, and the earlier case keeps its name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app import cases
from db.ledger import events_for_subject
from tests.ui.conftest import Gui
from tests.ui.test_desk_gui import ID_NUMBER, fill_intake, open_desk, type_text

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_new_name_for_a_known_id_is_confirmed_in_a_dialog(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    gui = open_desk(make_gui, ledger)
    bot, v = gui.qtbot, gui.window.intake
    fill_intake(gui, "111114441")
    bot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    (first,) = gui.run(lambda desk: cases.list_cases(desk.conn))

    fill_intake(gui, "111114441")  # the same ID number; the name now typed as 李秀
    v.applicant.name.clear()
    type_text(gui, v.applicant.name, "李秀")
    bot.keyClick(v.materials, Key.Key_F9)
    gui.settle()
    dialog = gui.ctl.intake.dialog
    assert dialog is not None and dialog.isVisible()
    note = "".join(label.text() for label in dialog.findChildren(QLabel))
    assert "“李秀英”" in note and "“李秀”" in note
    assert len(gui.run(lambda desk: cases.list_cases(desk.conn))) == 1  # nothing written yet

    # Ctrl+Enter without a reason: refused in the dialog, which stays open.
    kind, reason = dialog.widgets["kind"], dialog.widgets["reason"]
    assert kind.hasFocus()
    bot.keyClick(kind, Key.Key_Down)  # 改名
    bot.keyClick(dialog, Key.Key_Return, CTRL)
    assert dialog.isVisible() and "理由" in dialog.errors["reason"].text()
    assert reason.hasFocus()  # the error takes the clerk to the field at fault
    type_text(gui, reason, "户口簿变更页已核对")
    bot.keyClick(dialog, Key.Key_Return, CTRL)
    gui.settle()
    assert gui.ctl.intake.dialog is None
    assert v.message.text().startswith("已受理 "), v.message.text()

    listed = gui.run(
        lambda desk: {c.case_no: c.applicant_name for c in cases.list_cases(desk.conn)}
    )
    (second,) = set(listed) - {first.case_no}
    assert listed == {first.case_no: "李秀英", second: "李秀"}
    renamed = gui.run(
        lambda desk: [
            e
            for e in events_for_subject(desk.conn, f"case/{second}")
            if e.kind == "applicant.renamed"
        ]
    )
    assert [(e.body["kind"], e.body["reason"], e.actor) for e in renamed] == [
        ("change", "户口簿变更页已核对", "liuyang")
    ]
    assert renamed[0].body["id_number"] == ID_NUMBER
