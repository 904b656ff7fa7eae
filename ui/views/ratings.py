"""评价与投诉: the bad ratings still needing someone — the next follow-up step with its
deadline light, and appeals waiting for the director — and the unfinished complaints, with
the buttons for each step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import MessageLabel, hint, work_table

COLUMNS = ("期限灯", "评价编号", "评价", "服务", "被评价人", "待办", "评价意见")
COMPLAINT_COLUMNS = ("期限灯", "投诉编号", "渠道", "涉及人员", "投诉人电话", "待办", "投诉内容")


class ComplaintsPanel(QWidget):
    """投诉举报: registered by whoever receives them, handled and called back by a director."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        layout.addWidget(self.summary)
        self.table = work_table(tuple(self.tr(c) for c in COMPLAINT_COLUMNS))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.step_button = QPushButton(self.tr("办理 / 回访（Enter，中心负责人）"))
        self.register_button = QPushButton(self.tr("登记投诉（Alt+N）"))
        for b in (self.step_button, self.register_button):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes list to list; keys do the rest
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = MessageLabel()
        layout.addWidget(self.message)


class RatingsView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        layout.addWidget(self.summary)
        self.table = work_table(tuple(self.tr(c) for c in COLUMNS))
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
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        self.complaints = ComplaintsPanel()
        layout.addWidget(self.complaints, 1)
        layout.addWidget(
            hint(
                self.tr(
                    "差评须按 核实 → 整改 → 回访 的顺序办理，期限灯按工作日计；被评价人可整改，"
                    "不能自己核实或回访。误评、恶意评价可由被评价人申诉，由中心负责人裁定。"
                    "投诉由中心负责人办理并回访（涉及本人的须回避）。Tab 在两个列表间切换。"
                )
            )
        )
