"""The print room: plain data in, PDF out.

- `printing.data` — the frozen dataclasses forms are printed from (no ledger access here).
- `printing.forms` — one `xxx_pdf(data, layout) -> bytes` per form, and `render_form`.
- `printing.masking` — the one place ID and phone numbers are masked (app and UI use it).
- `printing.qt_print` — the only Qt module: sends PDF bytes to a printer, print preview.

Importing `printing` itself is cheap: it loads neither ReportLab nor Qt.
"""

from __future__ import annotations

from printing.errors import PrintingError
from printing.masking import mask_id_number, mask_name, mask_phone

__all__ = ["PrintingError", "mask_id_number", "mask_name", "mask_phone"]
