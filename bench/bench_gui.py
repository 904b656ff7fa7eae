"""Cold start of the desk to its unlock window vs a bare PySide6 window (DESIGN §11).

Each start is a fresh interpreter (QT_QPA_PLATFORM=offscreen) timed from spawn until the
window has been shown and the event loop has run once; best of a few runs of each."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Ratio

REPEAT = 3
ROOT = Path(__file__).resolve().parent.parent

_BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.setCentralWidget(QLabel("ClerkDesk"))
window.resize(1366, 768)
window.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

_OURS = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from ui.main import build
window, controller = build([], ledger_path=Path(sys.argv[1]))
controller.start()
window.show()
assert window.pages.currentIndex() == 1, "not the unlock page"
QTimer.singleShot(0, app.quit)
app.exec()
controller.shutdown()
"""


def _start(code: str, *args: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args],
        check=True,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def _ledger(folder: Path) -> Path:
    from app.desk import set_up
    from db import keys

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    path = folder / "bench.ledger"
    desk, _ = set_up(
        path,
        centre_code="510421100",
        centre_name="攀莲镇便民服务中心",
        desk_no=1,
        admin_username="admin",
        admin_display_name="管理员",
        passphrase="bench passphrase 1",
    )
    desk.close()
    return path


def run() -> list[Ratio]:
    with tempfile.TemporaryDirectory() as tmp:
        ledger = _ledger(Path(tmp))
        ours = min(_start(_OURS, str(ledger)) for _ in range(REPEAT))
        bare = min(_start(_BARE) for _ in range(REPEAT))
    return [Ratio("cold start to unlock window", ours, bare, "s", "bare PySide6 window")]
