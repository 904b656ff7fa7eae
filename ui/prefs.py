"""UI preferences of this PC (not rules: those are ledger settings in `app.settings`)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from printing.qt_print import Paper, QSettingsPrinterSettings

DEFAULT_AUTOLOCK_MINUTES = 5.0


class Prefs:
    def __init__(self, settings: QSettings | None = None) -> None:
        self.settings = settings or QSettings("ClerkDesk", "ClerkDesk")
        self.printers = QSettingsPrinterSettings(self.settings)

    def _get(self, key: str, default: object) -> object:
        value = self.settings.value(key, default)
        return default if value is None else value

    @property
    def direct_print(self) -> bool:
        """Receipt slips go straight to the remembered printer, without a preview."""
        return str(self._get("print/direct", "false")).lower() in ("true", "1")

    @direct_print.setter
    def direct_print(self, value: bool) -> None:
        self.settings.setValue("print/direct", "true" if value else "false")

    @property
    def slip_layout(self) -> Paper:
        value = str(self._get("print/layout", "a4"))
        return "receipt80" if value == "receipt80" else "a4"

    @slip_layout.setter
    def slip_layout(self, value: Paper) -> None:
        self.settings.setValue("print/layout", value)

    @property
    def autolock_minutes(self) -> float:
        try:
            value = float(str(self._get("desk/autolock_minutes", DEFAULT_AUTOLOCK_MINUTES)))
        except ValueError:
            return DEFAULT_AUTOLOCK_MINUTES
        return value if value > 0 else DEFAULT_AUTOLOCK_MINUTES

    @autolock_minutes.setter
    def autolock_minutes(self, value: float) -> None:
        self.settings.setValue("desk/autolock_minutes", value)

    @property
    def last_user(self) -> str:
        return str(self._get("desk/last_user", ""))

    @last_user.setter
    def last_user(self, value: str) -> None:
        self.settings.setValue("desk/last_user", value)
