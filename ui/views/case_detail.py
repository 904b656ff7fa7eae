"""办件详情: header, deadline, materials, notices, pauses, the timeline; actions and reprints."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import MessageLabel, hint, title


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    for col in range(len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class CaseDetailView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(4)
        self.empty = hint(
            self.tr("尚未打开办件。扫描回执条码，或按 Ctrl+F 输入办件编号，或在工作台按 Enter。")
        )
        layout.addWidget(self.empty)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body, 1)

        head = QHBoxLayout()
        self.case_no = title("")
        self.case_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state = QLabel()
        self.state.setObjectName("sectionTitle")
        self.light = QLabel()
        self.light.setMinimumWidth(200)
        self.light.setAlignment(Qt.AlignmentFlag.AlignCenter)
        head.addWidget(self.case_no)
        head.addSpacing(12)
        head.addWidget(self.state)
        head.addStretch(1)
        head.addWidget(self.light)
        body.addLayout(head)

        facts = QGridLayout()
        facts.setHorizontalSpacing(18)
        facts.setVerticalSpacing(2)
        self.facts: dict[str, QLabel] = {}
        names = [
            ("item", self.tr("事项")),
            ("applicant", self.tr("申请人")),
            ("agent", self.tr("代办人")),
            ("received", self.tr("收件")),
            ("accepted", self.tr("受理")),
            ("due", self.tr("承诺办结")),
            ("department", self.tr("承办部门")),
            ("outcome", self.tr("结果")),
        ]
        for i, (key, label) in enumerate(names):
            name = QLabel(label + self.tr("："))
            name.setObjectName("hint")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.facts[key] = value
            row, col = divmod(i, 2)
            facts.addWidget(name, row, col * 2, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(value, row, col * 2 + 1)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        body.addLayout(facts)

        self.actions_box = QGroupBox(self.tr("可办操作（仅显示当前状态允许的操作）"))
        self.actions_layout = QHBoxLayout(self.actions_box)
        self.actions_layout.setContentsMargins(6, 2, 6, 4)
        body.addWidget(self.actions_box)
        self.reprint_box = QGroupBox(self.tr("补打文书"))
        self.reprint_layout = QHBoxLayout(self.reprint_box)
        self.reprint_layout.setContentsMargins(6, 2, 6, 4)
        body.addWidget(self.reprint_box)
        self.message = MessageLabel()
        body.addWidget(self.message)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("材料")))
        self.materials = _table([self.tr("材料名称"), self.tr("状态"), self.tr("说明")], 0)
        left_layout.addWidget(self.materials, 3)
        left_layout.addWidget(QLabel(self.tr("一次性告知书与特别程序")))
        self.notices = _table(
            [self.tr("文书"), self.tr("日期"), self.tr("内容"), self.tr("期限/结束")], 2
        )
        left_layout.addWidget(self.notices, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("办理过程（台账事件）")))
        self.timeline = _table(
            [self.tr("时间"), self.tr("经办人"), self.tr("环节"), self.tr("内容")], 3
        )
        right_layout.addWidget(self.timeline, 1)
        note_row = QHBoxLayout()
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("备注（Alt+B），Enter 添加"))
        note_label = QLabel(self.tr("备注（&B）："))
        note_label.setBuddy(self.note)
        self.note_button = QPushButton(self.tr("添加备注"))
        self.note_button.setAutoDefault(False)
        note_row.addWidget(note_label)
        note_row.addWidget(self.note, 1)
        note_row.addWidget(self.note_button)
        right_layout.addLayout(note_row)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 760])
        body.addWidget(split, 1)
        self.body.hide()

    def set_action_buttons(self, buttons: list[QPushButton]) -> None:
        self._fill(self.actions_layout, buttons)
        self.actions_box.setVisible(bool(buttons))

    def set_reprint_buttons(self, buttons: list[QPushButton]) -> None:
        self._fill(self.reprint_layout, buttons)
        self.reprint_box.setVisible(bool(buttons))

    @staticmethod
    def _fill(layout: QHBoxLayout, buttons: list[QPushButton]) -> None:
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for b in buttons:
            b.setAutoDefault(False)
            layout.addWidget(b)
        layout.addStretch(1)
