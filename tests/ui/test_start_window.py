from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.ui.conftest import Gui
from ui.controllers.app import PAGE_WELCOME
from ui.launcher import has_display
from ui.main import WINDOW_TITLE


def test_first_start_offers_set_up_or_the_demo(
    make_gui: Callable[..., Gui], tmp_path: Path
) -> None:
    gui = make_gui(tmp_path / "desk.ledger")
    w = gui.window
    assert w.windowTitle() == WINDOW_TITLE
    assert w.pages.currentIndex() == PAGE_WELCOME
    assert "设置向导" in w.welcome.setup_button.text()
    assert "演示台账" in w.welcome.demo_button.text()
    assert str(tmp_path / "desk.ledger") in w.welcome.path_label.text()


def test_offscreen_counts_as_a_display() -> None:
    assert has_display()  # conftest sets QT_QPA_PLATFORM=offscreen
