"""The ledger on disk: creating it, opening it with a passphrase or the recovery key, and
managing its key slots. Paths, key file and throttling live here; SQL lives elsewhere.

Files beside a ledger `desk.ledger`:
  desk.ledger.keys      key slots (JSON, no names, no secrets in the clear)
  desk.ledger.keys.next a key rotation in progress (exists only if one was interrupted)
  desk.ledger.attempts  count of recent wrong passphrases (for the delay; no personal data)
  desk.ledger.sync-lock held while a sync runs (one at a time per ledger)
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uuid6
from filelock import FileLock

from db import keys, storage
from db.connection import open_encrypted, open_private, write_atomically
from db.errors import (
    KeysMissing,
    LedgerDamaged,
    LedgerExists,
    LedgerMissing,
    NotALedger,
    StorageError,
    TryLater,
    UnknownUser,
    WrongPassphrase,
    WrongRecoveryKey,
)
from db.migrations import migrate
from db.sqlite import Connection

PAGE_SIZE = 4096
_PLAIN_SQLITE_MAGIC = b"SQLite format 3\x00"
FREE_ATTEMPTS = 3
MAX_DELAY_SECONDS = 300.0
#: How long to wait for another program holding the ledger's lock before saying so.
LOCK_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class LedgerFiles:
    db: Path

    @property
    def keys(self) -> Path:
        return self.db.with_name(self.db.name + ".keys")

    @property
    def keys_next(self) -> Path:
        return self.db.with_name(self.db.name + ".keys.next")

    @property
    def attempts(self) -> Path:
        return self.db.with_name(self.db.name + ".attempts")

    @property
    def lock(self) -> Path:
        return self.db.with_name(self.db.name + ".lock")

    @property
    def sync_lock(self) -> Path:
        """Held while one sync runs (sync/client.py); separate from `lock`, which guards the
        key file, so a long sync never delays a passphrase change."""
        return self.db.with_name(self.db.name + ".sync-lock")

    def sidecars(self) -> tuple[Path, Path]:
        return (self.db.with_name(self.db.name + "-wal"), self.db.with_name(self.db.name + "-shm"))


@dataclass
class OpenedLedger:
    files: LedgerFiles
    conn: Connection
    key: bytes
    keyfile: keys.KeyFile

    @property
    def ledger_id(self) -> str:
        return self.keyfile.ledger_id

    def reload_keyfile(self) -> keys.KeyFile:
        """The key file as it is on disk now (another session may have added a slot)."""
        self.keyfile = _read_keyfile(self.files)
        return self.keyfile

    def update_keyfile(self, change: Callable[[keys.KeyFile], keys.KeyFile]) -> None:
        """Read the key file from disk, apply `change`, write it back — under the key file's
        lock, so a session opened hours ago never writes back a stale copy (undoing another
        session's passphrase change or bringing back a removed account's slot)."""
        with keyfile_lock(self.files):
            current = _read_keyfile(self.files) if self.files.keys.exists() else self.keyfile
            updated = change(current)
            write_atomically(self.files.keys, updated.to_bytes())
        self.keyfile = updated

    def close(self) -> None:
        self.conn.close()


def keyfile_lock(files: LedgerFiles) -> FileLock:
    """One writer of the key file (and one migrator of the ledger) at a time, across
    processes: the GUI and a scheduled CLI job may share a desk."""
    return FileLock(str(files.lock), timeout=LOCK_TIMEOUT_SECONDS)


# -- throttle ------------------------------------------------------------------------------


class Throttle:
    """After FREE_ATTEMPTS wrong passphrases in a row for one account, each further attempt
    on it must wait (5 s, 10 s, 20 s ... up to 5 min) since its last failure. Counted per
    account (by the slot id, never the name), so logging in as oneself does not reset the
    count on someone else's account; unknown names are counted too. Kept in a file so that
    restarting the program does not reset it."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def _read_all(self) -> dict[str, list[float]]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(k): [float(v[0]), float(v[1])] for k, v in doc["accounts"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
            return {}

    def _write_all(self, accounts: dict[str, list[float]]) -> None:
        # A read-only medium must not turn a wrong passphrase into a crash.
        with contextlib.suppress(StorageError):
            if accounts:
                write_atomically(self.path, json.dumps({"accounts": accounts}).encode())
            else:
                self.path.unlink(missing_ok=True)

    def delay_for(self, failures: int) -> float:
        if failures < FREE_ATTEMPTS:
            return 0.0
        return float(min(5 * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_SECONDS))

    def check(self, account: str) -> None:
        failures, last = self._read_all().get(account, [0.0, 0.0])
        wait = last + self.delay_for(int(failures)) - self.clock()
        if wait > 0:
            raise TryLater(
                f"口令连续错误 {int(failures)} 次，请 {int(wait) + 1} 秒后再试 / too many wrong "
                f"passphrases; try again in {int(wait) + 1} s",
                wait_seconds=wait,
            )

    def failed(self, account: str) -> int:
        accounts = self._read_all()
        failures = int(accounts.get(account, [0.0, 0.0])[0]) + 1
        accounts[account] = [float(failures), self.clock()]
        self._write_all(accounts)
        return failures

    def succeeded(self, account: str) -> None:
        accounts = self._read_all()
        if accounts.pop(account, None) is not None:
            self._write_all(accounts)


