"""Sending PDFs to a QPrinter (a PDF-file printer here: there is no real printer in CI) and
the print preview, offscreen."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtPdf")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget  # noqa: E402

from printing import qt_print  # noqa: E402
from printing.errors import PrintingError  # noqa: E402

from .pdfcheck import MM, barcodes, reader  # noqa: E402


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def page_mm(path: Path, index: int = 0) -> tuple[float, float]:
    box = reader(path.read_bytes()).pages[index].mediabox
    return float(box.width) / MM, float(box.height) / MM


def test_a4_form_prints_one_a4_page_that_still_scans(
    qapp: object, rendered: dict, tmp_path: Path
) -> None:
    out = tmp_path / "printed.pdf"
    assert qt_print.print_pdf(rendered[("receipt", "a4")], pdf_printer(out)) == 1
    assert len(reader(out.read_bytes()).pages) == 1
    assert page_mm(out) == pytest.approx((210, 297), abs=0.5)
    # Rasterised by QtPdf at 300 dpi, on white: the barcode is still readable at 150 dpi.
    assert ("Code128", "510421100202611160007") in barcodes(out.read_bytes(), dpi=150)


def test_copies_repeat_every_page(qapp: object, rendered: dict, tmp_path: Path) -> None:
    out = tmp_path / "copies.pdf"
    pdf = rendered[("guide", "a4")]
    pages = len(reader(pdf).pages)
    printer = pdf_printer(out)
    sheets = qt_print.print_pdf(pdf, printer, copies=3)
    expected = pages if printer.supportsMultipleCopies() else 3 * pages
    assert sheets == expected
    assert len(reader(out.read_bytes()).pages) == expected


def test_receipt_slip_prints_on_80mm_paper_of_its_own_length(
    qapp: object, rendered: dict, tmp_path: Path
) -> None:
    out = tmp_path / "slip.pdf"
    pdf = rendered[("receipt", "receipt80")]
    qt_print.print_pdf(pdf, pdf_printer(out))
    assert page_mm(out) == pytest.approx(page_mm_of_bytes(pdf), abs=0.5)
    assert qt_print.pdf_paper(pdf) == "receipt80"


def page_mm_of_bytes(pdf: bytes) -> tuple[float, float]:
    box = reader(pdf).pages[0].mediabox
    return float(box.width) / MM, float(box.height) / MM


def test_landscape_sign_prints_landscape(qapp: object, rendered: dict, tmp_path: Path) -> None:
    out = tmp_path / "sign.pdf"
    qt_print.print_pdf(rendered[("away", "a4")], pdf_printer(out))
    assert page_mm(out) == pytest.approx((297, 210), abs=0.5)
    assert qt_print.pdf_paper(rendered[("away", "a4")]) == "a4"


def test_pages_are_rendered_on_white_not_transparency(qapp: object, rendered: dict) -> None:
    image = qt_print.render_page_image(rendered[("receipt", "a4")], dpi=50)
    assert image.format() == QImage.Format.Format_RGB32  # no alpha channel at all
    assert image.pixelColor(2, 2) == QColor("white")


def test_preview_dialog_paints_every_page(qapp: object, rendered: dict) -> None:
    pdf = rendered[("guide", "a4")]
    settings = qt_print.MemoryPrinterSettings()
    dialog = qt_print.preview_dialog(pdf, settings=settings)
    try:
        widget = dialog.findChild(QPrintPreviewWidget)
        assert widget is not None
        widget.updatePreview()  # emits paintRequested → our painter
        assert widget.pageCount() == len(reader(pdf).pages)
        assert dialog.paper == "a4"
    finally:
        dialog.deleteLater()


def test_remembered_printer_is_used_only_if_still_installed(qapp: object) -> None:
    settings = qt_print.MemoryPrinterSettings({"receipt80": "No Such Printer 80mm"})
    printer = qt_print.make_printer("receipt80", settings)
    assert printer.printerName() != "No Such Printer 80mm"


def test_printing_to_a_file_does_not_overwrite_the_remembered_printer(
    qapp: object, tmp_path: Path
) -> None:
    settings = qt_print.MemoryPrinterSettings({"a4": "Office Laser"})
    qt_print.remember_printer(pdf_printer(tmp_path / "x.pdf"), "a4", settings)
    assert settings.printer_name("a4") == "Office Laser"


def test_qsettings_adapter_round_trips(qapp: object, tmp_path: Path) -> None:
    store = QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    settings = qt_print.QSettingsPrinterSettings(store)
    assert settings.printer_name("a4") is None
    settings.set_printer_name("a4", "Office Laser")
    settings.set_printer_name("receipt80", "XP-80C")
    store.sync()
    again = qt_print.QSettingsPrinterSettings(
        QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)
    )
    assert (again.printer_name("a4"), again.printer_name("receipt80")) == (
        "Office Laser",
        "XP-80C",
    )


def test_bad_pdf_and_bad_copies_raise_printing_errors(
    qapp: object, rendered: dict, tmp_path: Path
) -> None:
    with pytest.raises(PrintingError, match="PDF无法打开"):
        qt_print.print_pdf(b"not a pdf", pdf_printer(tmp_path / "x.pdf"))
    with pytest.raises(PrintingError, match="份数"):
        qt_print.print_pdf(rendered[("receipt", "a4")], pdf_printer(tmp_path / "y.pdf"), copies=0)
