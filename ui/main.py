"""The desk window's entry point (`clerkdesk` without a command)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from ui.views.main_window import WINDOW_TITLE

__all__ = ["WINDOW_TITLE", "build", "run_desk"]


def build(argv: list[str] | None = None, **options):  # type: ignore[no-untyped-def]
    """The window and its controller, ready to show (used by run_desk, tests, screenshots)."""
    from ui import paths
    from ui.controllers.app import DeskController
    from ui.qt_setup import configure_app
    from ui.threads import guard_emit_refcount
    from ui.views.main_window import MainWindowView

    guard_emit_refcount()

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    configure_app(app)
    window = MainWindowView()
    ledger = options.pop("ledger_path", None) or paths.default_ledger_path(argv or [])
    controller = DeskController(window, ledger, **options)
    return window, controller


def run_desk() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    from ui import paths
    from ui.errors import describe
    from ui.qt_setup import configure_app, configure_logging

    configure_app(app)  # names first: the data folder is derived from them
    configure_logging(paths.data_dir() / "logs")
    window, controller = build(sys.argv[1:])

    def excepthook(kind, exc, tb) -> None:  # type: ignore[no-untyped-def]
        # A bug in a slot: log it without personal data, apologise, keep the desk running.
        controller.notify(describe(exc.with_traceback(tb)), "error")

    sys.excepthook = excepthook
    controller.start()
    window.show()
    controller.citizen.place()
    try:
        return int(app.exec())
    finally:
        controller.shutdown()
