from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.desk import Desk
from app.projections import projector
from db import ledger as ledger_mod
from db.errors import InvalidEvent
from db.ledger import read_events, rebuild_projections, verify, verify_chain
from db.sqlite import IntegrityError
from tests.db.ledger_helpers import Tampered, grow

MakeDesk = Callable[..., tuple[Desk, str]]


def _snapshot(conn: object) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for table in projector().tables:
        rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # type: ignore[attr-defined]
        out[table] = sorted(tuple(r) for r in rows)
    return out


def test_events_are_gap_free_chained_and_attributed(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    grow(desk, 3)
    events = list(read_events(desk.conn))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.kind for e in events[-3:]] == ["staff.account_added"] * 3
    assert events[0].prev_hash == ledger_mod.GENESIS_PREV_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.id > before.id  # UUIDv7 sorts by time
    assert {e.actor for e in events} == {"admin"}
    assert all(e.at.endswith("+08:00") for e in events)
    assert events[0].kind == "ledger.created"


def test_events_cannot_be_updated_or_deleted(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    with pytest.raises(IntegrityError, match="append-only"):
        desk.conn.execute("UPDATE events SET actor = 'x' WHERE seq = 1")
    with pytest.raises(IntegrityError, match="append-only"):
        desk.conn.execute("DELETE FROM events WHERE seq = 2")


def test_a_failed_write_leaves_neither_event_nor_projection(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    before = _snapshot(desk.conn)
    with pytest.raises(RuntimeError), desk.ledger.write() as w:
        w.append(
            "staff.account_added",
            "staff/x",
            {"username": "x", "display_name": "X", "role": "clerk"},
            "admin",
        )
        raise RuntimeError("power cut in the middle")
    assert _snapshot(desk.conn) == before
    assert verify(desk.conn, projector(), desk.ledger.identity).ok


def test_bodies_reject_floats() -> None:
    with pytest.raises(InvalidEvent) as refused:
        ledger_mod.canonical_body({"fee": 1.5})
    assert refused.value.path == "body.fee"


def test_rebuild_gives_identical_projections(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    grow(desk, 5)
    before = _snapshot(desk.conn)
    rebuild_projections(desk.conn, projector())
    assert _snapshot(desk.conn) == before
    assert verify(desk.conn, projector(), desk.ledger.identity).ok


def test_verify_reports_an_intact_ledger(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    grow(desk, 2)
    total = desk.conn.execute("SELECT count(*) FROM events").fetchone()[0]
    report = verify(desk.conn, projector(), desk.ledger.identity)
    assert report.ok and report.events == total and report.head_seq == total


@pytest.fixture
def tampered(make_desk: MakeDesk, tmp_path: Path) -> Tampered:
    desk, _ = make_desk()
    grow(desk, 6)
    return Tampered(desk, tmp_path)


# The fixture hands out a fresh decrypted copy per call, so sharing it across examples is safe.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_flipping_any_byte_of_any_body_names_that_event(tampered, data) -> None:  # type: ignore[no-untyped-def]
    conn = tampered()
    total = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    seq = data.draw(st.integers(1, total), label="seq")
    body = bytearray(
        conn.execute("SELECT CAST(body AS BLOB) FROM events WHERE seq = ?", (seq,)).fetchone()[0]
    )
    pos = data.draw(st.integers(0, len(body) - 1), label="pos")
    body[pos] ^= data.draw(st.integers(1, 255), label="xor")
    conn.execute("UPDATE events SET body = CAST(? AS TEXT) WHERE seq = ?", (bytes(body), seq))
    report = verify_chain(conn, tampered.identity)
    assert not report.ok
    assert report.first_bad_seq == seq
    conn.close()


def test_deleting_an_event_in_the_middle_is_found(tampered) -> None:  # type: ignore[no-untyped-def]
    conn = tampered()
    conn.execute("DELETE FROM events WHERE seq = 4")
    report = verify_chain(conn, tampered.identity)
    assert (report.ok, report.first_bad_seq) == (False, 4)


def test_deleting_the_last_event_is_found(tampered) -> None:  # type: ignore[no-untyped-def]
    conn = tampered()
    last = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    conn.execute("DELETE FROM events WHERE seq = ?", (last,))
    report = verify_chain(conn, tampered.identity)
    assert (report.ok, report.first_bad_seq) == (False, last)


def test_a_projection_edited_behind_the_ledger_is_found(tampered) -> None:  # type: ignore[no-untyped-def]
    conn = tampered()
    conn.execute("UPDATE staff SET role = 'director' WHERE username = 'clerk001'")
    report = verify(conn, projector(), tampered.identity)
    assert not report.ok
    assert "staff" in (report.problem or "")
