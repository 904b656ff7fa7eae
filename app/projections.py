"""The registry that turns ledger events into projection rows.

Each domain module declares the tables it owns and registers one handler per event kind it
emits. Handlers must be pure functions of (current rows, event): no clock, no randomness, no
reading of anything but the database — that is what makes `rebuild` give identical tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from app import event_schemas
from db.ledger import Event
from db.sqlite import Connection

Handler = Callable[[Connection, Event], None]


class UnknownEventKind(Exception):
    """An event no handler knows: a programming error, or a ledger from a newer version."""


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._tables: list[str] = []

    def own_tables(self, *names: str) -> None:
        for name in names:
            if name in self._tables:
                raise ValueError(f"table {name} is owned twice")
            self._tables.append(name)

    def on(self, kind: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if kind in self._handlers:
                raise ValueError(f"event kind {kind} has two handlers")
            self._handlers[kind] = handler
            return handler

        return register

    @property
    def tables(self) -> Sequence[str]:
        return tuple(self._tables)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def check(self, kind: str, body: Mapping[str, Any]) -> None:
        """A new event's kind and body must fit the kind's newest schema (app/event_schemas)."""
        event_schemas.check(kind, body)

    def apply(self, conn: Connection, event: Event) -> None:
        handler = self._handlers.get(event.kind)
        if handler is None:
            raise UnknownEventKind(f"no handler for event kind {event.kind!r} (#{event.seq})")
        # Handlers read the body as the newest version, complete; the stored one is untouched.
        handler(conn, replace(event, body=event_schemas.read(event.kind, event.body)))


REGISTRY = Registry()


def projector() -> Registry:
    """The registry with every domain module loaded (each registers itself on import)."""
    import app.applicants  # noqa: F401
    import app.away  # noqa: F401
    import app.calendar  # noqa: F401
    import app.cases  # noqa: F401
    import app.catalogue  # noqa: F401
    import app.centre  # noqa: F401
    import app.complaints  # noqa: F401
    import app.consultations  # noqa: F401
    import app.desk_profile  # noqa: F401
    import app.duty_records  # noqa: F401
    import app.ratings  # noqa: F401
    import app.restore  # noqa: F401
    import app.settings  # noqa: F401
    import app.special_services  # noqa: F401
    import app.staff  # noqa: F401
    import app.windows  # noqa: F401

    return REGISTRY
