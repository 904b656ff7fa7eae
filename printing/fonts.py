"""The bundled fonts, and the one place that decides which of them draws each character.

ReportLab embeds only TrueType-outline fonts, and the PDF must print the same on a PC with no
Chinese font at all, so forms use these files and nothing else (no Helvetica, no unembedded
`STSong-Light`):

- WenQuanYi Micro Hei (`wqy-microhei.ttc`, Apache-2.0 or GPL-3+ with font exception) draws
  everything it has: Latin, digits, punctuation and the common Chinese characters.
- HanaMinA / HanaMinB (Hanazono Mincho, GlyphWiki, Hanazono Font License or OFL-1.1) fill in
  the rare characters of CJK Unified Ideographs and Extensions A–F that names hold (生僻字).
- BabelStone Han (Arphic Public License; some symbols CC-BY-SA) adds most of Extensions G and H.

A character none of them has is refused at input by the app (`missing_glyphs`), so a slip
never prints a blank where a name's character should be. Fallback faces are registered only
when a text first needs one, so an ordinary form costs one font registration.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"


@dataclass(frozen=True)
class Face:
    name: str  # the ReportLab font name forms and markup use
    file: str
    subfont_index: int = 0

    @property
    def path(self) -> Path:
        return FONT_DIR / self.file


#: Face 0 of the collection is the proportional "Micro Hei" (face 1 is the monospaced one).
PRIMARY = Face("WQYMicroHei", "wqy-microhei.ttc", 0)
#: Tried in order for a character the primary face lacks.
FALLBACKS = (
    Face("HanaMinA", "HanaMinA.ttf"),
    Face("HanaMinB", "HanaMinB.ttf"),
    Face("BabelStoneHan", "BabelStoneHan.ttf"),
)
FACES = (PRIMARY, *FALLBACKS)
#: The primary font file; the GUI registers every face's file with Qt (`FACES`).
FONT_PATH = PRIMARY.path
FONT_SUBFONT_INDEX = PRIMARY.subfont_index
#: The name forms use in ReportLab styles.
FONT_NAME = PRIMARY.name

#: The Unicode blocks of CJK unified ideographs (Unicode 15.0), first and last code point.
#: Names, addresses and materials may hold any of them; what the faces lack is refused.
HAN_BLOCKS: tuple[tuple[str, int, int], ...] = (
    ("CJK Unified Ideographs", 0x4E00, 0x9FFF),
    ("Extension A", 0x3400, 0x4DBF),
    ("Extension B", 0x20000, 0x2A6DF),
    ("Extension C", 0x2A700, 0x2B739),
    ("Extension D", 0x2B740, 0x2B81D),
    ("Extension E", 0x2B820, 0x2CEA1),
    ("Extension F", 0x2CEB0, 0x2EBE0),
    ("Extension G", 0x30000, 0x3134A),
    ("Extension H", 0x31350, 0x323AF),
)

_reportlab_to_unicode = ttfonts.makeToUnicodeCMap


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap, with characters beyond the BMP written as UTF-16 (a
    surrogate pair), as the PDF reference requires. ReportLab writes `<20BB7>`, an odd-length
    string that readers drop, so 𠮷 printed but a search or copy of the slip lost it."""
    cmap = _reportlab_to_unicode(fontname, subset)
    for i, cp in enumerate(subset):
        if cp > 0xFFFF:
            utf16 = chr(cp).encode("utf-16-be").hex().upper()
            cmap = cmap.replace(f"<{i:02X}> <{cp:04X}>", f"<{i:02X}> <{utf16}>", 1)
    return cmap


# ReportLab calls it through its module global, as with the line-break lists in `layout`.
ttfonts.makeToUnicodeCMap = _to_unicode_cmap

# Characters that never need a glyph: line breaks and spacing the layout handles itself.
_LAYOUT_ONLY = frozenset("\n\r\t")


def is_han(ch: str) -> bool:
    """A CJK unified ideograph of any block (Python's own Unicode tables may be older than
    Extension H, so the blocks are listed here)."""
    cp = ord(ch)
    return any(first <= cp <= last for _, first, last in HAN_BLOCKS)


def _register(face: Face) -> str:
    font = TTFont(face.name, str(face.path), subfontIndex=face.subfont_index)
    pdfmetrics.registerFont(font)
    # No face has bold or italic; titles that need weight are drawn stroked (`BoldLine`).
    pdfmetrics.registerFontFamily(
        face.name, normal=face.name, bold=face.name, italic=face.name, boldItalic=face.name
    )
    return face.name


@functools.cache
def register_fonts() -> str:
    """Register the primary face with ReportLab once per process (about 0.1 s) and return
    its name."""
    return _register(PRIMARY)


@functools.cache
def _fallback_registered(face: Face) -> str:
    return _register(face)


@functools.cache
def _cmap(face: Face) -> frozenset[int]:
    name = register_fonts() if face == PRIMARY else _fallback_registered(face)
    font = pdfmetrics.getFont(name)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)


def face_for(ch: str) -> Face | None:
    """The first face that draws `ch` (primary first), or None when none has it."""
    cp = ord(ch)
    for face in FACES:
        if cp in _cmap(face):
            return face
    return None


def font_runs(text: str) -> list[tuple[str, str]]:
    """`text` split into (font name, run) by which face draws each character: the primary
    face wherever it can, a fallback only for what it lacks. A character no face has stays
    with the primary face (the app refuses such characters at input)."""
    primary = _cmap(PRIMARY)
    if all(ord(ch) in primary or ch in _LAYOUT_ONLY for ch in text):
        return [(PRIMARY.name, text)] if text else []
    runs: list[tuple[str, str]] = []
    for ch in text:
        face = PRIMARY if ch in _LAYOUT_ONLY else (face_for(ch) or PRIMARY)
        if runs and runs[-1][0] == face.name:
            runs[-1] = (face.name, runs[-1][1] + ch)
        else:
            runs.append((face.name, ch))
    return runs


def string_width(text: str, size: float) -> float:
    """Width of `text` drawn run by run in its faces."""
    return sum(pdfmetrics.stringWidth(run, name, size) for name, run in font_runs(text))


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` no bundled face can draw. ReportLab would silently print nothing
    for them, so the app refuses them at input (names, addresses, notes) with their code
    point, before a slip goes out with a gap in it."""
    primary = _cmap(PRIMARY)
    return {
        ch
        for ch in text
        if ch not in _LAYOUT_ONLY and ord(ch) not in primary and face_for(ch) is None
    }
