"""Opening a ledger: passphrases, recovery, rotation, and every kind of bad input."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from app.desk import Desk, open_desk, recover_account
from db import store
from db.errors import (
    KeysMissing,
    LedgerDamaged,
    LedgerExists,
    LedgerMissing,
    LedgerTooNew,
    NotALedger,
    ReadOnlyStorage,
    TryLater,
    UnknownUser,
    WrongPassphrase,
    WrongRecoveryKey,
)
from tests.conftest import PASSPHRASE

MakeDesk = Callable[..., tuple[Desk, str]]


def _fingerprint(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.endswith(".attempts")
    }


@pytest.fixture
def closed_desk(make_desk: MakeDesk) -> tuple[Path, str]:
    desk, recovery = make_desk()
    path = desk.path
    desk.close()
    return path, recovery


def test_open_with_the_right_passphrase(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    assert desk.user.display_name == "王管理"
    assert desk.profile().desk_id == "510421100-01"
    desk.close()


def test_wrong_passphrase_is_told_and_touches_no_ledger_file(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    before = _fingerprint(path.parent)
    with pytest.raises(WrongPassphrase, match="口令不正确"):
        open_desk(path, "admin", "not the passphrase")
    with pytest.raises(UnknownUser, match="没有账号"):
        open_desk(path, "nobody", PASSPHRASE)
    assert _fingerprint(path.parent) == before


def test_repeated_wrong_passphrases_are_delayed(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    now = [1000.0]

    def attempt(pw: str) -> None:
        store.open_with_passphrase(path, "admin", pw, clock=lambda: now[0]).close()

    for _ in range(store.FREE_ATTEMPTS):
        with pytest.raises(WrongPassphrase):
            attempt("wrong wrong 1")
    # Even the right passphrase must wait now: the delay protects against guessing.
    with pytest.raises(TryLater, match="秒后再试") as info:
        attempt(PASSPHRASE)
    assert info.value.wait_seconds == pytest.approx(5)
    now[0] += 5.1
    with pytest.raises(WrongPassphrase):
        attempt("wrong wrong 2")
    with pytest.raises(TryLater) as info:
        attempt(PASSPHRASE)
    assert info.value.wait_seconds == pytest.approx(10)
    now[0] += 10.1
    attempt(PASSPHRASE)  # success resets the count
    attempt(PASSPHRASE)


def test_a_missing_ledger(tmp_path: Path) -> None:
    with pytest.raises(LedgerMissing, match="找不到台账文件"):
        open_desk(tmp_path / "none.ledger", "admin", PASSPHRASE)


def test_a_random_file_without_keys(tmp_path: Path) -> None:
    path = tmp_path / "random.ledger"
    path.write_bytes(os.urandom(8192))
    before = _fingerprint(tmp_path)
    with pytest.raises(KeysMissing, match="找不到密钥文件"):
        open_desk(path, "admin", PASSPHRASE)
    assert _fingerprint(tmp_path) == before


def test_a_random_file_under_a_real_key_file(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    path.write_bytes(os.urandom(8192))
    before = _fingerprint(path.parent)
    with pytest.raises(LedgerDamaged, match="密钥正确，但台账文件无法解密"):
        open_desk(path, "admin", PASSPHRASE)
    assert _fingerprint(path.parent) == before


def test_a_plain_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    sqlite3.connect(path).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(NotALedger, match="未加密的 SQLite"):
        open_desk(path, "admin", PASSPHRASE)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.ledger"
    path.write_bytes(b"")
    with pytest.raises(NotALedger, match="空文件"):
        open_desk(path, "admin", PASSPHRASE)


def test_a_truncated_ledger(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    before = _fingerprint(path.parent)
    with pytest.raises(LedgerDamaged, match="不完整"):
        open_desk(path, "admin", PASSPHRASE)
    assert _fingerprint(path.parent) == before


def test_a_ledger_from_a_newer_version_is_refused(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    desk = open_desk(path, "admin", PASSPHRASE)
    desk.conn.execute("PRAGMA user_version = 999")
    desk.close()
    before = _fingerprint(path.parent)
    with pytest.raises(LedgerTooNew, match="较新版本"):
        open_desk(path, "admin", PASSPHRASE)
    assert _fingerprint(path.parent) == before


def _unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        # root writes through any permission bits; sysfs refuses new files even to root.
        return Path("/sys/kernel")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def test_creating_in_an_unwritable_folder(make_desk: MakeDesk, tmp_path: Path) -> None:
    folder = _unwritable_folder(tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    with pytest.raises(ReadOnlyStorage, match="只读"):
        make_desk(name=str(folder / "desk.ledger"))
    assert sorted(p.name for p in folder.iterdir()) == before


def test_creating_over_an_existing_ledger_is_refused(closed_desk: tuple[Path, str]) -> None:
    path, _ = closed_desk
    before = _fingerprint(path.parent)
    with pytest.raises(LedgerExists):
        store.create(path, "admin", PASSPHRASE)
    assert _fingerprint(path.parent) == before


def test_the_recovery_key_alone_opens_when_the_key_file_is_lost(
    closed_desk: tuple[Path, str],
) -> None:
    path, recovery = closed_desk
    store.LedgerFiles(path).keys.unlink()
    desk = recover_account(path, recovery, "admin", "brand new pass 9")
    desk.close()
    # The director has a slot again, and the event says how it came back.
    desk = open_desk(path, "admin", "brand new pass 9")
    kinds = [r[0] for r in desk.conn.execute("SELECT kind FROM events ORDER BY seq")]
    assert kinds[-1] == "staff.passphrase_changed"
    desk.close()


def test_a_wrong_recovery_key_is_refused(
    closed_desk: tuple[Path, str], make_desk: MakeDesk
) -> None:
    path, _ = closed_desk
    _, other_recovery = make_desk(name="other.ledger")
    with pytest.raises(WrongRecoveryKey, match="不符"):
        recover_account(path, other_recovery, "admin", "brand new pass 9")


def test_passphrase_change_rewraps_one_slot(make_desk: MakeDesk) -> None:
    from app import staff

    desk, _ = make_desk()
    staff.add_account(desk, "zhangsan", "张三", "clerk", "zhang pass 1")
    path = desk.path
    desk.close()
    keys_before = store.LedgerFiles(path).keys.read_bytes()
    ledger_before = path.read_bytes()
    store.change_passphrase(path, "admin", PASSPHRASE, "another pass 2")
    assert path.read_bytes() == ledger_before
    assert store.LedgerFiles(path).keys.read_bytes() != keys_before
    open_desk(path, "admin", "another pass 2").close()
    open_desk(path, "zhangsan", "zhang pass 1").close()
    with pytest.raises(WrongPassphrase):
        open_desk(path, "admin", PASSPHRASE)


def test_key_rotation_keeps_passphrases_and_replaces_the_recovery_key(
    make_desk: MakeDesk,
) -> None:
    from app import staff
    from app.desk import rotate_key

    desk, old_recovery = make_desk()
    staff.add_account(desk, "zhangsan", "张三", "clerk", "zhang pass 1")
    shown: list[str] = []
    old_bytes = desk.path.read_bytes()
    rotate_key(desk, shown.append)
    path = desk.path
    desk.close()
    assert len(shown) == 1 and shown[0] != old_recovery
    assert path.read_bytes()[:4096] != old_bytes[:4096]
    open_desk(path, "zhangsan", "zhang pass 1").close()
    open_desk(path, "admin", PASSPHRASE).close()
    with pytest.raises(WrongRecoveryKey):
        store.open_with_recovery(path, old_recovery)
    store.open_with_recovery(path, shown[0]).close()


def test_an_interrupted_rotation_is_finished_on_the_next_open(make_desk: MakeDesk) -> None:
    desk, _ = make_desk()
    files = desk.opened.files
    # Simulate a crash after the rekey and before the key file was replaced.
    from db import keys

    secret = keys.new_recovery_secret()
    new_key = keys.ledger_key_from_recovery(secret)
    (files.keys_next).write_bytes(keys.reseal_all(desk.opened.keyfile, new_key).to_bytes())
    desk.conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
    desk.close()
    reopened = open_desk(files.db, "admin", PASSPHRASE)
    assert not files.keys_next.exists()
    assert reopened.opened.key == new_key
    reopened.close()
    store.open_with_recovery(files.db, keys.format_recovery_key(secret)).close()


def test_a_rotation_that_died_before_the_rekey_is_undone(make_desk: MakeDesk) -> None:
    from db import keys

    desk, recovery = make_desk()
    files = desk.opened.files
    new_key = keys.ledger_key_from_recovery(keys.new_recovery_secret())
    files.keys_next.write_bytes(keys.reseal_all(desk.opened.keyfile, new_key).to_bytes())
    desk.close()
    open_desk(files.db, "admin", PASSPHRASE).close()
    assert not files.keys_next.exists()
    store.open_with_recovery(files.db, recovery).close()
