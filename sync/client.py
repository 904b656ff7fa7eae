"""The desk's post room: enrol with the county gateway, then send the outbox — the events
past the last receipt — in signed batches until the gateway's receipt covers the head.

Retries (capped exponential backoff with jitter, tenacity) on connection errors, timeouts,
5xx, 429 and on any 200 that is not a verifying receipt; a refusal (400/401/403/409/413/422)
stops at once and waits for a person. One sync per ledger at a time (a file lock); every
run starts from the gateway's head, so an interrupted one resumes (docs/sync-protocol.md)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from filelock import FileLock, Timeout
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from app.desk import Desk
from app.permissions import require
from db.ledger import ChainIdentity, read_events
from db.sqlite import Connection
from sync import envelope, outbox, wire
from sync.errors import (
    DeskBehind,
    ForkDetected,
    GatewayUnreachable,
    NotEnrolled,
    SyncBusy,
    SyncRefused,
)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Policy:
    """How hard one sync tries before it gives up until the next run."""

    attempts: int = 6
    initial_wait: float = 2.0
    max_wait: float = 60.0
    timeout: httpx.Timeout = field(
        default_factory=lambda: httpx.Timeout(30.0, connect=10.0, pool=10.0)
    )


class _Transient(Exception):
    """Worth another try: the network, a busy or failing gateway, or an answer not its own."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class SyncResult:
    sent_events: int
    batches: int
    acked_seq: int
    head_seq: int
    quarantined: list[int]


def sync_lock(desk: Desk) -> FileLock:
    return FileLock(str(desk.opened.files.sync_lock), timeout=0)


# -- enrolment ------------------------------------------------------------------------------


def enrol(
    desk: Desk, gateway_url: str, code: str, *, policy: Policy | None = None
) -> outbox.Enrolment:
    """Enrol this desk with a one-time code; its new private key stays in the ledger."""
    require(desk.user.role, "sync.enrol")
    profile = desk.profile()
    key = Ed25519PrivateKey.generate()
    request = {
        "code": code,
        "desk_pubkey": wire.b64(wire.public_key_bytes(key)),
        "ledger_id": desk.opened.ledger_id,
        "centre_code": profile.centre_code,
        "desk_no": profile.desk_no,
    }
    url = gateway_url.rstrip("/")
    timeout = (policy or Policy()).timeout
    try:
        with httpx.Client(base_url=url, timeout=timeout) as http:
            answer = http.post("/v1/enrol", json=request)
    except httpx.HTTPError as exc:
        raise GatewayUnreachable(
            f"无法连接县网关 {url}（{type(exc).__name__}） / cannot reach the gateway"
        ) from exc
    doc = _json(answer)
    if answer.status_code != 200 or doc is None:
        raise _refusal(answer.status_code, doc, "注册被拒绝 / enrolment refused")
    try:
        pubkey = str(doc["gateway_pubkey"])
        gateway_id = str(doc["gateway_id"])
        wire.load_public_key(pubkey)
        limits = wire.Limits.from_json(doc["limits"])
        if doc["desk_id"] != desk.opened.ledger_id:
            raise ValueError("desk id")
        if gateway_id != wire.gateway_id_for(wire.unb64(pubkey, 32)):
            raise ValueError("gateway id")
    except (KeyError, TypeError, ValueError):
        raise GatewayUnreachable(
            "县网关的答复不完整，注册未完成 / the gateway's answer is not valid"
        ) from None
    enrolment = outbox.Enrolment(
        url, gateway_id, pubkey, str(doc["desk_id"]), key, limits, desk.now().isoformat()
    )
    outbox.save_enrolment(desk.conn, enrolment)
    return enrolment


# -- one sync ---------------------------------------------------------------------------------


