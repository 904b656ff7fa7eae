"""The open desk, owned by the worker thread.

`DeskSession` holds the `app.desk.Desk` between ops; it is read and written only inside ops
(so only on the worker thread). What the screens need to show about the desk — who is logged
in, which centre, demo or not — comes back once per unlock as a plain `DeskInfo`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app import catalogue
from app.desk import Clock, Desk, open_desk, set_up
from app.desk_profile import DeskProfile
from app.staff import StaffMember
from db import storage
from db.errors import ClerkDeskError
from db.ledger import now_in_china
from ui.worker import DESK, DbWorker

T = TypeVar("T")


class DeskLocked(ClerkDeskError):
    """An op ran after the desk was locked (a late click): nothing was done."""

    def __init__(self) -> None:
        super().__init__("台账已锁定，请先解锁 / the desk is locked")


@dataclass(frozen=True)
class DeskInfo:
    path: Path
    user: StaffMember
    profile: DeskProfile
    demo: bool


class DeskSession:
    def __init__(self, worker: DbWorker, clock: Clock = now_in_china) -> None:
        self.worker = worker
        self.clock = clock
        self._desk: Desk | None = None  # worker thread only
        #: Bumped on the GUI thread when the desk closes (lock): an op started before it
        #: hands its result to `on_stale` (if given), never to `on_done`/`on_error`, so
        #: nothing typed or opened before a lock reappears for the next person at the desk.
        self.generation = 0

    # -- worker-thread side -----------------------------------------------------------
    def _require(self) -> Desk:
        if self._desk is None:
            raise DeskLocked()
        return self._desk

    def _info(self, desk: Desk) -> DeskInfo:
        return DeskInfo(desk.path, desk.user, desk.profile(), catalogue.is_demo(desk.conn))

    def _close_now(self) -> None:
        desk, self._desk = self._desk, None
        if desk is not None:
            desk.close()

    def _open(self, path: Path, username: str, passphrase: str) -> DeskInfo:
        self._close_now()
        with storage.told(path):
            self._desk = open_desk(path, username, passphrase, clock=self.clock)
            return self._info(self._desk)

    def _run(self, fn: Callable[[Desk], T]) -> T:
        desk = self._require()
        # A full disk or a lock met while reading says what it is, not "unexpected error".
        with storage.told(desk.path, os_errors=False):
            return fn(desk)

    def _set_up(self, path: Path, **fields: Any) -> tuple[DeskInfo, str]:
        self._close_now()
        desk, recovery = set_up(path, clock=self.clock, **fields)
        self._desk = desk
        return self._info(desk), recovery

    # -- GUI-thread side --------------------------------------------------------------
    def op(
        self,
        fn: Callable[[Desk], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: Iterable[str] = (),
        on_stale: Callable[[T], None] | None = None,
    ) -> int:
        generation = self.generation

        def done(value: T) -> None:
            if generation != self.generation:
                if on_stale is not None:
                    on_stale(value)
            elif on_done is not None:
                on_done(value)

        def failed(exc: BaseException) -> None:
            if generation != self.generation:
                return  # the desk was locked meanwhile: nothing of it is shown
            if on_error is not None:
                on_error(exc)
            else:
                self.worker.failed.emit(exc)

        return self.worker.submit(lambda: self._run(fn), done, failed, changes)

    def open(
        self,
        path: Path,
        username: str,
        passphrase: str,
        on_done: Callable[[DeskInfo], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.worker.submit(
            lambda: self._open(path, username, passphrase), on_done, on_error, (DESK,)
        )

    def set_up(
        self,
        path: Path,
        fields: dict[str, Any],
        on_done: Callable[[tuple[DeskInfo, str]], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self.worker.submit(lambda: self._set_up(path, **fields), on_done, on_error, (DESK,))

    def close(self, on_done: Callable[[None], None] | None = None) -> None:
        self.generation += 1
        self.worker.submit(self._close_now, on_done, None, (DESK,))

    def shutdown(self) -> None:
        self.worker.shutdown(last=self._close_now)
