"""Event format v2 (docs/ledger-format.md): the canonical encoding equals an independent
RFC 8785 implementation on everything it accepts and refuses everything else cleanly; the
chain is bound to its desk; times never go backwards; versions and times are verified."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import staff
from app.desk import Desk
from app.projections import projector
from db import ledger as ledger_mod
from db.errors import InvalidEvent
from db.ledger import (
    ChainIdentity,
    Event,
    canonical_body,
    canonical_event_text,
    canonical_json,
    event_hash,
    read_events,
    verify,
    verify_chain,
)
from tests.conftest import FakeClock
from tests.db.ledger_helpers import Tampered, decrypted_copy, grow

MakeDesk = Callable[..., tuple[Desk, str]]
SAFE = 2**53 - 1

# Names that sort differently by UTF-16 code unit (JCS) and by code point (Python).
_TRICKY = st.sampled_from(["a", "B", "\x7f", "é", "中", "\ue000", "\uffff", "😀", "\U0010ffff"])
keys = st.text(max_size=6) | st.text(_TRICKY, max_size=3)
scalars = st.none() | st.booleans() | st.integers(-SAFE, SAFE) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4),
    max_leaves=25,
)
bodies = st.dictionaries(keys, json_values, max_size=5)


@given(json_values)
def test_the_encoder_writes_exactly_what_rfc8785_writes(value: Any) -> None:
    assert canonical_json(value).encode("utf-8") == rfc8785.dumps(value)


@given(json_values)
def test_the_canonical_text_parses_back_to_itself(value: Any) -> None:
    """Verify re-encodes the stored text it parsed: that must give the same bytes."""
    text = canonical_json(value)
    assert json.loads(text) == value
    assert canonical_json(json.loads(text)) == text


def test_member_order_is_by_utf16_code_unit_not_code_point() -> None:
    text = canonical_json({"\ue000": 1, "😀": 2, "a": 3})
    assert text == '{"a":3,"😀":2,"\ue000":1}'
    # Python's sort_keys (and so v1) orders by code point: U+E000 first.
    assert json.dumps({"😀": 2, "\ue000": 1}, sort_keys=True, ensure_ascii=False).startswith(
        '{"\ue000"'
    )


_uuids = st.uuids().map(str)
_times = st.datetimes(timezones=st.just(ledger_mod.CHINA_TZ)).map(
    lambda d: d.isoformat(timespec="microseconds")
)
_names = st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=64)
_idents = st.from_regex(r"\A[0-9A-Za-z-]{1,64}\Z")


@given(
    seq=st.integers(1, SAFE),
    id_=_uuids,
    at=_times,
    actor=_names,
    kind=st.from_regex(r"\A[a-z][a-z0-9_]{0,9}\.[a-z][a-z0-9_]{0,9}\Z"),
    subject=_names,
    body=bodies,
    prev=st.from_regex(r"\A[0-9a-f]{64}\Z"),
    ledger_id=_idents,
    desk_id=_idents,
)
def test_the_event_text_is_the_rfc8785_text_of_its_eleven_members(
    seq: int,
    id_: str,
    at: str,
    actor: str,
    kind: str,
    subject: str,
    body: dict[str, Any],
    prev: str,
    ledger_id: str,
    desk_id: str,
) -> None:
    event = Event(seq, id_, at, actor, kind, subject, body, prev, "", 2)
    members = {
        "hash_version": 2,
        "ledger_id": ledger_id,
        "desk_id": desk_id,
        "seq": seq,
        "id": id_,
        "at": at,
        "actor": actor,
        "kind": kind,
        "subject": subject,
        "body": body,
        "prev_hash": prev,
    }
    text = canonical_event_text(event, ChainIdentity(ledger_id, desk_id))
    assert text.encode("utf-8") == rfc8785.dumps(members)


# -- what is refused ----------------------------------------------------------------------

_surrogate = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
lone_surrogate_text = st.builds(
    lambda a, s, b: a + s + b, st.text(max_size=3), _surrogate, st.text(max_size=3)
)
bad_leaves = (
    st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=SAFE + 1)
    | st.integers(max_value=-SAFE - 1)
    | lone_surrogate_text
    | st.binary(max_size=3)
    | st.tuples(st.integers())
    | st.sets(st.integers(), max_size=2)
)
bad_keys = lone_surrogate_text | st.integers() | st.none() | st.tuples(st.text(max_size=2))


def _containing(bad: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A JSON value with `bad` somewhere inside it."""
    return st.recursive(
        bad,
        lambda inner: (
            st.builds(
                lambda good, x, i: [*good[:i], x, *good[i:]],
                st.lists(json_values, max_size=3),
                inner,
                st.integers(0, 3),
            )
            | st.builds(lambda good, k, x: {**good, k: x}, bodies, keys, inner)
        ),
        max_leaves=4,
    )