def throttled_unlock(
    files: LedgerFiles,
    keyfile: keys.KeyFile,
    username: str,
    passphrase: str,
    clock: Callable[[], float] = time.time,
) -> bytes:
    """Unlock one account's slot, counting failures per account (also a director's
    override at a clerk's desk)."""
    throttle = Throttle(files.attempts, clock)
    account = keys.slot_id_for(keyfile.ledger_id, username)
    throttle.check(account)
    try:
        key = keys.unlock_slot(keyfile, username, passphrase)
    except (WrongPassphrase, UnknownUser):
        throttle.failed(account)
        raise
    throttle.succeeded(account)
    return key


# -- checks before opening --------------------------------------------------------------------


def _check_ledger_file(path: Path) -> None:
    if not path.exists():
        raise LedgerMissing(f"找不到台账文件：{path} / no ledger at {path}")
    if path.is_dir():
        raise NotALedger(f"{path} 是文件夹，不是台账文件 / {path} is a folder")
    size = path.stat().st_size
    if size == 0:
        raise NotALedger(f"{path} 是空文件，不是台账 / {path} is empty")
    with open(path, "rb") as fh:
        head = fh.read(len(_PLAIN_SQLITE_MAGIC))
    if head == _PLAIN_SQLITE_MAGIC:
        raise NotALedger(
            f"{path} 是未加密的 SQLite 数据库，不是 ClerkDesk 台账 / "
            f"{path} is a plain SQLite database, not a ClerkDesk ledger"
        )
    if size % PAGE_SIZE:
        raise LedgerDamaged(
            f"文件大小不符：{path} 不是台账文件，或台账不完整（被截断或复制中断，请用备份恢复） / "
            f"not a ledger, or a truncated one; restore it from a backup"
        )


def _read_keyfile(files: LedgerFiles) -> keys.KeyFile:
    try:
        data = files.keys.read_bytes()
    except FileNotFoundError:
        raise KeysMissing(
            f"找不到密钥文件 {files.keys.name}。如果 {files.db.name} 确是台账，"
            f"请用恢复密钥打开（clerkdesk recover）；否则请检查文件路径 / "
            f"key file missing: open with the recovery key, or check the path"
        ) from None
    except OSError as exc:
        raise storage.explain(exc, files.keys) or StorageError(
            f"无法读取密钥文件：{exc.strerror} / cannot read the key file"
        ) from exc
    return keys.KeyFile.from_bytes(data)


def _open_checked(files: LedgerFiles, key: bytes) -> Connection:
    """Open with a key already proven right by the key check value: failure means damage."""
    try:
        conn = open_encrypted(files.db, key)
    except LedgerDamaged as exc:
        raise LedgerDamaged(
            f"密钥正确，但台账文件无法解密：文件已损坏，或不是这个密钥文件对应的台账。"
            f"请用备份恢复 / the key is right but {files.db.name} does not decrypt: "
            f"damaged or not this key file's ledger"
        ) from exc
    # Two programs opening an old ledger at once must not both migrate it.
    try:
        with storage.told(files.db), keyfile_lock(files):
            migrate(conn, files.db)
    except BaseException:
        conn.close()
        raise
    return conn


# -- create / open -------------------------------------------------------------------------------


