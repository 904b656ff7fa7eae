"""Dialogs built from a list of fields (reason, where to go, department, director...).

The dialog does not run anything itself: OK emits `submitted(values)`; the controller runs the
op and either closes the dialog or shows the error next to the field at fault, so the clerk
corrects it without retyping the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import FieldError, MessageLabel, hint, mark_error, title


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    # text | password | multiline | choice | editable_choice | check | int | date | datetime
    # | lookup
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    default: str = ""
    placeholder: str = ""
    low: int = 0
    high: int = 999
    extra: dict[str, str] = field(default_factory=dict)


class ReturnTimeEdit(QDateTimeEdit):
    """Date and time, minutes precision; focus lands on the hour (the part usually changed:
    "back at 16:30 today"), whether by Tab or after an error."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("yyyy-MM-dd HH:mm")

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        super().focusInEvent(event)
        self.setSelectedSection(QDateTimeEdit.Section.HourSection)


class LookupField(QWidget):
    """Search as you type, pick from the list (Down, then Enter): the catalogue lookup of a
    form. The controller runs the search and fills the list; the value is the picked code,
    or "" when nothing is picked (typing again drops the pick)."""

    #: The text typed (search it), Enter in the box (take the first match of the text) and
    #: Enter on a result (take that code).
    search = Signal(str)
    pick_first = Signal(str)
    picked = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setFixedHeight(84)
        self.results.hide()
        self.chosen = QLabel()
        self.chosen.setObjectName("hint")
        self.chosen.setWordWrap(True)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        self.code = ""
        self._picking = False
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)
        self.edit.returnPressed.connect(lambda: self.pick_first.emit(self.edit.text().strip()))
        self.results.itemActivated.connect(self._activated)
        self.edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results.count()
        ):
            self.results.setFocus()
            self.results.setCurrentRow(0)
            return True
        return False

    def _typed(self, text: str) -> None:
        if self._picking:
            return
        self.code = ""
        self.chosen.clear()
        self.search.emit(text.strip())

    def show_results(self, rows: list[tuple[str, str]]) -> None:
        """(code, label) rows; an empty list hides the list."""
        self.results.clear()
        for code, label in rows:
            entry = QListWidgetItem(label)
            entry.setData(Qt.ItemDataRole.UserRole, code)
            self.results.addItem(entry)
        self.results.setVisible(bool(rows))
        if rows:
            self.results.setCurrentRow(0)

    def _activated(self, entry: QListWidgetItem) -> None:
        self.picked.emit(str(entry.data(Qt.ItemDataRole.UserRole)))

    def set_chosen(self, code: str, name: str, detail: str) -> None:
        self._picking = True
        try:
            self.edit.setText(name)
        finally:
            self._picking = False
        self.code = code
        self.chosen.setText(detail)
        self.results.clear()
        self.results.hide()


