"""The desk's screens draw the same rare name characters (生僻字) the slips print: every
bundled face is registered with Qt and the application font falls back through them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QRawFont
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from ui.qt_setup import app_font, configure_app, font_families

RARE = "䶮𠮷𰻞\U00031350"  # Extensions A, B, G, H: none is in the primary face
NO_FACE_HAS = "\U00030041"  # Extension G, in no bundled face


def _render(ch: str, font: QFont) -> QImage:
    image = QImage(48, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(font)
    painter.setPen(QColor("black"))
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter, ch)
    painter.end()
    return image


def _ink(image: QImage) -> int:
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if QColor(image.pixel(x, y)).lightness() < 128
    )


def test_every_bundled_face_is_registered_primary_first(qapp: QApplication) -> None:
    families = font_families()
    assert families == ["WenQuanYi Micro Hei", "HanaMinA", "HanaMinB", "BabelStone Han"]
    assert app_font().families() == families


def test_rare_characters_have_a_registered_face_and_draw_a_glyph(qapp: QApplication) -> None:
    font = app_font(24)
    faces = [QRawFont.fromFont(QFont(family, 24)) for family in font_families()]
    missing = _render(NO_FACE_HAS, font)
    for ch in RARE:
        assert any(face.supportsCharacter(ord(ch)) for face in faces), hex(ord(ch))
        image = _render(ch, font)
        assert _ink(image) > 20, f"U+{ord(ch):X} drew nothing"
        assert image != missing, f"U+{ord(ch):X} drew the same box as a missing character"
    assert not any(face.supportsCharacter(ord(NO_FACE_HAS)) for face in faces)


def test_a_label_shows_a_rare_name_in_the_desk_font(qapp: QApplication, qtbot: QtBot) -> None:
    configure_app(qapp)
    label = QLabel("王䶮")
    qtbot.addWidget(label)
    assert label.font().families()[: len(font_families())] == font_families()
    glyph = QRawFont.fromFont(QFont("HanaMinA", 10)).glyphIndexesForString("䶮")
    assert glyph and glyph[0] != 0
