"""One step, one form: a FormDialog whose values become an op; app/'s refusal is shown next to
the field it names (or under the form) and nothing is written; success closes the form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QWidget

from app.desk import Desk
from ui.errors import describe, field_of
from ui.session import DeskSession
from ui.views.dialogs import Field, FormDialog


def step_form(
    session: DeskSession,
    parent: QWidget,
    heading: str,
    fields: list[Field],
    ok_text: str,
    op_for: Callable[[dict[str, object]], Callable[[Desk], Any]],
    on_done: Callable[[Any], None],
    changes: Iterable[str],
    note: str = "",
) -> FormDialog:
    """Open the form; `op_for(values)` builds the op from what was typed (plain values only)."""
    dialog = FormDialog(heading, fields, parent, ok_text=ok_text, note=note)
    topics = tuple(changes)

    def submitted(values: dict[str, object]) -> None:
        op = op_for(values)
        dialog.set_busy(True)

        def done(result: Any) -> None:
            dialog.set_busy(False)
            dialog.accept()
            on_done(result)

        def failed(exc: BaseException) -> None:
            dialog.set_busy(False)
            field = field_of(exc)
            dialog.show_error(field if field in dialog.widgets else None, describe(exc))

        session.op(op, done, failed, topics)

    dialog.submitted.connect(submitted)
    dialog.open()
    return dialog
