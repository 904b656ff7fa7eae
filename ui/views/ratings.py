"""评价整改: the bad ratings still needing someone — the next follow-up step with its deadline
light, and appeals waiting for the director — and the buttons for each step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import MessageLabel, hint

COLUMNS = ("期限灯", "评价编号", "评价", "服务", "被评价人", "待办", "评价意见")


class RatingsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        buttons = QHBoxLayout()
        self.step_button = QPushButton(self.tr("办理下一步（Enter）"))
        self.appeal_button = QPushButton(self.tr("申诉（Alt+S）"))
        self.decide_button = QPushButton(self.tr("裁定申诉（Alt+D，中心负责人）"))
        for b in (self.step_button, self.appeal_button, self.decide_button):
            b.setAutoDefault(False)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        layout.addWidget(
            hint(
                self.tr(
                    "差评须按 核实 → 整改 → 回访 的顺序办理，期限灯按工作日计；被评价人可整改，"
                    "不能自己核实或回访。误评、恶意评价可由被评价人申诉，由中心负责人裁定。"
                )
            )
        )
