"""The one numbering rule of both counter tables: the next number follows the highest one
any event carried, whatever order the events are replayed or restored in."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app import counters


def _tables() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    for table in counters.COUNTER_TABLES:
        conn.execute(f"CREATE TABLE {table} (series TEXT PRIMARY KEY, last INTEGER NOT NULL)")
    return conn


@given(
    table=st.sampled_from(counters.COUNTER_TABLES),
    values=st.lists(st.integers(min_value=1, max_value=99_999), max_size=20),
)
def test_the_next_number_follows_the_highest_one_issued(
    table: counters.CounterTable, values: list[int]
) -> None:
    conn = _tables()
    assert counters.next_in(conn, table, "case:2026-03-09") == 1
    for v in values:
        counters.raise_to(conn, table, "case:2026-03-09", v)
    expected = max(values, default=0) + 1
    assert counters.next_in(conn, table, "case:2026-03-09") == expected
    other = next(t for t in counters.COUNTER_TABLES if t != table)
    assert counters.next_in(conn, other, "case:2026-03-09") == 1


def test_only_the_two_counter_tables_are_written() -> None:
    with pytest.raises(ValueError, match="not a counter table"):
        counters.raise_to(_tables(), "cases", "x", 1)  # type: ignore[arg-type]
