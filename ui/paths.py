"""Where the desk's ledger lives. One ledger per desk, in the user's data folder; an
administrator can point elsewhere with CLERKDESK_LEDGER or `--ledger PATH` (a path is no
secret, passphrases never come from argv)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths

LEDGER_NAME = "desk.ledger"
DEMO_NAME = "demo.ledger"


def data_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".clerkdesk")


def ledger_from_argv(argv: Sequence[str]) -> Path | None:
    for i, arg in enumerate(argv):
        if arg == "--ledger" and i + 1 < len(argv):
            return Path(argv[i + 1]).expanduser()
        if arg.startswith("--ledger="):
            return Path(arg.split("=", 1)[1]).expanduser()
    return None


def default_ledger_path(argv: Sequence[str] = ()) -> Path:
    chosen = ledger_from_argv(argv)
    if chosen is not None:
        return chosen
    env = os.environ.get("CLERKDESK_LEDGER")
    if env:
        return Path(env).expanduser()
    return data_dir() / LEDGER_NAME


def demo_ledger_path(ledger: Path) -> Path:
    """The demo ledger sits beside the real one, never in its place."""
    return ledger.with_name(DEMO_NAME)
