"""The desk window: a header bar, the pages (welcome, unlock, desk tabs) and a status line."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.views.case_detail import CaseDetailView
from ui.views.intake import IntakeView
from ui.views.ratings import RatingsView
from ui.views.services import ServicesView
from ui.views.today import TodayView
from ui.views.unlock import UnlockView
from ui.views.welcome import WelcomeView
from ui.views.widgets import MessageLabel

WINDOW_TITLE = "ClerkDesk 便民窗口台账"


class MainWindowView(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.header = QFrame()
        self.header.setObjectName("header")
        bar = QHBoxLayout(self.header)
        bar.setContentsMargins(10, 4, 10, 4)
        self.centre_label = QLabel(self.tr("便民窗口台账"))
        self.centre_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.user_label = QLabel()
        self.demo_banner = QLabel(self.tr("演示数据：事项目录与办件均为虚构，请勿录入真实信息"))
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.hide()
        self.sync_label = QLabel()
        self.find_box = QLineEdit()
        self.find_box.setPlaceholderText(self.tr("Ctrl+F 办件编号/身份证/电话/姓名"))
        self.find_box.setFixedWidth(260)
        self.find_box.setStyleSheet("color: black;")
        self.lock_button = QPushButton(self.tr("锁定（Ctrl+L）"))
        self.lock_button.setAutoDefault(False)
        bar.addWidget(self.centre_label)
        bar.addSpacing(10)
        bar.addWidget(self.demo_banner)
        bar.addStretch(1)
        bar.addWidget(self.sync_label)
        bar.addSpacing(10)
        bar.addWidget(self.find_box)
        bar.addSpacing(10)
        bar.addWidget(self.user_label)
        bar.addWidget(self.lock_button)
        outer.addWidget(self.header)

        self.pages = QStackedWidget()
        self.welcome = WelcomeView()
        self.unlock = UnlockView()
        self.tabs = QTabWidget()
        self.today = TodayView()
        self.intake = IntakeView()
        self.case = CaseDetailView()
        self.ratings = RatingsView()
        self.services = ServicesView()
        self.tabs.addTab(self.today, self.tr("工作台（F2）"))
        self.tabs.addTab(self.intake, self.tr("收件登记（F3）"))
        self.tabs.addTab(self.case, self.tr("办件详情（F4）"))
        self.tabs.addTab(self.ratings, self.tr("评价与投诉（F5）"))
        self.tabs.addTab(self.services, self.tr("特色服务（Ctrl+Y）"))
        for page in (self.welcome, self.unlock, self.tabs):
            self.pages.addWidget(page)
        outer.addWidget(self.pages, 1)

        footer = QFrame()
        foot = QHBoxLayout(footer)
        foot.setContentsMargins(10, 2, 10, 2)
        self.notice = MessageLabel()
        self.keys = QLabel(
            self.tr(
                "F2 工作台 · F3 收件 · F4 详情 · F5 评价投诉 · F6 去向留言 · F8 咨询"
                " · F12 请评价 · Ctrl+F 查找 · Ctrl+L 锁定 · Ctrl+, 设置"
            )
        )
        self.keys.setObjectName("hint")
        foot.addWidget(self.notice, 1)
        foot.addWidget(self.keys)
        outer.addWidget(footer)
        self.setCentralWidget(central)
        self.resize(1366, 768)

    def show_desk_chrome(self, on: bool) -> None:
        for w in (self.find_box, self.user_label, self.lock_button, self.sync_label, self.keys):
            w.setVisible(on)
        if not on:
            self.demo_banner.hide()
