"""Slips from the desk: the PDF is made on the worker (it reads the ledger through
`app.slips`), then previewed or printed on the GUI thread (`printing.qt_print`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QWidget

from app.desk import Desk
from db.errors import ClerkDeskError
from printing import qt_print
from ui.prefs import Prefs
from ui.session import DeskSession

KINDS = ("receipt", "notice", "rejection", "completion")


def kind_label(kind: str) -> str:
    labels = {
        "receipt": QCoreApplication.translate("slips", "受理回执"),
        "notice": QCoreApplication.translate("slips", "一次性告知书"),
        "rejection": QCoreApplication.translate("slips", "不予受理通知书"),
        "completion": QCoreApplication.translate("slips", "办结通知"),
    }
    return labels[kind]


class SlipsUnavailable(ClerkDeskError):
    def __init__(self) -> None:
        super().__init__("本版本缺少文书打印模块，无法生成文书 / app.slips is not installed")


class SlipOutput(Protocol):
    """Where a finished PDF goes. Tests put a recorder here."""

    def show(self, pdf: bytes, title: str, direct: bool) -> None: ...

    def close(self) -> None:
        """Close any preview still open (the desk is locking)."""


class QtSlipOutput:
    def __init__(self, parent: QWidget, prefs: Prefs) -> None:
        self.parent = parent
        self.prefs = prefs
        self.dialog: QDialog | None = None  # the preview on screen, closed on lock

    def show(self, pdf: bytes, title: str, direct: bool) -> None:
        if direct:
            paper = qt_print.pdf_paper(pdf)
            printer = qt_print.make_printer(paper, self.prefs.printers)
            qt_print.print_pdf(pdf, printer)
            return
        dialog = qt_print.preview_dialog(
            pdf, self.parent, settings=self.prefs.printers, title=title
        )
        self.dialog = dialog
        try:
            dialog.exec()
        finally:
            self.dialog = None

    def close(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.reject()


def _slips_module() -> Any:
    try:
        return importlib.import_module("app.slips")
    except ModuleNotFoundError as exc:
        if exc.name == "app.slips":
            raise SlipsUnavailable() from None
        raise


def _make_pdf(desk: Desk, kind: str, case_no: str, layout: str) -> bytes:
    pdf: bytes = _slips_module().slip_pdf(desk, kind, case_no, layout=layout)
    return pdf


def _away_sign_pdf(desk: Desk, username: str) -> bytes:
    make = getattr(_slips_module(), "away_sign_pdf", None)
    if make is None:
        raise SlipsUnavailable()
    pdf: bytes = make(desk, username)
    return pdf


def _referral_pdf(desk: Desk, consult_no: str) -> bytes:
    make = getattr(_slips_module(), "referral_pdf", None)
    if make is None:
        raise SlipsUnavailable()
    pdf: bytes = make(desk, consult_no)
    return pdf


class SlipPrinter:
    def __init__(
        self,
        session: DeskSession,
        output: SlipOutput,
        prefs: Prefs,
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.session = session
        self.output = output
        self.prefs = prefs
        self.on_error = on_error
        #: Slips of cases done just before a lock that were never shown: the desk tells
        #: the clerk after unlock (to print again from the case detail).
        self.missed: list[str] = []

    def miss(self, kind: str, case_no: str) -> None:
        self.missed.append(f"{kind_label(kind)} {case_no}")

    def take_missed(self) -> list[str]:
        missed, self.missed = self.missed, []
        return missed

    def close(self) -> None:
        self.output.close()

    def print(self, kind: str, case_no: str) -> None:
        layout = self.prefs.slip_layout if kind == "receipt" else "a4"
        direct = self.prefs.direct_print and kind == "receipt"
        title = QCoreApplication.translate("slips", "打印预览 — {kind} {case_no}").format(
            kind=kind_label(kind), case_no=case_no
        )

        def done(pdf: bytes) -> None:
            try:
                self.output.show(pdf, title, direct)
            except Exception as exc:  # a printer refusing the job must not lose the case
                self.on_error(exc)

        self.session.op(
            lambda desk: _make_pdf(desk, kind, case_no, layout),
            done,
            self.on_error,
            on_stale=lambda _pdf: self.miss(kind, case_no),
        )

    def print_away_sign(self, username: str, name: str = "") -> None:
        """去向留言牌 of the away note `username` has open: A4, always previewed."""
        title = QCoreApplication.translate("slips", "打印预览 — 去向留言牌 {name}").format(
            name=name or username
        )

        def done(pdf: bytes) -> None:
            try:
                self.output.show(pdf, title, False)
            except Exception as exc:  # a printer refusing the job loses nothing
                self.on_error(exc)

        self.session.op(lambda desk: _away_sign_pdf(desk, username), done, self.on_error)

    def print_referral(self, consult_no: str) -> None:
        """首问负责告知单 of a referred consultation: A4, always previewed."""
        title = QCoreApplication.translate("slips", "打印预览 — 首问负责告知单 {no}").format(
            no=consult_no
        )

        def done(pdf: bytes) -> None:
            try:
                self.output.show(pdf, title, False)
            except Exception as exc:  # a printer refusing the job loses nothing
                self.on_error(exc)

        self.session.op(lambda desk: _referral_pdf(desk, consult_no), done, self.on_error)
