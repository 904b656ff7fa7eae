"""Shared set-up for the desk-duty tests: a centre with a director, two clerks who passed
pre-job training, two windows posted crosswise (each clerk is the other's backup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from app import calendar, catalogue, centre, staff, windows
from app.desk import Desk
from app.projections import projector
from db.ledger import CHINA_TZ, rebuild_projections, verify
from tests.app.case_helpers import schedule_2027, snapshot
from tests.conftest import FakeClock, seed_through_2026

MakeDesk = Callable[..., tuple[Desk, str]]

DIRECTOR = "lisi"
CLERK = "zhangsan"  # window 1 primary, window 2 backup
CLERK2 = "wangwu"  # window 2 primary, window 1 backup
NEWBIE = "zhaoliu"  # a clerk without pre-job training
PASS = "duty pass 1234"

LSJZ = "512B0003600031"  # 临时救助: committed, 10 working days
YLBX = "512B0359100011"  # 城乡居民基本养老保险参保登记: immediate


def as_user(desk: Desk, username: str) -> Desk:
    """The same open ledger with another staff member at the keyboard (no passphrase: the
    services check roles, which is what these tests are about)."""
    member = staff.find(desk.conn, username)
    assert member is not None
    return Desk(desk.opened, desk.ledger, member, desk.clock)


def at(clock: FakeClock, day: str, hour: int = 9, minute: int = 0) -> None:
    d = dt.date.fromisoformat(day)
    clock.current = dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=CHINA_TZ)


def moment(day: str, hour: int, minute: int = 0) -> dt.datetime:
    d = dt.date.fromisoformat(day)
    return dt.datetime(d.year, d.month, d.day, hour, minute, tzinfo=CHINA_TZ)


def duty_desk(make_desk: MakeDesk, name: str = "desk.ledger") -> Desk:
    """Admin desk of 攀莲镇便民服务中心 with the demo catalogue, staff and windows."""
    desk, _ = make_desk(name)
    catalogue.install_demo(desk)
    staff.add_account(desk, DIRECTOR, "李四", "director", PASS)
    staff.add_account(desk, CLERK, "张三", "clerk", PASS)
    staff.add_account(desk, CLERK2, "王五", "clerk", PASS)
    staff.add_account(desk, NEWBIE, "赵六", "clerk", PASS)
    for clerk in (CLERK, CLERK2):
        centre.record_training(desk, clerk, "pre_job", "新进窗口人员岗前培训", True, 16)
    windows.define_window(desk, 1)
    windows.define_window(desk, 2)
    windows.assign(desk, 1, CLERK, CLERK2)
    windows.assign(desk, 2, CLERK2, CLERK)
    return desk


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def without_2027(monkeypatch: pytest.MonkeyPatch) -> None:
    """The package knows 2026 but not 2027 yet (pinned, as in test_case_deadlines)."""
    monkeypatch.setattr("app.calendar.seed_schedules", seed_through_2026)


def load_2027(desk: Desk) -> None:
    """Import the 2027 schedule (元旦 2027-01-01..03 off) as the director would."""
    assert calendar.import_file(desk, schedule_2027()) == [2027]


def assert_rebuilds_identically(desk: Desk) -> None:
    """The projections as the handlers left them equal a replay of every event."""
    before = snapshot(desk)
    assert verify(desk.conn, projector(), desk.ledger.identity).ok
    rebuild_projections(desk.conn, projector())
    assert snapshot(desk) == before
