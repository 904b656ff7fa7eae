"""Unlock / switch clerk: who is at the desk, and their passphrase."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import FieldError, MessageLabel, hint, title


class UnlockView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QWidget()
        box.setFixedWidth(520)
        layout = QVBoxLayout(box)
        self.heading = title(self.tr("解锁台账"))
        layout.addWidget(self.heading)
        self.centre_label = QLabel()
        self.centre_label.setObjectName("sectionTitle")
        layout.addWidget(self.centre_label)
        self.path_label = QLabel()
        self.path_label.setObjectName("hint")
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        self.problem = QLabel()
        self.problem.setObjectName("problemBanner")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        form = QFormLayout()
        self.user = QLineEdit()
        self.user.setPlaceholderText(self.tr("用户名，如 liuyang"))
        self.user_error = FieldError()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_error = FieldError()
        form.addRow(self.tr("用户名："), self.user)
        form.addRow("", self.user_error)
        form.addRow(self.tr("口令："), self.passphrase)
        form.addRow("", self.passphrase_error)
        layout.addLayout(form)
        self.demo_hint = hint("")
        self.demo_hint.hide()
        layout.addWidget(self.demo_hint)
        self.message = MessageLabel()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("返回"))
        self.back_button.setAutoDefault(False)
        self.unlock_button = QPushButton(self.tr("解锁（Enter）"))
        self.unlock_button.setObjectName("primary")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        layout.addWidget(hint(self.tr("离开窗口时按 Ctrl+L 锁定；无操作一段时间后也会自动锁定。")))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 0, Qt.AlignmentFlag.AlignTop)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.setTabOrder(self.user, self.passphrase)
        self.setTabOrder(self.passphrase, self.unlock_button)
