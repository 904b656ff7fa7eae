"""The gateway's HTTP face (FastAPI): enrolment, head, batches, and the OpenAPI document.

The batch endpoint reads the raw body itself, bounded, and hands the bytes to
`Gateway.ingest`, which verifies the signature before anything is parsed. Database work runs
in the thread pool; a bounded number of batches at once, beyond that 503 with Retry-After."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from sync import wire
from sync.gateway.store import Gateway, Refusal

MAX_BATCHES_AT_ONCE = 16
RETRY_AFTER_SECONDS = 5


class EnrolRequest(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    desk_pubkey: str = Field(min_length=40, max_length=60)
    ledger_id: str = Field(pattern=r"^[0-9a-f-]{36}$")
    centre_code: str = Field(pattern=r"^[0-9]{9}$")
    desk_no: int = Field(ge=1, le=99)


class Limits(BaseModel):
    max_events: int
    max_compressed_bytes: int
    max_decompressed_bytes: int


class EnrolAnswer(BaseModel):
    desk_id: str
    gateway_id: str
    gateway_pubkey: str
    limits: Limits


class Receipt(BaseModel):
    gateway_id: str
    desk_id: str
    seq: int
    head_hash: str
    received_at: str
    signature: str


class Fork(BaseModel):
    seq: int
    desk_hash: str
    gateway_hash: str


class HeadAnswer(BaseModel):
    acked_seq: int
    head_hash: str
    receipt: Receipt
    fork: Fork | None


class BatchAnswer(BaseModel):
    acked_seq: int
    head_hash: str
    receipt: Receipt
    quarantined: list[int]


class Problem(BaseModel):
    error: str
    message: str


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": Problem} for code in codes}


_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "description": "gzip of the batch document (docs/sync-protocol.md §3)",
        "content": {"application/json": {"schema": {"type": "string", "format": "binary"}}},
    },
    "parameters": [
        {"name": h, "in": "header", "required": True, "schema": {"type": "string"}}
        for h in (
            wire.HEADER_BATCH,
            wire.HEADER_CREATED,
            wire.HEADER_PREV,
            wire.HEADER_SIGNATURE,
        )
    ],
}


def _refused(exc: Refusal) -> JSONResponse:
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


async def _read_bounded(request: Request, limit: int) -> bytes:
    too_large = Refusal(
        413, "too_large", "批次过大 / the batch is too large", {"limits": {"bytes": limit}}
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(gateway: Gateway) -> FastAPI:
    app = FastAPI(
        title="ClerkDesk county gateway",
        version=wire.PROTOCOL,
        description="Desk → county sync. The wire spec is docs/sync-protocol.md.",
    )
    slots = threading.BoundedSemaphore(MAX_BATCHES_AT_ONCE)

    @app.exception_handler(Refusal)
    async def refusal(_request: Request, exc: Refusal) -> JSONResponse:
        return _refused(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return _refused(Refusal(400, "malformed", "请求不是 JSON / the request is not JSON"))
        return _refused(
            Refusal(422, "invalid_request", "请求字段缺失或格式不对 / fields missing or malformed")
        )

    @app.post("/v1/enrol", response_model=EnrolAnswer, responses=_problems(400, 401, 403, 409))
    def enrol(req: EnrolRequest) -> dict[str, Any]:
        return gateway.enrol(req.code, req.desk_pubkey, req.ledger_id, req.centre_code, req.desk_no)

    @app.get("/v1/desks/{desk_id}/head", response_model=HeadAnswer, responses=_problems(404))
    def head(desk_id: str) -> dict[str, Any]:
        return gateway.head(desk_id)

    @app.post(
        "/v1/desks/{desk_id}/batches",
        response_model=BatchAnswer,
        responses=_problems(400, 401, 403, 409, 413, 422, 503),
        openapi_extra=_BATCH_BODY,
    )
    async def batch(desk_id: str, request: Request) -> Any:
        body = await _read_bounded(request, gateway.limits.max_compressed_bytes)
        if not slots.acquire(blocking=False):
            raise Refusal(
                503,
                "busy",
                "网关繁忙，请稍后重试 / the gateway is busy; retry later",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        try:
            return await run_in_threadpool(gateway.ingest, desk_id, dict(request.headers), body)
        finally:
            slots.release()

    return app
