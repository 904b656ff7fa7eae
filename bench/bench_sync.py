"""Two rows (docs/sync-protocol.md §10):

- A 30-day backlog (60,000 events; CLERKDESK_BENCH_SYNC_EVENTS to change) synced to a local
  gateway process (SQLite) vs a raw HTTP POST of the same compressed batch bytes to a bare
  uvicorn endpoint that only reads them: what signing, verifying, storing and receipts cost
  over moving the bytes.
- 200 desks (CLERKDESK_BENCH_SYNC_DESKS) syncing at once into a gateway on PostgreSQL vs a
  `COPY` of the very rows they left in its `events` table into a copy of that table: what the
  protocol costs over PostgreSQL's fastest way in. The server is a private one started the
  way CI starts it (.ci/postgres), or CLERKDESK_TEST_POSTGRES when given; with neither, the
  row says so."""

from __future__ import annotations

import contextlib
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from bench.common import Ratio
from db import keys

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("CLERKDESK_BENCH_SYNC_EVENTS", "60000"))
DESKS = int(os.environ.get("CLERKDESK_BENCH_SYNC_DESKS", "200"))
EVENTS_PER_DESK = 100  # an evening's work at one window

if TYPE_CHECKING:
    from app.desk import Desk

_BARE_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b"{}"})
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=1.0)
            return
        time.sleep(0.05)
    raise RuntimeError("server did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.kill()
    proc.wait(10)


def _centre_and_desk(n: int) -> tuple[str, int]:
    """The n-th desk (from 1) of a county: 99 desks to a centre at most."""
    return f"5104211{(n - 1) // 99:02d}", (n - 1) % 99 + 1


def _desk(path: Path, n: int) -> Desk:
    from app.desk import set_up

    centre, desk_no = _centre_and_desk(n)
    desk, _ = set_up(
        path,
        centre_code=centre,
        centre_name="攀莲镇便民服务中心",
        desk_no=desk_no,
        admin_username="admin",
        admin_display_name="管理员",
        passphrase="bench passphrase 1",
    )
    return desk


def run() -> list[Ratio]:
    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    return [_one_backlog(), _many_desks_on_postgres()]


def _one_backlog() -> Ratio:
    from sync import client, outbox

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        desk = _desk(folder / "bench.ledger", 1)
        with desk.ledger.write() as w:
            for i in range(N):
                w.append("staff.passphrase_changed", "staff/admin", {"username": "admin"}, "admin")
                if i % 5000 == 4999:
                    print(f"  backlog {i + 1}/{N}", file=sys.stderr, flush=True)

        port = _port()
        gateway = subprocess.Popen(
            [sys.executable, "-m", "app", "gateway", "serve", "--data", str(folder / "gw")]
            + ["--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait(f"{url}/openapi.json", gateway)
            code = subprocess.run(
                [sys.executable, "-m", "app", "gateway", "enrol-code", "--data"]
                + [str(folder / "gw"), "--centre", "510421100", "--desk", "1", "--json"],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            client.enrol(desk, url, json.loads(code.stdout)["code"])
            start = time.perf_counter()
            result = client.sync_now(desk)
            ours = time.perf_counter() - start
            assert result.acked_seq == result.head_seq
        finally:
            _stop(gateway)

        enrolment = outbox.load_enrolment(desk.conn)
        assert enrolment is not None
        bodies = []
        position = 0
        while position < result.head_seq:
            batch = client.build_batch(
                desk.conn, enrolment, position, desk.now().isoformat(), desk.ledger.identity
            )
            bodies.append(batch.body)
            position = batch.last_seq
        desk.close()

        (folder / "bare.py").write_text(_BARE_APP, encoding="utf-8")
        port = _port()
        bare = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bare:app", "--port", str(port)]
            + ["--log-level", "warning"],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            _wait(f"http://127.0.0.1:{port}/", bare)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
                start = time.perf_counter()
                for body in bodies:
                    http.post("/", content=body, headers={"Content-Encoding": "gzip"})
                baseline = time.perf_counter() - start
        finally:
            _stop(bare)
    return Ratio(
        f"sync {N} events to a local gateway",
        ours,
        baseline,
        "s",
        "raw POST of the same gzip bytes",
    )


@contextlib.contextmanager
def _postgres() -> Iterator[str]:
    """A SQLAlchemy URL of a PostgreSQL whose user may create databases, or "" when there is
    none: CLERKDESK_TEST_POSTGRES, else a private server from .ci/postgres for this run."""
    given = os.environ.get("CLERKDESK_TEST_POSTGRES", "")
    if given:
        yield given
        return
    # The script stops its server when the shell exits, i.e. when we close its stdin.
    shell = subprocess.Popen(
        ["bash", "-c", 'source .ci/postgres >&2 && echo "$CLERKDESK_TEST_POSTGRES" && read -r _'],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert shell.stdin is not None and shell.stdout is not None
    try:
        yield shell.stdout.readline().strip()
    finally:
        shell.stdin.close()
        shell.wait(60)


def _many_desks_on_postgres() -> Ratio:
    name = f"{DESKS} desks syncing at once to PostgreSQL"
    with _postgres() as server:
        if not server:
            return Ratio(name, math.nan, math.nan, "s", "COPY: no PostgreSQL could be started")
        return _many_desks(name, server)


def _many_desks(name: str, server: str) -> Ratio:
    import psycopg

    from sync import client
    from sync.gateway.store import Gateway, load_or_create_key, make_engine, upgrade

    admin_url = server.replace("+psycopg", "")
    database = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{database}"')
    url = f"{server.rsplit('/', 1)[0]}/{database}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        home = folder / "gw"
        home.mkdir()
        engine = make_engine(url)
        upgrade(engine)
        issuer = Gateway(engine, load_or_create_key(home / "gateway.key"))
        desks = []
        for n in range(1, DESKS + 1):
            desk = _desk(folder / f"desk-{n}.ledger", n)
            with desk.ledger.write() as w:
                for _ in range(EVENTS_PER_DESK):
                    w.append(
                        "staff.passphrase_changed", "staff/admin", {"username": "admin"}, "admin"
                    )
            desks.append(desk)
        print(f"  {DESKS} desks written", file=sys.stderr, flush=True)
        port = _port()
        gateway = subprocess.Popen(
            [sys.executable, "-m", "app", "gateway", "serve", "--data", str(home)]
            + ["--port", str(port), "--database-url", url],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        errors: list[BaseException] = []
        try:
            gateway_url = f"http://127.0.0.1:{port}"
            _wait(f"{gateway_url}/openapi.json", gateway)
            for n, desk in enumerate(desks, start=1):
                client.enrol(desk, gateway_url, issuer.issue_code(*_centre_and_desk(n)))
            go = threading.Barrier(DESKS + 1)
            # Patient enough that a desk waiting its turn behind 199 others is not a failure.
            patient = client.Policy(timeout=httpx.Timeout(300.0))

            def sync(desk: Desk) -> None:
                go.wait()
                try:
                    result = client.sync_now(desk, policy=patient)
                    assert result.acked_seq == result.head_seq
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=sync, args=(d,)) for d in desks]
            for t in threads:
                t.start()
            go.wait()
            start = time.perf_counter()
            for t in threads:
                t.join()
            ours = time.perf_counter() - start
        finally:
            _stop(gateway)
            for desk in desks:
                desk.close()
        if errors:
            raise RuntimeError(f"{len(errors)} desks failed to sync: {errors[0]!r}")
        engine.dispose()
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        rows = conn.execute("SELECT * FROM events").fetchall()
        columns = [c.name for c in conn.execute("SELECT * FROM events LIMIT 0").description or []]
        conn.execute("CREATE TABLE copied (LIKE events INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY copied ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        conn.commit()
        baseline = time.perf_counter() - start
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{database}"')
    return Ratio(name, ours, baseline, "s", f"COPY of the same {len(rows)} rows")
