from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui.launcher import has_display
from ui.main import WINDOW_TITLE, StartWindow


def test_start_window_shows_chinese_title(qtbot: QtBot) -> None:
    window = StartWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == WINDOW_TITLE
    hint = window.findChild(QLabel, "hint")
    assert hint is not None and "clerkdesk init" in hint.text()


def test_offscreen_counts_as_a_display() -> None:
    assert has_display()  # conftest sets QT_QPA_PLATFORM=offscreen