def sync_now(
    desk: Desk, *, policy: Policy | None = None, progress: Progress | None = None
) -> SyncResult:
    require(desk.user.role, "sync.run")
    enrolment = outbox.load_enrolment(desk.conn)
    if enrolment is None:
        raise NotEnrolled(
            "本台尚未在县网关注册：请管理员运行 clerkdesk sync enrol / this desk is not "
            "enrolled with a gateway"
        )
    try:
        lock = sync_lock(desk)
        lock.acquire()
    except Timeout:
        raise SyncBusy("另一个同步正在进行 / another sync of this ledger is running") from None
    try:
        return _Session(desk, enrolment, policy or Policy(), progress).run()
    finally:
        lock.release()


class _Session:
    def __init__(
        self, desk: Desk, enrolment: outbox.Enrolment, policy: Policy, progress: Progress | None
    ) -> None:
        self.desk = desk
        self.conn = desk.conn
        self.enrolment = enrolment
        self.policy = policy
        self.progress = progress
        self.pinned = wire.load_public_key(enrolment.gateway_pubkey)
        self.attempts = 0

    def run(self) -> SyncResult:
        try:
            url, timeout = self.enrolment.gateway_url, self.policy.timeout
            with httpx.Client(base_url=url, timeout=timeout) as http:
                self.http = http
                return self._run()
        except GatewayUnreachable as exc:
            wait = min(self.policy.max_wait, self.policy.initial_wait * 2 ** min(self.attempts, 10))
            next_at = (self.desk.now() + timedelta(seconds=wait)).isoformat()
            outbox.record_failure(self.conn, exc.message, max(self.attempts, 1), next_at)
            raise
        except ForkDetected as exc:
            stop = {"reason": "fork", "seq": exc.seq, "desk_hash": exc.desk_hash}
            stop["gateway_hash"] = exc.gateway_hash
            outbox.record_failure(self.conn, exc.message, 1, None, stop)
            raise
        except DeskBehind as exc:
            stop = {"reason": "behind", "desk_seq": exc.desk_seq, "gateway_seq": exc.gateway_seq}
            outbox.record_failure(self.conn, exc.message, 1, None, stop)
            raise
        except SyncRefused as exc:
            stop = {"reason": "refused", "status": exc.status, "error": exc.error}
            outbox.record_failure(self.conn, exc.message, 1, None, stop)
            raise

    def _run(self) -> SyncResult:
        head_seq, _ = outbox.local_head(self.conn)
        gateway_seq, position = self._resume_point(head_seq)
        start = position
        batches = 0
        gaps = 0
        quarantined: list[int] = []
        self._report(0, head_seq - start)
        while position < head_seq:
            try:
                answer = self._send(position)
            except _Gap:
                # The gateway holds less than its head said a moment ago: ask again.
                gaps += 1
                if gaps > 3:
                    raise GatewayUnreachable(
                        "县网关的确认位置反复变化，请稍后再同步 / the gateway's head keeps moving"
                    ) from None
                gateway_seq, position = self._resume_point(head_seq)
                continue
            batches += 1
            if answer.seq <= position:
                raise GatewayUnreachable("县网关未确认任何事件 / the gateway acknowledged nothing")
            position = answer.seq
            quarantined.extend(answer.quarantined)
            self._report(position - start, head_seq - start)
        if gateway_seq > head_seq:
            raise DeskBehind(
                f"县网关已收到本台第 {gateway_seq} 号事件为止，本机台账只到第 {head_seq} 号："
                "本机可能是从旧备份恢复的。请先不要在本机办件，联系县级管理员取回已确认的事件 / "
                f"the gateway holds up to #{gateway_seq} but this ledger ends at #{head_seq}: "
                "a restored backup; do not write on it before the county helps",
                head_seq,
                gateway_seq,
            )
        return SyncResult(position - start, batches, position, head_seq, quarantined)

    def _resume_point(self, head_seq: int) -> tuple[int, int]:
        """(the gateway's acknowledged seq, where to send from)."""
        receipt = self._head()
        if receipt.seq <= head_seq and outbox.own_hash(self.conn, receipt.seq) == receipt.head_hash:
            if receipt.seq > 0:
                outbox.record_success(self.conn, receipt, self.desk.now().isoformat())
            return receipt.seq, receipt.seq
        # Restored, rewritten or behind: resend from the last point both sides signed for,
        # so the gateway sees the overlap and names the first differing event.
        return receipt.seq, outbox.last_agreed_seq(self.conn, self.enrolment.gateway_id)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    # -- requests ---------------------------------------------------------------------------

    def _retrying(self, call: Callable[[], Any]) -> Any:
        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            base = wait_random_exponential(
                multiplier=self.policy.initial_wait, max=self.policy.max_wait
            )(state)
            if isinstance(exc, _Transient) and exc.retry_after is not None:
                return min(max(exc.retry_after, base), self.policy.max_wait)
            return float(base)

        def counted() -> Any:
            self.attempts += 1
            return call()

        try:
            for attempt in Retrying(
                retry=retry_if_exception_type(_Transient),
                wait=wait,
                stop=stop_after_attempt(self.policy.attempts),
                reraise=False,
            ):
                with attempt:
                    result = counted()
            self.attempts = 0
            return result
        except RetryError as exc:
            last = exc.last_attempt.exception()
            reason = last.reason if isinstance(last, _Transient) else str(last)
            raise GatewayUnreachable(
                f"县网关暂时无法连接（{reason}），已重试 {self.policy.attempts} 次；未确认的事件"
                f"都在本机，下次同步从断点继续 / the gateway cannot be reached ({reason}); "
                "nothing is lost, the next sync resumes"
            ) from None

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            answer = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            raise _Transient(type(exc).__name__) from exc
        if answer.status_code in (429, 503) or answer.status_code >= 500:
            raise _Transient(f"HTTP {answer.status_code}", _retry_after(answer))
        return answer

    def _head(self) -> wire.Receipt:
        def get() -> wire.Receipt:
            answer = self._request("GET", f"/v1/desks/{self.enrolment.desk_id}/head")
            doc = _json(answer)
            if answer.status_code != 200 or doc is None:
                if doc is None:
                    raise _Transient(f"HTTP {answer.status_code}, not the gateway's answer")
                raise _refusal(answer.status_code, doc, "县网关拒绝 / the gateway refused")
            return self._receipt(doc)

        result: wire.Receipt = self._retrying(get)
        return result

    def _receipt(self, doc: dict[str, Any]) -> wire.Receipt:
        """The receipt in an answer, if it is the pinned gateway's for this desk."""
        try:
            receipt = wire.Receipt.from_json(doc.get("receipt"))
        except ValueError as exc:
            raise _Transient(f"no receipt ({exc})") from None
        if (
            receipt.gateway_id != self.enrolment.gateway_id
            or receipt.desk_id != self.enrolment.desk_id
            or not wire.verify(self.pinned, receipt.signature, receipt.message())
            or doc.get("acked_seq") != receipt.seq
            or doc.get("head_hash") != receipt.head_hash
        ):
            raise _Transient("receipt does not verify")
        return receipt

    def _send(self, position: int) -> _Ack:
        batch = build_batch(
            self.conn,
            self.enrolment,
            position,
            self.desk.now().isoformat(),
            self.desk.ledger.identity,
        )
        body, headers, last_seq = batch.body, batch.headers, batch.last_seq
        url = f"/v1/desks/{self.enrolment.desk_id}/batches"

        def post() -> _Ack:
            # The very same bytes on every try: the gateway answers a batch it already
            # committed with its ack, never a second copy.
            answer = self._request("POST", url, content=body, headers=headers)
            doc = _json(answer)
            if doc is None:
                raise _Transient(f"HTTP {answer.status_code}, not the gateway's answer")
            if answer.status_code == 409 and doc.get("error") == "gap":
                raise _Gap()
            if answer.status_code == 409 and doc.get("error") == "fork":
                raise self._fork(doc)
            if answer.status_code != 200:
                raise _refusal(answer.status_code, doc, "县网关拒绝本批 / the gateway refused")
            receipt = self._receipt(doc)
            if receipt.seq > last_seq:
                raise _Transient("acknowledged more than was sent")
            if outbox.own_hash(self.conn, receipt.seq) != receipt.head_hash:
                raise ForkDetected(
                    _fork_message(receipt.seq),
                    receipt.seq,
                    outbox.own_hash(self.conn, receipt.seq) or "",
                    receipt.head_hash,
                )
            outbox.record_success(self.conn, receipt, self.desk.now().isoformat())
            listed = doc.get("quarantined")
            listed = listed if isinstance(listed, list) else []
            return _Ack(receipt.seq, [q for q in listed if isinstance(q, int)])

        ack: _Ack = self._retrying(post)
        return ack

    def _fork(self, doc: dict[str, Any]) -> ForkDetected:
        seq = doc.get("seq")
        seq = seq if isinstance(seq, int) else 0
        return ForkDetected(
            _fork_message(seq), seq, str(doc.get("desk_hash", "")), str(doc.get("gateway_hash", ""))
        )


