"""The desk window. For now a start screen; the screens of DESIGN §8 arrive with the GUI
issue."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QVBoxLayout, QWidget

WINDOW_TITLE = "ClerkDesk 便民窗口台账"


class StartWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(WINDOW_TITLE)
        body = QWidget()
        layout = QVBoxLayout(body)
        title = QLabel("便民窗口台账")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title.setStyleSheet("font-size: 28px; font-weight: bold;")
        hint = QLabel(
            "桌面界面正在建设中。\n"
            "新建台账：clerkdesk init --ledger 台账文件 --center-code 510421100 "
            "--center-name 攀莲镇便民服务中心 --admin 用户名\n"
            "更多命令：clerkdesk --help"
        )
        hint.setObjectName("hint")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.setCentralWidget(body)
        self.resize(900, 560)


def run_desk() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = StartWindow()
    window.show()
    return int(app.exec())
