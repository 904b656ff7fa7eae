"""`clerkdesk gateway …`: run the county gateway and administer it (codes, desks, keys).

The admin commands work on the gateway's database directly, on the machine that runs it;
the database and the key file (mode 0600) are guarded by the file system, so no passphrase
is asked. Default home: ./gateway-data (gateway.db, gateway.key)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_common import UsageError, emit
from app.desk_profile import check_centre_code, check_desk_no
from app.errors import NotFound

if TYPE_CHECKING:
    from sync.gateway.store import Gateway

DEFAULT_HOME = Path("gateway-data")
DEFAULT_CODE_HOURS = 72


def open_gateway(args: argparse.Namespace) -> Gateway:
    # The gateway's libraries (the `gateway` extra) load only for gateway commands.
    from sync.gateway.store import Gateway, load_or_create_key, make_engine, upgrade

    home: Path = args.data
    if not home.is_dir():
        try:
            home.mkdir(mode=0o700, parents=True)
        except OSError as exc:
            raise UsageError(f"无法创建网关目录 {home}：{exc.strerror} / cannot create it") from exc
    url = args.database_url or f"sqlite:///{(home / 'gateway.db').resolve()}"
    engine = make_engine(url)
    upgrade(engine)
    return Gateway(engine, load_or_create_key(args.key_file or home / "gateway.key"))


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sync.gateway.app import create_app

    if bool(args.tls_cert) != bool(args.tls_key):
        raise UsageError("--tls-cert 与 --tls-key 须同时给出 / give both --tls-cert and --tls-key")
    gateway = open_gateway(args)
    if args.max_events is not None:
        if not 1 <= args.max_events <= 5000:
            raise UsageError("--max-events 应为 1 至 5000 / --max-events must be 1-5000")
        gateway.limits = replace(gateway.limits, max_events=args.max_events)
    print(f"县网关 {gateway.gateway_id} 公钥 {gateway.public_key}", flush=True)
    uvicorn.run(
        create_app(gateway),
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        log_level="warning",
    )
    return 0


def cmd_enrol_code(args: argparse.Namespace) -> int:
    centre = check_centre_code(args.centre)
    desk_no = check_desk_no(args.desk)
    if not 1 <= args.hours <= 24 * 30:
        raise UsageError("--hours 应为 1 至 720 / --hours must be 1-720")
    code = open_gateway(args).issue_code(centre, desk_no, args.hours)
    emit(
        args,
        {"code": code, "centre_code": centre, "desk_no": desk_no, "hours": args.hours},
        f"{centre} {desk_no} 号台的注册码（{args.hours} 小时内有效，仅可用一次）：{code}",
    )
    return 0


def cmd_desks(args: argparse.Namespace) -> int:
    found = open_gateway(args).list_desks()
    lines = [
        f"{d['desk_id']}  {d['centre_code']} {d['desk_no']:>2}号台  已收至 #{d['acked_seq']}"
        f"  {'已吊销' if d['revoked_at'] else '在用'}"
        + (f"  分叉 {d['forks']} 次" if d["forks"] else "")
        for d in found
    ]
    emit(args, found, "\n".join(lines) or "尚无注册的窗口台 / no desk enrolled")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    if not open_gateway(args).revoke(args.desk_id):
        raise NotFound(f"没有在用的窗口台 {args.desk_id} / no active desk {args.desk_id}")
    print(f"已吊销 {args.desk_id} 的密钥；该台需用新注册码重新注册 / key revoked")
    return 0


def cmd_head(args: argparse.Namespace) -> int:
    from sync.gateway.store import Refusal

    try:
        report = open_gateway(args).report(args.desk_id)
    except Refusal as exc:
        raise NotFound(exc.message) from None
    emit(args, report, _head_text(report))
    return 0


def _head_text(report: dict[str, Any]) -> str:
    lines = [
        f"{report['desk_id']}（{report['centre_code']} {report['desk_no']} 号台）",
        f"已收到第 {report['acked_seq']} 号为止，共 {report['events_held']} 个事件，"
        f"末事件哈希 {report['head_hash']}",
    ]
    for fork in report["forks"]:
        lines.append(
            f"分叉 / FORK 第 {fork['seq']} 号（{fork['detected_at']}）：台端 {fork['desk_hash']}"
            f"，网关 {fork['gateway_hash']} — 双方记录均未覆盖，请与该中心核对"
        )
    for q in report["quarantined"]:
        lines.append(f"隔离 / quarantined 第 {q['seq']} 号：{q['reason']}（未转发）")
    return "\n".join(lines)


def _add_home(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_HOME, help="gateway home directory")
    p.add_argument("--database-url", help="SQLAlchemy URL (default: sqlite in --data)")
    p.add_argument("--key-file", type=Path, help="gateway signing key (default: in --data)")


def register(sub: Any) -> None:
    p = sub.add_parser("gateway", help="the county gateway: serve, enrolment codes, desks")
    gw = p.add_subparsers(dest="gateway_command", metavar="ACTION", required=True)

    q = gw.add_parser("serve", help="run the gateway (HTTP, or HTTPS with a certificate)")
    _add_home(q)
    q.add_argument("--host", default="127.0.0.1")
    q.add_argument("--port", type=int, default=8470)
    q.add_argument("--tls-cert", help="PEM certificate (HTTPS)")
    q.add_argument("--tls-key", help="PEM private key of the certificate")
    q.add_argument("--max-events", type=int, help="events per batch (default 500)")
    q.set_defaults(func=cmd_serve)

    q = gw.add_parser("enrol-code", help="a one-time enrolment code for a centre's desk")
    _add_home(q)
    q.add_argument("--centre", required=True, help="the centre's 9-digit division code")
    q.add_argument("--desk", type=int, required=True, help="desk number within the centre")
    q.add_argument("--hours", type=int, default=DEFAULT_CODE_HOURS, help="valid for (hours)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_enrol_code)

    q = gw.add_parser("desks", help="enrolled desks and how far each is held")
    _add_home(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_desks)

    q = gw.add_parser("revoke", help="revoke a desk's key (lost or stolen machine)")
    _add_home(q)
    q.add_argument("desk_id")
    q.set_defaults(func=cmd_revoke)

    q = gw.add_parser("head", help="a desk's chain head, its forks and quarantined events")
    _add_home(q)
    q.add_argument("desk_id")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_head)