@dataclass(frozen=True)
class Batch:
    body: bytes
    headers: dict[str, str]
    last_seq: int


def build_batch(
    conn: Connection,
    enrolment: outbox.Enrolment,
    position: int,
    created_at: str,
    identity: ChainIdentity,
) -> Batch:
    """The signed request for the events after `position`, cut by the announced limits."""
    limits = enrolment.limits
    prev_hash = outbox.own_hash(conn, position)
    if prev_hash is None:
        raise ValueError(f"no event #{position} on this desk")
    texts: list[str] = []
    size = 0
    for event in read_events(conn, after_seq=position, limit=limits.max_events):
        text = envelope.encode(event, identity)
        if texts and size + len(text.encode("utf-8")) > limits.max_decompressed_bytes // 2:
            break
        texts.append(text)
        size += len(text.encode("utf-8")) + 3
    batch_id = str(uuid.uuid4())
    document = {"batch_id": batch_id, "prev_seq": position, "prev_hash": prev_hash, "events": texts}
    body = wire.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    signature = enrolment.desk_key.sign(
        wire.batch_message(
            desk_id=enrolment.desk_id,
            prev_seq=position,
            prev_hash=prev_hash,
            batch_id=batch_id,
            created_at=created_at,
            body=body,
        )
    )
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        wire.HEADER_BATCH: batch_id,
        wire.HEADER_CREATED: created_at,
        wire.HEADER_PREV: f"{position}:{prev_hash}",
        wire.HEADER_SIGNATURE: wire.b64(signature),
    }
    return Batch(body, headers, position + len(texts))


@dataclass(frozen=True)
class _Ack:
    seq: int
    quarantined: list[int]


class _Gap(Exception):
    pass


def _fork_message(seq: int) -> str:
    return (
        f"本机台账与县网关已确认的记录在第 {seq} 号事件处不一致（分叉）：本机可能是从旧备份恢复后"
        "又继续办件。上传已停止，双方的记录都没有改动。请停止在本机办件，联系县级管理员核对 / "
        f"fork at event #{seq}: this ledger differs from what the county acknowledged; "
        "upstream sync stopped, nothing was overwritten"
    )


def _json(answer: httpx.Response) -> dict[str, Any] | None:
    if "json" not in answer.headers.get("content-type", ""):
        return None
    try:
        doc = answer.json()
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _refusal(status: int, doc: dict[str, Any] | None, what: str) -> SyncRefused:
    error = str(doc.get("error", "")) if doc else ""
    message = str(doc.get("message", "")) if doc else ""
    return SyncRefused(f"{what}（HTTP {status} {error}）：{message}", status, error)
