"""Every event kind has a versioned body schema (app/event_schemas.py): checked on append,
old bodies upcast on replay, exported as JSON Schema for the gateway."""

from __future__ import annotations

import json
import re
import shutil
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import event_schemas as es
from app.desk import Desk, open_desk
from app.projections import projector
from db.errors import InvalidEvent
from db.ledger import head, read_events, verify_chain

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "docs" / "event-schemas"
FIXTURES = ROOT / "tests" / "fixtures"


def test_every_kind_with_a_handler_has_a_schema_and_every_schema_a_handler() -> None:
    assert projector().kinds == frozenset(es.SCHEMAS)


def test_every_upcaster_leads_from_one_version_to_the_next() -> None:
    for kind, versions in es.SCHEMAS.items():
        for version in range(1, len(versions)):
            assert (kind, version) in es.UPCASTERS, (kind, version)
    assert all(1 <= v < es.latest_version(k) for k, v in es.UPCASTERS)


def _literal(alias: Any) -> set[str]:
    return set(typing.get_args(alias))


def test_the_vocabularies_are_the_domain_modules_own() -> None:
    from app import (
        away,
        cases,
        centre,
        complaints,
        consultations,
        ratings,
        special_services,
    )
    from app.applicants import NAME_CHANGE_KINDS
    from app.identity import IdType
    from app.permissions import Role

    pairs: list[tuple[Any, Any]] = [
        (es.MaterialStatus, cases.MATERIAL_STATUSES),
        (es.PauseKind, cases.PAUSE_KINDS),
        (es.CaseResult, cases.RESULTS),
        (es.Delivery, cases.DELIVERY),
        (es.CaseChannel, cases.CHANNELS),
        (es.Role, {r.value for r in Role}),
        (es.IdType, {i.value for i in IdType}),
        (es.AwayReason, away.REASONS),
        (es.TrainingKind, centre.TRAINING_KINDS),
        (es.EquipmentKind, centre.EQUIPMENT_KINDS),
        (es.EquipmentStatus, centre.EQUIPMENT_STATUSES),
        (es.InspectionKind, centre.INSPECTION_KINDS),
        (es.InspectionResult, centre.INSPECTION_RESULTS),
        (es.ComplaintChannel, complaints.CHANNELS),
        (es.ConsultChannel, consultations.CHANNELS),
        (es.RatingChannel, ratings.CHANNELS),
        (es.ContactKind, ratings.CONTACT_KINDS),
        (es.FollowupStep, ratings.STEPS),
        (es.AppealKind, ratings.APPEAL_KINDS),
        (es.ServiceKind, special_services.KINDS),
        (es.ServiceGroup, special_services.GROUPS),
        (es.ServiceStatus, special_services.STATUSES),
        (es.NameChangeKind, NAME_CHANGE_KINDS),
    ]
    for alias, domain in pairs:
        assert _literal(alias) == set(domain), alias


# -- JSON Schema export -------------------------------------------------------------------


def test_the_committed_export_is_what_the_code_generates() -> None:
    wanted = {name: es.schema_text(s) for name, s in es.json_schemas().items()}
    committed = {p.name: p.read_text(encoding="utf-8") for p in EXPORT.glob("*.json")}
    assert committed == wanted, "run: python -m app.event_schemas docs/event-schemas"


def test_export_writes_one_document_per_kind_and_version(tmp_path: Path) -> None:
    written = es.export(tmp_path / "out")
    names = {p.name for p in written}
    assert names == {
        f"{k}.v{n}.json" for k, vs in es.SCHEMAS.items() for n in range(1, len(vs) + 1)
    }
    doc = json.loads((tmp_path / "out" / "away.posted.v2.json").read_text(encoding="utf-8"))
    assert doc["additionalProperties"] is False
    assert "passed_on" in doc["required"]


# Bodies drawn from the exported JSON Schema: what the gateway will hold us to.


