"""The rooms of the house (DESIGN §10): no Qt below the GUI, no SQL in the GUI."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _python_files(room: str) -> list[Path]:
    return sorted((ROOT / room).rglob("*.py"))


def test_domain_ledger_and_sync_never_import_qt() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for room in ("app", "db", "sync")
        for p in _python_files(room)
        if _imports(p) & {"PySide6", "shiboken6", "ui"}
    ]
    assert offenders == []


def test_db_knows_nothing_of_the_domain() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in _python_files("db")
        if _imports(p) & {"app", "ui", "printing", "sync"}
    ]
    assert offenders == []


def test_printing_takes_plain_data() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in _python_files("printing")
        if _imports(p) & {"app", "db", "ui", "sync"}
    ]
    assert offenders == []


def test_only_one_printing_module_touches_qt() -> None:
    qt_modules = [
        p.name for p in _python_files("printing") if _imports(p) & {"PySide6", "shiboken6"}
    ]
    assert len(qt_modules) <= 1, qt_modules


_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET)\b")


def test_no_sql_in_the_gui() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for p in _python_files("ui")
        if _SQL.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_itself_sees_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from PySide6.QtCore import Qt\nimport app.cli\n", encoding="utf-8")
    assert _imports(sample) == {"PySide6", "app"}
