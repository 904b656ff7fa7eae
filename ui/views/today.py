"""工作台: the queue of open cases with deadline lights, and the awaiting-correction list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import MessageLabel, hint


class CaseTable(QTableView):
    """Enter opens the selected case (the view only reports it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setTabKeyNavigation(False)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)


class TodayView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        filters = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        filters.addWidget(self.summary)
        filters.addStretch(1)
        state_label = QLabel(self.tr("状态（&Z）："))
        self.state_filter = QComboBox()
        state_label.setBuddy(self.state_filter)
        text_label = QLabel(self.tr("筛选（&W）："))
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(self.tr("编号、姓名、事项"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setFixedWidth(220)
        text_label.setBuddy(self.text_filter)
        filters.addWidget(state_label)
        filters.addWidget(self.state_filter)
        filters.addWidget(text_label)
        filters.addWidget(self.text_filter)
        layout.addLayout(filters)

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.table = CaseTable()
        top_layout.addWidget(self.table)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 4, 0, 0)
        self.awaiting_title = QLabel()
        self.awaiting_title.setObjectName("sectionTitle")
        bottom_layout.addWidget(self.awaiting_title)
        self.awaiting = QTableWidget(0, 6)
        self.awaiting.setHorizontalHeaderLabels(
            [
                self.tr("补正期限"),
                self.tr("办件编号"),
                self.tr("事项"),
                self.tr("申请人"),
                self.tr("证件号码"),
                self.tr("告知次数"),
            ]
        )
        self.awaiting.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.awaiting.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.awaiting.setTabKeyNavigation(False)
        self.awaiting.verticalHeader().hide()
        self.awaiting.verticalHeader().setDefaultSectionSize(24)
        self.awaiting.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        bottom_layout.addWidget(self.awaiting)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([420, 170])
        layout.addWidget(split, 1)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        layout.addWidget(
            hint(
                self.tr(
                    "↑↓ 选择，Enter 打开办件；Alt+Z 状态，Alt+W 筛选；点表头排序。"
                    "灯：绿 正常，黄 临近到期，红 今日到期或已超期；“暂定”表示节假日安排尚未公布。"
                )
            )
        )