def _from_schema(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return st.deferred(lambda: _from_schema(defs[schema["$ref"].split("/")[-1]], defs))
    if "anyOf" in schema:
        return st.one_of([_from_schema(s, defs) for s in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", -(2**53) + 1)
        return st.integers(low, schema.get("maximum", 2**53 - 1))
    if kind == "string":
        if "pattern" in schema:
            return st.from_regex(re.compile(schema["pattern"], re.ASCII), fullmatch=True)
        low, high = schema.get("minLength", 0), schema.get("maxLength", 50)
        return st.text(st.characters(codec="utf-8"), min_size=low, max_size=min(high, 50))
    if kind == "array":
        items = _from_schema(schema.get("items", {"type": "integer"}), defs)
        return st.lists(items, min_size=schema.get("minLength", schema.get("minItems", 0)),
                        max_size=3)  # fmt: skip
    if kind == "object":
        props = schema.get("properties", {})
        if not props:
            extra = schema.get("additionalProperties", True)
            if extra is False:
                return st.just({})
            values = _from_schema(extra if isinstance(extra, dict) else {}, defs)
            return st.dictionaries(st.text(min_size=1, max_size=8), values, max_size=3)
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: _from_schema(v, defs) for k, v in props.items() if k in required},
            optional={k: _from_schema(v, defs) for k, v in props.items() if k not in required},
        )
    return st.integers(0, 9)  # an unconstrained value (`Any`): any JSON will do


def _bodies() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    def of(kind: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
        schema = es.SCHEMAS[kind][-1].model_json_schema()
        return _from_schema(schema, schema.get("$defs", {})).map(lambda b: (kind, b))

    return st.sampled_from(sorted(es.SCHEMAS)).flatmap(of)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_bodies())
def test_bodies_drawn_from_a_schema_are_accepted_and_read_back_whole(
    drawn: tuple[str, dict[str, Any]],
) -> None:
    kind, body = drawn
    es.check(kind, body)
    read = es.read(kind, body)
    assert set(read) == set(es.SCHEMAS[kind][-1].model_fields)


def _wrong_type(value: Any) -> Any:
    """A JSON value of another type than the field's: no field takes both."""
    return "1" if isinstance(value, list | dict) else []


def test_a_mutated_body_is_refused_naming_the_field_and_nothing_is_written(
    make_desk: Callable[..., tuple[Desk, str]],
) -> None:
    # Every example is refused, so one desk serves them all: its ledger never moves.
    desk, _ = make_desk()

    @settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
    @given(drawn=_bodies(), data=st.data())
    def refused(drawn: tuple[str, dict[str, Any]], data: st.DataObject) -> None:
        kind, body = drawn
        model = es.SCHEMAS[kind][-1]
        required = [n for n, f in model.model_fields.items() if f.is_required()]
        how = data.draw(st.sampled_from(["missing", "wrong_type", "extra"]))
        if how != "extra" and not required:
            how = "extra"
        bad = dict(body)
        if how == "extra":
            bad["surplus_field"] = 1
            field = "surplus_field"
        else:
            field = data.draw(st.sampled_from(required))
            if how == "missing":
                del bad[field]
            else:
                bad[field] = _wrong_type(bad[field])
        with pytest.raises(InvalidEvent) as refusal:
            es.check(kind, bad)
        assert refusal.value.path.startswith(f"body.{field}")
        before = head(desk.conn)
        with pytest.raises(InvalidEvent):
            desk.ledger.append(kind, "subject/1", bad, "admin")
        assert head(desk.conn) == before

    refused()


# -- on append: refused before anything is written ----------------------------------------


def _good_window_body() -> dict[str, Any]:
    return {"window_no": 3, "name": "综合窗口3", "scope": ""}


@pytest.mark.parametrize(
    ("kind", "body", "path"),
    [
        ("window.defined", {"window_no": 3, "name": "综合窗口3"}, "body.scope"),
        ("window.defined", {**_good_window_body(), "colour": "red"}, "body.colour"),
        ("window.defined", {**_good_window_body(), "window_no": "3"}, "body.window_no"),
        ("window.defined", {**_good_window_body(), "window_no": True}, "body.window_no"),
        ("window.defined", {**_good_window_body(), "name": ""}, "body.name"),
        ("window.shuttered", _good_window_body(), "kind"),
    ],
)
def test_append_refuses_a_bad_body_and_writes_nothing(
    make_desk: Callable[..., tuple[Desk, str]], kind: str, body: dict[str, Any], path: str
) -> None:
    desk, _ = make_desk()
    before = head(desk.conn)
    with pytest.raises(InvalidEvent) as refused:
        desk.ledger.append(kind, "window/3", body, "admin")
    assert refused.value.path == path
    assert refused.value.exit_code == 2
    assert " / " in refused.value.message  # Chinese, then English
    assert head(desk.conn) == before
    assert desk.conn.execute("SELECT count(*) FROM windows").fetchone()[0] == 0


def test_append_takes_a_good_body(make_desk: Callable[..., tuple[Desk, str]]) -> None:
    desk, _ = make_desk()
    desk.ledger.append("window.defined", "window/3", _good_window_body(), "admin")
    assert desk.conn.execute("SELECT name FROM windows").fetchone()[0] == "综合窗口3"


# -- old bodies: upcast on replay, never rewritten ------------------------------------------


def test_an_old_body_is_read_as_the_newest_version() -> None:
    old = {
        "note_no": "LG-20260302-001", "username": "zhangsan", "window_no": 1,
        "reason": "meeting", "place": "镇政府", "until": "2026-03-02T10:00:00.000000+08:00",
        "phone": "13800138000", "cover": "lisi", "note": "", "handover": ["C1"],
    }  # fmt: skip
    with pytest.raises(InvalidEvent):
        es.check("away.posted", old)  # no longer written
    assert es.read("away.posted", old) == {**old, "passed_on": []}


def test_a_body_no_version_knows_is_refused_on_read() -> None:
    with pytest.raises(InvalidEvent) as refused:
        es.read("away.returned", {"note_no": "LG-1"})
    assert refused.value.path == "body.username"


def _fixture_events(fixture: Path, tmp_path: Path) -> list[tuple[str, dict[str, Any]]]:
    for f in fixture.iterdir():
        shutil.copy(f, tmp_path / f.name)
    desk = open_desk(tmp_path / "desk.ledger", "admin", "fixture passphrase 1")
    try:
        assert verify_chain(desk.conn, desk.ledger.identity).ok
        return [(e.kind, dict(e.body)) for e in read_events(desk.conn)]
    finally:
        desk.close()


@pytest.mark.parametrize("version", range(1, 7), ids=lambda v: f"ledger-v{v}")
def test_every_body_in_the_fixtures_is_read_as_the_newest_version(
    version: int, tmp_path: Path
) -> None:
    events = _fixture_events(FIXTURES / f"ledger-v{version}", tmp_path)
    assert events
    for kind, body in events:
        newest = es.read(kind, body)
        es.check(kind, newest)  # what a handler sees is a valid body of today's version
        stored_fields = set(body)
        assert stored_fields <= set(newest)


def test_the_v3_fixture_holds_a_v1_away_note_and_replays_it(tmp_path: Path) -> None:
    events = _fixture_events(FIXTURES / "ledger-v3", tmp_path)
    posted = [b for k, b in events if k == "away.posted"]
    assert posted and all("passed_on" not in b for b in posted)  # stored as written
    assert all(es.read("away.posted", b)["passed_on"] == [] for b in posted)


# -- the next fixture holds every kind -------------------------------------------------------


def test_a_fresh_fixture_holds_an_event_of_every_kind_and_verifies(tmp_path: Path) -> None:
    from app.desk import verify_desk
    from tests.fixtures import make_fixture

    path = tmp_path / "desk.ledger"
    make_fixture.make(path)
    assert not list(tmp_path.glob("*.replaced-*"))  # only the restored ledger is left
    desk = open_desk(path, "admin", make_fixture.PASSPHRASE)
    try:
        kinds = {str(r[0]) for r in desk.conn.execute("SELECT DISTINCT kind FROM events")}
        assert kinds == set(projector().kinds)
        assert verify_desk(desk).ok
        for event in read_events(desk.conn):
            es.check(event.kind, event.body)  # every body is of today's version
    finally:
        desk.close()
