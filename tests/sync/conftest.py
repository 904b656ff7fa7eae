"""A real gateway process on 127.0.0.1 (`python -m app gateway serve`), killed at teardown
even when the test fails, and enrolled desks that sync to it."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.desk import Desk
from sync import client

ROOT = Path(__file__).resolve().parents[2]
FAST = client.Policy(attempts=4, initial_wait=0.01, max_wait=0.05, timeout=httpx.Timeout(5.0))

# The gateway suite runs on SQLite always, and on PostgreSQL too when one is given
# (.ci/postgres starts a private one in CI): CLERKDESK_TEST_POSTGRES is a SQLAlchemy URL of a
# database whose user may create databases. Each gateway then gets a fresh database.
POSTGRES = os.environ.get("CLERKDESK_TEST_POSTGRES", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES else ["sqlite"]


def new_database(backend: str, home: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{home / 'gateway.db'}"
    import psycopg

    name = f"gw_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(POSTGRES.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES.rsplit('/', 1)[0]}/{name}"


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class GatewayProcess:
    def __init__(self, home: Path, backend: str, *options: str) -> None:
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.database_url = new_database(backend, home)
        self.options = ("--database-url", self.database_url, *options)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        # A file, not a pipe nobody reads: a long soak's warnings would fill a pipe and
        # freeze the gateway mid-write.
        self.log = home / "gateway.log"

    def _env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT)}

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "app", "gateway", "serve", "--data", str(self.home)]
                + ["--port", str(self.port), *self.options],
                cwd=ROOT,
                env=self._env(),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        with httpx.Client(timeout=1.0) as http:
            for _ in range(200):
                if self.proc.poll() is not None:
                    err = self.log.read_text(encoding="utf-8", errors="replace")
                    raise RuntimeError(f"gateway exited: {err}")
                with contextlib.suppress(httpx.HTTPError):
                    if http.get(f"{self.url}/openapi.json").status_code == 200:
                        return
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(0.05)
        raise RuntimeError("gateway did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def admin(self, *args: str) -> subprocess.CompletedProcess[str]:
        """One `clerkdesk gateway ACTION …` run against this gateway's home."""
        return subprocess.run(
            [sys.executable, "-m", "app", "gateway", args[0], "--data", str(self.home)]
            + ["--database-url", self.database_url, *args[1:]],
            cwd=ROOT,
            env=self._env(),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def admin_json(self, *args: str) -> Any:
        done = self.admin(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def code(self, centre: str = "510421100", desk: int = 1) -> str:
        return str(self.admin_json("enrol-code", "--centre", centre, "--desk", str(desk))["code"])

    def head(self, desk_id: str) -> Any:
        return self.admin_json("head", desk_id)


@pytest.fixture(scope="module")
def shared_gateway(
    tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Iterator[GatewayProcess]:
    """One gateway for a module's tests (each test enrols its own desks)."""
    gateway = GatewayProcess(tmp_path_factory.mktemp("gateway"), backend)
    try:
        gateway.start()
        yield gateway
    finally:
        gateway.stop()


EnrolledDesk = Callable[..., Desk]


@pytest.fixture
def enrolled_desk(make_desk: Callable[..., tuple[Desk, str]]) -> EnrolledDesk:
    """A fresh desk (its own ledger) enrolled with the given gateway."""
    counter = iter(range(1, 100))

    def factory(gateway: GatewayProcess, desk_no: int | None = None) -> Desk:
        n = desk_no or next(counter)
        desk, _ = make_desk(f"desk-{n}-{os.urandom(3).hex()}.ledger", desk_no=n)
        client.enrol(desk, gateway.url, gateway.code(desk=n), policy=FAST)
        return desk

    return factory
