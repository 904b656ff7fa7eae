"""One database worker for the whole desk (STYLE.md: Anki's taskman + CollectionOp).

Every call into `app/` that touches the ledger is an *op*: a function run on a single worker
thread (`ThreadPoolExecutor(max_workers=1)`), so the SQLCipher connection is only ever used
from that one thread and writes never interleave. The result (or the error) comes back to
the GUI thread through a queued signal, and an op that changed something broadcasts a
*change summary* (a set of topics such as {"cases"}) so each screen decides itself whether to
reload — screens never poll.

Be careful not to call any Qt widget from inside an op.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, Signal

#: Topics of the change summary.
CASES = "cases"
DESK = "desk"  # the desk was opened, closed or locked
CATALOGUE = "catalogue"
AWAY = "away"  # away notes and the backup's cover
CONSULTATIONS = "consultations"  # 首问负责 consultations
RATINGS = "ratings"  # 好差评 and their follow-ups
COMPLAINTS = "complaints"  # 投诉举报
SERVICES = "services"  # 特色服务: appointments, home visits...


@dataclass
class _Job:
    op: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    changes: frozenset[str] = field(default_factory=frozenset)
    #: (succeeded, value or exception), set on the worker before `_finished` is emitted.
    outcome: tuple[bool, Any] | None = None


class DbWorker(QObject):
    """Runs ops one after another off the GUI thread.

    The worker never holds the last reference to anything: the job (the op, whatever it
    closes over, and its outcome) stays in `_jobs`, owned by the GUI thread, and the worker
    drops its own references before it signals. So whatever an op touched is freed on the GUI
    thread, and a Qt object that slipped into an op still dies where it was made. Only the job
    id crosses threads (PySide 6.12 loses a reference to `True` for each bool in a queued
    signal: the desk died after a few thousand ops)."""

    #: Job id — emitted on the worker thread, delivered queued on the GUI thread.
    _finished = Signal(int)
    #: The change summary of a successful op: a frozenset of topics.
    changed = Signal(object)
    #: An op failed and had no handler of its own.
    failed = Signal(object)
    #: Nothing is queued, running or waiting any more (the GUI thread collects garbage then).
    went_idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clerkdesk-db")
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._finished.connect(self._deliver)
        self._closed = False

    def submit(
        self,
        op: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: Iterable[str] = (),
    ) -> int:
        if self._closed:
            raise RuntimeError("the database worker is shut down")
        job_id = next(self._ids)
        job = _Job(op, on_done, on_error, frozenset(changes))
        self._jobs[job_id] = job
        # Only the id goes to the pool: its work item is freed on the worker thread.
        self._pool.submit(self._run, job_id)
        return job_id

    def _run(self, job_id: int) -> None:
        job = self._jobs[job_id]
        try:
            job.outcome = (True, job.op())
        except BaseException as exc:  # noqa: BLE001 — every failure goes back to the GUI
            job.outcome = (False, exc)
        # `_jobs` (GUI thread) lets go of the job only after delivery, which this emit precedes.
        del job
        self._finished.emit(job_id)

    def _deliver(self, job_id: int) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None or job.outcome is None:
            return
        ok, value = job.outcome
        if ok:
            if job.on_done is not None:
                job.on_done(value)
            if job.changes:
                self.changed.emit(job.changes)
        else:
            assert isinstance(value, BaseException)
            if job.on_error is not None:
                job.on_error(value)
            else:
                self.failed.emit(value)
        if not self._jobs:
            self.went_idle.emit()

    def idle(self) -> bool:
        """No op is queued, running or waiting to be delivered (tests wait on this)."""
        return not self._jobs

    def shutdown(self, last: Callable[[], Any] | None = None) -> None:
        """Run `last` (closing the desk) on the worker, then stop it and wait."""
        if self._closed:
            return
        self._closed = True
        if last is not None:
            self._pool.submit(last)
        self._pool.shutdown(wait=True)
