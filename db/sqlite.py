"""The one place that binds sqlite-utils to SQLCipher.

sqlite-utils catches only its own idea of `OperationalError`; on a sqlcipher3 connection the
stdlib class never matches, so `insert(alter=True)` and `drop(ignore=True)` fail. sqlite-utils
prefers `pysqlite3` when importable, so we make sqlcipher3 answer to that name *before*
sqlite-utils is imported anywhere (FIELD-NOTES). Import `sqlite_utils` only through here.
"""

from __future__ import annotations

import sys

import sqlcipher3
from sqlcipher3 import dbapi2

sys.modules["pysqlite3"] = sqlcipher3
sys.modules["pysqlite3.dbapi2"] = dbapi2

import sqlite_utils  # noqa: E402  (must follow the alias above)
import sqlite_utils.utils  # noqa: E402

if sqlite_utils.utils.OperationalError is not dbapi2.OperationalError:  # pragma: no cover
    raise ImportError("sqlite_utils was imported before db.sqlite; import it through db.sqlite")

Connection = dbapi2.Connection
DatabaseError = dbapi2.DatabaseError
OperationalError = dbapi2.OperationalError
IntegrityError = dbapi2.IntegrityError
Row = dbapi2.Row

__all__ = [
    "Connection",
    "DatabaseError",
    "IntegrityError",
    "OperationalError",
    "Row",
    "dbapi2",
    "sqlite_utils",
]
