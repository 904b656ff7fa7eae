"""The materials checklist: one row per material of the item, driven by the keyboard.

Keys on a row: Space cycles 已收 → 缺少 → 不符合要求 → 不适用; 1/2/3/4 set one directly;
F2 (or typing into the 说明 column) edits the note, e.g. what is wrong with a copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.cases import MATERIAL_STATUSES

STATUS_ORDER = ("received", "missing", "defective", "not_applicable")
_COLOURS = {
    "received": "#dff0d8",
    "missing": "#fde2e1",
    "defective": "#fff0c2",
    "not_applicable": "#eeeeee",
}
_KEYS = {Qt.Key.Key_1: 0, Qt.Key.Key_2: 1, Qt.Key.Key_3: 2, Qt.Key.Key_4: 3}
COL_NO, COL_NAME, COL_NEED, COL_FORM, COL_STATUS, COL_NOTE = range(6)


@dataclass(frozen=True)
class MaterialRow:
    code: str
    name: str
    necessity: str  # 必要 / 视情形 ...
    form: str  # 原件 1 份 ...
    status: str
    note: str = ""


class MaterialsTable(QTableWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 6, parent)
        self.setHorizontalHeaderLabels(
            [
                self.tr("序"),
                self.tr("材料名称"),
                self.tr("要求"),
                self.tr("形式"),
                self.tr("状态"),
                self.tr("说明（F2 填写）"),
            ]
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.setTabKeyNavigation(False)  # Tab leaves the table: the form's tab order holds
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for col in (COL_NO, COL_NEED, COL_FORM, COL_STATUS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(COL_NOTE, 150)
        self._codes: list[str] = []
        self._statuses: list[str] = []

    def set_rows(self, rows: list[MaterialRow]) -> None:
        self.setRowCount(0)
        self._codes = [r.code for r in rows]
        self._statuses = [r.status for r in rows]
        self.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for col, text in (
                (COL_NO, str(i + 1)),
                (COL_NAME, r.name),
                (COL_NEED, r.necessity),
                (COL_FORM, r.form),
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.setItem(i, col, item)
            status = QTableWidgetItem()
            status.setFlags(status.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(i, COL_STATUS, status)
            self.setItem(i, COL_NOTE, QTableWidgetItem(r.note))
            self._paint(i)
        if rows:
            self.setCurrentCell(0, COL_STATUS)

    def _paint(self, row: int) -> None:
        status = self._statuses[row]
        item = self.item(row, COL_STATUS)
        assert item is not None
        item.setText(MATERIAL_STATUSES[status])
        brush = QBrush(QColor(_COLOURS[status]))
        for col in range(self.columnCount()):
            cell = self.item(row, col)
            if cell is not None:
                cell.setBackground(brush)

    def set_status(self, row: int, status: str) -> None:
        if 0 <= row < len(self._statuses):
            self._statuses[row] = status
            self._paint(row)
            self.changed.emit()

    def cycle(self, row: int) -> None:
        if 0 <= row < len(self._statuses):
            nxt = (STATUS_ORDER.index(self._statuses[row]) + 1) % len(STATUS_ORDER)
            self.set_status(row, STATUS_ORDER[nxt])

    def statuses(self) -> dict[str, tuple[str, str]]:
        """code -> (status, note); a note still being edited counts (F9 with the editor open)."""
        editor = QApplication.focusWidget()
        if (
            self.state() == QAbstractItemView.State.EditingState
            and editor is not None
            and self.isAncestorOf(editor)
        ):
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        out: dict[str, tuple[str, str]] = {}
        for i, code in enumerate(self._codes):
            note_item = self.item(i, COL_NOTE)
            out[code] = (self._statuses[i], note_item.text() if note_item else "")
        return out

    def event(self, event: QEvent) -> bool:
        # F2 is also the window's 工作台 shortcut: in the checklist it edits the note.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._is_f2(event)
            and self.currentRow() >= 0
        ):  # (also while a note is being edited: F2 then simply keeps editing)
            event.accept()
            return True
        return super().event(event)

    @staticmethod
    def _is_f2(event: QKeyEvent) -> bool:
        return event.key() == Qt.Key.Key_F2 and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        )

    def edit_note(self, row: int) -> None:
        note = self.item(row, COL_NOTE)
        if note is not None:
            self.setCurrentCell(row, COL_NOTE)
            self.editItem(note)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        row = self.currentRow()
        if self.state() != QAbstractItemView.State.EditingState and row >= 0:
            if self._is_f2(event):
                self.edit_note(row)
                return
            if event.key() == Qt.Key.Key_Space:
                self.cycle(row)
                return
            if event.key() in _KEYS and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                self.set_status(row, STATUS_ORDER[_KEYS[Qt.Key(event.key())]])
                if row + 1 < self.rowCount():
                    self.setCurrentCell(row + 1, COL_STATUS)
                return
        super().keyPressEvent(event)
