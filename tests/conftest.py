"""Test-wide set-up. Qt must never try to reach a display: CI has none.

Tests never read the wall clock: "today" is `TODAY` (2026-03-02 unless `--today=YYYY-MM-DD`
or CLERKDESK_TEST_TODAY says otherwise — test-only, read nowhere but here), and every desk,
CLI run and demo in a test takes its time from the test's `clock` fixture. CI runs the
date-sensitive tests (marker `today`) again at the awkward dates in `.ci/run`."""

from __future__ import annotations

import contextlib
import functools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import date, datetime, time, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from db import keys  # noqa: E402
from db.ledger import CHINA_TZ  # noqa: E402

# Timing deadlines make property tests flaky on a loaded 2-core CI machine; speed is
# measured in bench/, not here. In CI the examples are also derandomised: a red build is the
# code's fault, and the same on a rerun.
hypothesis_settings.register_profile("clerkdesk", deadline=None)
hypothesis_settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, database=None
)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "clerkdesk")

#: The suite's "today" (see the module docstring); set in pytest_configure.
TODAY = date(2026, 3, 2)

# Argon2id at production cost takes ~0.2 s per unlock; tests unlock hundreds of times.
# The cost is stored per slot, so cheap test slots exercise the very same code path.
FAST_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
PASSPHRASE = "window clerk 7"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "DEFAULT_KDF", FAST_KDF)
    for name in ("CLERKDESK_PASSPHRASE", "CLERKDESK_NEW_PASSPHRASE", "CLERKDESK_RECOVERY_KEY"):
        monkeypatch.delenv(name, raising=False)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        default=os.environ.get("CLERKDESK_TEST_TODAY") or TODAY.isoformat(),
        help="the date the tests' desk clock starts on (YYYY-MM-DD), default %(default)s",
    )


def pytest_configure(config: pytest.Config) -> None:
    global TODAY
    value = config.getoption("--today")
    try:
        TODAY = date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--today: not a date (YYYY-MM-DD): {value!r}") from None
    config.addinivalue_line(
        "markers", "today: depends on the date the suite runs at (rerun at awkward dates in CI)"
    )
    config.addinivalue_line(
        "markers",
        "on_date(YYYY-MM-DD): the test's clock starts on that date, whatever --today says "
        "(its expectations are written for those days)",
    )


#: Tests about "today" itself — the CLI's defaults, the demo (it ends yesterday), slips and
#: screens showing today's cases, event ids from the clock — are marked `today`; `.ci/run`
#: runs them again at the 1st of a month, 31 December, 29 February, a holiday and a make-up
#: Saturday.
TODAY_MODULES = (
    "tests/app/test_cli.py",
    "tests/app/test_cli_cases.py",
    "tests/app/test_cli_duties.py",
    "tests/app/test_slips.py",
    "tests/db/test_event_ids.py",
    "tests/ui/test_desk_gui.py",
    "tests/ui/test_start_window.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.split("::")[0] in TODAY_MODULES and not item.get_closest_marker("on_date"):
            item.add_marker(pytest.mark.today)


def pytest_report_header() -> str:
    return f"clerkdesk: the tests' today is {TODAY.isoformat()}"


@functools.cache
def _package_schedules() -> dict[int, Any]:
    from app.workdays import seed_schedules

    return seed_schedules()


def seed_through_2026() -> dict[int, Any]:
    """The package's schedules up to 2026 only: chinesecalendar 1.11.0 knows no 2027, and
    tests about provisional deadlines must not change when a newer one ships it."""
    return {year: s for year, s in _package_schedules().items() if year <= 2026}


@pytest.fixture
def calendar_through_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """Desks set up in this test load the 2004–2026 schedules only (2027 is provisional)."""
    monkeypatch.setattr("app.calendar.seed_schedules", seed_through_2026)


class FakeClock:
    """A desk clock the test moves by hand (Asia/Shanghai); starts at 09:00 on TODAY."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime.combine(TODAY, time(9, 0), CHINA_TZ)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


_test_clock: FakeClock | None = None


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[FakeClock]:
    """The test's desk clock, at 09:00 on TODAY, or on the date of an `on_date` marker (a
    story written for particular days); helpers that run the CLI take it too
    (`current_clock()`)."""
    global _test_clock
    pinned = request.node.get_closest_marker("on_date")
    start = None
    if pinned is not None:
        start = datetime.combine(date.fromisoformat(pinned.args[0]), time(9, 0), CHINA_TZ)
    _test_clock = FakeClock(start)
    yield _test_clock
    _test_clock = None


def current_clock() -> FakeClock:
    """The running test's clock, for helpers called without the fixture."""
    assert _test_clock is not None, "only inside a test"
    return _test_clock


@pytest.fixture
def make_desk(tmp_path: Path, clock: FakeClock) -> Iterator[Callable[..., object]]:
    """Create a fresh desk ledger (admin `admin`, passphrase PASSPHRASE) and return
    (desk, recovery key text); every desk made is closed after the test."""
    from app.desk import Desk, set_up

    opened: list[Desk] = []

    def factory(name: str = "desk.ledger", **overrides: object) -> tuple[Desk, str]:
        params: dict[str, object] = {
            "centre_code": "510421100",
            "centre_name": "攀莲镇便民服务中心",
            "desk_no": 1,
            "admin_username": "admin",
            "admin_display_name": "王管理",
            "passphrase": PASSPHRASE,
            "clock": clock,
        }
        params.update(overrides)
        desk, recovery = set_up(tmp_path / name, **params)  # type: ignore[arg-type]
        opened.append(desk)
        return desk, recovery

    yield factory
    for desk in opened:
        with contextlib.suppress(Exception):
            desk.close()


@pytest.fixture
def mounts(tmp_path: Path) -> Iterator[object]:
    """Real mounts (small disk, read-only view) for storage-fault tests; see tests/mounts.py.
    Unmounted after the test even when it fails."""
    from tests.mounts import Mounts

    helper = Mounts(tmp_path / "mnt")
    helper.base.mkdir()
    try:
        yield helper
    finally:
        helper.cleanup()
