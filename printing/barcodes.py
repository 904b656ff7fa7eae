"""Barcodes drawn as vector shapes, so they stay sharp on any printer.

Code128 takes its bar pattern from python-barcode (`build()` gives the module string, no
Pillow involved) and draws each run of dark modules as one rectangle. Modules are never
narrower than 0.33 mm: narrower bars failed to decode in our tests, and a receipt a scanner
cannot read sends the citizen back to the queue. QR codes use ReportLab's own vector widget.
"""

from __future__ import annotations

import functools
from typing import Any

import barcode
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from printing.data import check_barcode_value
from printing.errors import PrintingError
from printing.fonts import register_fonts

#: Light margin each side of a Code128 symbol, in modules (the standard's minimum).
QUIET_MODULES = 10
MIN_MODULE = 0.33 * mm
PREFERRED_MODULE = 0.375 * mm  # 3 dots on a 203 dpi receipt printer


@functools.lru_cache(maxsize=512)
def code128_pattern(value: str) -> str:
    """The module string of `value` as Code128 ('1' dark, '0' light), without quiet zones."""
    check_barcode_value(value)
    built: list[str] = barcode.get("code128", value).build()
    return built[0]


def code128_width(value: str, module: float = MIN_MODULE) -> float:
    """Width in points of the symbol with its quiet zones at `module` points per module."""
    return (len(code128_pattern(value)) + 2 * QUIET_MODULES) * module


class Code128(Flowable):
    """A Code128 symbol with its quiet zones and the value printed beneath it."""

    def __init__(
        self,
        value: str,
        *,
        module: float,
        bar_height: float,
        font_size: float = 9,
        human_readable: bool = True,
        quiet_modules: int = QUIET_MODULES,
    ) -> None:
        super().__init__()
        self.value = value
        self.pattern = code128_pattern(value)
        self.module = module
        self.bar_height = bar_height
        self.font_size = font_size
        self.human_readable = human_readable
        self.quiet_modules = quiet_modules
        self.width = (len(self.pattern) + 2 * quiet_modules) * module
        self.text_height = font_size * 1.25 if human_readable else 0.0
        self.height = bar_height + self.text_height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillGray(0)
        x0 = self.quiet_modules * self.module
        y0 = self.text_height
        for start, length in _dark_runs(self.pattern):
            canv.rect(x0 + start * self.module, y0, length * self.module, self.bar_height, 0, 1)
        if self.human_readable:
            canv.setFont(register_fonts(), self.font_size)
            canv.drawCentredString(self.width / 2, self.font_size * 0.25, self.value)
        canv.restoreState()


def _dark_runs(pattern: str) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "1":
            j = i
            while j < len(pattern) and pattern[j] == "1":
                j += 1
            runs.append((i, j - i))
            i = j
        else:
            i += 1
    return runs


def code128_flowable(
    value: str,
    max_width: float,
    *,
    bar_height: float = 12 * mm,
    font_size: float = 9,
    preferred_module: float = PREFERRED_MODULE,
    margin_quiet_zone: float = 0.0,
) -> Code128:
    """A Code128 of `value` as wide as fits `max_width` (points), up to `preferred_module`
    per module. The quiet zones are inside `max_width`, unless `margin_quiet_zone` says
    how much blank paper lies beyond it on each side (a receipt's unprinted edge): then
    only the bars must fit, and modules stay narrow enough for that margin to be a full
    quiet zone. Raises `PrintingError` when even 0.33 mm modules do not fit: such a case
    number is too long for this layout (digit-only numbers are about half as wide)."""
    bars = len(code128_pattern(value))
    if margin_quiet_zone > 0:
        module = min(preferred_module, max_width / bars, margin_quiet_zone / QUIET_MODULES)
        quiet = 0
    else:
        module = min(preferred_module, max_width / (bars + 2 * QUIET_MODULES))
        quiet = QUIET_MODULES
    if module < MIN_MODULE - 1e-9:
        need = (bars + 2 * quiet) * MIN_MODULE / mm
        raise PrintingError(
            f"编号“{value}”过长，条码需要{need:.0f}毫米宽，本版式只有{max_width / mm:.0f}毫米 / "
            "value too long for a scannable barcode in this layout"
        )
    return Code128(
        value, module=module, bar_height=bar_height, font_size=font_size, quiet_modules=quiet
    )


def qr_flowable(value: str, size: float) -> Drawing:
    """A QR code of `value`, `size` points square including its 4-module quiet zone."""
    if not value:
        raise PrintingError("二维码内容不能为空 / QR payload must not be empty")
    widget: Any = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return with_our_font(drawing)


def with_our_font(drawing: Drawing) -> Drawing:
    """A Drawing starts its graphics state in Helvetica (which would then be referenced,
    unembedded, from the PDF) unless told otherwise."""
    state: Any = drawing  # the stubs do not know these renderer attributes
    state.initialFontName = register_fonts()
    state.initialFontSize = 10
    return drawing


__all__ = [
    "MIN_MODULE",
    "QUIET_MODULES",
    "Code128",
    "code128_flowable",
    "code128_pattern",
    "code128_width",
    "qr_flowable",
]
