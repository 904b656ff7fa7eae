"""Opening the encrypted ledger file.

The key is a raw 256-bit key (never a passphrase: the passphrase only unwraps it, see
`db.keys`), so SQLCipher skips its own PBKDF2 and an open costs milliseconds. Cipher
settings are pinned explicitly: a future SQLCipher with other defaults must still open
every ledger ever written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db import storage
from db.errors import LedgerDamaged, StorageError
from db.sqlite import Connection, DatabaseError, dbapi2

KEY_BYTES = 32

# SQLCipher 4 defaults, written down so they never drift with a library upgrade.
CIPHER_SETTINGS: dict[str, str | int] = {
    "cipher_page_size": 4096,
    "kdf_iter": 256000,
    "cipher_hmac_algorithm": "HMAC_SHA512",
    "cipher_kdf_algorithm": "PBKDF2_HMAC_SHA512",
}


def _key_pragma(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("ledger key must be 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _apply_cipher(conn: Connection, key: bytes) -> None:
    conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print hmac errors to stderr
    conn.execute(_key_pragma(key))
    for name, value in CIPHER_SETTINGS.items():
        conn.execute(f"PRAGMA {name} = {value}")


def open_encrypted(path: Path, key: bytes) -> Connection:
    """Open (or create) the SQLCipher file at `path` with `key`.

    Raises `LedgerDamaged` when the key does not decrypt the file: callers that verified the
    key beforehand (key check value) know the file is damaged, others re-raise as they see fit.
    A full disk, a read-only folder or another program's lock raise their own `StorageError`
    (the WAL index is created here, so they show at the first read).
    The connection is in autocommit mode; write through `transaction()`.
    """
    try:
        conn = dbapi2.connect(str(path), isolation_level=None, check_same_thread=False)
    except DatabaseError as exc:
        typed = storage.explain(exc, path)
        if isinstance(typed, StorageError):
            raise typed from exc
        raise StorageError(f"无法打开台账文件 {path} / cannot open the ledger file: {exc}") from exc
    try:
        _apply_cipher(conn, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        # Durability over speed: a case the screen said was saved survives a power cut.
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 10000")
        # Sorts and temp tables stay in memory: nothing personal in plaintext temp files.
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA secure_delete = ON")
    except DatabaseError as exc:
        conn.close()
        typed = storage.explain(exc, path)
        if isinstance(typed, StorageError):
            raise typed from exc
        raise LedgerDamaged(
            f"台账文件无法解密或已损坏：{path} / the ledger file cannot be decrypted or is damaged"
        ) from exc
    conn.row_factory = dbapi2.Row
    return conn


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction; the database lock is taken up front so a writer never fails
    half-way on a busy database. Rolls back on any exception. A full disk, a read-only
    folder or a lock held elsewhere come out as the `StorageError` that names them."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            # SQLite may have rolled back already (a full disk does): a second ROLLBACK would
            # hide the real error behind "no transaction is active".
            _rollback(conn)
            raise
        conn.execute("COMMIT")
    except DatabaseError as exc:
        _rollback(conn)  # a failed COMMIT leaves the transaction open
        typed = storage.explain(exc, db_path(conn))
        if typed is None:
            raise
        raise typed from exc


def _rollback(conn: Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(DatabaseError):  # the error that got us here is what counts
            conn.execute("ROLLBACK")


def db_path(conn: Connection) -> Path | None:
    """The main database file of `conn` (for the free-space figure in a storage error)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except DatabaseError:
        return None
    return Path(row[2]) if row is not None and row[2] else None


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: Every file the desk writes that holds keys or personal data: its owner only. The -wal and
#: -shm files SQLite creates take the mode of the ledger itself. On Windows the mode is
#: ignored; there the files live under the user's profile (%APPDATA%, Documents), whose
#: inherited ACL grants the user, SYSTEM and Administrators only — a desk installed to a
#: shared folder must have that folder's ACL narrowed to the same (not testable here).
PRIVATE_MODE = 0o600


def open_private(path: Path, *, exclusive: bool = True) -> int:
    """A file descriptor for writing `path`, created private from its first byte (there is
    never a moment when it is readable by others). `exclusive`: refuse an existing file
    (FileExistsError); otherwise truncate it and make it private too."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    fd = os.open(path, flags, PRIVATE_MODE)
    if not exclusive and hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_MODE)
    return fd


def write_atomically(path: Path, data: bytes) -> None:
    """Write a small file so that readers see the old or the new content, never half. The
    temporary file is unique (two processes may write at once) and private (mode 0600)."""
    try:
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise storage.explain(exc, path) or StorageError(
            f"无法写入 {path}：{exc.strerror} / cannot write {path}"
        ) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise storage.explain(exc, path) or StorageError(
            f"无法写入 {path}：{exc.strerror} / cannot write {path}"
        ) from exc
    fsync_dir(path.parent)