bad_values = _containing(bad_leaves) | _containing(
    st.builds(lambda good, k: {**good, k: 1}, bodies, bad_keys)
)


@given(bad_values)
def test_everything_outside_the_subset_is_refused_with_the_field_named(value: Any) -> None:
    with pytest.raises(InvalidEvent) as refused:
        canonical_body({"x": value})
    assert refused.value.path.startswith("body")
    assert " / event field " in refused.value.message  # Chinese, then English


def test_limits_at_their_edges() -> None:
    assert canonical_json([SAFE, -SAFE]) == f"[{SAFE},-{SAFE}]"
    deep: Any = "leaf"
    for _ in range(ledger_mod.MAX_DEPTH - 1):
        deep = [deep]
    canonical_body({"x": deep})  # the body is level 1: 32 levels in all
    with pytest.raises(InvalidEvent):
        canonical_body({"x": [deep]})
    very_deep: Any = 0
    for _ in range(5000):
        very_deep = {"a": very_deep}
    with pytest.raises(InvalidEvent):  # not RecursionError
        canonical_body(very_deep)
    with pytest.raises(InvalidEvent, match="1 MiB"):
        canonical_body({"x": "中" * (ledger_mod.MAX_BODY_BYTES // 3)})


def _state(desk: Desk) -> tuple[object, ...]:
    head = desk.conn.execute("SELECT value FROM local_state WHERE key = 'head'").fetchone()[0]
    return head, desk.conn.execute("SELECT count(*) FROM staff").fetchone()[0]


@pytest.fixture
def desk(make_desk: MakeDesk) -> Desk:
    return make_desk()[0]


# Nothing is written by any example, so they can share one desk.
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=bad_values)
def test_a_bad_body_is_refused_before_anything_is_written(desk: Desk, value: Any) -> None:
    before = _state(desk)
    with pytest.raises(InvalidEvent), desk.ledger.write() as w:
        w.append(
            "staff.account_added",
            "staff/x1",
            {"username": "x1", "display_name": "甲", "role": "clerk"},
            "admin",
        )
        w.append("settings.changed", "settings/x", {"key": "x", "value": value}, "admin")
    assert _state(desk) == before
    assert verify(desk.conn, projector(), desk.ledger.identity).ok


@pytest.mark.parametrize(
    ("actor", "subject", "path"),
    [
        ("ad\ud800min", "staff/x", "actor"),
        ("admin", "staff/\udfff", "subject"),
        ("admin", "staff/\x00", "subject"),
        ("", "staff/x", "actor"),
        ("admin", "s" * 201, "subject"),
    ],
)
def test_bad_envelope_fields_are_refused(
    make_desk: MakeDesk, actor: str, subject: str, path: str
) -> None:
    desk, _ = make_desk()
    before = _state(desk)
    with pytest.raises(InvalidEvent) as refused:
        desk.ledger.append("settings.changed", subject, {"key": "k", "value": 1}, actor)
    assert refused.value.path == path
    assert _state(desk) == before


# -- the chain ----------------------------------------------------------------------------


def test_new_events_are_v2_and_bound_to_the_desk(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    grow(desk, 2)
    events = list(read_events(desk.conn))
    assert {e.hash_version for e in events} == {2}
    versions = desk.conn.execute("SELECT DISTINCT hash_version FROM events").fetchall()
    assert [tuple(r) for r in versions] == [(2,)]
    identity = desk.ledger.identity
    assert identity.desk_id == "510421100-01" == desk.profile().desk_id
    assert identity.ledger_id == desk.profile().ledger_id == events[0].body["ledger_id"]
    for event in events:
        assert event.hash == event_hash(canonical_event_text(event, identity))


@pytest.mark.parametrize("which", ["ledger_id", "desk_id"])
def test_a_chain_does_not_verify_as_another_desks(
    make_desk: MakeDesk, tmp_path: Path, which: str
) -> None:
    desk, _ = make_desk()
    grow(desk, 2)
    conn = decrypted_copy(desk, tmp_path / "plain.db")
    own = desk.ledger.identity
    assert verify_chain(conn, own).ok
    other = replace(own, **{which: "510421100-02" if which == "desk_id" else "0" * 36})
    report = verify_chain(conn, other)
    assert (report.ok, report.first_bad_seq) == (False, 1)


def test_a_clock_stepped_back_keeps_the_previous_time(
    make_desk: MakeDesk, clock: FakeClock
) -> None:
    desk, _ = make_desk()
    clock.advance(minutes=10)
    staff.record_passphrase_changed(desk)
    last = list(read_events(desk.conn))[-1]
    clock.advance(hours=-3)  # NTP corrects a fast clock
    staff.record_passphrase_changed(desk)
    stepped = list(read_events(desk.conn))[-1]
    assert stepped.at == last.at
    clock.advance(hours=4)
    staff.record_passphrase_changed(desk)
    later = list(read_events(desk.conn))[-1]
    assert later.at_datetime == clock.current
    ats = [e.at_datetime for e in read_events(desk.conn)]
    assert ats == sorted(ats)
    assert verify(desk.conn, projector(), desk.ledger.identity).ok


# -- verify, event by event -------------------------------------------------------------


@pytest.fixture
def copy(make_desk: MakeDesk, tmp_path: Path) -> tuple[Any, ChainIdentity]:
    desk, _ = make_desk()
    grow(desk, 5)
    return decrypted_copy(desk, tmp_path / "plain.db"), desk.ledger.identity


@pytest.mark.parametrize(("seq", "version"), [(1, 1), (4, 1), (4, 3), (7, 1)])
def test_a_changed_hash_version_names_that_event(
    copy: tuple[Any, ChainIdentity], seq: int, version: int
) -> None:
    conn, identity = copy
    conn.execute("UPDATE events SET hash_version = ? WHERE seq = ?", (version, seq))
    report = verify_chain(conn, identity)
    assert (report.ok, report.first_bad_seq) == (False, seq)


def _independent_hash(event: Event, identity: ChainIdentity) -> str:
    members = {
        "hash_version": 2,
        "ledger_id": identity.ledger_id,
        "desk_id": identity.desk_id,
        "seq": event.seq,
        "id": event.id,
        "at": event.at,
        "actor": event.actor,
        "kind": event.kind,
        "subject": event.subject,
        "body": event.body,
        "prev_hash": event.prev_hash,
    }
    return hashlib.sha256(rfc8785.dumps(members)).hexdigest()


def _rehash_from(conn: Any, identity: ChainIdentity, seq: int, change: dict[str, str]) -> None:
    """What someone holding the key could do: change an event and rewrite every later hash
    (with another RFC 8785 implementation) and the head marker, so that only the format's
    own rules can catch it."""
    prev = None
    for event in list(read_events(conn)):
        if event.seq >= seq:
            edited = replace(event, prev_hash=prev or event.prev_hash)
            if event.seq == seq:
                edited = replace(edited, **change)  # type: ignore[arg-type]
            edited = replace(edited, hash=_independent_hash(edited, identity))
            conn.execute(
                "UPDATE events SET at = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                (edited.at, edited.prev_hash, edited.hash, edited.seq),
            )
            event = edited
        prev = event.hash
    conn.execute("UPDATE local_state SET value = ? WHERE key = 'head'", (f"{event.seq}:{prev}",))


def test_a_rehashed_chain_with_a_time_going_back_names_that_event(
    copy: tuple[Any, ChainIdentity], clock: FakeClock
) -> None:
    conn, identity = copy
    earlier = (clock.current - timedelta(days=1)).isoformat(timespec="microseconds")
    _rehash_from(conn, identity, 5, {"at": earlier})
    report = verify_chain(conn, identity)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert "dated before" in (report.problem or "")


def test_a_rehashed_chain_with_a_malformed_time_names_that_event(
    copy: tuple[Any, ChainIdentity],
) -> None:
    conn, identity = copy
    _rehash_from(conn, identity, 3, {"at": "2026-03-02 09:00:00+08:00"})
    report = verify_chain(conn, identity)
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_a_rehashed_chain_with_the_same_rules_verifies(copy: tuple[Any, ChainIdentity]) -> None:
    """The rehash helper itself is faithful: with no rule broken, the chain is accepted."""
    conn, identity = copy
    before = [e.hash for e in read_events(conn)]
    _rehash_from(conn, identity, 3, {})
    assert [e.hash for e in read_events(conn)] == before
    assert verify_chain(conn, identity).ok


def test_a_non_canonical_but_equal_body_is_found(copy: tuple[Any, ChainIdentity]) -> None:
    """Same JSON value, other bytes (a space): the stored text is the record, so it is bad."""
    conn, identity = copy
    body = conn.execute("SELECT body FROM events WHERE seq = 3").fetchone()[0]
    conn.execute("UPDATE events SET body = ? WHERE seq = 3", (body.replace(":", ": ", 1),))
    report = verify_chain(conn, identity)
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_enum_members_are_written_as_their_values(desk: Desk) -> None:
    """What the app hands in (a StrEnum role, an IntEnum level) is stored and replayed as
    the plain value, so append and rebuild see the same body."""
    import enum

    class Level(enum.IntEnum):
        GOOD = 2

    class Colour(enum.StrEnum):
        RED = "red"

    event = desk.ledger.append(
        "settings.changed", "settings/x", {"key": Colour.RED, "value": Level.GOOD}, "admin"
    )
    assert event.body == {"key": "red", "value": 2}
    assert type(event.body["key"]) is str and type(event.body["value"]) is int
    assert list(read_events(desk.conn))[-1] == event


def test_a_lone_surrogate_from_the_command_line_is_one_clear_message(
    make_desk: MakeDesk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An argument that is not valid UTF-8 reaches Python as a lone surrogate (the
    surrogateescape of sys.argv): exit 2 with the field named, no traceback, nothing kept."""
    from tests.app.test_cli import clerkdesk
    from tests.conftest import PASSPHRASE

    desk, _ = make_desk()
    path, before = desk.path, _state(desk)
    desk.close()
    monkeypatch.setenv("CLERKDESK_PASSPHRASE", PASSPHRASE)
    code, _, err = clerkdesk(
        capsys, monkeypatch, "consult", "log", "--question", "低保\udcff怎么申请？",
        "--answer", "……", "--topic", "低保", "--ledger", str(path), "--user", "admin",
    )  # fmt: skip
    assert code == 2, err
    assert "孤立代理项" in err and "lone surrogate" in err and "Traceback" not in err
    from app.desk import open_desk

    again = open_desk(path, "admin", PASSPHRASE)
    assert _state(again) == before
    again.close()


@pytest.fixture
def mixed(tmp_path: Path) -> Iterator[Tampered]:
    """The schema-4 fixture ledger (v1 events), migrated, with v2 events appended after."""
    import shutil

    from app.desk import open_desk
    from tests.db.test_migrations import FIXTURE_PASSPHRASE, FIXTURES

    for f in (FIXTURES / "ledger-v4").iterdir():
        shutil.copy(f, tmp_path / f.name)
    desk = open_desk(tmp_path / "desk.ledger", "admin", FIXTURE_PASSPHRASE)
    for _ in range(3):
        staff.record_passphrase_changed(desk)
    yield Tampered(desk, tmp_path)
    desk.close()


_COLUMNS = ["body", "id", "at", "actor", "kind", "subject", "prev_hash", "hash"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_flipping_any_byte_of_any_field_in_a_mixed_chain_names_that_event(
    mixed: Tampered, data: st.DataObject
) -> None:
    conn = mixed()
    versions = dict(conn.execute("SELECT seq, hash_version FROM events").fetchall())
    assert set(versions.values()) == {1, 2}
    seq = data.draw(st.sampled_from(sorted(versions)), label="seq")
    column = data.draw(st.sampled_from(_COLUMNS), label="column")
    raw = bytearray(
        conn.execute(f"SELECT CAST({column} AS BLOB) FROM events WHERE seq = ?", (seq,)).fetchone()[
            0
        ]
    )
    pos = data.draw(st.integers(0, len(raw) - 1), label="pos")
    raw[pos] ^= data.draw(st.integers(1, 255), label="xor")
    conn.execute(f"UPDATE events SET {column} = CAST(? AS TEXT) WHERE seq = ?", (bytes(raw), seq))
    report = verify_chain(conn, mixed.identity)
    assert (report.ok, report.first_bad_seq) == (False, seq), (versions[seq], report.problem)
    conn.close()
