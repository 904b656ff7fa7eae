"""工作台: the window panel (who is at this window, the away note and its backup), the queue
of open cases with deadline lights, the awaiting-correction list and today's appointments."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
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
        # The board comes in the order the desk keeps (most urgent first): no arrow until
        # the clerk sorts by a column.
        header = self.horizontalHeader()
        header.setSortIndicatorShown(False)
        header.sortIndicatorChanged.connect(lambda *_: header.setSortIndicatorShown(True))
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
        layout.addWidget(self._post_panel())

        split = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        self.table = CaseTable()
        top_layout.addWidget(self.table)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 4, 0, 0)
        self.awaiting_title = QLabel()
        self.awaiting_title.setObjectName("sectionTitle")
        left_layout.addWidget(self.awaiting_title)
        self.awaiting = _table(
            [
                self.tr("补正期限"),
                self.tr("办件编号"),
                self.tr("事项"),
                self.tr("申请人"),
                self.tr("证件号码"),
                self.tr("告知次数"),
            ],
            stretch=2,
        )
        left_layout.addWidget(self.awaiting)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 4, 0, 0)
        self.appointments_title = QLabel()
        self.appointments_title.setObjectName("sectionTitle")
        right_layout.addWidget(self.appointments_title)
        self.appointments = _table(
            [
                self.tr("时间"),
                self.tr("类别"),
                self.tr("事项"),
                self.tr("群众"),
                self.tr("电话"),
                self.tr("标记"),
                self.tr("状态"),
            ],
            stretch=2,
        )
        right_layout.addWidget(self.appointments)
        bottom.addWidget(left)
        bottom.addWidget(right)
        bottom.setStretchFactor(0, 4)
        bottom.setStretchFactor(1, 3)
        bottom.setSizes([760, 570])
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
                    "F6 去向留言／登记返回，F7 打印去向留言牌。"
                    "灯：绿 正常，黄 临近到期，红 今日到期或已超期；"
                    "“暂定”表示期限所涉节假日安排尚未载入或可能调整（悬停查看原因）。"
                )
            )
        )

    def _post_panel(self) -> QFrame:
        """The window strip: who is at this window, the away note and who covers."""
        self.post_panel = QFrame()
        self.post_panel.setObjectName("postPanel")
        row = QHBoxLayout(self.post_panel)
        row.setContentsMargins(8, 4, 8, 4)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.window_label = QLabel()
        self.window_label.setObjectName("windowLabel")
        self.away_label = QLabel()
        self.away_label.setObjectName("awayLabel")
        self.away_label.setWordWrap(True)
        texts.addWidget(self.window_label)
        texts.addWidget(self.away_label)
        row.addLayout(texts, 1)
        self.away_button = QPushButton(self.tr("去向留言（F6）"))
        self.away_button.setAutoDefault(False)
        self.sign_button = QPushButton(self.tr("打印去向留言牌（F7）"))
        self.sign_button.setAutoDefault(False)
        row.addWidget(self.away_button)
        row.addWidget(self.sign_button)
        return self.post_panel

    def set_away_level(self, level: str) -> None:
        """Colour the strip through the style sheet: "" (nobody away), "away" or "overdue"."""
        for widget in (self.post_panel, self.away_label):
            widget.setProperty("level", level)
            widget.style().unpolish(widget)
            widget.style().polish(widget)


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    # Columns fit their contents; the one named `stretch` takes what is left (and elides).
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table
