"""Case numbers as Code128 (vector, ≥ 0.33 mm modules) that a scanner reads back exactly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm

from printing import samples
from printing.barcodes import MIN_MODULE, QUIET_MODULES, code128_flowable, code128_pattern
from printing.errors import PrintingError
from printing.forms import receipt_pdf
from printing.layout import A4_WIDTH, ROLL_WIDTH

from .pdfcheck import barcodes, reader

CASES = [
    (("receipt", "a4"), samples.CASE_NUMBER, f"CLERKDESK:CASE:{samples.CASE_NUMBER}"),
    (("receipt", "receipt80"), samples.CASE_NUMBER, None),
    (("notice", "a4"), samples.NOTICE_CASE_NUMBER, f"CLERKDESK:CASE:{samples.NOTICE_CASE_NUMBER}"),
    (("notice", "receipt80"), samples.NOTICE_CASE_NUMBER, None),
    (("completion", "a4"), samples.CASE_NUMBER, f"CLERKDESK:EVAL:{samples.CASE_NUMBER}"),
    (("rejection", "a4"), "510421100202611160011", None),
]


@pytest.mark.parametrize(("key", "case_number", "qr"), CASES, ids=lambda v: str(v))
def test_code128_rendered_at_150_dpi_decodes_to_the_case_number(
    rendered: dict, key: tuple[str, str], case_number: str, qr: str | None
) -> None:
    found = barcodes(rendered[key], dpi=150)
    assert ("Code128", case_number) in found
    if qr is not None:
        assert ("QRCode", qr) in found


def test_barcodes_are_vector_not_images(rendered: dict) -> None:
    page = reader(rendered[("receipt", "a4")]).pages[0]
    xobjects = page["/Resources"].get("/XObject") or {}
    assert not [x for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]


@pytest.mark.parametrize("width", [A4_WIDTH - 70 * mm - 19 * mm, ROLL_WIDTH])
def test_modules_are_at_least_a_third_of_a_millimetre(width: float) -> None:
    code = code128_flowable(samples.CASE_NUMBER, width)
    assert code.module >= MIN_MODULE
    assert code.width <= width
    assert code.width == pytest.approx(
        (len(code128_pattern(samples.CASE_NUMBER)) + 2 * QUIET_MODULES) * code.module
    )


def test_pattern_is_the_python_barcode_pattern() -> None:
    pattern = code128_pattern("510421100202611160007")
    assert set(pattern) == {"0", "1"} and pattern.startswith("11010011100")  # START C
    assert pattern.endswith("1100011101011")  # STOP


def test_non_ascii_values_are_refused() -> None:
    with pytest.raises(PrintingError, match="不能用条码打印"):
        code128_pattern("攀莲0007")


@settings(max_examples=8, deadline=None)
@given(st.from_regex(r"\A[0-9A-Z\-]{6,16}\Z"))
@example("0T00000A00000")
@example("000A00A200")
def test_any_plausible_case_number_scans_from_the_slip(case_number: str) -> None:
    # The 80 mm slip comes out of a 203 dpi thermal printer, where a 0.375 mm module is
    # exactly 3 dots. Rendered at 150 dpi instead, 2.2 px modules alias and some letter
    # patterns fail to decode — an artefact of the render, not of the slip.
    pdf = receipt_pdf(replace(samples.receipt(), case_number=case_number), "receipt80")
    assert ("Code128", case_number) in barcodes(pdf, dpi=203)


def test_on_a_slip_the_unprinted_edge_is_the_quiet_zone() -> None:
    from printing.layout import ROLL_MARGIN

    code = code128_flowable(samples.CASE_NUMBER, ROLL_WIDTH, margin_quiet_zone=ROLL_MARGIN)
    assert MIN_MODULE <= code.module <= ROLL_MARGIN / QUIET_MODULES
    assert code.width == pytest.approx(len(code128_pattern(samples.CASE_NUMBER)) * code.module)
