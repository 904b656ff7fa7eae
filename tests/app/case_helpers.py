"""Shared helpers for the case, deadline and catalogue tests: demo items, valid applicants,
cases driven into a given state, event counting and projection snapshots."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import chinese_calendar

from app import cases, catalogue, staff
from app.applicants import Person
from app.desk import Desk, open_desk
from app.identity import resident_id_check_char
from app.projections import projector
from db.ledger import CHINA_TZ
from tests.conftest import FakeClock

MakeDesk = Callable[..., tuple[Desk, str]]

# Demo catalogue items (app/data/demo_catalogue.json) the tests rely on.
DBSQ = "512B0003600029"  # 最低生活保障: committed, 25 working days
LSJZ = "512B0003600031"  # 临时救助: committed, 10 working days
GLJT = "512B0003600037"  # 80周岁以上老年人高龄津贴发放: committed, 15 working days
YLBX = "512B0359100011"  # 城乡居民基本养老保险参保登记: immediate (即办件)
YHSP = "512B0142100003"  # 森林防火期内野外用火审批: committed, 1 natural day
SBK = "512B0359100030"  # 社会保障卡申领: committed, 20 natural days

DIRECTOR, DIRECTOR_PASS = "lisi", "li pass 1234"
CLERK, CLERK_PASS = "zhangsan", "zhang pass 1234"

NAMES = ("张三", "李秀英", "王建国", "赵敏", "陈", "欧阳春花", "刘洋", "杨丽")


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def at(clock: FakeClock, text: str, hour: int = 9) -> None:
    """Move the desk's "today" to the given date (Asia/Shanghai)."""
    d = day(text)
    clock.current = dt.datetime(d.year, d.month, d.day, hour, 0, tzinfo=CHINA_TZ)


def resident_id(n: int) -> str:
    """A valid resident ID number (GB 11643) of 米易县, distinct for each n < 1000."""
    body = f"510421{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


def mobile(n: int) -> str:
    return f"138{n:08d}"


def person(n: int = 0, name: str | None = None, phone: str | None = None) -> Person:
    return Person(
        name or NAMES[n % len(NAMES)],
        "resident_id",
        resident_id(n),
        phone or mobile(n),
        "米易县攀莲镇",
    )


def tick(*codes: str, status: str = "received", note: str = "") -> dict[str, cases.MaterialTick]:
    return {c: cases.MaterialTick(status, note) for c in codes}


def required_codes(desk: Desk, item_code: str) -> tuple[str, ...]:
    """Materials the item always needs (required, with no condition)."""
    item = catalogue.get_item(desk.conn, item_code).item
    return tuple(m.code for m in item.materials if m.required and not m.condition)


def all_received(desk: Desk, item_code: str) -> dict[str, cases.MaterialTick]:
    return tick(*required_codes(desk, item_code))


def event_count(desk: Desk) -> int:
    return int(desk.conn.execute("SELECT count(*) FROM events").fetchone()[0])


def case_kinds(desk: Desk, case_no: str) -> list[str]:
    return [e.kind for e in cases.get_case(desk.conn, case_no).timeline]


def snapshot(desk: Desk) -> dict[str, list[tuple[Any, ...]]]:
    """Every projection table, rows sorted: equal snapshots, equal projections."""
    return {
        table: sorted((tuple(r) for r in desk.conn.execute(f'SELECT * FROM "{table}"')), key=repr)
        for table in projector().tables
    }


def demo_desk(make_desk: MakeDesk, name: str = "desk.ledger", **overrides: object) -> Desk:
    """A desk with the demo catalogue, a director (lisi) and a clerk (zhangsan)."""
    desk, _ = make_desk(name, **overrides)
    catalogue.install_demo(desk)
    staff.add_account(desk, DIRECTOR, "李四", "director", DIRECTOR_PASS)
    staff.add_account(desk, CLERK, "张三丰", "clerk", CLERK_PASS)
    return desk


@contextlib.contextmanager
def session(desk: Desk, username: str, passphrase: str, clock: FakeClock) -> Iterator[Desk]:
    """The same ledger opened by another staff member, closed afterwards."""
    other = open_desk(desk.path, username, passphrase, clock=clock)
    try:
        yield other
    finally:
        other.close()


def new_case(
    desk: Desk,
    item_code: str = LSJZ,
    n: int = 0,
    complete: bool = True,
    on: dt.date | None = None,
) -> str:
    ticks = all_received(desk, item_code) if complete else tick(required_codes(desk, item_code)[0])
    return cases.intake(desk, item_code, person(n), ticks, on=on).case_no


def case_in_state(desk: Desk, state: str, n: int = 0, paused: bool = False) -> str:
    """A 临时救助 case driven through the real commands into `state` (dated today)."""
    if state in ("accepted", "in_handling", "completed") or (state == "withdrawn" and paused):
        no = new_case(desk, n=n)
        cases.accept(desk, no)
        if state in ("in_handling", "completed"):
            cases.forward(desk, no, "民政办")
        if paused:
            cases.pause(desk, no, "public_notice", "公示七天")
        if state == "completed":
            cases.complete(desk, no, "approved", certificate_name="临时救助金发放通知")
        if state == "withdrawn":
            cases.withdraw(desk, no, "申请人自愿撤回")
        return no
    if state == "lapsed":
        # Received ten days ago with a notice that day; the return-by date was yesterday.
        earlier = desk.today() - dt.timedelta(days=10)
        no = new_case(desk, n=n, complete=False, on=earlier)
        cases.issue_notice(desk, no, return_by=desk.today() - dt.timedelta(days=1), on=earlier)
        cases.lapse(desk, no)
        return no
    no = new_case(desk, n=n, complete=False)
    if state == "received":
        return no
    if state == "rejected":
        cases.reject(desk, no, "不属于本中心受理范围", "请到县民政局办理")
        return no
    if state == "withdrawn":
        cases.withdraw(desk, no, "申请人自愿撤回")
        return no
    if state == "awaiting_correction":
        cases.issue_notice(desk, no)
        return no
    raise AssertionError(f"no recipe for {state}")


def naive_due(start: dt.date, days: int, unit: str) -> dt.date:
    """An independent oracle straight from the chinesecalendar package, one day at a time:
    working days count from the day after `start` (民法典 §201); a natural-day period that
    ends on a day off ends on the next working day instead (民法典 §203)."""
    if days == 0:
        return start
    if unit == "natural":
        d = start + dt.timedelta(days=days)
        while not chinese_calendar.is_workday(d):
            d += dt.timedelta(days=1)
        return d
    d, left = start, days
    while left:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            left -= 1
    return d


def schedule_2027(moved: bool = True) -> str:
    """A clerkdesk-holidays file for 2027 (example dates, docs/holiday-file-format.md)."""
    holidays = ["2027-01-01", "2027-01-02", "2027-01-03"] if moved else []
    holidays += [f"2027-02-{d:02d}" for d in range(5, 14)]
    holidays += [f"2027-10-0{d}" for d in range(1, 8)]
    return json.dumps(
        {
            "format": "clerkdesk-holidays",
            "version": 1,
            "years": [
                {
                    "year": 2027,
                    "source": "测试数据（非官方）：2027年部分节假日安排",
                    "holidays": [{"date": d, "name": "节假日"} for d in holidays],
                    "workdays": [{"date": "2027-02-20", "name": "春节"}],
                }
            ],
        },
        ensure_ascii=False,
    )
