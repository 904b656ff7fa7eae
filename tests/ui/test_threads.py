"""The desk survives its two threads: garbage collection never frees a GUI object on the
database worker, and emitting signals never wears out Python's `True` (ui/threads.py)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE, FakeClock
from ui.threads import GuiCollector

ROOT = Path(__file__).resolve().parents[2]


def _python(*argv: str, timeout: int = 240) -> subprocess.CompletedProcess[str]:
    # Its own interpreter: a segfault or abort must fail this test, not end pytest.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_windows_opened_and_dropped_while_the_worker_collects(
    ledger: Path, clock: FakeClock
) -> None:
    today = clock.current.date().isoformat()
    result = _python("-m", "tests.ui.gc_stress", str(ledger), "6", PASSPHRASE, today)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "OK" in result.stdout
    assert "thread" not in result.stderr.lower(), result.stderr[-3000:]


def test_emitting_signals_does_not_wear_out_true() -> None:
    # PySide6 6.12.0 loses a reference to True per emit(); without the guard this process
    # aborts with "bool_dealloc: deallocating True or False" at the latest on exit.
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from ui.threads import _Probe, guard_emit_refcount\n"
        "app = QApplication([])\n"
        "held = sys.getrefcount(True)\n"
        "guard_emit_refcount()\n"
        "probe = _Probe()\n"
        "for _ in range(held + 10_000):\n"
        "    probe.ping.emit()\n"
        "print('OK', flush=True)\n"
    )
    result = _python("-c", code, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "OK" in result.stdout


def test_the_collector_turns_automatic_collection_off_and_back_on(qapp) -> None:  # type: ignore[no-untyped-def]
    assert gc.isenabled()
    first, second = GuiCollector(), GuiCollector()
    first.install()
    second.install()
    assert not gc.isenabled()
    first.uninstall()
    assert not gc.isenabled(), "another desk window is still open"
    second.uninstall()
    assert gc.isenabled()


def test_the_collector_frees_cycles_on_the_gui_thread_when_due(qapp) -> None:  # type: ignore[no-untyped-def]
    collector = GuiCollector()
    collector.install()
    try:

        class Cycle:
            def __init__(self) -> None:
                self.me = self

        for _ in range(gc.get_threshold()[0] + 1):
            Cycle()
        assert collector.collect_if_due() > 0
        assert collector.collect_if_due() == 0, "nothing is due right after a collection"
    finally:
        collector.uninstall()
