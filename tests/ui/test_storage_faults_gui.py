"""The desk tells storage faults as they are: on the unlock screen and in the status line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from app import staff
from db import store
from tests.mounts import Mounts
from tests.ui.conftest import Gui
from tests.ui.test_desk_gui import PAGE_DESK, PAGE_UNLOCK, unlock


def _on_small_disk(ledger: Path, mounts: Mounts) -> Path:
    disk = mounts.small_disk()
    for f in (ledger, store.LedgerFiles(ledger).keys):
        shutil.copy(f, disk / f.name)
    return disk / ledger.name


def test_unlocking_on_a_full_disk_says_full_not_damaged(
    make_gui: Callable[..., Gui], ledger: Path, mounts: Mounts
) -> None:
    path = _on_small_disk(ledger, mounts)
    filler = mounts.fill(path.parent)
    gui = make_gui(path)
    unlock(gui)
    u = gui.window.unlock
    assert gui.window.pages.currentIndex() == PAGE_UNLOCK
    assert u.problem.isVisible()
    text = u.problem.text()
    assert "磁盘空间已满" in text and "不要用备份恢复" in text and "只剩" in text
    assert "已损坏" not in text
    assert not u.passphrase_error.isVisible()
    filler.unlink()
    unlock(gui)
    assert gui.window.pages.currentIndex() == PAGE_DESK


def test_a_change_on_a_full_disk_is_told_in_the_status_line(
    make_gui: Callable[..., Gui], ledger: Path, mounts: Mounts
) -> None:
    path = _on_small_disk(ledger, mounts)
    gui = make_gui(path)
    unlock(gui, "admin")
    assert gui.window.pages.currentIndex() == PAGE_DESK
    mounts.fill(path.parent)

    def many_accounts(desk: object) -> None:
        for i in range(40):
            staff.add_account(desk, f"clerk{i:02d}", "窗" * 30, "clerk", f"pass word {i:04d}")  # type: ignore[arg-type]

    gui.ctl.session.op(many_accounts)
    gui.settle()
    notice = gui.window.notice.text()
    assert "磁盘空间已满" in notice and "意外" not in notice


def test_a_damaged_key_slot_is_not_told_as_a_wrong_passphrase(
    make_gui: Callable[..., Gui], ledger: Path
) -> None:
    keyfile = store.LedgerFiles(ledger).keys
    doc = json.loads(keyfile.read_text())
    for slot in doc["slots"]:
        slot["salt"] = slot["salt"][::-1]
    keyfile.write_text(json.dumps(doc))
    gui = make_gui(ledger)
    unlock(gui)
    u = gui.window.unlock
    assert gui.window.pages.currentIndex() == PAGE_UNLOCK
    assert not u.passphrase_error.isVisible()
    assert u.problem.isVisible() and "密钥槽已损坏" in u.problem.text()
    assert "不是口令输错" in u.problem.text()


def test_unlocking_a_ledger_on_a_read_only_folder_says_read_only(
    make_gui: Callable[..., Gui], ledger: Path, mounts: Mounts
) -> None:
    path = _on_small_disk(ledger, mounts)
    view = mounts.read_only_view(path.parent)
    gui = make_gui(view / path.name)
    unlock(gui)
    u = gui.window.unlock
    assert gui.window.pages.currentIndex() == PAGE_UNLOCK
    assert u.problem.isVisible()
    assert "只读" in u.problem.text() and "已损坏" not in u.problem.text()
    assert not u.passphrase_error.isVisible()
