"""Event ids are UUIDv7 made from the desk's clock — the same reading as the event's time —
unique and in order even when many events share a millisecond or the clock is set back."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from app import staff
from app.desk import Desk
from db.ledger import CHINA_TZ, event_id, read_events
from tests.conftest import FakeClock


def _ms(event_uuid: str) -> int:
    return uuid.UUID(event_uuid).int >> 80


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2099, 12, 31),
        timezones=st.just(CHINA_TZ),
    )
)
def test_an_id_is_a_uuid7_carrying_the_given_time(at: dt.datetime) -> None:
    made = uuid.UUID(event_id(at))
    assert made.version == 7 and made.variant == uuid.RFC_4122
    assert _ms(str(made)) == int(at.timestamp() * 1000)


def test_ids_made_in_one_millisecond_are_unique_and_in_order() -> None:
    at = dt.datetime(2026, 3, 2, 9, 0, 0, 123_456, tzinfo=CHINA_TZ)
    ids = [event_id(at + dt.timedelta(microseconds=i % 500)) for i in range(1000)]
    assert len(set(ids)) == len(ids)
    assert [uuid.UUID(i).int for i in ids] == sorted(uuid.UUID(i).int for i in ids)
    assert {_ms(i) for i in ids} == {int(at.timestamp() * 1000)}
    later = event_id(at + dt.timedelta(milliseconds=1))
    assert uuid.UUID(later).int > uuid.UUID(ids[-1]).int


def test_the_ledger_takes_ids_from_the_desk_clock(
    make_desk: Callable[..., tuple[Desk, str]], clock: FakeClock
) -> None:
    clock.current = dt.datetime(2031, 5, 6, 10, 0, tzinfo=CHINA_TZ)
    desk, _ = make_desk()
    staff.add_account(desk, "liuyang", "刘洋", "clerk", "clerk pass 0001")
    for event in read_events(desk.conn):
        assert _ms(event.id) == int(dt.datetime.fromisoformat(event.at).timestamp() * 1000)
        assert event.at.startswith("2031-05-06T10:00")
