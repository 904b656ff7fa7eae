"""`clerkdesk sync …` (the desk) and `clerkdesk gateway …` (the county), wired into the
main parser by one `register(sub)` call from app/cli.py.

    clerkdesk sync --ledger L --user U [--json]          send the outbox now
    clerkdesk sync enrol --ledger L --user U --gateway URL --code CODE
    clerkdesk sync status --ledger L --user U [--json]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.cli_common import UsageError, emit, open_from_args, secrets_for
from db.ledger import head
from sync import client, outbox
from sync.gateway import cli as gateway_cli


def _progress(done: int, total: int) -> None:
    if total:
        width = 30
        filled = width * done // total
        bar = "█" * filled + "·" * (width - filled)
        print(f"\r上传 / sending [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)


def _need(args: argparse.Namespace, *names: str) -> None:
    missing = [f"--{n}" for n in names if getattr(args, n, None) is None]
    if missing:
        raise UsageError(f"缺少参数 {' '.join(missing)} / missing {' '.join(missing)}")


def cmd_sync(args: argparse.Namespace) -> int:
    _need(args, "ledger", "user")
    desk = open_from_args(args, secrets_for(args))
    on_terminal = sys.stderr.isatty() and not args.json
    try:
        result = client.sync_now(desk, progress=_progress if on_terminal else None)
    finally:
        if on_terminal:
            print(file=sys.stderr)
        desk.close()
    data = {
        "sent_events": result.sent_events,
        "batches": result.batches,
        "acked_seq": result.acked_seq,
        "head_seq": result.head_seq,
        "quarantined": result.quarantined,
    }
    text = (
        f"同步完成 / synced: 县网关已确认至第 {result.acked_seq} 号（本次 {result.sent_events} 个"
        f"事件，{result.batches} 批）"
    )
    if result.quarantined:
        seqs = ", ".join(map(str, result.quarantined))
        text += f"\n县网关隔离了第 {seqs} 号事件（内容不合规范，暂不转发） / quarantined: {seqs}"
    emit(args, data, text)
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    _need(args, "ledger", "user", "gateway", "code")
    desk = open_from_args(args, secrets_for(args))
    try:
        enrolment = client.enrol(desk, args.gateway, args.code)
    finally:
        desk.close()
    print(
        f"已在县网关 {enrolment.gateway_url} 注册（网关 {enrolment.gateway_id}，本台 "
        f"{enrolment.desk_id}） / enrolled"
    )
    return 0


def status_data(conn: Any) -> dict[str, Any]:
    enrolment = outbox.load_enrolment(conn)
    state = outbox.load_state(conn)
    head_seq, _ = head(conn)
    kept = outbox.receipts(conn, enrolment.desk_id) if enrolment else []
    return {
        "enrolled": enrolment is not None,
        "gateway_url": enrolment.gateway_url if enrolment else None,
        "gateway_id": enrolment.gateway_id if enrolment else None,
        "desk_id": enrolment.desk_id if enrolment else None,
        "head_seq": head_seq,
        "acked_seq": state.acked_seq,
        "pending": head_seq - state.acked_seq,
        "attempts": state.attempts,
        "next_attempt_at": state.next_attempt_at,
        "last_error": state.last_error,
        "last_success_at": state.last_success_at,
        "stopped": state.stopped,
        "receipts": len(kept),
    }


def cmd_status(args: argparse.Namespace) -> int:
    _need(args, "ledger", "user")
    desk = open_from_args(args, secrets_for(args))
    try:
        data = status_data(desk.conn)
    finally:
        desk.close()
    if not data["enrolled"]:
        emit(args, data, "本台尚未在县网关注册 / not enrolled")
        return 0
    lines = [
        f"县网关 {data['gateway_url']}（{data['gateway_id']}）",
        f"本机至第 {data['head_seq']} 号，县网关已确认至第 {data['acked_seq']} 号，"
        f"待上传 {data['pending']} 个；保存回执 {data['receipts']} 张",
        f"上次成功同步：{data['last_success_at'] or '从未'}",
    ]
    if data["last_error"]:
        lines.append(f"上次错误（已试 {data['attempts']} 次）：{data['last_error']}")
    if data["stopped"]:
        lines.append("同步已停止，需要人工处理 / sync is stopped until a person acts")
    emit(args, data, "\n".join(lines))
    return 0


def _desk_args(p: argparse.ArgumentParser, default: Any) -> None:
    """The desk options, accepted before or after the action (`sync --ledger L status`)."""
    p.add_argument("--ledger", type=Path, default=default, help="path of the ledger file")
    p.add_argument("--user", default=default, help="your user name")
    p.add_argument(
        "--passphrase-stdin",
        action="store_true",
        default=False if default is None else default,
        help="read the passphrase from standard input",
    )
    p.add_argument(
        "--json",
        action="store_true",
        default=False if default is None else default,
        help="machine-readable output",
    )


def register(sub: Any) -> None:
    p = sub.add_parser("sync", help="send this desk's events to the county gateway")
    _desk_args(p, None)
    p.set_defaults(func=cmd_sync)
    actions = p.add_subparsers(dest="sync_command", metavar="ACTION")
    q = actions.add_parser("enrol", help="enrol this desk with a one-time code (admin)")
    _desk_args(q, argparse.SUPPRESS)
    q.add_argument("--gateway", help="the gateway's URL, e.g. https://gw.example:8470")
    q.add_argument("--code", help="the enrolment code from the county")
    q.set_defaults(func=cmd_enrol)
    q = actions.add_parser("status", help="what is acknowledged, pending, failing")
    _desk_args(q, argparse.SUPPRESS)
    q.set_defaults(func=cmd_status)
    gateway_cli.register(sub)
