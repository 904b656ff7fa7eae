"""Printing benchmarks: what a receipt costs beyond a bare ReportLab page, and what sending a
page through Qt to a printer costs beyond rendering it.

- receipt PDF: `receipt_pdf(sample, "a4")` (header, barcode, QR, tables, seal box, masked
  fields) against a one-page ReportLab document with the same registered font and a few
  lines of Chinese text. Fonts are registered before timing: that cost (≈0.1 s) is paid once
  per process.
- rare-character receipt: the same receipt for an applicant whose name and address need the
  fallback faces (Extensions A, B, G), against the common-character one.
- QPrinter page: printing a one-page PDF to a PDF-file QPrinter (QtPdf render at 300 dpi on
  white + painting + the printer's own output) against only rendering that page to a
  white image at 300 dpi.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from bench.common import Ratio, best_of


def _bare_page() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from printing.fonts import register_fonts

    font = register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, initialFontName=font)
    canvas.setFont(font, 12)
    for i, line in enumerate(
        ("米易县攀莲镇便民服务中心", "受理通知书", "办件编号：510421100202611160007")
    ):
        canvas.drawString(72, 770 - 20 * i, line)
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _pdf_generation() -> Ratio:
    from printing import samples
    from printing.fonts import register_fonts
    from printing.forms import receipt_pdf

    register_fonts()
    data = samples.receipt()
    receipt_pdf(data)  # warm caches (styles, barcode pattern)
    _bare_page()
    ours = best_of(lambda: receipt_pdf(data), repeat=15)
    bare = best_of(_bare_page, repeat=15)
    return Ratio(
        "receipt PDF (A4) generation",
        ours * 1000,
        bare * 1000,
        "ms",
        "bare 1-page ReportLab doc, same font",
    )


def _rare_name() -> Ratio:
    """A receipt whose applicant's name and address need the fallback faces (生僻字: three
    faces embedded instead of one) against the same receipt in the primary face only."""
    from printing import samples
    from printing.forms import receipt_pdf

    plain, rare = samples.receipt(), samples.receipt(rare_name=True)
    receipt_pdf(plain), receipt_pdf(rare)  # warm caches, register the fallback faces
    ours = best_of(lambda: receipt_pdf(rare), repeat=15)
    baseline = best_of(lambda: receipt_pdf(plain), repeat=15)
    return Ratio(
        "receipt PDF (A4), rare-character name",
        ours * 1000,
        baseline * 1000,
        "ms",
        "the same receipt, common characters",
    )


def _qt_print() -> Ratio:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPrintSupport import QPrinter

    from printing import qt_print, samples
    from printing.forms import receipt_pdf

    app = QGuiApplication.instance() or QGuiApplication([])
    pdf = receipt_pdf(samples.receipt())
    with tempfile.TemporaryDirectory() as tmp:
        # Demo data only: the printer writes its output to a file because there is no
        # physical printer on a build machine.
        out = Path(tmp) / "out.pdf"

        def print_page() -> None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            qt_print.print_pdf(pdf, printer)

        def render_only() -> None:
            qt_print.render_page_image(pdf, 0, dpi=qt_print.MAX_RENDER_DPI)

        print_page()
        ours = best_of(print_page, repeat=5)
        base = best_of(render_only, repeat=5)
    del app
    return Ratio(
        "QPrinter output per A4 page (300 dpi)",
        ours * 1000,
        base * 1000,
        "ms",
        "QtPdf render of the page alone",
    )


def run() -> list[Ratio]:
    return [_pdf_generation(), _rare_name(), _qt_print()]


if __name__ == "__main__":
    for r in run():
        print(f"{r.name}: {r.ours:.2f} {r.unit} vs {r.baseline:.2f} {r.unit} = {r.ratio:.2f}x")
