"""Reading generated PDFs back: text (pypdf), fonts, character boxes and barcodes
(pypdfium2 rendering + zxing-cpp)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pypdf
import pypdfium2 as pdfium
import zxingcpp
from fontTools.ttLib import TTFont

MM = 72 / 25.4


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in reader(pdf).pages]


def flat_text(pdf: bytes) -> str:
    """All text with every whitespace removed, so a value wrapped over two lines (or two
    pages) still matches as one string."""
    return re.sub(r"\s+", "", "".join(page_texts(pdf)))


def squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def fonts(pdf: bytes) -> list[dict[str, Any]]:
    """Every font referenced from any page (including inside form XObjects)."""
    found: dict[int, dict[str, Any]] = {}

    def walk(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            found[id(font)] = font
        for ref in (resources.get("/XObject") or {}).values():
            xobject = ref.get_object()
            walk(xobject.get("/Resources"))

    for page in reader(pdf).pages:
        walk(page.get("/Resources"))
    return list(found.values())


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{2})>\s*<([0-9A-Fa-f]+)>")


def glyphs_drawn(pdf: bytes) -> dict[str, bool]:
    """Every character an embedded font maps (its ToUnicode CMap) → whether the glyph the
    PDF draws for it has an outline. False means it prints as .notdef or as nothing: the
    blank where a rare name character should be."""
    drawn: dict[str, bool] = {}
    for font in fonts(pdf):
        program = font["/FontDescriptor"].get_object()["/FontFile2"].get_data()
        face = TTFont(io.BytesIO(program))
        cmap = face["cmap"].tables[0].cmap
        glyf = face["glyf"]
        to_unicode = font["/ToUnicode"].get_object().get_data()
        chars = to_unicode[to_unicode.index(b"beginbfchar") :]
        for code_hex, text_hex in _BFCHAR.findall(chars):
            text = bytes.fromhex(text_hex.decode()).decode("utf-16-be")
            # Unused codes map to U+0000 (ReportLab also maps one to DEL); isprintable() would
            # also skip Extension H, which this Python's Unicode tables predate.
            if not text.strip() or any(ord(c) < 0x20 or c == "\x7f" for c in text):
                continue
            glyph = cmap.get(int(code_hex, 16))
            ok = glyph not in (None, ".notdef") and glyf[glyph].numberOfContours != 0
            drawn[text] = drawn.get(text, True) and ok
    return drawn


@dataclass(frozen=True)
class CharBox:
    char: str
    left: float
    bottom: float
    right: float
    top: float


def char_boxes(pdf: bytes) -> list[tuple[float, float, list[CharBox]]]:
    """Per page: (width, height, boxes of the visible characters), in points."""
    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for page in doc:
            width, height = page.get_size()
            text = page.get_textpage()
            boxes = []
            for i in range(text.count_chars()):
                ch = text.get_text_range(i, 1)
                if not ch.strip():
                    continue
                left, bottom, right, top = text.get_charbox(i)
                boxes.append(CharBox(ch, left, bottom, right, top))
            pages.append((width, height, boxes))
    finally:
        doc.close()
    return pages


def barcodes(pdf: bytes, dpi: int = 150, page: int = 0) -> list[tuple[str, str]]:
    """(format name, text) of every barcode zxing-cpp finds on the page rendered at `dpi`."""
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[page].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    return [(b.format.name, b.text) for b in zxingcpp.read_barcodes(image)]


def overlapping_chars(boxes: list[CharBox], shrink: float = 0.2) -> list[tuple[str, str]]:
    """Pairs of characters whose glyph boxes (shrunk by `shrink` of their size on each side)
    intersect: text drawn over other text."""
    shrunk = []
    for b in boxes:
        dx = (b.right - b.left) * shrink
        dy = (b.top - b.bottom) * shrink
        shrunk.append((b.left + dx, b.bottom + dy, b.right - dx, b.top - dy, b.char))
    shrunk.sort()
    hits = []
    for i, (_l1, b1, r1, t1, c1) in enumerate(shrunk):
        for l2, b2, _r2, t2, c2 in shrunk[i + 1 :]:
            if l2 >= r1:
                break
            if b2 < t1 and b1 < t2:  # sorted by left edge, and l2 < r1 here
                hits.append((c1, c2))
    return hits
