"""The monitor facing the citizen (群众评价屏): the window's staff card with photo, the away
note, the item being handled, and after a service five large rating buttons with an optional
comment. A top-level window of its own; it never shows anything about a citizen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.views.widgets import MessageLabel

CITIZEN_TITLE = "ClerkDesk 群众评价屏"
#: GB/T 39046 levels 1…5, left to right, with the colours of the hall's evaluation devices.
LEVEL_COLOURS = {1: "#1b5e20", 2: "#2e7d32", 3: "#827717", 4: "#e65100", 5: "#b71c1c"}


class CitizenScreenView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(CITIZEN_TITLE)
        # Showing it must not take the keyboard away from the clerk's window.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        # Closing the desk window ends the program even with this one open.
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self.setStyleSheet("QLabel { font-size: 14pt; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)

        card = QFrame()
        card.setObjectName("staffCard")
        card.setStyleSheet("#staffCard { border: 1px solid #90a4ae; border-radius: 6px; }")
        row = QHBoxLayout(card)
        self.photo = QLabel()
        self.photo.setFixedSize(150, 200)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("background: #eceff1; color: #78909c;")
        row.addWidget(self.photo)
        info = QVBoxLayout()
        self.window_label = QLabel()
        self.window_label.setStyleSheet("font-size: 18pt; color: #0d47a1; font-weight: bold;")
        self.name = QLabel()
        self.name.setStyleSheet("font-size: 28pt; font-weight: bold;")
        self.post = QLabel()
        self.unit = QLabel()
        self.phone = QLabel()
        for w in (self.window_label, self.name, self.post, self.unit, self.phone):
            info.addWidget(w)
        info.addStretch(1)
        row.addLayout(info, 1)
        layout.addWidget(card)

        self.away = QLabel()
        self.away.setWordWrap(True)
        self.away.setStyleSheet(
            "background: #fff3e0; color: #e65100; font-size: 16pt; padding: 8px;"
        )
        self.away.hide()
        layout.addWidget(self.away)

        self.handling = QLabel()
        self.handling.setWordWrap(True)
        self.handling.setStyleSheet("font-size: 18pt; padding: 6px 0;")
        layout.addWidget(self.handling)

        self.rating = QFrame()
        panel = QVBoxLayout(self.rating)
        panel.setContentsMargins(0, 0, 0, 0)
        self.rating_title = QLabel(self.tr("请您对本次服务作出评价（点按下方按钮）"))
        self.rating_title.setStyleSheet("font-size: 20pt; font-weight: bold;")
        panel.addWidget(self.rating_title)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(self.tr("意见或建议（可不填）"))
        self.comment.setMaxLength(500)
        self.comment.setStyleSheet("font-size: 14pt; padding: 6px;")
        panel.addWidget(self.comment)
        grid = QGridLayout()
        self.buttons: dict[int, QPushButton] = {}
        labels = {
            1: self.tr("非常满意"),
            2: self.tr("满意"),
            3: self.tr("基本满意"),
            4: self.tr("不满意"),
            5: self.tr("非常不满意"),
        }
        for level, label in labels.items():
            button = QPushButton(f"{level}\n{label}")
            button.setMinimumHeight(110)
            button.setAutoDefault(False)
            button.setStyleSheet(
                f"QPushButton {{ font-size: 20pt; font-weight: bold; color: white; "
                f"background: {LEVEL_COLOURS[level]}; border-radius: 8px; }}"
                "QPushButton:focus { border: 4px solid #ffd600; }"
            )
            grid.addWidget(button, 0, level - 1)
            self.buttons[level] = button
        panel.addLayout(grid)
        layout.addWidget(self.rating)
        self.rating.hide()

        self.message = MessageLabel()
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("font-size: 22pt;")
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.resize(1000, 740)

    def show_photo(self, photo: bytes | None) -> None:
        pixmap = QPixmap()
        if photo and pixmap.loadFromData(photo):
            self.photo.setPixmap(
                pixmap.scaled(
                    self.photo.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.photo.clear()
            self.photo.setText(self.tr("照片"))
