"""`python -m printing.render_forms OUTDIR`: render every form, in every layout, from the
demo data in `printing.samples` to PNG (150 dpi) for people to look at (docs/forms/).

Each PDF is made in memory and rasterised with pypdfium2 (a development dependency); only the
PNGs of invented demo data are written. Multi-page forms give one PNG per page.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from printing import samples
from printing.forms import FORMS
from printing.layout import Layout

DPI = 150

#: (file stem, form kind, sample factory, layouts or None for all the form has).
SAMPLES: tuple[tuple[str, str, Callable[[], object], tuple[Layout, ...] | None], ...] = (
    ("receipt", "receipt", samples.receipt, None),
    ("receipt-provisional", "receipt", lambda: samples.receipt(provisional=True), ("a4",)),
    ("receipt-rare-name", "receipt", lambda: samples.receipt(rare_name=True), None),
    ("notice", "notice", samples.notice, None),
    ("notice-40-materials", "notice", lambda: samples.notice(missing_count=40), ("a4",)),
    ("rejection", "rejection", samples.rejection, None),
    ("completion", "completion", samples.completion, None),
    ("referral", "referral", samples.referral, None),
    ("guide", "guide", samples.guide, None),
    ("away", "away", samples.away_sign, None),
    ("card", "card", samples.staff_card, None),
    ("card-no-photo", "card", lambda: samples.staff_card(with_photo=False), None),
    ("daily", "daily", samples.daily_report, None),
)


def render_all(outdir: Path) -> Iterator[Path]:
    """Render every sample; yields each PNG written."""
    import pypdfium2 as pdfium

    outdir.mkdir(parents=True, exist_ok=True)
    for stem, kind, make, only in SAMPLES:
        spec = FORMS[kind]
        for layout in only or spec.layouts:
            doc = pdfium.PdfDocument(spec.render(make(), layout))
            try:
                for index in range(len(doc)):
                    page_suffix = f"-p{index + 1}" if len(doc) > 1 else ""
                    path = outdir / f"{stem}-{layout}{page_suffix}.png"
                    image = doc[index].render(scale=DPI / 72).to_pil()
                    # A 256-colour palette keeps the PNGs small enough for the repository
                    # and changes nothing a reader can see on a form.
                    image.quantize(colors=256).save(path, optimize=True)
                    yield path
            finally:
                doc.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m printing.render_forms",
        description="Render every form from the demo data to PNG (150 dpi).",
    )
    parser.add_argument("outdir", type=Path, help="directory for the PNGs, e.g. docs/forms")
    args = parser.parse_args(argv)
    count = 0
    for path in render_all(args.outdir):
        count += 1
        sys.stderr.write(f"{path}\n")
    sys.stderr.write(f"{count} page images in {args.outdir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
