from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.desk import Desk
from tests.db.ledger_helpers import grow

MakeDesk = Callable[..., tuple[Desk, str]]


def test_the_ledger_file_holds_no_plaintext(make_desk: MakeDesk, tmp_path: Path) -> None:
    desk, _ = make_desk(centre_name="撒莲镇便民服务中心", admin_display_name="李秀英")
    grow(desk, 3)
    path = desk.path
    desk.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith(path.name))
    assert not raw.startswith(b"SQLite format 3")
    for secret in ("撒莲镇", "李秀英", "窗口1号", "clerk001", "510421100", "staff.account_added"):
        assert secret.encode("utf-8") not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret


def test_plain_sqlite_cannot_open_the_ledger(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    path = desk.path
    desk.close()
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    conn.close()
