"""A desk under garbage-collection stress, run in its own interpreter (a crash must not take
pytest down): `python -m tests.ui.gc_stress LEDGER ROUNDS PASSPHRASE TODAY`.

Python's cyclic collector runs on whichever thread crosses an allocation threshold. If a cycle
it frees holds a Qt object made on the GUI thread, that object dies on the database worker:
Qt warns ("... from another thread") or the process segfaults. Here the thresholds are tiny,
ops call gc.collect() on the worker themselves, and whole desk windows are opened, unlocked,
used and dropped again and again. Prints OK and exits 0 when it survived."""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QSettings,
    QTimer,
    qInstallMessageHandler,
)  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from db.ledger import CHINA_TZ  # noqa: E402
from tests.conftest import FakeClock  # noqa: E402
from ui.threads import _Probe  # noqa: E402

#: Qt messages seen; any about threads is a failure.
MESSAGES: list[str] = []
#: Small (a seventh of Python's default): collections come often on both threads. Tinier ones
#: hide the bug, since the GUI thread then always frees the cycles before the worker can.
THRESHOLDS = (100, 5, 5)
#: More emits than `True` has references in this process (a few thousand) without a guard.
EMITS = 20_000


def _record(_mode: object, _context: object, message: str) -> None:
    MESSAGES.append(message)
    print(f"qt: {message}", file=sys.stderr, flush=True)


def _pump_until(done: Callable[[], bool], timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the desk")
        QCoreApplication.processEvents()
        time.sleep(0.001)


def _collect_on_worker(desk: object) -> int:
    # The worker thread itself starts a full collection, as any allocation there may.
    return gc.collect()


def _allocate(desk: object) -> int:
    # Enough container allocations on the worker to cross any collection threshold.
    return len([[i] for i in range(5_000)])


class _Cycle:
    """Garbage only the cyclic collector frees, holding a live Qt object with a timer."""

    def __init__(self) -> None:
        self.me = self
        self.timer = QTimer()
        self.timer.start(60_000)


def one_round(ledger: Path, ini: Path, passphrase: str, clock: FakeClock) -> None:
    from app import cases
    from ui.main import build
    from ui.prefs import Prefs

    window, ctl = build(
        [],
        ledger_path=ledger,
        prefs=Prefs(QSettings(str(ini), QSettings.Format.IniFormat)),
        clock=clock,
    )
    window.show()
    ctl.start()
    window.unlock.user.setText("admin")
    window.unlock.passphrase.setText(passphrase)
    ctl.unlock()
    _pump_until(ctl.worker.idle)
    if not ctl.unlocked:
        raise SystemExit("the desk did not unlock")
    results: list[object] = []
    for _ in range(5):
        ctl.session.op(_collect_on_worker, results.append)
        ctl.session.op(lambda desk: cases.open_cases(desk.conn, desk.today()), results.append)
        # Garbage with Qt objects in it, made on the GUI thread while the worker collects.
        for _ in range(20):
            label = window.findChildren(object)[:5]
            del label
    _pump_until(lambda: len(results) == 10)
    # The desk at work: the GUI thread drops objects in cycles, the worker allocates.
    for _ in range(5):
        _Cycle()
        ctl.session.op(_allocate, results.append)
    _pump_until(lambda: len(results) == 15)
    ctl.shutdown()
    # As pytest-qt and a closing desk do: the window's C++ side goes now, on this thread;
    # its Python wrappers and everything they hold become garbage for whoever collects next.
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def main(argv: list[str]) -> int:
    ledger, rounds, passphrase = Path(argv[0]), int(argv[1]), argv[2]
    clock = FakeClock(dt.datetime.combine(dt.date.fromisoformat(argv[3]), dt.time(9), CHINA_TZ))
    app = QApplication([])
    qInstallMessageHandler(_record)
    gc.set_threshold(*THRESHOLDS)
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            one_round(ledger, Path(tmp) / "ui.ini", passphrase, clock)
            QCoreApplication.processEvents()
            print(
                f"round {i + 1} done",
                sys.getrefcount(True),
                sys.getrefcount(False),
                file=sys.stderr,
                flush=True,
            )
    probe = _Probe()
    for _ in range(EMITS):  # the desk's worker and screens emit this often in a long day
        probe.ping.emit()
    del app
    threads = [m for m in MESSAGES if "thread" in m.lower()]
    if threads:
        print(f"FAILED: {len(threads)} Qt thread warnings", flush=True)
        return 1
    print("OK", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
