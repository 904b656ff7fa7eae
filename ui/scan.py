"""Scan anywhere: a barcode scanner is a keyboard that types a case number and Enter fast.

How it works (an application-wide event filter):
- A digit key press that is not auto-repeat and has no Ctrl/Alt starts a *burst*: the press
  is held back (swallowed and recorded with its receiver), and a gap timer starts.
- Each further digit (or "-") arriving within `max_gap_ms` of the previous one is held back
  too and restarts the timer.
- Enter ends the burst (so does a plain Tab when the held text is a case number: some
  scanners send Tab as their suffix). If the held text is shaped like a case number (25
  digits, with or without dashes) it is a scan: `scanned(text)` is emitted and nothing
  reaches the focused widget — a form being filled in is untouched, whatever the code
  turns out to be. A fast burst of 20+ digits of another shape is a foreign barcode:
  `foreign(text)`, also dropped.
- Anything else — the gap timer running out (a person typing), a non-digit key or
  shortcut, Enter after a short burst, a mouse click — *releases* the held presses to their
  receivers, in order, before the new event is handled. A person typing digits sees them
  appear after at most `max_gap_ms` (40 ms, below what anyone perceives); key releases are
  never held.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

CASE_NO_SHAPE = re.compile(r"^\d{9}-?\d{2}-?\d{8}-?\d{4}-?\d$")
MIN_FOREIGN_DIGITS = 20
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_BLOCKING_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


@dataclass
class _Held:
    receiver: QObject
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    scanned = Signal(str)
    foreign = Signal(str)

    def __init__(self, max_gap_ms: int = 40, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[_Held] = []
        self._releasing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max_gap_ms)
        self._timer.timeout.connect(self.release)

    @property
    def holding(self) -> bool:
        return bool(self._held)

    def text(self) -> str:
        return "".join(h.text for h in self._held)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if self._releasing:
            return False
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key_press(watched, event)
        if kind == QEvent.Type.ShortcutOverride and self._held and isinstance(event, QKeyEvent):
            # Shortcuts (F9, Ctrl+L...) fire before their key press reaches any filter: hand
            # the held digits over first, so they land before the shortcut acts.
            text = event.text()
            if not (len(text) == 1 and (text.isdigit() or text == "-")) and not (
                self._ends_scan(event)
            ):
                self.release()
            return False
        if self._held and kind in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.WindowDeactivate,
            QEvent.Type.InputMethod,
        ):
            self.release()
        return False

    def _key_press(self, watched: QObject, event: QKeyEvent) -> bool:
        text = event.text()
        plain = not (event.modifiers() & _BLOCKING_MODIFIERS) and not event.isAutoRepeat()
        if self._held and plain and self._ends_scan(event):
            return self._end_burst()
        is_digit = len(text) == 1 and text.isascii() and text.isdigit()
        continues = is_digit or (text == "-" and bool(self._held))
        if plain and continues:
            if self._held and self._held[0].receiver is not watched:
                self.release()  # focus moved: a new burst
            self._held.append(_Held(watched, event.key(), event.modifiers(), text))
            self._timer.start()
            event.accept()
            return True
        if self._held:
            self.release()
        return False

    def _ends_scan(self, event: QKeyEvent) -> bool:
        """Enter ends a burst; so does a plain Tab after a case number (scanners set up to
        send Tab as the suffix), which then moves no focus and types nothing."""
        if event.key() in _ENTER:
            return True
        return (
            event.key() == Qt.Key.Key_Tab
            and not event.modifiers() & (_BLOCKING_MODIFIERS | Qt.KeyboardModifier.ShiftModifier)
            and bool(CASE_NO_SHAPE.match(self.text()))
        )

    def _end_burst(self) -> bool:
        text = self.text()
        digits = sum(ch.isdigit() for ch in text)
        if CASE_NO_SHAPE.match(text):
            self._drop()
            self.scanned.emit(text)
            return True
        if digits >= MIN_FOREIGN_DIGITS:
            self._drop()
            self.foreign.emit(text)
            return True
        self.release()
        return False

    def _drop(self) -> None:
        self._timer.stop()
        self._held.clear()

    def release(self) -> None:
        """Hand the held key presses to their receivers, in order (a person was typing)."""
        self._timer.stop()
        held, self._held = self._held, []
        self._releasing = True
        try:
            for h in held:
                if shiboken6.isValid(h.receiver):
                    replay = QKeyEvent(QEvent.Type.KeyPress, h.key, h.modifiers, h.text)
                    QCoreApplication.sendEvent(h.receiver, replay)
        finally:
            self._releasing = False
