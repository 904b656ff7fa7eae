"""Small building blocks shared by the views."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QWidget,
)


def title(text: str, name: str = "screenTitle") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    return label


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class MessageLabel(QLabel):
    """One line of feedback in the right place: error (red), ok (green), info (blue)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("message")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clear_message()

    def show_message(self, text: str, level: str = "error") -> None:
        self.setProperty("level", level)
        self.setText(text)
        self.setVisible(bool(text))
        self.style().unpolish(self)
        self.style().polish(self)

    def clear_message(self) -> None:
        self.show_message("", "info")

    @property
    def level(self) -> str:
        return str(self.property("level") or "")


class FieldError(QLabel):
    """The message next to a field at fault."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldError")
        self.setWordWrap(True)
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


def mark_error(widget: QWidget, on: bool) -> None:
    """Highlight (or clear) a field at fault through the style sheet's [error="true"]."""
    widget.setProperty("error", "true" if on else "false")
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def work_table(columns: tuple[str, ...]) -> QTableWidget:
    """A read-only list of records, one selected row, Enter on it acts (Tab leaves it)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table
