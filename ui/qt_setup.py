"""Process-wide Qt set-up: the bundled CJK fonts (without them Chinese renders as boxes on a PC
with no Chinese font, and rare name characters, 生僻字, as boxes on most PCs), the style sheet,
and a log file without personal data."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from printing.fonts import FACES

_families: list[str] | None = None

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


def font_families() -> list[str]:
    """Register every bundled face once (the same files the slips embed, primary first);
    return their family names in that order. Qt reads the files lazily: about 20 ms."""
    global _families
    if _families is None:
        _families = []
        for face in FACES:
            font_id = QFontDatabase.addApplicationFont(str(face.path))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                _families.append(families[0])
    return list(_families)


def app_font(point_size: int = 10) -> QFont:
    """The desk's font: the primary face, then the fallbacks for what it lacks, so a name
    with 䶮 or 𠮷 shows on screen as it prints."""
    font = QFont()
    families = font_families()
    if families:
        font.setFamilies(families)
    font.setPointSize(point_size)
    return font


def configure_app(app: QApplication) -> None:
    app.setApplicationName("ClerkDesk")
    app.setOrganizationName("ClerkDesk")
    app.setApplicationDisplayName("便民窗口台账")
    if font_families():
        app.setFont(app_font())
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
