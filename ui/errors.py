"""Errors at the GUI's edge: one Chinese line for the clerk, never a traceback.

App and ledger errors (`ClerkDeskError`) carry "中文 / English": the clerk reads the Chinese
part. Anything else is a bug: it is logged with a short reference id — type and stack frames
only, never the exception's message or locals, which could hold an ID number — and the clerk
sees an apology quoting the reference.
"""

from __future__ import annotations

import logging
import traceback
import uuid

from PySide6.QtCore import QCoreApplication

from db.errors import ClerkDeskError

log = logging.getLogger("clerkdesk.ui")


def chinese(message: str) -> str:
    """The part of a "中文 / English" message a clerk reads."""
    return message.split(" / ", 1)[0].strip()


def field_of(exc: BaseException) -> str | None:
    """The form field an `InvalidInput` names (e.g. "applicant.id_number")."""
    value = getattr(exc, "field", None)
    return value if isinstance(value, str) else None


def report_unexpected(exc: BaseException) -> str:
    """Log a bug without personal data; return the reference id shown to the clerk."""
    ref = uuid.uuid4().hex[:8].upper()
    frames = "\n".join(
        f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)
    )
    log.error("unexpected %s (ref %s)\n%s", type(exc).__qualname__, ref, frames)
    return ref


def describe(exc: BaseException) -> str:
    if isinstance(exc, ClerkDeskError):
        return chinese(exc.message)
    ref = report_unexpected(exc)
    return QCoreApplication.translate(
        "errors", "抱歉，程序出了意外问题，操作没有完成。请联系管理员并告知参考编号 {ref}。"
    ).format(ref=ref)
