"""特色服务: appointments, home visits, the fast lane, proxy and assisted handling — booked ones
with a light by their day — and the buttons to record one and to close a booking."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.views.widgets import MessageLabel, hint, work_table

COLUMNS = (
    "状态灯",
    "日期",
    "时间",
    "类别",
    "事项",
    "群众",
    "电话",
    "服务对象",
    "标记",
    "状态",
    "结果",
)


class ServicesView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.summary = QLabel()
        self.summary.setObjectName("sectionTitle")
        layout.addWidget(self.summary)
        self.table = work_table(tuple(self.tr(c) for c in COLUMNS))
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.close_button = QPushButton(self.tr("登记服务结果（Enter）"))
        self.record_button = QPushButton(self.tr("登记特色服务（Alt+N）"))
        for b in (self.close_button, self.record_button):
            b.setAutoDefault(False)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        layout.addWidget(
            hint(
                self.tr(
                    "预约和上门服务可提前登记（不超过90天），到期后登记完成、未到或取消；"
                    "红灯：预约日已过仍未处理，黄灯：今日预约。非工作日的服务自动标记为节假日服务。"
                )
            )
        )
