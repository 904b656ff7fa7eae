"""GUI test set-up: a desk window over a fresh ledger, driven by the keyboard.

Slips are not sent to a printer: a recorder takes the PDF bytes the clerk would see in the
preview. UI preferences live in a throw-away ini file, never in the real user settings."""

from __future__ import annotations

import contextlib
import functools
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QSettings
from pytestqt.qtbot import QtBot

from app import catalogue, staff
from tests.conftest import PASSPHRASE, FakeClock

DIRECTOR_PASSPHRASE = "director pass 9"


def qt_objects_reached(op: object) -> list[str]:
    """Qt objects an op closes over (through nested functions, bound methods, partials and
    defaults): it runs on the worker thread, where none of them may be touched or freed."""
    found: list[str] = []
    seen: set[int] = set()

    def walk(obj: object, depth: int) -> None:
        if id(obj) in seen or depth > 6:
            return
        seen.add(id(obj))
        if isinstance(obj, QObject):
            found.append(type(obj).__name__)
        elif isinstance(obj, types.MethodType):
            walk(obj.__self__, depth + 1)
            walk(obj.__func__, depth + 1)
        elif isinstance(obj, functools.partial):
            for part in (obj.func, *obj.args, *obj.keywords.values()):
                walk(part, depth + 1)
        elif isinstance(obj, types.FunctionType):
            for cell in obj.__closure__ or ():
                with contextlib.suppress(ValueError):  # an empty cell
                    walk(cell.cell_contents, depth + 1)
            for default in obj.__defaults__ or ():
                walk(default, depth + 1)

    walk(op, 0)
    return found


@pytest.fixture(autouse=True)
def ops_reach_no_qt_object(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every op any GUI test makes the desk submit is checked (ui/worker.py's rule)."""
    from ui.worker import DbWorker

    submit = DbWorker.submit

    def checked(self: DbWorker, op: Callable[[], Any], *args: Any, **kwargs: Any) -> int:
        reached = qt_objects_reached(op)
        assert not reached, f"an op closes over Qt objects {reached}: {op!r}"
        return submit(self, op, *args, **kwargs)

    monkeypatch.setattr(DbWorker, "submit", checked)


@dataclass
class SlipRecorder:
    slips: list[tuple[str, bytes, bool]] = field(default_factory=list)
    closed: int = 0

    def show(self, pdf: bytes, title: str, direct: bool) -> None:
        self.slips.append((title, pdf, direct))

    def close(self) -> None:
        self.closed += 1


@dataclass
class Gui:
    qtbot: QtBot
    window: Any
    ctl: Any
    slips: SlipRecorder
    path: Path

    def settle(self, timeout: int = 10_000) -> None:
        """Wait until every op has run and its result was delivered."""
        self.qtbot.waitUntil(self.ctl.worker.idle, timeout=timeout)

    def run(self, fn: Callable[[Any], Any]) -> Any:
        """Read the ledger through the desk's own worker (the test's view of the truth)."""
        box: list[Any] = []
        self.ctl.session.op(fn, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=10_000)
        return box[0]


@pytest.fixture
def ledger(make_desk: Callable[..., Any]) -> Path:
    """A desk with the demo catalogue, a clerk `liuyang` and a director `zhaomin`."""
    desk, _recovery = make_desk()
    catalogue.install_demo(desk)
    staff.add_account(desk, "liuyang", "刘洋", "clerk", PASSPHRASE)
    staff.add_account(desk, "zhaomin", "赵敏", "director", DIRECTOR_PASSPHRASE)
    path = desk.path
    desk.close()
    return Path(path)


@pytest.fixture
def make_gui(qtbot: QtBot, tmp_path: Path, clock: FakeClock) -> Iterator[Callable[..., Gui]]:
    from ui.main import build
    from ui.prefs import Prefs

    made: list[Gui] = []

    def factory(path: Path, **options: Any) -> Gui:
        prefs = Prefs(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
        recorder = SlipRecorder()
        window, ctl = build(
            [], ledger_path=path, prefs=prefs, clock=clock, slip_output=recorder, **options
        )
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitExposed(window)
        ctl.start()
        gui = Gui(qtbot, window, ctl, recorder, path)
        made.append(gui)
        return gui

    yield factory
    for gui in made:
        gui.ctl.shutdown()
