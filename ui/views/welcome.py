"""First start: no ledger yet — set one up, or open the demo ledger."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.views.widgets import MessageLabel, hint, title


class WelcomeView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setMaximumWidth(760)
        layout = QVBoxLayout(box)
        heading = title(self.tr("欢迎使用便民窗口台账"))
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(heading)
        self.path_label = QLabel()
        self.path_label.setObjectName("hint")
        self.path_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        layout.addSpacing(16)
        buttons = QHBoxLayout()
        self.setup_button = QPushButton(self.tr("设置向导：新建本窗口台账（&S）"))
        self.setup_button.setObjectName("primary")
        self.setup_button.setMinimumHeight(56)
        self.demo_button = QPushButton(self.tr("打开演示台账（&D）"))
        self.demo_button.setMinimumHeight(56)
        buttons.addWidget(self.setup_button)
        buttons.addWidget(self.demo_button)
        layout.addLayout(buttons)
        layout.addSpacing(8)
        layout.addWidget(
            hint(
                self.tr(
                    "设置向导：填写中心代码与名称、管理员账号和口令，并保存恢复密钥。"
                    "演示台账：虚构的攀莲镇便民服务中心四周办件数据，用于培训和熟悉操作，"
                    "不要录入真实群众信息。"
                )
            )
        )
        self.message = MessageLabel()
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setup_button.setFocus()
