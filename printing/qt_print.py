"""The one Qt module of the print room: PDF bytes to a real printer, and print preview.

The PDF is read from memory (a QBuffer owned by the QPdfDocument — no temporary file, since
forms carry personal data). Each page is rendered by QtPdf at up to 300 dpi onto a WHITE
image (QtPdf renders on transparency, and some drivers print transparency black or drop it,
leaving barcodes unreadable) and painted over the whole sheet: the PDF already has its
margins. Pages are A4 (portrait or landscape) or the slip's own 80 mm × length.

Which printer to use is remembered per paper kind ("a4" or "receipt80": a desk usually has
an A4 laser and a receipt printer) through the small `PrinterSettings` protocol; the GUI
passes `QSettingsPrinterSettings`, tests pass `MemoryPrinterSettings`.

Everything here must run on the GUI thread (QPainter on a QPrinter is not thread-safe).
"""

from __future__ import annotations

from typing import Literal, Protocol

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QRectF,
    QSettings,
    QSize,
    QSizeF,
)
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from printing.errors import PrintingError

Paper = Literal["a4", "receipt80"]
PAPERS: tuple[Paper, ...] = ("a4", "receipt80")

#: Rendering resolution cap: HighResolution printers report 1200 dpi, and an A4 page at
#: 1200 dpi is a 556 MB image. 300 dpi is what laser printers print text at anyway.
MAX_RENDER_DPI = 300
_PT_PER_MM = 72 / 25.4
_A4_PT = (210 * _PT_PER_MM, 297 * _PT_PER_MM)


class PrinterSettings(Protocol):
    """Where the GUI keeps the remembered printer for each paper kind."""

    def printer_name(self, paper: Paper) -> str | None: ...

    def set_printer_name(self, paper: Paper, name: str) -> None: ...


class MemoryPrinterSettings:
    """Remembers printers for the life of the object (tests, one-off scripts)."""

    def __init__(self, names: dict[Paper, str] | None = None) -> None:
        self.names: dict[Paper, str] = dict(names or {})

    def printer_name(self, paper: Paper) -> str | None:
        return self.names.get(paper)

    def set_printer_name(self, paper: Paper, name: str) -> None:
        self.names[paper] = name


class QSettingsPrinterSettings:
    """Remembered printers in the application's QSettings, under one group — the only
    place these keys are spelled."""

    def __init__(self, settings: QSettings, group: str = "printing") -> None:
        self.settings = settings
        self.group = group

    def _key(self, paper: Paper) -> str:
        return f"{self.group}/{paper}_printer"

    def printer_name(self, paper: Paper) -> str | None:
        value = self.settings.value(self._key(paper))
        return value if isinstance(value, str) and value else None

    def set_printer_name(self, paper: Paper, name: str) -> None:
        self.settings.setValue(self._key(paper), name)


# --------------------------------------------------------------------------- documents


def load_pdf(pdf: bytes, parent: QWidget | None = None) -> QPdfDocument:
    """Open PDF bytes in QtPdf from memory. The buffer is a child of the document, so it
    lives exactly as long as the document does."""
    doc = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(doc)
    buffer.setData(QByteArray(pdf))
    if not buffer.open(QIODevice.OpenModeFlag.ReadOnly):
        raise PrintingError("无法读取PDF数据 / cannot open the PDF buffer")
    doc.load(buffer)  # synchronous for a buffer that holds all the data
    if doc.status() != QPdfDocument.Status.Ready or doc.pageCount() < 1:
        raise PrintingError(f"PDF无法打开：{doc.error().name} / QtPdf could not load the document")
    return doc


def paper_of(page_size_pt: QSizeF) -> Paper:
    """A page narrower than 100 mm is a receipt slip; anything else goes to the A4 printer."""
    return (
        "receipt80" if min(page_size_pt.width(), page_size_pt.height()) < 100 * _PT_PER_MM else "a4"
    )


def pdf_paper(pdf: bytes) -> Paper:
    doc = load_pdf(pdf)
    try:
        return paper_of(doc.pagePointSize(0))
    finally:
        doc.close()


