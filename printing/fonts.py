"""The bundled CJK font: WenQuanYi Micro Hei (Apache-2.0 or GPL-3+ with font exception; see
`fonts/wqy-microhei-COPYRIGHT.txt`). ReportLab embeds only TrueType-outline fonts, and the PDF
must print the same on a PC with no Chinese font at all, so every form uses this one face and
nothing else (no Helvetica, no unembedded `STSong-Light`)."""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
#: The font file; the GUI registers the same file with `QFontDatabase.addApplicationFont`.
FONT_PATH = FONT_DIR / "wqy-microhei.ttc"
#: Face 0 of the collection is the proportional "Micro Hei" (face 1 is the monospaced one).
FONT_SUBFONT_INDEX = 0
#: The name forms use in ReportLab styles.
FONT_NAME = "WQYMicroHei"

# Characters that never need a glyph: line breaks and spacing the layout handles itself.
_LAYOUT_ONLY = frozenset("\n\r\t")


@functools.cache
def register_fonts() -> str:
    """Register the font with ReportLab once per process (about 0.1 s) and return its name.
    Bold and italic map to the same face: the collection has no bold, and titles that need
    weight are drawn stroked (see `layout.BoldLine`)."""
    font = TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=FONT_SUBFONT_INDEX)
    pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(
        FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
    )
    return FONT_NAME


@functools.cache
def _cmap() -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(FONT_NAME)
    assert isinstance(font, TTFont)
    return frozenset(font.face.charToGlyph)


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the font cannot draw. ReportLab silently prints nothing for
    them, so the app can call this at intake to warn about a rare character in a name (for
    example a CJK Extension B character) before a slip goes out with a gap in it."""
    cmap = _cmap()
    return {ch for ch in text if ch not in _LAYOUT_ONLY and ord(ch) not in cmap}
