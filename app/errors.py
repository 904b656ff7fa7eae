"""Errors of the domain. The base classes live in `db.errors` so every layer shares them."""

from __future__ import annotations

from db.errors import ClerkDeskError


class InvalidInput(ClerkDeskError):
    """A value typed or imported is not acceptable. `field` names the form field at fault so
    the GUI can highlight it and the CLI can name it."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RuleRefused(ClerkDeskError):
    """The desk rules forbid this action now (an illegal transition, a second notice...)."""

    exit_code = 4


class PermissionDenied(RuleRefused):
    """The logged-in staff member's role may not do this."""


class NotFound(ClerkDeskError):
    exit_code = 7
