"""What keeps the desk alive with a database worker beside the GUI thread.

Python's cyclic garbage collector runs on whichever thread happens to allocate when a
threshold is crossed. If the cycle it frees holds a Qt object made on the GUI thread, that
object is destroyed on the worker: a Qt warning at best, a segfault in front of the queue at
worst. So, as Anki does (`aqt/main.py`, `garbage_collect_now`), automatic collection is off
while a desk window is open, and the GUI thread collects itself: whenever the worker goes
idle and on a timer, as often as Python would have. The worker never holds the last
reference to what an op closed over (`ui.worker.DbWorker`).

PySide6 6.12.0 also returns `True` from `SignalInstance.emit()` without taking a reference:
every emit from Python costs `True` one reference, and when the count reaches zero the
interpreter aborts ("bool_dealloc: deallocating True or False"). The desk emits a few
signals per op, so it died after some thousand ops. `guard_emit_refcount` measures that
and, if so, gives `True` references it cannot run out of.
"""

from __future__ import annotations

import ctypes
import gc
import sys

from PySide6.QtCore import QObject, QTimer, Signal

#: How often the GUI thread checks whether a collection is due (ms). A check with nothing to
#: do costs microseconds; a young-generation collection a millisecond or so.
CHECK_INTERVAL_MS = 2_000
#: References given to `True` when emit() loses them: ~10¹² emits, centuries of desk use.
BALLAST = 1 << 40

_guarded = False


class _Probe(QObject):
    ping = Signal()


def emit_loses_true() -> bool:
    """Does this PySide build lose a reference to `True` on each emit()?"""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(50):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= 50


def guard_emit_refcount() -> bool:
    """Once per process: give `True` a ballast of references if emit() leaks them (PySide6
    6.12.0). A no-op on builds without the bug and where `True` is immortal (Python ≥ 3.12).
    Returns whether the ballast was added."""
    global _guarded
    if _guarded:
        return False
    _guarded = True
    if not emit_loses_true():
        return False
    # ob_refcnt is the first field of every object in CPython 3.11's (non-debug) layout.
    refcount = ctypes.c_ssize_t.from_address(id(True))
    refcount.value += BALLAST
    return True


class GuiCollector(QObject):
    """Automatic garbage collection off while it is installed; the GUI thread collects."""

    _installed = 0  # collectors alive in this process (tests open many windows)
    _was_enabled = True

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._active = False
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.collect_if_due)

    def install(self) -> None:
        if self._active:
            return
        if GuiCollector._installed == 0:
            GuiCollector._was_enabled = gc.isenabled()
        # Whatever earlier windows left is freed here, on the GUI thread, before this desk's
        # worker starts.
        gc.collect()
        gc.disable()
        GuiCollector._installed += 1
        self._active = True
        self._timer.start()

    def uninstall(self) -> None:
        if not self._active:
            return
        self._active = False
        self._timer.stop()
        GuiCollector._installed -= 1
        gc.collect()
        if GuiCollector._installed == 0 and GuiCollector._was_enabled:
            gc.enable()

    def collect_if_due(self) -> int:
        """Collect the generation Python itself would collect now, if any (GUI thread)."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return 0
        generation = 0
        if counts[1] >= thresholds[1]:
            generation = 2 if counts[2] >= thresholds[2] else 1
        return gc.collect(generation)
