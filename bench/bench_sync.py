"""A 30-day backlog (60,000 events; CLERKDESK_BENCH_SYNC_EVENTS to change) synced to a local
gateway process (SQLite) vs a raw HTTP POST of the same compressed batch bytes to a bare
uvicorn endpoint that only reads them: what signing, verifying, storing and receipts cost
over moving the bytes (docs/sync-protocol.md)."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import Ratio
from db import keys

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("CLERKDESK_BENCH_SYNC_EVENTS", "60000"))

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


def run() -> list[Ratio]:
    from app.desk import set_up
    from sync import client, outbox

    keys.DEFAULT_KDF = keys.KdfParams(time_cost=1, memory_kib=1024, parallelism=1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        desk, _ = set_up(
            folder / "bench.ledger",
            centre_code="510421100",
            centre_name="攀莲镇便民服务中心",
            desk_no=1,
            admin_username="admin",
            admin_display_name="管理员",
            passphrase="bench passphrase 1",
        )
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
    return [
        Ratio(
            f"sync {N} events to a local gateway",
            ours,
            baseline,
            "s",
            "raw POST of the same gzip bytes",
        )
    ]