def _check_folder_writable(folder: Path) -> None:
    if not folder.exists():
        raise StorageError(f"文件夹不存在：{folder} / folder does not exist: {folder}")
    probe = folder / f".clerkdesk-write-test-{os.getpid()}"
    try:
        with open(probe, "wb") as fh:
            fh.write(b"x")
    except OSError as exc:
        typed = storage.explain(exc, probe)
        if typed is not None:
            raise typed from exc
        raise StorageError(
            f"无法在 {folder} 中创建台账：{exc.strerror} / cannot create a ledger in {folder}: "
            f"{exc.strerror}"
        ) from exc
    finally:
        # On a read-only medium even removing a file that is not there is refused.
        with contextlib.suppress(OSError):
            probe.unlink(missing_ok=True)


def create(
    path: Path, username: str, passphrase: str, kdf: keys.KdfParams | None = None
) -> tuple[OpenedLedger, str]:
    """A new, empty, migrated ledger with one slot. Returns it and the recovery key text,
    which is shown once and never stored."""
    files = LedgerFiles(path)
    if path.exists() or files.keys.exists():
        raise LedgerExists(f"台账已存在，不会覆盖：{path} / a ledger already exists at {path}")
    keys.check_passphrase_strength(passphrase)
    _check_folder_writable(path.parent)
    secret = keys.new_recovery_secret()
    ledger_key = keys.ledger_key_from_recovery(secret)
    ledger_id = str(uuid6.uuid7())
    keyfile = keys.KeyFile(ledger_id=ledger_id, key_check=keys.key_check_value(ledger_key))
    slot = keys.make_slot(ledger_id, username, passphrase, ledger_key, kdf or keys.DEFAULT_KDF)
    keyfile = keyfile.with_slot(slot)
    # Key file first: a ledger without its key file would need the recovery key at once.
    write_atomically(files.keys, keyfile.to_bytes())
    try:
        # Readable by its owner only, from the first byte (and so its -wal and -shm): the
        # key file is not enough to read it, but a copy of both invites an offline attack
        # on the passphrases.
        os.close(open_private(path))
        conn = open_encrypted(path, ledger_key)
        migrate(conn, None)
    except BaseException:
        files.keys.unlink(missing_ok=True)
        for p in (path, *files.sidecars()):
            p.unlink(missing_ok=True)
        raise
    return OpenedLedger(files, conn, ledger_key, keyfile), keys.format_recovery_key(secret)


def open_with_passphrase(
    path: Path, username: str, passphrase: str, clock: Callable[[], float] = time.time
) -> OpenedLedger:
    files = LedgerFiles(path)
    _check_ledger_file(path)
    return _unlock_and_open(
        files, lambda kf: throttled_unlock(files, kf, username, passphrase, clock)
    )


def open_with_recovery(path: Path, recovery_text: str) -> OpenedLedger:
    """Open with the recovery key alone. Works without a usable key file: a missing, damaged
    or foreign one is set aside, and an empty one is returned so the caller can give the
    director a new slot at once."""
    files = LedgerFiles(path)
    _check_ledger_file(path)
    key = keys.ledger_key_from_recovery(keys.parse_recovery_key(recovery_text))

    def check(keyfile: keys.KeyFile) -> bytes:
        if not keys.key_matches(keyfile, key):
            raise WrongRecoveryKey(
                "恢复密钥与此台账不符（可能属于另一台账，或密钥已轮换） / this recovery key does "
                "not belong to this ledger (or the key was rotated since)"
            )
        return key

    try:
        return _unlock_and_open(files, check)
    except (KeysMissing, WrongRecoveryKey, LedgerDamaged) as first_error:
        # The key file may be lost, damaged or another ledger's: the recovery key alone must
        # still open the ledger it belongs to.
        if not _opens(files.db, key):
            if isinstance(first_error, KeysMissing):
                raise LedgerDamaged(
                    "恢复密钥无法打开此文件：密钥不属于此台账，或文件已损坏 / the recovery key "
                    "does not open this file: wrong key or damaged file"
                ) from None
            raise
    conn = _open_checked(files, key)
    row = conn.execute("SELECT ledger_id FROM desk").fetchone()
    if row is None:
        conn.close()
        raise LedgerDamaged("台账缺少台账标识 / the ledger has no identity record")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for unusable in (files.keys, files.keys_next):
        if unusable.exists():
            os.replace(unusable, unusable.with_name(f"{unusable.name}.unusable-{stamp}"))
    empty = keys.KeyFile(ledger_id=row[0], key_check=keys.key_check_value(key))
    return OpenedLedger(files, conn, key, empty)


