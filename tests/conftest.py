"""Test-wide set-up. Qt must never try to reach a display: CI has none."""

from __future__ import annotations

import contextlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

from db import keys  # noqa: E402
from db.ledger import CHINA_TZ  # noqa: E402

# Timing deadlines make property tests flaky on a loaded 2-core CI machine; speed is
# measured in bench/, not here.
hypothesis_settings.register_profile("clerkdesk", deadline=None)
hypothesis_settings.load_profile("clerkdesk")

# Argon2id at production cost takes ~0.2 s per unlock; tests unlock hundreds of times.
# The cost is stored per slot, so cheap test slots exercise the very same code path.
FAST_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
PASSPHRASE = "window clerk 7"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "DEFAULT_KDF", FAST_KDF)
    for name in ("CLERKDESK_PASSPHRASE", "CLERKDESK_NEW_PASSPHRASE", "CLERKDESK_RECOVERY_KEY"):
        monkeypatch.delenv(name, raising=False)


class FakeClock:
    """A desk clock the test moves by hand (Asia/Shanghai)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


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
