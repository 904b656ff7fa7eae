"""Process-wide Qt set-up: the bundled CJK font (without it Chinese renders as boxes on a PC
with no Chinese font), the style sheet, and a log file without personal data."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from printing.fonts import FONT_PATH

_family: str | None = None

STYLE = """
QWidget { font-size: 10pt; }
QLabel#screenTitle { font-size: 15pt; font-weight: bold; }
QLabel#sectionTitle { font-size: 11pt; font-weight: bold; color: #1a3d6d; }
QLabel#fieldError { color: #b71c1c; }
QLabel#message[level="error"] { color: #b71c1c; font-weight: bold; }
QLabel#message[level="ok"] { color: #1b5e20; font-weight: bold; }
QLabel#message[level="info"] { color: #0d47a1; }
QLabel#demoBanner { background: #fff3cd; color: #7a4f00; border: 1px solid #e0b100;
    padding: 2px 8px; font-weight: bold; }
QLabel#problemBanner { background: #fdecea; color: #8e1c1c; border: 1px solid #e57373;
    padding: 6px 10px; }
QLabel#hint { color: #555555; }
QFrame#header { background: #1a3d6d; }
QFrame#header QLabel { color: white; }
QFrame#header QLabel#demoBanner { color: #7a4f00; }
QLineEdit[error="true"], QComboBox[error="true"], QTableWidget[error="true"],
QDateTimeEdit[error="true"], QPlainTextEdit[error="true"] {
    border: 2px solid #c62828; background: #fff3f3; }
QFrame#postPanel { background: #eef3fa; border: 1px solid #c5d3e8; }
QFrame#postPanel[level="away"] { background: #fff8e1; border: 1px solid #e0b100; }
QFrame#postPanel[level="overdue"] { background: #fdecea; border: 1px solid #e57373; }
QLabel#windowLabel { font-weight: bold; color: #1a3d6d; }
QLabel#awayLabel[level="overdue"] { color: #8e1c1c; font-weight: bold; }
QPushButton { padding: 4px 12px; }
QPushButton#primary { background: #1a5fb4; color: white; font-weight: bold; }
"""


def register_font() -> str:
    """Register the bundled font once; return its family name."""
    global _family
    if _family is None:
        font_id = QFontDatabase.addApplicationFont(str(FONT_PATH))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _family = families[0] if families else ""
    return _family


def configure_app(app: QApplication) -> None:
    app.setApplicationName("ClerkDesk")
    app.setOrganizationName("ClerkDesk")
    app.setApplicationDisplayName("便民窗口台账")
    family = register_font()
    if family:
        font = QFont(family, 10)
        app.setFont(font)
    app.setStyleSheet(STYLE)


def configure_logging(folder: Path) -> None:
    """Errors go to a log file beside the ledger folder; messages there never include the
    text of an exception (see ui/errors.py)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "clerkdesk-ui.log", "a", "utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("clerkdesk")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