def _page_layout(size_pt: QSizeF) -> QPageLayout:
    w, h = size_pt.width(), size_pt.height()
    portrait = w <= h
    short, long_ = (w, h) if portrait else (h, w)
    orientation = (
        QPageLayout.Orientation.Portrait if portrait else QPageLayout.Orientation.Landscape
    )
    if abs(short - _A4_PT[0]) < 2 and abs(long_ - _A4_PT[1]) < 2:
        page_size = QPageSize(QPageSize.PageSizeId.A4)
    else:
        # The slip's exact size, so a receipt printer feeds and cuts where the slip ends.
        page_size = QPageSize(
            QSizeF(short, long_),
            QPageSize.Unit.Point,
            f"ClerkDesk {short / _PT_PER_MM:.0f}×{long_ / _PT_PER_MM:.0f} mm",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
    return QPageLayout(page_size, orientation, QMarginsF(0, 0, 0, 0))


def _render_page(doc: QPdfDocument, index: int, dpi: int) -> QImage:
    size_pt = doc.pagePointSize(index)
    pixels = QSize(round(size_pt.width() / 72 * dpi), round(size_pt.height() / 72 * dpi))
    rendered = doc.render(index, pixels)
    if rendered.isNull():
        raise PrintingError(f"第{index + 1}页渲染失败 / QtPdf could not render page {index + 1}")
    page = QImage(pixels, QImage.Format.Format_RGB32)
    page.fill(QColor("white"))  # QtPdf leaves the background transparent
    painter = QPainter(page)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return page


def render_page_image(pdf: bytes, index: int = 0, dpi: int = 150) -> QImage:
    """One page as a white-backed image (for previews and the benchmark)."""
    doc = load_pdf(pdf)
    try:
        return _render_page(doc, index, dpi)
    finally:
        doc.close()


def print_document(
    doc: QPdfDocument, printer: QPrinter, *, copies: int = 1, max_dpi: int = MAX_RENDER_DPI
) -> int:
    """Paint every page of `doc` on `printer`, `copies` times; returns the sheets painted
    (pages × copies when the driver cannot make copies itself, else pages)."""
    if copies < 1:
        raise PrintingError(f"份数须至少为1：{copies} / copies must be at least 1")
    pages = doc.pageCount()
    if pages < 1:
        raise PrintingError("PDF没有页面 / the document has no pages")
    # Let the driver make the copies when it can (one job, collated by the printer);
    # otherwise repeat the pages ourselves, as Qt's documentation asks.
    driver_copies = copies > 1 and printer.supportsMultipleCopies()
    printer.setCopyCount(copies if driver_copies else 1)
    rounds = 1 if driver_copies else copies
    printer.setFullPage(True)
    printer.setPageLayout(_page_layout(doc.pagePointSize(0)))
    dpi = max(72, min(max_dpi, printer.resolution()))

    painter = QPainter()
    if not painter.begin(printer):
        raise PrintingError(
            f"打印机“{printer.printerName() or printer.outputFileName()}”无法开始打印 / "
            "the printer refused the job"
        )
    painted = 0
    try:
        for _ in range(rounds):
            for index in range(pages):
                if painted:
                    printer.setPageLayout(_page_layout(doc.pagePointSize(index)))
                    if not printer.newPage():
                        raise PrintingError("打印机无法换页 / the printer refused a new page")
                image = _render_page(doc, index, dpi)
                target = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
                painter.drawImage(target, image)
                painted += 1
    finally:
        painter.end()
    return painted


def print_pdf(pdf: bytes, printer: QPrinter, *, copies: int = 1) -> int:
    """Send PDF bytes to an already configured `printer` (no dialog)."""
    doc = load_pdf(pdf)
    try:
        return print_document(doc, printer, copies=copies)
    finally:
        doc.close()


def make_printer(paper: Paper, settings: PrinterSettings | None = None) -> QPrinter:
    """A QPrinter on the remembered printer for `paper` if it is still installed, else the
    system default."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    name = settings.printer_name(paper) if settings is not None else None
    if name and name in QPrinterInfo.availablePrinterNames():
        printer.setPrinterName(name)
    return printer


def remember_printer(printer: QPrinter, paper: Paper, settings: PrinterSettings | None) -> None:
    if (
        settings is not None
        and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
        and printer.printerName()
    ):
        settings.set_printer_name(paper, printer.printerName())


def print_with_dialog(
    pdf: bytes,
    parent: QWidget | None = None,
    *,
    settings: PrinterSettings | None = None,
    title: str = "打印",
) -> bool:
    """The system print dialog on the remembered printer; prints and remembers the choice.
    Returns False when the clerk cancels."""
    doc = load_pdf(pdf)
    try:
        paper = paper_of(doc.pagePointSize(0))
        printer = make_printer(paper, settings)
        printer.setPageLayout(_page_layout(doc.pagePointSize(0)))
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(title)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        print_document(doc, printer, copies=max(1, printer.copyCount()))
        remember_printer(printer, paper, settings)
        return True
    finally:
        doc.close()


class PdfPreviewDialog(QPrintPreviewDialog):
    """Print preview of PDF bytes. Printing from it goes to the remembered printer for the
    document's paper, and the printer chosen is remembered when the dialog is accepted."""

    def __init__(
        self,
        pdf: bytes,
        parent: QWidget | None = None,
        *,
        settings: PrinterSettings | None = None,
        title: str = "打印预览",
    ) -> None:
        probe = load_pdf(pdf)
        self.paper = paper_of(probe.pagePointSize(0))
        probe.close()
        # The dialog does not own its printer: keep it referenced as long as the dialog.
        self.preview_printer = make_printer(self.paper, settings)
        super().__init__(self.preview_printer, parent)
        self.setWindowTitle(title)
        self.settings = settings
        self.document = load_pdf(pdf, self)  # parented: freed with the dialog
        self.paintRequested.connect(self._paint)
        self.accepted.connect(self._remember)

    def _paint(self, target: QPrinter) -> None:
        print_document(self.document, target, copies=max(1, target.copyCount()))

    def _remember(self) -> None:
        remember_printer(self.preview_printer, self.paper, self.settings)


def preview_dialog(
    pdf: bytes,
    parent: QWidget | None = None,
    *,
    settings: PrinterSettings | None = None,
    title: str = "打印预览",
) -> PdfPreviewDialog:
    """A print-preview dialog for the PDF; the caller `exec()`s it."""
    return PdfPreviewDialog(pdf, parent, settings=settings, title=title)
