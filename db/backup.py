"""Encrypted backups: one zip holding the SQLCipher copy (same key), the key file and a
manifest. The ledger inside stays encrypted; the zip adds integrity (SHA-256 per member)
and carries the key slots, so a restored desk opens with the same passphrases — and with the
recovery key alone if the key file is lost."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from db import storage
from db.connection import PRIVATE_MODE, fsync_dir, open_encrypted, open_private
from db.errors import LedgerDamaged, LedgerExists, NotALedger, StorageError
from db.ledger import CHINA_TZ, head
from db.migrations import schema_version
from db.sqlite import Connection
from db.store import LedgerFiles, OpenedLedger

BACKUP_FORMAT = "clerkdesk-backup"
BACKUP_VERSION = 1
_DB_MEMBER = "ledger.db"
_KEYS_MEMBER = "ledger.keys"
_MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupManifest:
    ledger_id: str
    created_at: str
    schema_version: int
    events: int
    head_hash: str
    sha256: dict[str, str]

    def to_bytes(self) -> bytes:
        doc = {
            "format": BACKUP_FORMAT,
            "version": BACKUP_VERSION,
            "ledger_id": self.ledger_id,
            "created_at": self.created_at,
            "schema_version": self.schema_version,
            "events": self.events,
            "head_hash": self.head_hash,
            "sha256": self.sha256,
        }
        return json.dumps(doc, indent=1, sort_keys=True).encode()


def _not_a_backup(path: Path) -> NotALedger:
    return NotALedger(f"{path} 不是 ClerkDesk 备份文件或已损坏 / not a ClerkDesk backup")


def backup(
    opened: OpenedLedger, out: Path, verify_copy: Callable[[Connection], None]
) -> BackupManifest:
    """Write a backup of the open ledger to `out` (never over an existing file), then open the
    copy and run `verify_copy` on it (chain + projections) before declaring success."""
    if out.exists():
        raise LedgerExists(f"备份文件已存在，不会覆盖：{out} / {out} exists")
    if not out.parent.is_dir():
        raise StorageError(f"文件夹不存在：{out.parent} / folder does not exist")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".clerkdesk-backup-") as tmp:
        copy_path = Path(tmp) / _DB_MEMBER
        copy = open_encrypted(copy_path, opened.key)
        try:
            # Page-level copy under the same key: consistent, and never decrypted to disk.
            with storage.told(out, os_errors=False):  # a full disk is the backup's disk
                opened.conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            verify_copy(copy)
            seq, head_hash = head(copy)
            version = schema_version(copy)
        finally:
            copy.close()
        db_bytes = copy_path.read_bytes()
        keys_bytes = opened.reload_keyfile().to_bytes()  # as on disk now, not as at login
        manifest = BackupManifest(
            ledger_id=opened.ledger_id,
            created_at=datetime.now(CHINA_TZ).isoformat(timespec="seconds"),
            schema_version=version,
            events=seq,
            head_hash=head_hash,
            sha256={
                _DB_MEMBER: hashlib.sha256(db_bytes).hexdigest(),
                _KEYS_MEMBER: hashlib.sha256(keys_bytes).hexdigest(),
            },
        )
        staged = Path(tmp) / "backup.zip"
        try:
            # The backup carries the key slots: private like the ledger itself.
            with os.fdopen(open_private(staged), "wb") as fh:
                with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                    zf.writestr(_MANIFEST, manifest.to_bytes())
                    zf.writestr(_DB_MEMBER, db_bytes)
                    zf.writestr(_KEYS_MEMBER, keys_bytes)
                fh.flush()
                os.fsync(fh.fileno())
            read_backup(staged)  # re-read what is on disk before calling it a backup
            os.replace(staged, out)
        except OSError as exc:
            raise storage.explain(exc, out) or StorageError(
                f"无法写入备份：{exc.strerror} / cannot write the backup"
            ) from exc
        fsync_dir(out.parent)
    return manifest


def read_backup(path: Path) -> tuple[BackupManifest, bytes, bytes]:
    """Manifest, ledger bytes and key file bytes, each checked against the manifest."""
    try:
        with zipfile.ZipFile(path) as zf:
            doc = json.loads(zf.read(_MANIFEST))
            if doc.get("format") != BACKUP_FORMAT:
                raise _not_a_backup(path)
            db_bytes = zf.read(_DB_MEMBER)
            keys_bytes = zf.read(_KEYS_MEMBER)
    except FileNotFoundError:
        raise StorageError(f"找不到备份文件：{path} / no such file") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _not_a_backup(path) from exc
    try:
        manifest = BackupManifest(
            ledger_id=str(doc["ledger_id"]),
            created_at=str(doc["created_at"]),
            schema_version=int(doc["schema_version"]),
            events=int(doc["events"]),
            head_hash=str(doc["head_hash"]),
            sha256={str(k): str(v) for k, v in doc["sha256"].items()},
        )
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise _not_a_backup(path) from exc
    for name, data in ((_DB_MEMBER, db_bytes), (_KEYS_MEMBER, keys_bytes)):
        if hashlib.sha256(data).hexdigest() != manifest.sha256.get(name):
            raise LedgerDamaged(f"备份文件已损坏（{name} 校验不符）/ damaged backup ({name})")
    return manifest, db_bytes, keys_bytes


@dataclass(frozen=True)
class Restored:
    manifest: BackupManifest
    kept_aside: Path | None  # where the replaced ledger now is (its key file beside it)


def restore(source: Path, ledger: Path, force: bool = False) -> Restored:
    """Put a backup in place as `ledger`. An existing ledger is refused unless `force`, and
    even then it is moved aside (`<name>.replaced-<time>`), never deleted. The numbers it
    issued after the backup are not this module's business: `app.restore` carries them on."""
    manifest, db_bytes, keys_bytes = read_backup(source)
    files = LedgerFiles(ledger)
    if (ledger.exists() or files.keys.exists()) and not force:
        raise LedgerExists(
            f"目标台账已存在：{ledger}。确认要替换请加 --force（原文件会被改名保留） / "
            f"{ledger} exists; use --force to replace it (the old files are kept aside)"
        )
    if not ledger.parent.is_dir():
        raise StorageError(f"文件夹不存在：{ledger.parent} / folder does not exist")
    stamp = datetime.now(CHINA_TZ).strftime("%Y%m%d-%H%M%S")
    try:
        staged_db = ledger.with_name(ledger.name + ".restoring")
        staged_keys = files.keys.with_name(files.keys.name + ".restoring")
        for path, data in ((staged_db, db_bytes), (staged_keys, keys_bytes)):
            # Private from the first byte (a leftover of an interrupted restore is replaced).
            with os.fdopen(open_private(path, exclusive=False), "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        # The set-aside ledger keeps working as a ledger: same suffixes, one new stem, so
        # its WAL and key file still belong to it (desk.replaced-T.ledger, ….ledger.keys).
        aside = LedgerFiles(ledger.with_name(f"{ledger.stem}.replaced-{stamp}{ledger.suffix}"))
        kept_aside = aside.db if ledger.exists() else None
        for old, new in zip(
            (ledger, files.keys, *files.sidecars()),
            (aside.db, aside.keys, *aside.sidecars()),
            strict=True,
        ):
            if old.exists():
                os.replace(old, new)
                os.chmod(new, PRIVATE_MODE)  # a ledger from before modes were set
        os.replace(staged_db, ledger)
        os.replace(staged_keys, files.keys)
    except OSError as exc:
        raise storage.explain(exc, ledger) or StorageError(
            f"无法恢复台账：{exc.strerror} / cannot restore: {exc}"
        ) from exc
    fsync_dir(ledger.parent)
    return Restored(manifest, kept_aside)


def manifest_summary(manifest: BackupManifest) -> str:
    buf = io.StringIO()
    buf.write(f"ledger {manifest.ledger_id}, schema v{manifest.schema_version}, ")
    buf.write(f"{manifest.events} events, head {manifest.head_hash[:16]}…, ")
    buf.write(f"made {manifest.created_at}")
    return buf.getvalue()
