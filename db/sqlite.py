"""The one place that binds the SQLite driver (sqlcipher3) and sqlite-utils together.

sqlite-utils catches only its own idea of `OperationalError`; on a sqlcipher3 connection the
stdlib class never matches, so `insert(alter=True)` and `drop(ignore=True)` fail. sqlite-utils
prefers `pysqlite3` when importable, so sqlcipher3 answers to that name from the moment this
module is imported — before sqlite-utils is (FIELD-NOTES). sqlite-utils itself is imported
only when `utils_database` is first called: the desk does not need it to start.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import sqlcipher3
from sqlcipher3 import dbapi2

if TYPE_CHECKING:
    import sqlite_utils

sys.modules["pysqlite3"] = sqlcipher3
sys.modules["pysqlite3.dbapi2"] = dbapi2

Connection = dbapi2.Connection
DatabaseError = dbapi2.DatabaseError
OperationalError = dbapi2.OperationalError
IntegrityError = dbapi2.IntegrityError
Row = dbapi2.Row


def utils_database(conn: Any) -> sqlite_utils.Database:
    """A sqlite-utils `Database` over an (encrypted) connection of ours."""
    import sqlite_utils
    import sqlite_utils.utils

    if sqlite_utils.utils.OperationalError is not dbapi2.OperationalError:  # pragma: no cover
        raise ImportError("sqlite_utils was imported before db.sqlite; import db first")
    return sqlite_utils.Database(conn)


__all__ = [
    "Connection",
    "DatabaseError",
    "IntegrityError",
    "OperationalError",
    "Row",
    "dbapi2",
    "utils_database",
]
