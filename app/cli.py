"""`clerkdesk` command line: for administrators and scripts (DESIGN §9).

Passphrases never come from argv: a prompt on a terminal, `--passphrase-stdin` (one per
line, in the order the command's help gives), or the environment variables
CLERKDESK_PASSPHRASE (the acting user's), CLERKDESK_NEW_PASSPHRASE (a new one) and
CLERKDESK_RECOVERY_KEY. Errors are one line on stderr; exit codes are in EXIT_CODES.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from app import cli_cases, cli_duties, staff
from app import desk as desk_service
from app import restore as restore_service
from app.cli_common import (
    ENV_NEW_PASSPHRASE,
    ENV_PASSPHRASE,
    ENV_RECOVERY_KEY,
    UsageError,
    add_common,
    clock_of,
    emit,
    open_from_args,
    secrets_for,
)
from app.desk import Clock
from app.errors import InvalidInput
from db import backup as db_backup
from db import storage, store
from db.errors import ClerkDeskError, IntegrityFailure
from db.ledger import now_in_china
from db.sqlite import DatabaseError
from sync import cli as sync_cli

EXIT_CODES = {
    0: "success",
    1: "unexpected internal error (set CLERKDESK_DEBUG=1 for the traceback)",
    2: "usage error or invalid input",
    3: "authentication failed (wrong passphrase, unknown user, wrong recovery key, delay)",
    4: "refused by the desk rules or by the user's role",
    5: "integrity failure: the ledger does not verify",
    6: "ledger file problem: missing, damaged (a bad page), foreign, too new, exists, "
    "other storage error",
    7: "not found",
    8: "disk full: the ledger is intact, free some space and retry (do not restore)",
    9: "read-only folder or medium: the ledger is intact, move it or get write access",
    10: "the ledger is locked by another program: close it or retry later",
    11: "an account's key slot is damaged (not a wrong passphrase): `user reset` it or restore "
    "the key file",
    12: "the county gateway cannot be reached now (sync resumes on the next run)",
}


# -- commands ----------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)
    admin = staff.check_username(args.admin)
    desk, recovery = desk_service.set_up(
        args.ledger,
        centre_code=args.center_code,
        centre_name=args.center_name,
        desk_no=args.desk,
        admin_username=admin,
        admin_display_name=args.admin_name or admin,
        passphrase=secrets.first(admin),
        clock=clock_of(args),
    )
    profile = desk.profile()
    desk.close()
    print(f"已创建台账 {args.ledger}：{profile.centre_name}（{profile.desk_id}），管理员 {admin}")
    print()
    print("恢复密钥 / RECOVERY KEY — 只显示这一次，请抄写或打印后交中心负责人存入保险柜：")
    print(f"    {recovery}")
    print("丢失所有口令或密钥文件时，凭它和台账文件即可打开台账。")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    desk = open_from_args(args, secrets_for(args))
    try:
        report = desk_service.verify_desk(desk)
    finally:
        desk.close()
    data = {
        "ok": report.ok,
        "events": report.events,
        "head_seq": report.head_seq,
        "head_hash": report.head_hash,
        "first_bad_seq": report.first_bad_seq,
        "problem": report.problem,
    }
    if report.ok:
        emit(args, data, f"台账完好 / intact: {report.events} events, head {report.head_hash}")
        return 0
    if args.json:
        emit(args, data, "")
    raise IntegrityFailure(
        f"台账校验失败 / verification failed: {report.problem}"
        + (f" (first bad event #{report.first_bad_seq})" if report.first_bad_seq else ""),
        report.first_bad_seq,
    )


def cmd_backup(args: argparse.Namespace) -> int:
    desk = open_from_args(args, secrets_for(args))
    try:
        manifest = desk_service.backup_desk(desk, args.out)
    finally:
        desk.close()
    print(f"备份完成并已校验 / backup written and verified: {args.out}")
    print(db_backup.manifest_summary(manifest))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    replacing = args.force and (
        args.ledger.exists() or store.LedgerFiles(args.ledger).keys.exists()
    )
    if replacing and not args.user:
        raise UsageError(
            "替换现有台账需要 --user（及其口令），以便接续原台账已发出的编号 / replacing a "
            "ledger needs --user, to continue the numbers it issued"
        )
    passphrase = secrets_for(args).current(args.user) if replacing else None
    report = restore_service.restore_desk(
        args.source, args.ledger, force=args.force, username=args.user, passphrase=passphrase
    )
    print(f"已恢复到 {args.ledger} / restored: {db_backup.manifest_summary(report.manifest)}")
    if report.kept_aside is not None:
        print(f"原台账已改名保留，未删除 / the replaced ledger is kept at: {report.kept_aside}")
    if report.how == "kept_aside":
        print(
            f"原台账中有 {report.missing_events} 个事件不在此备份中（备份之后的记录），仍在上面的"
            f"文件里 / {report.missing_events} events of the replaced ledger are not in the backup"
        )
        print(
            f"编号接续：{report.series} 个编号序列从原台账已发出的号码之后继续，不会重号 / "
            f"numbering continues after the replaced ledger's in {report.series} series"
        )
    elif report.how == "jump":
        print(
            f"原台账无法读取（{report.problem}），不知道备份后发出了哪些编号：备份日以来各日的办件和"
            f"记录编号从 {restore_service.DAY_FLOOR + 1} 起，文书编号跳到下一个 "
            f"{restore_service.YEAR_STEP} 段，不会与已发出的号码重复 / the replaced ledger cannot "
            f"be read: numbers since the backup continue in a block that cannot collide"
        )
    print("请用 clerkdesk verify 校验恢复后的台账 / run clerkdesk verify on it")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)
    old = secrets.current(args.user)
    new = secrets.new(args.user)
    desk = desk_service.open_desk(args.ledger, args.user, old, clock=clock_of(args))
    try:
        store.change_passphrase(args.ledger, args.user, old, new)
        staff.record_passphrase_changed(desk)
    finally:
        desk.close()
    print(f"已修改 {args.user} 的口令 / passphrase changed")
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)
    desk = open_from_args(args, secrets)
    try:
        new_name = staff.check_username(args.username)
        member = staff.add_account(
            desk, new_name, args.name or new_name, args.role, secrets.new(new_name)
        )
    finally:
        desk.close()
    print(f"已添加账号 {member.username}（{member.display_name}，{member.role.label}）")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    desk = open_from_args(args, secrets_for(args))
    try:
        staff.deactivate_account(desk, args.username)
    finally:
        desk.close()
    print(f"已停用账号 {args.username}，其口令不再能打开台账 / account deactivated")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    desk = open_from_args(args, secrets_for(args))
    try:
        members = staff.list_staff(desk.conn)
    finally:
        desk.close()
    rows = [
        {"username": m.username, "name": m.display_name, "role": m.role.value, "active": m.active}
        for m in members
    ]
    lines = [
        f"{m.username:<16} {m.display_name:<10} {m.role.label:<6} {'在用' if m.active else '停用'}"
        for m in members
    ]
    emit(args, rows, "\n".join(lines))
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    desk = open_from_args(args, secrets_for(args))

    def show(recovery: str) -> None:
        print("新的恢复密钥 / NEW RECOVERY KEY — 只显示这一次，旧恢复密钥此后只能打开旧备份：")
        print(f"    {recovery}", flush=True)

    try:
        desk_service.rotate_key(desk, show)
    finally:
        desk.close()
    print("台账密钥已轮换，所有账号口令不变 / ledger key rotated; passphrases unchanged")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)
    recovery = secrets.recovery_key()
    username = staff.check_username(args.user)
    desk = desk_service.recover_account(
        args.ledger, recovery, username, secrets.new(username), clock=clock_of(args)
    )
    try:
        missing = staff.accounts_without_slots(desk)
    finally:
        desk.close()
    print(f"已用恢复密钥为 {username} 设置新口令 / new passphrase set with the recovery key")
    if missing:
        print(
            f"以下 {len(missing)} 个在用账号还没有可用的密钥槽，口令打不开台账；请逐个重设口令"
            f"（本人下次登录后用 clerkdesk passwd 改成自己的） / these active accounts have no "
            f"usable key slot yet; reset each one:"
        )
        for m in missing:
            print(
                f"  {m.username}（{m.display_name}，{m.role.label}）: clerkdesk user reset "
                f"{m.username} --ledger {args.ledger} --user {username}"
            )
    return 0


def cmd_user_reset(args: argparse.Namespace) -> int:
    secrets = secrets_for(args)
    desk = open_from_args(args, secrets)
    try:
        member = staff.reset_passphrase(desk, args.username, secrets.new(args.username))
    finally:
        desk.close()
    print(
        f"已为 {member.username}（{member.display_name}）设置新口令，请其登录后用 clerkdesk passwd "
        f"改为自己的口令 / new passphrase set; they should change it with clerkdesk passwd"
    )
    return 0


# -- parser ---------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    exit_help = "\n".join(f"  {code}  {text}" for code, text in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="clerkdesk",
        description="ClerkDesk 便民窗口台账 — command line. Without a command, the desk opens.",
        epilog=f"exit codes:\n{exit_help}\n\npassphrases: prompt, --passphrase-stdin, or "
        f"{ENV_PASSPHRASE} / {ENV_NEW_PASSPHRASE} / {ENV_RECOVERY_KEY}; never argv.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("init", help="create a new desk ledger and its admin account")
    p.add_argument("--ledger", type=Path, required=True)
    p.add_argument("--center-code", required=True, help="9-digit division code, e.g. 510421100")
    p.add_argument("--center-name", required=True, help="e.g. 攀莲镇便民服务中心")
    p.add_argument("--admin", required=True, help="user name of the first (admin) account")
    p.add_argument("--admin-name", help="the admin's display name (姓名)")
    p.add_argument("--desk", type=int, default=1, help="desk number within the centre (1-99)")
    p.add_argument("--passphrase-stdin", action="store_true", help="admin passphrase on stdin")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("verify", help="check the hash chain and the projections")
    add_common(p, json_out=True)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("backup", help="write an encrypted, verified backup")
    add_common(p)
    p.add_argument("--out", type=Path, required=True, help="backup file to create")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="put a backup in place as a ledger")
    p.add_argument("--from", dest="source", type=Path, required=True, help="backup file")
    p.add_argument("--ledger", type=Path, required=True, help="ledger file to create")
    p.add_argument("--force", action="store_true", help="replace (and keep aside) an existing one")
    p.add_argument("--user", help="your user name (needed with --force over a ledger)")
    p.add_argument(
        "--passphrase-stdin", action="store_true", help="read your passphrase from stdin"
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("passwd", help="change your passphrase (stdin: old, new)")
    add_common(p)
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("user", help="staff accounts")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = user_sub.add_parser("add", help="add an account (stdin: your passphrase, then theirs)")
    add_common(q)
    q.add_argument("username")
    q.add_argument("--name", help="display name (姓名)")
    q.add_argument("--role", required=True, choices=["clerk", "director", "admin"])
    q.set_defaults(func=cmd_user_add)
    q = user_sub.add_parser("remove", help="deactivate an account and remove its key slot")
    add_common(q)
    q.add_argument("username")
    q.set_defaults(func=cmd_user_remove)
    q = user_sub.add_parser(
        "reset", help="give an account a new passphrase/key slot (stdin: yours, then theirs)"
    )
    add_common(q)
    q.add_argument("username")
    q.set_defaults(func=cmd_user_reset)
    q = user_sub.add_parser("list", help="list accounts")
    add_common(q, json_out=True)
    q.set_defaults(func=cmd_user_list)

    p = sub.add_parser("rekey", help="rotate the ledger key; prints a new recovery key")
    add_common(p)
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser(
        "recover", help="set a director/admin passphrase with the recovery key (stdin: key, new)"
    )
    add_common(p)
    p.set_defaults(func=cmd_recover)
    cli_cases.register(sub)
    cli_duties.register(sub)
    sync_cli.register(sub)
    return parser


def fail(message: str, code: int) -> NoReturn:
    print(f"clerkdesk: {message}", file=sys.stderr)
    raise SystemExit(code)


def run(
    argv: Sequence[str], gui: Callable[[], int] | None = None, clock: Clock = now_in_china
) -> int:
    """Run one command. `clock` is the desk's clock for it: every event time and id, and
    every default "today" (tests pass their own; nothing else moves it)."""
    parser = build_parser()
    args = parser.parse_args(list(argv))
    args.clock = clock
    if args.command is None:
        if gui is None:
            parser.print_help()
            return 2
        return gui()
    try:
        result: int = args.func(args)
        return result
    except InvalidInput as exc:
        fail(f"{exc.field}: {exc.message}", exc.exit_code)
    except ClerkDeskError as exc:
        fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        fail("已取消 / cancelled", 130)
    except BrokenPipeError:
        # The reader went away (`clerkdesk case list | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (DatabaseError, OSError) as exc:
        # A full disk, a read-only folder, a lock or a damaged page met outside a write.
        typed = storage.explain(exc, getattr(args, "ledger", None))
        if typed is not None:
            fail(typed.message, typed.exit_code)
        if isinstance(exc, DatabaseError):
            fail(f"台账文件出错 / ledger file error: {exc}", 6)
        fail(f"无法读写文件 / cannot read or write a file: {exc}", 6)
    except Exception as exc:  # the edge: one line, never a traceback unless asked for
        if os.environ.get("CLERKDESK_DEBUG"):
            traceback.print_exc()
        fail(f"内部错误 / internal error: {type(exc).__name__}", 1)


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    raise SystemExit(main())
