"""The print room's one error type. `printing/` may not import `db/`, so this is not a
`ClerkDeskError`; the edge (CLI or GUI) turns it into one clear line like the others."""

from __future__ import annotations


class PrintingError(Exception):
    """Input a form cannot be printed from (a blank case number, a case number a barcode
    cannot carry, a table row of the wrong width...). `str(err)` is the message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
