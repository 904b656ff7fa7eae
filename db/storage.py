"""What a failed read or write of the ledger's files means, told as it is.

SQLite reports a full disk, a read-only folder, another program's lock and a damaged page
with result codes; SQLCipher and the OS add their own ways of saying the same (a full disk
while the `-shm` file is created comes back as a plain I/O error, a read-only folder as
"unable to open database file"). `explain` turns each into the typed error that says what
happened and what to do — above all, a full disk is *not* damage: restoring a backup there
would throw away the day's work on an intact ledger.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import Timeout as LockTimeout

from db.errors import (
    ClerkDeskError,
    DiskFull,
    LedgerBusy,
    LedgerDamaged,
    ReadOnlyStorage,
    StorageError,
)
from db.sqlite import DatabaseError

# SQLite primary result codes (stable since SQLite 3.0; sqlcipher3 exports only some).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

#: An I/O error with less than this free beside the ledger is taken for a full disk: SQLite
#: needs room for the WAL and its index, and says only "disk I/O error" when it finds none.
LOW_SPACE_BYTES = 8 * 1024 * 1024


def free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def human_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.1f} GB"


def folder_is_read_only(folder: Path) -> bool:
    """A read-only mount (which root cannot write either), or no write permission for us."""
    statvfs = getattr(os, "statvfs", None)  # absent on Windows
    if statvfs is not None:
        try:
            if statvfs(folder).f_flag & os.ST_RDONLY:
                return True
        except OSError:
            pass
    return folder.exists() and not os.access(folder, os.W_OK)


def disk_full(folder: Path) -> DiskFull:
    free = free_bytes(folder)
    shown = human_size(free) if free is not None else "不明"
    return DiskFull(
        f"磁盘空间已满：{folder} 所在磁盘只剩 {shown}。台账没有损坏，已保存的记录都在，"
        f"只有这一步没有保存。请先清理磁盘（删除不需要的文件，或把旧备份移到别的磁盘），"
        f"再重做这一步；不要用备份恢复，那会丢掉备份之后的记录 / the disk is full ({shown} "
        f"free on {folder}): the ledger is intact and nothing saved is lost, only this step "
        f"was not saved. Free some space and try again; do NOT restore a backup",
        free,
    )


def read_only(folder: Path) -> ReadOnlyStorage:
    return ReadOnlyStorage(
        f"无法写入：{folder} 是只读的（只读的U盘或光盘、网络盘没有写权限，或文件夹被设为只读）。"
        f"台账没有损坏。请把台账复制到可以写入的文件夹，或请管理员开放写权限后再试 / {folder} is "
        f"read-only: the ledger is intact; copy it to a writable folder or get write access"
    )


def busy(path: Path | None) -> LedgerBusy:
    name = path.name if path is not None else "台账"
    return LedgerBusy(
        f"{name} 正被另一个程序占用（另一个 ClerkDesk 窗口或命令、备份或杀毒软件）。台账没有损坏。"
        f"请关闭那个程序，或稍后再试 / {name} is in use by another program (another ClerkDesk "
        f"window or command, a backup or antivirus tool): the ledger is intact; close it or "
        f"try again later"
    )


def damaged_page(path: Path | None) -> LedgerDamaged:
    name = path.name if path is not None else "台账"
    return LedgerDamaged(
        f"{name} 中有页面已损坏（磁盘出错或文件被改动）。请运行 clerkdesk verify 查看，"
        f"再由管理员用最近的备份恢复 / {name} has a damaged page (disk error or altered file): "
        f"run clerkdesk verify, then restore the latest backup"
    )


def _sqlite_code(exc: DatabaseError) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None  # extended codes keep it low


def explain(exc: BaseException, path: Path | None) -> ClerkDeskError | None:
    """The typed error a storage failure at `path` (a file; its folder is where space and
    permissions count) really is, or None when `exc` is not a storage failure."""
    folder = path.parent if path is not None else Path.cwd()
    if isinstance(exc, LockTimeout):
        return busy(path)
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            return disk_full(folder)
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return read_only(folder)
        return None
    if not isinstance(exc, DatabaseError):
        return None
    code, text = _sqlite_code(exc), str(exc)
    if code == SQLITE_FULL or "disk is full" in text:
        return disk_full(folder)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "database is locked" in text:
        return busy(path)
    if code == SQLITE_READONLY or "readonly database" in text:
        return read_only(folder)
    if code in (SQLITE_CANTOPEN, SQLITE_IOERR) or "disk I/O error" in text:
        if folder_is_read_only(folder):
            return read_only(folder)
        free = free_bytes(folder)
        if free is not None and free < LOW_SPACE_BYTES:
            return disk_full(folder)
        return StorageError(
            f"读写 {folder} 时出错（磁盘、U盘或网络盘故障？）：{text}。台账本身可能完好，"
            f"请检查磁盘后重试 / cannot read or write {folder}: {text}; check the disk"
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text:
        return damaged_page(path)
    return None


@contextmanager
def told(path: Path | None, os_errors: bool = True) -> Iterator[None]:
    """Inside the block, a storage failure at `path` comes out as the typed error that says
    what it is; anything else passes unchanged. `os_errors=False` leaves OS errors alone
    (where the block also writes files elsewhere, e.g. a PDF)."""
    caught = (DatabaseError, OSError) if os_errors else (DatabaseError,)
    try:
        yield
    except caught as exc:
        typed = explain(exc, path)
        if typed is None:
            raise
        raise typed from exc
