"""Pieces every `clerkdesk` subcommand shares: where secrets come from, opening the desk,
printing text or JSON."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from app import desk as desk_service
from db.errors import ClerkDeskError
from db.ledger import now_in_china

ENV_PASSPHRASE = "CLERKDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "CLERKDESK_NEW_PASSPHRASE"
ENV_RECOVERY_KEY = "CLERKDESK_RECOVERY_KEY"
ENV_OVERRIDE_PASSPHRASE = "CLERKDESK_OVERRIDE_PASSPHRASE"


class UsageError(ClerkDeskError):
    exit_code = 2


class Secrets:
    """Where the command's secrets come from, in a fixed order per command."""

    def __init__(self, from_stdin: bool, stdin: TextIO, interactive: bool) -> None:
        self._lines: Iterator[str] | None = iter(stdin) if from_stdin else None
        self._interactive = interactive

    def _next_line(self, what: str) -> str:
        assert self._lines is not None
        try:
            return next(self._lines).rstrip("\r\n")
        except StopIteration:
            raise UsageError(f"标准输入中缺少{what} / a line is missing on stdin") from None

    def _get(self, env: str, what: str, prompt: str, confirm: bool) -> str:
        if self._lines is not None:
            return self._next_line(what)
        value = os.environ.get(env)
        if value is not None:
            return value
        if not self._interactive:
            raise UsageError(
                f"需要{what}：请在终端运行，或用 --passphrase-stdin 或环境变量 {env} 提供 / "
                f"a secret is needed: run on a terminal, or use --passphrase-stdin or {env}"
            )
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("再输入一次 / again: ") != first:
            raise UsageError("两次输入不一致 / the two entries differ")
        return first

    def current(self, username: str) -> str:
        return self._get(ENV_PASSPHRASE, "口令", f"{username} 的口令 / passphrase: ", False)

    def new(self, username: str) -> str:
        return self._get(
            ENV_NEW_PASSPHRASE, "新口令", f"{username} 的新口令 / new passphrase: ", True
        )

    def first(self, username: str) -> str:
        """The passphrase of an account being created by this very command (init)."""
        return self._get(ENV_PASSPHRASE, "口令", f"为 {username} 设置口令 / passphrase: ", True)

    def override(self, director: str) -> str:
        """A director's passphrase authorising a rule exception at the clerk's desk."""
        return self._get(
            ENV_OVERRIDE_PASSPHRASE, "负责人口令", f"负责人 {director} 的口令 / passphrase: ", False
        )

    def recovery_key(self) -> str:
        return self._get(ENV_RECOVERY_KEY, "恢复密钥", "恢复密钥 / recovery key: ", False)


# -- output -------------------------------------------------------------------------------------


def emit(args: argparse.Namespace, data: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
    else:
        print(text)


def secrets_for(args: argparse.Namespace) -> Secrets:
    return Secrets(args.passphrase_stdin, sys.stdin, sys.stdin.isatty())


def clock_of(args: argparse.Namespace) -> desk_service.Clock:
    """The clock `cli.run` was given: every command's "now" and "today" (tests inject one)."""
    clock: desk_service.Clock = getattr(args, "clock", now_in_china)
    return clock


def open_from_args(args: argparse.Namespace, secrets: Secrets) -> desk_service.Desk:
    return desk_service.open_desk(
        args.ledger, args.user, secrets.current(args.user), clock=clock_of(args)
    )


def with_desk(
    args: argparse.Namespace,
    work: Callable[[desk_service.Desk], int],
    secrets: Secrets | None = None,
) -> int:
    """Open the ledger the command names, run `work` on it, close it whatever happens."""
    desk = open_from_args(args, secrets or secrets_for(args))
    try:
        return work(desk)
    finally:
        desk.close()


def date_arg(text: str) -> dt.date:
    """An ISO date argument (`--on 2026-03-09`); argparse turns the error into a usage line."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_common(p: argparse.ArgumentParser, *, user: bool = True, json_out: bool = False) -> None:
    p.add_argument("--ledger", type=Path, required=True, help="path of the ledger file")
    if user:
        p.add_argument("--user", required=True, help="your user name")
    p.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read passphrases from standard input, one per line",
    )
    if json_out:
        p.add_argument("--json", action="store_true", help="machine-readable output")
