"""Numbered series (文书编号, record numbers): the last number issued per series, kept in two
projection tables of the same shape (`series`, `last`) — `doc_counters` for the cases' own
documents, `duty_counters` for desk-duty records. One reading and one raising rule for both:
a handler raises a series to the number its event carries and never lowers it, so a rebuild
and a restore (which replays `ledger.restored`) reproduce the numbering."""

from __future__ import annotations

from typing import Literal

from db.sqlite import Connection

CounterTable = Literal["doc_counters", "duty_counters"]
COUNTER_TABLES: tuple[CounterTable, ...] = ("doc_counters", "duty_counters")


def next_in(conn: Connection, table: CounterTable, series: str) -> int:
    """The number after the last one issued in `series` (1 for a new series)."""
    row = conn.execute(f"SELECT last FROM {_checked(table)} WHERE series = ?", (series,)).fetchone()
    return (int(row[0]) if row else 0) + 1


def raise_to(conn: Connection, table: CounterTable, series: str, value: int) -> None:
    """Raise a series' last number to at least `value` (never lowers it)."""
    conn.execute(
        f"INSERT INTO {_checked(table)} (series, last) VALUES (?, ?) "
        "ON CONFLICT (series) DO UPDATE SET last = max(last, excluded.last)",
        (series, value),
    )


def _checked(table: str) -> str:
    # The table name is interpolated into SQL: only the two known tables.
    if table not in COUNTER_TABLES:
        raise ValueError(f"not a counter table: {table!r}")
    return table
