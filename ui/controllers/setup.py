"""Set-up wizard controller: checks each page with app/'s own checks, creates the ledger on
the worker, shows the recovery key once and requires the 'stored it' confirmation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QLabel, QWidget, QWizard

from app import desk_profile, staff
from app.errors import InvalidInput
from db.errors import LedgerExists, WeakPassphrase
from ui.errors import chinese, describe, field_of
from ui.session import DeskInfo, DeskSession
from ui.views.setup_wizard import MIYI_TOWNSHIPS, SetupWizardView
from ui.views.widgets import mark_error


def passphrase_strength(text: str) -> int:
    """0–4 for the meter only; the ledger itself refuses weak passphrases (db.keys)."""
    if not text:
        return 0
    classes = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isascii() or not c.isalnum() for c in text),
        )
    )
    score = 1 if len(text) >= 8 else 0
    score += 1 if len(text) >= 12 else 0
    score += 1 if classes >= 2 else 0
    score += 1 if classes >= 3 or len(text) >= 20 else 0
    return min(score, 4) if len(set(text)) >= 4 else min(score, 1)


class SetupController(QObject):
    def __init__(
        self,
        wizard: SetupWizardView,
        session: DeskSession,
        path: Path,
        on_finished: Callable[[DeskInfo], None],
        on_cancelled: Callable[[], None],
    ) -> None:
        super().__init__(wizard)
        self.wizard = wizard
        self.session = session
        self.path = path
        self.on_finished = on_finished
        self.on_cancelled = on_cancelled
        self.info: DeskInfo | None = None
        self.recovery_key = ""
        self.creating = False
        c, a, r = wizard.centre, wizard.admin, wizard.recovery
        c.township.currentIndexChanged.connect(self._township)
        self._township(0)
        c.validator = self._check_centre
        a.validator = self._create
        a.passphrase.textChanged.connect(self._strength)
        self._strength("")
        r.print_button.clicked.connect(self.print_key)
        wizard.accepted.connect(self._finished)
        wizard.rejected.connect(self._cancelled)

    def _township(self, index: int) -> None:
        code, name = MIYI_TOWNSHIPS[max(index, 0)]
        self.wizard.centre.code.setText(code)
        self.wizard.centre.name.setText(f"{name}便民服务中心")

    def _show(self, widget: QWidget, label: QLabel, text: str) -> None:
        mark_error(widget, bool(text))
        label.setText(text)
        label.setVisible(bool(text))

    def _check_centre(self) -> bool:
        c = self.wizard.centre
        ok = True
        for widget, label, check in (
            (c.code, c.code_error, lambda: desk_profile.check_centre_code(c.code.text())),
            (c.name, c.name_error, lambda: desk_profile.check_centre_name(c.name.text())),
            (c.desk_no, c.desk_error, lambda: desk_profile.check_desk_no(c.desk_no.value())),
        ):
            try:
                check()
            except InvalidInput as exc:
                self._show(widget, label, chinese(exc.message))
                ok = False
            else:
                self._show(widget, label, "")
        return ok

    def _strength(self, text: str) -> None:
        a = self.wizard.admin
        score = passphrase_strength(text)
        labels = [
            self.tr("未输入"),
            self.tr("太弱"),
            self.tr("一般"),
            self.tr("较强"),
            self.tr("强"),
        ]
        colours = ["#bbbbbb", "#e53935", "#fb8c00", "#7cb342", "#2e7d32"]
        a.strength.setValue(score)
        a.strength.setStyleSheet(f"QProgressBar::chunk {{ background: {colours[score]}; }}")
        a.strength_label.setText(labels[score])

    def _create(self) -> bool:
        if self.info is not None:
            return True
        if self.creating:
            return False
        a = self.wizard.admin
        fields = {
            "username": (a.username, a.username_error),
            "display_name": (a.display_name, a.display_name_error),
            "passphrase": (a.passphrase, a.passphrase_error),
            "confirm": (a.confirm, a.confirm_error),
        }
        for widget, label in fields.values():
            self._show(widget, label, "")
        a.message.clear_message()
        ok = True
        for key, check in (
            ("username", lambda: staff.check_username(a.username.text())),
            ("display_name", lambda: staff.check_display_name(a.display_name.text())),
        ):
            try:
                check()
            except InvalidInput as exc:
                self._show(*fields[key], chinese(exc.message))
                ok = False
        if a.passphrase.text() != a.confirm.text():
            self._show(*fields["confirm"], self.tr("两次输入的口令不一致"))
            ok = False
        if not ok:
            return False
        c = self.wizard.centre
        values = {
            "centre_code": c.code.text(),
            "centre_name": c.name.text(),
            "desk_no": c.desk_no.value(),
            "admin_username": a.username.text(),
            "admin_display_name": a.display_name.text(),
            "passphrase": a.passphrase.text(),
        }
        self.creating = True
        a.message.show_message(self.tr("正在创建加密台账……"), "info")
        self.path.parent.mkdir(parents=True, exist_ok=True)

        def done(result: tuple[DeskInfo, str]) -> None:
            self.creating = False
            self.info, self.recovery_key = result
            a.message.clear_message()
            self.wizard.recovery.key.setText(self.recovery_key)
            self.wizard.next()

        def failed(exc: BaseException) -> None:
            self.creating = False
            a.message.clear_message()
            text = describe(exc)
            if isinstance(exc, WeakPassphrase):
                self._show(*fields["passphrase"], text)
            elif field_of(exc) in ("username", "display_name"):
                self._show(*fields[str(field_of(exc))], text)
            elif isinstance(exc, LedgerExists):
                a.message.show_message(text)
            else:
                a.message.show_message(text)

        self.session.set_up(self.path, values, done, failed)
        return False

    def print_key(self) -> None:
        doc = QTextDocument()
        doc.setPlainText(
            self.tr(
                "便民窗口台账 恢复密钥\n\n台账：{path}\n\n{key}\n\n"
                "请交中心负责人存放于保险柜。凭此密钥可在遗忘口令时重设负责人或管理员口令。"
            ).format(path=self.path.name, key=self.recovery_key)
        )
        printer = QPrinter()
        preview = QPrintPreviewDialog(printer, self.wizard)
        preview.setWindowTitle(self.tr("打印恢复密钥"))
        preview.paintRequested.connect(doc.print_)
        preview.exec()

    def _finished(self) -> None:
        if self.info is not None:
            self.on_finished(self.info)

    def _cancelled(self) -> None:
        self.on_cancelled()

    def page(self) -> int:
        return self.wizard.currentId()

    @staticmethod
    def is_last(wizard: QWizard) -> bool:
        return wizard.currentId() == getattr(wizard, "recovery_id", -1)
