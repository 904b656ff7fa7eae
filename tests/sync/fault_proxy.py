"""An HTTP-aware fault-injecting proxy (asyncio, in a thread) between desks and a gateway.

Toxiproxy works only at TCP level and is not packaged in Debian; this one understands
requests, so it can commit a batch at the gateway and then drop the reply. One request per
connection (it answers `Connection: close`), which is how it can cut any one of them."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

FAULTS = (
    "drop_request",  # the connection dies while the desk is still sending
    "truncate_request",  # the gateway gets half a body, then the connection dies
    "drop_reply",  # the gateway commits; the desk never hears back
    "stall_reply",  # the gateway commits; the answer never comes and the desk times out
    "truncate_reply",  # half the answer, then the connection dies
    "error_500",  # an upstream failure page
    "captive_portal",  # a 200 that is somebody else's page
    "duplicate",  # the request reaches the gateway twice
    "reorder",  # held back (the desk's connection dies), then delivered after the next one
)

STALL_LIMIT = 30.0  # seconds; far beyond any desk timeout in these tests

Chooser = Callable[[str], str | None]


@dataclass
class Seen:
    requests: int = 0
    faults: dict[str, int] = field(default_factory=dict)


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head, body


def _close_header(head: bytes) -> bytes:
    lines = head.rstrip(b"\r\n").split(b"\r\n")
    lines = [line for line in lines if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


def _canned(status: str, content_type: str, body: bytes) -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body


class FaultProxy:
    def __init__(self, upstream_port: int, choose: Chooser) -> None:
        self.upstream_port = upstream_port
        self.choose = choose
        self.seen = Seen()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None
        self._held: list[bytes] = []  # "reorder": requests that will arrive late

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

    async def _forward(self, request: bytes, cut_at: int | None = None) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            writer.write(request if cut_at is None else request[:cut_at])
            await writer.drain()
            if cut_at is not None:
                return b""
            return await reader.read()  # the gateway closes after its answer
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head, body = await _read_request(reader)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            writer.close()
            return
        request = _close_header(head) + body
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        self.seen.requests += 1
        fault = self.choose(line)
        if fault is not None:
            self.seen.faults[fault] = self.seen.faults.get(fault, 0) + 1
        answer = b""
        try:
            if fault == "drop_request":
                pass
            elif fault == "truncate_request":
                await self._forward(request, cut_at=len(_close_header(head)) + len(body) // 2)
            elif fault == "error_500":
                answer = _canned("500 Internal Server Error", "text/plain", b"upstream error")
            elif fault == "captive_portal":
                answer = _canned("200 OK", "text/html", b"<html>Please log in to Wi-Fi</html>")
            elif fault == "reorder":
                self._held.append(request)
            else:
                answer = await self._forward(request)
                # What was held back reaches the gateway only now, after a newer request;
                # its answer goes to nobody, as a late packet's would.
                while self._held:
                    await self._forward(self._held.pop(0))
                if fault == "duplicate":
                    await self._forward(request)
                elif fault == "drop_reply":
                    answer = b""
                elif fault == "stall_reply":
                    answer = b""
                    # Held open until the desk's own timeout makes it hang up.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(reader.read(), STALL_LIMIT)
                elif fault == "truncate_reply":
                    answer = answer[: len(answer) // 2]
            if answer:
                writer.write(answer)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