class FormDialog(QDialog):
    submitted = Signal(object)  # dict[str, object]

    def __init__(
        self,
        heading: str,
        fields: list[Field],
        parent: QWidget | None = None,
        *,
        ok_text: str = "",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.busy = False
        self.setWindowTitle(heading)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(title(heading, "sectionTitle"))
        if note:
            layout.addWidget(hint(note))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(form)
        self.fields = {f.key: f for f in fields}
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, FieldError] = {}
        for f in fields:
            widget = self._make(f)
            self.widgets[f.key] = widget
            box = QWidget()
            inner = QVBoxLayout(box)
            inner.setContentsMargins(0, 0, 0, 0)
            inner.setSpacing(2)
            inner.addWidget(widget)
            error = FieldError()
            inner.addWidget(error)
            self.errors[f.key] = error
            form.addRow(f.label + self.tr("："), box)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText((ok_text or self.tr("确定")) + self.tr("（Ctrl+Enter）"))
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消（Esc）"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if fields:
            self.widgets[fields[0].key].setFocus()
        else:  # a confirmation: Enter confirms
            ok.setFocus()

    def _make(self, f: Field) -> QWidget:
        if f.kind in ("text", "password"):
            edit = QLineEdit(f.default)
            edit.setPlaceholderText(f.placeholder)
            if f.kind == "password":
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.returnPressed.connect(self._submit)
            return edit
        if f.kind == "multiline":
            text = QPlainTextEdit(f.default)
            text.setPlaceholderText(f.placeholder)
            text.setTabChangesFocus(True)
            text.setFixedHeight(72)
            return text
        if f.kind in ("choice", "editable_choice"):
            combo = QComboBox()
            combo.setEditable(f.kind == "editable_choice")
            for value, label in f.choices:
                combo.addItem(label, value)
            if f.default:
                index = combo.findData(f.default)
                if index >= 0:
                    combo.setCurrentIndex(index)
                elif combo.isEditable():
                    combo.setEditText(f.default)
            return combo
        if f.kind == "check":
            check = QCheckBox(f.placeholder)
            check.setChecked(f.default == "true")
            return check
        if f.kind == "int":
            spin = QSpinBox()
            spin.setRange(f.low, f.high)
            spin.setValue(int(f.default or f.low))
            return spin
        if f.kind == "datetime":
            # Wall-clock time at the desk (Asia/Shanghai); the default is ISO "YYYY-MM-DDTHH:MM".
            stamp = ReturnTimeEdit()
            if f.default:
                when = dt.datetime.fromisoformat(f.default)
                stamp.setDateTime(
                    QDateTime(QDate(when.year, when.month, when.day), QTime(when.hour, when.minute))
                )
            return stamp
        if f.kind == "date":  # the default is ISO "YYYY-MM-DD"
            day = QDateEdit()
            day.setDisplayFormat("yyyy-MM-dd")
            day.setCalendarPopup(True)
            if f.default:
                d = dt.date.fromisoformat(f.default)
                day.setDate(QDate(d.year, d.month, d.day))
            return day
        if f.kind == "lookup":
            return LookupField(f.placeholder)
        raise ValueError(f.kind)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._submit()
            return
        super().keyPressEvent(event)

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, QLineEdit):
                out[key] = widget.text()
            elif isinstance(widget, QPlainTextEdit):
                out[key] = widget.toPlainText()
            elif isinstance(widget, QComboBox):
                data = widget.currentData()
                text = widget.currentText()
                out[key] = (
                    text
                    if widget.isEditable() and text != widget.itemText(widget.currentIndex())
                    else (data if data is not None else text)
                )
            elif isinstance(widget, QCheckBox):
                out[key] = widget.isChecked()
            elif isinstance(widget, QDateEdit):
                d = widget.date()
                out[key] = dt.date(d.year(), d.month(), d.day())
            elif isinstance(widget, QDateTimeEdit):
                d, t = widget.date(), widget.time()
                out[key] = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value()
            elif isinstance(widget, LookupField):
                out[key] = widget.code
        return out

    def clear_errors(self) -> None:
        for key, error in self.errors.items():
            error.show_error("")
            mark_error(self.widgets[key], False)
        self.message.clear_message()

    def show_error(self, field_key: str | None, text: str) -> None:
        """Show the message next to the field it names, or under the form."""
        self.clear_errors()
        if field_key in self.errors:
            self.errors[field_key].show_error(text)
            widget = self.widgets[field_key]
            mark_error(widget, True)
            widget.setFocus()
        else:
            self.message.show_message(text, "error")

    def set_busy(self, busy: bool) -> None:
        """While the controller runs what was submitted, a second Enter does nothing."""
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def _submit(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        self.submitted.emit(self.values())


class MaterialsDialog(QDialog):
    """Tick the materials the applicant brought back (补正), then OK."""

    submitted = Signal(object)  # dict[str, tuple[str, str]]

    def __init__(self, heading: str, note: str, parent: QWidget | None = None) -> None:
        from ui.views.materials import MaterialsTable

        super().__init__(parent)
        self.busy = False
        self.setWindowTitle(heading)
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(title(heading, "sectionTitle"))
        layout.addWidget(hint(note))
        self.table = MaterialsTable()
        layout.addWidget(self.table, 1)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("确定（Ctrl+Enter）")
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消（Esc）"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.table.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._submit()
            return
        super().keyPressEvent(event)

    def show_error(self, field_key: str | None, text: str) -> None:
        self.message.show_message(text, "error")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.buttons.setEnabled(not busy)

    def _submit(self) -> None:
        if self.busy:
            return
        self.message.clear_message()
        self.submitted.emit(self.table.statuses())
