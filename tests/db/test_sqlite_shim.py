from __future__ import annotations

from pathlib import Path

import sqlcipher3

from db.connection import open_encrypted
from db.sqlite import utils_database


def test_sqlite_utils_catches_sqlcipher_errors(tmp_path: Path) -> None:
    # Without the alias, insert(alter=True) fails on a sqlcipher3 connection (FIELD-NOTES).
    conn = open_encrypted(tmp_path / "x.db", bytes(range(32)))
    db = utils_database(conn)
    import sqlite_utils.utils

    assert sqlite_utils.utils.OperationalError is sqlcipher3.dbapi2.OperationalError
    db["t"].insert({"a": 1})
    db["t"].insert({"a": 2, "b": "新列"}, alter=True)
    db["missing"].drop(ignore=True)
    assert [r["b"] for r in db["t"].rows] == [None, "新列"]
    conn.close()