def _unlock_and_open(files: LedgerFiles, unlock: Callable[[keys.KeyFile], bytes]) -> OpenedLedger:
    keyfile = _read_keyfile(files)
    pending = _pending_rotation(files)
    if pending is not None:
        # A key rotation was interrupted: the file is under the old key or already the new.
        try:
            new_key: bytes | None = unlock(pending)
        except (WrongPassphrase, WrongRecoveryKey, UnknownUser, LedgerDamaged):
            new_key = None
        if new_key is not None and _opens(files.db, new_key):
            os.replace(files.keys_next, files.keys)
            return OpenedLedger(files, _open_checked(files, new_key), new_key, pending)
        # Only once the old key has really opened the file is the pending rotation void:
        # a mistyped passphrase must never throw away the only key file that works.
        key = unlock(keyfile)
        if not _opens(files.db, key):
            raise LedgerDamaged(
                "密钥轮换曾被中断：请用轮换时显示的新恢复密钥打开（clerkdesk recover） / an "
                "interrupted key rotation: open with the new recovery key"
            )
        files.keys_next.unlink(missing_ok=True)
        return OpenedLedger(files, _open_checked(files, key), key, keyfile)
    key = unlock(keyfile)
    return OpenedLedger(files, _open_checked(files, key), key, keyfile)


def _opens(path: Path, key: bytes) -> bool:
    try:
        open_encrypted(path, key).close()
    except LedgerDamaged:
        return False
    return True


def _pending_rotation(files: LedgerFiles) -> keys.KeyFile | None:
    if not files.keys_next.exists():
        return None
    try:
        return keys.KeyFile.from_bytes(files.keys_next.read_bytes())
    except LedgerDamaged:
        return None


# -- slots on an open ledger -----------------------------------------------------------------


def add_slot(
    opened: OpenedLedger, username: str, passphrase: str, kdf: keys.KdfParams | None = None
) -> None:
    keys.check_passphrase_strength(passphrase)
    slot = keys.make_slot(
        opened.ledger_id, username, passphrase, opened.key, kdf or keys.DEFAULT_KDF
    )
    opened.update_keyfile(lambda kf: kf.with_slot(slot))


def remove_slot(opened: OpenedLedger, username: str) -> None:
    opened.update_keyfile(lambda kf: kf.without(username))


def change_passphrase(
    path: Path,
    username: str,
    old: str,
    new: str,
    kdf: keys.KdfParams | None = None,
    clock: Callable[[], float] = time.time,
) -> None:
    """Rewrap one slot; the ledger file itself is not touched."""
    files = LedgerFiles(path)
    _check_ledger_file(path)
    keys.check_passphrase_strength(new)
    with keyfile_lock(files):
        keyfile = _read_keyfile(files)
        throttled_unlock(files, keyfile, username, old, clock)
        slot = keys.rewrap_slot(keyfile, username, old, new, kdf or keys.DEFAULT_KDF)
        write_atomically(files.keys, keyfile.with_slot(slot).to_bytes())


def rotate_key(opened: OpenedLedger, show_recovery_key: Callable[[str], None]) -> None:
    """New recovery key → new ledger key; the file is rekeyed and every slot re-sealed
    without anybody's passphrase. The old recovery key then opens only older backups.

    `show_recovery_key` gets the new key *before* the file is rekeyed: if anything dies
    later, the director already holds the key that opens the file. The re-sealed key file
    goes to `.keys.next` first and replaces `.keys` after the rekey; opening a ledger
    finishes or undoes a rotation that was interrupted in between."""
    with keyfile_lock(opened.files):
        current = _read_keyfile(opened.files)
        secret = keys.new_recovery_secret()
        new_key = keys.ledger_key_from_recovery(secret)
        new_keyfile = keys.reseal_all(current, new_key)
        show_recovery_key(keys.format_recovery_key(secret))
        write_atomically(opened.files.keys_next, new_keyfile.to_bytes())
        opened.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        opened.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
        os.replace(opened.files.keys_next, opened.files.keys)
    opened.key = new_key
    opened.keyfile = new_keyfile
