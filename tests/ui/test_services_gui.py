"""特色服务 at the desk: bookings with their lights (today yellow, ahead green, a day gone by
and not closed red), recording a service and closing a booking by keyboard, app/'s refusals
told in the form; what lands in the ledger read back through app.special_services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app import special_services
from db.ledger import CHINA_TZ
from tests.conftest import FakeClock
from tests.ui.conftest import Gui
from tests.ui.test_desk_duties_gui import duty_ledger  # noqa: F401 — the fixture
from tests.ui.test_desk_gui import type_text, unlock

pytestmark = pytest.mark.on_date("2026-03-02")

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
MONDAY = dt.date(2026, 3, 2)


def services(gui: Gui) -> list[special_services.SpecialService]:
    end = MONDAY + dt.timedelta(days=30)
    return gui.run(lambda desk: special_services.list_between(desk.conn, MONDAY, end))


def column(gui: Gui, col: int) -> list[str]:
    t = gui.window.services.table
    return [t.item(r, col).text() for r in range(t.rowCount())]


def form(gui: Gui) -> Any:
    dialog = gui.ctl.services.dialog
    gui.qtbot.waitUntil(lambda: dialog is not None and dialog.isActiveWindow())
    return dialog


def closed(gui: Gui) -> None:
    gui.settle()
    gui.qtbot.waitUntil(lambda: gui.ctl.services.dialog is None and gui.window.isActiveWindow())


def test_bookings_recorded_closed_and_lit_by_keyboard(
    make_gui: Callable[..., Gui],
    duty_ledger: Path,  # noqa: F811
    clock: FakeClock,
) -> None:
    gui = make_gui(duty_ledger)
    unlock(gui)
    gui.settle()
    w, bot = gui.window, gui.qtbot
    bot.keyClick(w, Key.Key_Y, CTRL)
    v = w.services
    assert w.tabs.currentWidget() is v and v.table.hasFocus()
    assert v.summary.text() == "特色服务 3 件 · 待服务 3 · 逾期未处理 0"
    assert column(gui, 2) == ["10:30", "18:30", "09:30"]
    assert column(gui, 0) == ["● 黄 今日", "● 黄 今日", "● 绿 待服务"]
    assert column(gui, 8) == ["", "延时服务", "节假日"]
    assert column(gui, 6)[0] == "139****0003"  # phones masked on the list

    # A new booking: the time is missing — app/ says so at the field, nothing is written.
    bot.keyClick(v.table, Key.Key_N, ALT)
    dialog = form(gui)
    f = dialog.widgets
    assert f["kind"].hasFocus() and f["kind"].currentData() == "appointment"
    bot.keyClick(f["kind"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.errors["time"].text() == "请填写预约时间"
    assert len(services(gui)) == 3
    bot.keyClicks(f["time"], "15:00")
    type_text(gui, f["name"], "周桂兰")
    bot.keyClick(f["name"], Key.Key_Return)  # Enter in a line submits
    closed(gui)
    new = next(s for s in services(gui) if s.time_text == "15:00")
    assert (new.kind, new.status, new.on, new.citizen_name) == (
        "appointment",
        "booked",
        MONDAY,
        "周桂兰",
    )
    assert column(gui, 2) == ["10:30", "15:00", "18:30", "09:30"]

    # Sunday's booking cannot be done before Sunday: refused in the form.
    v.table.selectRow(3)
    bot.keyClick(v.table, Key.Key_Return)
    dialog = form(gui)
    assert dialog.widgets["status"].currentData() == "done"
    bot.keyClick(dialog.widgets["status"], Key.Key_Return, CTRL)
    gui.settle()
    assert dialog.isVisible() and dialog.message.text() == "尚未到服务日期"
    dialog.reject()
    closed(gui)

    # This morning's: done, with what was done.
    v.table.selectRow(0)
    bot.keyClick(v.table, Key.Key_Return)
    dialog = form(gui)
    bot.keyClick(dialog.widgets["status"], Key.Key_Tab)
    type_text(gui, dialog.widgets["outcome"], "已办理高龄津贴申请")
    bot.keyClick(dialog.widgets["outcome"], Key.Key_Return, CTRL)
    closed(gui)
    done = next(s for s in services(gui) if s.time_text == "10:30")
    assert (done.status, done.outcome) == ("done", "已办理高龄津贴申请")
    assert column(gui, 0)[column(gui, 2).index("10:30")] == "—"
    assert v.message.text() == f"{done.service_no} 已登记为“已完成”。"

    # The next morning the two bookings of Monday nobody closed are red, listed first.
    clock.current = dt.datetime(2026, 3, 3, 9, 0, tzinfo=CHINA_TZ)
    gui.ctl.services.reload()
    gui.settle()
    assert column(gui, 0)[:2] == ["● 红 逾期未处理", "● 红 逾期未处理"]
    assert column(gui, 2)[:2] == ["15:00", "18:30"]
    assert v.summary.text() == "特色服务 4 件 · 待服务 3 · 逾期未处理 2"
