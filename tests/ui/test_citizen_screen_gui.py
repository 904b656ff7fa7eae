"""The monitor facing the citizen: the window's staff card and photo, the away note, the
item being handled; after a service five rating buttons (by touch or mouse, and by keyboard),
the rating linked to the case or consultation just served. Nothing of a citizen is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app import away, cases, consultations, ratings, windows
from db.ledger import CHINA_TZ
from tests.conftest import FakeClock
from tests.ui.conftest import Gui
from tests.ui.test_desk_duties_gui import duty_ledger  # noqa: F401 — the fixture
from tests.ui.test_desk_gui import ID_NUMBER, fill_intake, type_text, unlock

pytestmark = pytest.mark.on_date("2026-03-02")

Key = Qt.Key
MONDAY = dt.date(2026, 3, 2)
PRIVATE = ("李秀英", ID_NUMBER, "13881234567", "138****4567")


def png_photo() -> bytes:
    image = QImage(30, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("#607d8b"))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def shown_text(view: QWidget) -> str:
    """Everything the citizen can read on the screen."""
    parts = [w.text() for w in view.findChildren(QLabel) if w.isVisible()]
    parts += [w.text() for w in view.findChildren(QLineEdit) if w.isVisible()]
    parts += [b.text() for b in view.buttons.values()]  # type: ignore[attr-defined]
    return "\n".join(parts)


def ratings_today(gui: Gui) -> list[ratings.Rating]:
    return gui.run(lambda desk: ratings.list_between(desk.conn, MONDAY, MONDAY))


def open_with_screen(make_gui: Callable[..., Gui], ledger: Path, user: str = "liuyang") -> Gui:
    gui = make_gui(ledger)
    gui.ctl.citizen.place()  # one screen here: a window of its own, movable
    gui.window.activateWindow()
    unlock(gui, user)
    gui.settle()
    return gui


@pytest.fixture
def card_ledger(duty_ledger: Path, clock: FakeClock) -> Path:  # noqa: F811
    from app.desk import open_desk
    from tests.conftest import PASSPHRASE

    desk = open_desk(duty_ledger, "liuyang", PASSPHRASE, clock)
    try:
        windows.sign_in(desk, 1)
    finally:
        desk.close()
    desk = open_desk(duty_ledger, "zhaomin", "director pass 9", clock)
    try:
        windows.set_staff_card(
            desk, "liuyang", "攀莲镇人民政府", "窗口受理员", "13808120001", False, png_photo()
        )
    finally:
        desk.close()
    return duty_ledger


def test_card_intake_and_a_rating_by_touch(
    make_gui: Callable[..., Gui], card_ledger: Path, clock: FakeClock
) -> None:
    gui = open_with_screen(make_gui, card_ledger)
    view, bot = gui.ctl.citizen_view, gui.qtbot
    assert view.isVisible() and view.windowTitle() == "ClerkDesk 群众评价屏"
    assert gui.window.isActiveWindow()  # the citizen's screen never takes the clerk's keys
    assert not view.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)  # closing the desk quits
    assert view.name.text() == "刘洋" and view.post.text() == "窗口受理员"
    assert view.window_label.text() == "1号窗口 综合窗口1"
    assert view.phone.text() == "监督电话：13808120001"
    assert not view.photo.pixmap().isNull()
    assert not view.away.isVisible() and not view.rating.isVisible()

    # The clerk picks the item: the citizen sees its name; the applicant typed: nothing of it.
    fill_intake(gui, "111114441")
    assert view.handling.text() == "正在办理：最低生活保障"
    text = shown_text(view)
    assert not any(p in text for p in PRIVATE)
    bot.keyClick(gui.window.intake.materials, Key.Key_F9)
    gui.settle()
    ((receipt_title, _pdf, _direct),) = gui.slips.slips
    (case,) = [
        c for c in gui.run(lambda desk: cases.list_cases(desk.conn)) if c.case_no in receipt_title
    ]

    # Accepted: the five buttons appear; the citizen types a comment and taps 满意.
    assert view.rating.isVisible()
    assert view.handling.text() == "本次服务：最低生活保障"
    assert [b.text().split("\n")[1] for b in view.buttons.values()] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    assert not any(p in shown_text(view) for p in PRIVATE)
    type_text(gui, view.comment, "办事很快")
    bot.mouseClick(view.buttons[2], Qt.MouseButton.LeftButton)
    gui.settle()
    (r,) = ratings_today(gui)
    assert (r.contact_kind, r.contact_ref, r.level, r.channel) == (
        "case",
        case.case_no,
        2,
        "screen",
    )
    assert r.comment == "办事很快" and r.staff == "liuyang" and r.followup is None
    assert view.message.text() == "谢谢您的评价！" and not view.rating.isVisible()
    assert f"群众评价 {r.rating_no}：满意" in gui.window.notice.text()
    # A second tap does nothing: the buttons are gone until the next service.
    bot.mouseClick(view.buttons[1], Qt.MouseButton.LeftButton)
    gui.settle()
    assert len(ratings_today(gui)) == 1

    # F12 on the case screen offers the same case again: 一次一评, said on the screen.
    gui.ctl.open_case(case.case_no)
    gui.settle()
    bot.keyClick(gui.window, Key.Key_F12)
    assert view.rating.isVisible()
    bot.mouseClick(view.buttons[1], Qt.MouseButton.LeftButton)
    gui.settle()
    assert "一次一评" in view.message.text()
    assert len(ratings_today(gui)) == 1

    # The buttons offered and not used are withdrawn when the next citizen's item is picked.
    bot.keyClick(gui.window, Key.Key_F12)
    assert view.rating.isVisible()
    fill_intake(gui, "111114441")
    assert not view.rating.isVisible() and view.handling.text() == "正在办理：最低生活保障"
    bot.mouseClick(view.buttons[1], Qt.MouseButton.LeftButton)
    gui.settle()
    assert len(ratings_today(gui)) == 1


def test_a_consultation_rated_by_keyboard_opens_a_follow_up(
    make_gui: Callable[..., Gui], card_ledger: Path, clock: FakeClock
) -> None:
    gui = open_with_screen(make_gui, card_ledger)
    view, bot = gui.ctl.citizen_view, gui.qtbot
    bot.keyClick(gui.window.today.table, Key.Key_F8)
    dialog = gui.ctl.consult.dialog
    bot.waitUntil(dialog.isVisible)
    f = dialog.widgets
    type_text(gui, f["topic"], "户口迁移")
    type_text(gui, f["question"], "户口怎么迁入")
    type_text(gui, f["answer"], "带户口簿到派出所")
    bot.keyClick(f["answer"], Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    gui.settle()
    (c,) = gui.run(lambda desk: consultations.list_between(desk.conn, MONDAY, MONDAY))
    assert view.rating.isVisible() and view.handling.text() == "本次服务：户口迁移"

    # A keyboard at the citizen's monitor: Tab to a button and Space, or a digit key.
    view.activateWindow()
    bot.waitUntil(view.isActiveWindow)
    view.buttons[3].setFocus()
    bot.keyClick(view.buttons[3], Key.Key_Tab)
    assert view.buttons[4].hasFocus()
    bot.keyClick(view.buttons[4], Key.Key_4)
    gui.settle()
    (r,) = ratings_today(gui)
    assert (r.contact_kind, r.contact_ref, r.level) == ("consultation", c.consult_no, 4)
    assert r.followup is not None and r.followup.state == "open"
    assert "须于" in gui.window.notice.text()


def test_space_on_a_button_rates_and_the_away_note_shows(
    make_gui: Callable[..., Gui], card_ledger: Path, clock: FakeClock
) -> None:
    from app.desk import open_desk
    from tests.conftest import PASSPHRASE

    # 刘洋 (the window's A角) went out; 陈静 (B角) sits down at the desk.
    desk = open_desk(card_ledger, "liuyang", PASSPHRASE, clock)
    try:
        back = dt.datetime(2026, 3, 2, 11, 0, tzinfo=CHINA_TZ)
        away.post(desk, "village", "双沟村入户核查", back, "13808120001")
    finally:
        desk.close()
    gui = open_with_screen(make_gui, card_ledger, "chenjing")
    view, bot = gui.ctl.citizen_view, gui.qtbot
    assert view.name.text() == "陈静" and view.photo.text() == "照片"  # no card photo
    assert view.away.isVisible()
    assert view.away.text() == "刘洋 离岗（下村）：双沟村入户核查，预计 11:00 返回，由 陈静 代岗"

    gui.ctl.citizen.served("case", "x", "高龄津贴")  # a reference app/ does not know
    view.activateWindow()
    bot.waitUntil(view.isActiveWindow)
    view.buttons[1].setFocus()
    bot.keyClick(view.buttons[1], Key.Key_Space)
    gui.settle()
    assert view.message.level == "error" and view.message.text()
    assert ratings_today(gui) == []

    # Locked: the screen is blank (no card, no rating) for whoever comes next.
    gui.ctl.lock()
    gui.settle()
    assert view.name.text() == "" and not view.rating.isVisible()
    assert view.message.text() == "窗口暂停服务，请稍候"
