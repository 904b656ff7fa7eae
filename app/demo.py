"""The demo ledger: a desk at 攀莲镇便民服务中心 with four weeks of realistic work, so every
screen, form and report has something true to show. Everything in it is invented and the
catalogue is marked as demo data.

The desk's life is simulated day by day on a clock that starts four weeks before today, so
the ledger is a real sequence of events — intake, notices, returns, acceptances, special
procedures, completions, rejections, withdrawals and lapses — and ends with open cases whose
deadlines are green, yellow and red today.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app import cases, catalogue, staff
from app.applicants import Person
from app.calendar import load_calendar
from app.catalogue_model import ServiceItem
from app.desk import Desk, set_up
from app.errors import RuleRefused
from app.identity import resident_id_check_char
from app.permissions import Role
from app.staff import StaffMember
from db.ledger import CHINA_TZ, now_in_china

DEMO_PASSPHRASE = "demo-desk-2026"
DEMO_USERS = {
    "admin": ("王强", Role.ADMIN),
    "zhaomin": ("赵敏", Role.DIRECTOR),
    "liuyang": ("刘洋", Role.CLERK),
    "chenjing": ("陈静", Role.CLERK),
}
CLERKS = ("liuyang", "chenjing")
DAYS = 28

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "秀英桂英玉兰志强建国建华永红海燕丽娟国平明华春梅文华德明成刚小红晓燕兴华光荣淑珍"
    "凤英树林福贵金花世杰红梅立新永刚"
)
_VILLAGES = ("攀莲村", "挂榜村", "双沟村", "丙谷村", "贤家村", "马鞍村", "安宁村", "田坝村")
_DEPARTMENTS = ("社会事务办", "社保服务中心", "民政办", "自然资源所", "卫健办", "退役军人服务站")


class SimClock:
    """The demo's clock: moved by hand through the simulated weeks."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class _Sim:
    rng: random.Random
    clock: SimClock
    desks: dict[str, Desk]
    items: list[ServiceItem]
    agenda: dict[dt.date, list[Callable[[], None]]]
    end: dt.date

    def desk(self, username: str) -> Desk:
        return self.desks[username]

    def later(self, day: dt.date, action: Callable[[], None]) -> None:
        self.agenda[day].append(action)

    def person(self) -> Person:
        rng = self.rng
        name = rng.choice(_SURNAMES) + "".join(
            rng.choice(_GIVEN) for _ in range(rng.choice((1, 2)))
        )
        birth = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 70))
        body = f"510421{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
        phone = f"1{rng.choice('3589')}{rng.randrange(0, 10**9):09d}"
        address = f"四川省攀枝花市米易县攀莲镇{rng.choice(_VILLAGES)}{rng.randrange(1, 12)}组"
        return Person(name, "resident_id", body + resident_id_check_char(body), phone, address)


def _ticks(item: ServiceItem, missing: int, rng: random.Random) -> dict[str, cases.MaterialTick]:
    needed = [m for m in item.materials if m.required and not m.condition]
    absent = set(m.code for m in rng.sample(needed, min(missing, len(needed))))
    ticks: dict[str, cases.MaterialTick] = {}
    for m in item.materials:
        if m.code in absent:
            if rng.random() < 0.3:
                ticks[m.code] = cases.MaterialTick("defective", "复印件不清晰，无法辨认")
            continue
        applies = m.required and not m.condition
        ticks[m.code] = cases.MaterialTick("received" if applies else "not_applicable")
    return ticks


def _all_received(item: ServiceItem) -> dict[str, cases.MaterialTick]:
    """Everything the item always needs; conditional materials only where they apply."""
    return {
        m.code: cases.MaterialTick(
            "received" if m.required and not m.condition else "not_applicable"
        )
        for m in item.materials
    }


def _new_case(sim: _Sim, clerk: str) -> None:
    """One citizen at the window, and what happens to their application over the weeks."""
    rng = sim.rng
    desk = sim.desk(clerk)
    item = rng.choice(sim.items)
    today = desk.today()
    cal = load_calendar(desk.conn)
    roll = rng.random()
    agent = None
    if rng.random() < 0.15:
        helper = sim.person()
        agent = Person(
            helper.name,
            helper.id_type,
            helper.id_number,
            helper.phone,
            relationship=rng.choice(("子女", "配偶", "村（社区）代办员")),
        )
    complete = roll < 0.6 or item.case_kind == "immediate"
    ticks = _all_received(item) if complete else _ticks(item, rng.choice((1, 1, 2)), rng)
    channel = "proxy" if agent else rng.choice(("window", "window", "window", "appointment"))
    result = cases.intake(desk, item.code, sim.person(), ticks, agent, channel)
    case_no = result.case_no

    if item.case_kind == "immediate":
        cases.accept(desk, case_no)
        cases.complete(desk, case_no, "approved", "window", item.result_name or "", "")
        return
    if roll > 0.92:
        cases.reject(
            desk,
            case_no,
            "申请人户籍不在本镇，不属于本中心受理范围",
            "请到户籍所在地乡（镇）人民政府便民服务中心申请",
        )
        return
    if not complete:
        cases.issue_notice(desk, case_no)
        if rng.random() < 0.7:
            back = cal.add_workdays(today, rng.randrange(1, 7)).date
            sim.later(back, lambda: _returns(sim, clerk, case_no, item))
        return
    if (sim.end - today).days <= 2 and roll > 0.5:
        return  # still waiting for the clerk's decision (received)
    cases.accept(desk, case_no)
    _plan_handling(sim, clerk, case_no, item)


def _returns(sim: _Sim, clerk: str, case_no: str, item: ServiceItem) -> None:
    desk = sim.desk(clerk)
    detail = cases.get_case(desk.conn, case_no, with_timeline=False)
    if detail.state != "awaiting_correction":
        return
    cases.accept(desk, case_no, _all_received(item))
    _plan_handling(sim, clerk, case_no, item)


def _plan_handling(sim: _Sim, clerk: str, case_no: str, item: ServiceItem) -> None:
    rng = sim.rng
    desk = sim.desk(clerk)
    cal = load_calendar(desk.conn)
    today = desk.today()
    sim.later(
        cal.add_workdays(today, 1).date,
        lambda: _safe(lambda: cases.forward(desk, case_no, rng.choice(_DEPARTMENTS))),
    )
    limit = item.committed_limit.days
    if rng.random() < 0.08:
        start = cal.add_workdays(today, 2).date
        sim.later(
            start,
            lambda: _safe(
                lambda: cases.pause(
                    desk, case_no, "public_notice", "低保对象名单在村务公开栏公示7天"
                )
            ),
        )
        sim.later(
            cal.add_workdays(start, 5).date, lambda: _safe(lambda: cases.resume(desk, case_no))
        )
    if rng.random() < 0.05:
        sim.later(
            cal.add_workdays(today, 2).date,
            lambda: _safe(
                lambda: cases.withdraw(desk, case_no, "申请人家庭情况变化，主动撤回申请")
            ),
        )
        return
    # Most finish within the limit; a few run late, and those still open show red today.
    spread = max(
        1, limit + (rng.randrange(1, 4) if rng.random() < 0.1 else -rng.randrange(0, limit))
    )
    done = cal.add_workdays(today, spread).date
    result = "approved" if rng.random() < 0.9 else "not_approved"
    sim.later(
        done,
        lambda: _safe(
            lambda: cases.complete(
                desk,
                case_no,
                result,
                rng.choice(("window", "window", "post")),
                item.result_name if result == "approved" else "",
                f"MY{rng.randrange(10**5, 10**6)}"
                if result == "approved" and item.result_name
                else "",
            )
        ),
    )


def _safe(action: Callable[[], object]) -> None:
    """Planned steps whose case has moved on (withdrawn, still paused) are simply skipped."""
    with contextlib.suppress(RuleRefused):
        action()


def _first_day_cases(sim: _Sim) -> None:
    """Two cases that break the five-day rule of 行政许可法 §32, for the director's report:
    one never decided, one whose notice came too late (it counts as accepted on receipt)."""
    desk = sim.desk("liuyang")
    item = next(i for i in sim.items if i.code == "512B0003600031")  # 临时救助
    cases.intake(desk, item.code, sim.person(), _all_received(item))
    late = cases.intake(desk, item.code, sim.person(), _ticks(item, 1, sim.rng))
    cal = load_calendar(desk.conn)
    sim.later(
        cal.add_workdays(desk.today(), 7).date,
        lambda: _safe(lambda: cases.issue_notice(desk, late.case_no)),
    )
    # A five-day item accepted four weeks ago and never finished: red on today's board.
    quick = next(i for i in sim.items if i.code == "51201103900010")  # 残疾人证申领（初审）
    overdue = cases.intake(desk, quick.code, sim.person(), _all_received(quick))
    cases.accept(desk, overdue.case_no)
    sim.later(
        cal.add_workdays(desk.today(), 1).date,
        lambda: _safe(lambda: cases.forward(desk, overdue.case_no, "残联")),
    )


def _last_day_cases(sim: _Sim) -> None:
    """A second notice on one application, authorised by the director with a reason."""
    clerk = sim.desk("chenjing")
    item = next(i for i in sim.items if i.code == "512B0003600029")  # 最低生活保障
    case = cases.intake(clerk, item.code, sim.person(), _ticks(item, 1, sim.rng))
    cases.issue_notice(clerk, case.case_no)
    override = cases.NoticeOverride("zhaomin", "申请人补交的收入证明与户口簿信息不一致，需另行补正")
    cases.issue_notice(
        clerk,
        case.case_no,
        [
            cases.NoticeItem(
                "村委会出具的家庭收入证明", "与户口簿记载的家庭成员不一致", "请村委会核实后重新出具"
            )
        ],
        override=override,
    )


def create_demo_ledger(path: Path, today: dt.date | None = None, seed: int = 2026) -> str:
    """Write the demo ledger at `path` (refuses to overwrite). Returns a one-paragraph summary."""
    end = today or now_in_china().date()
    clock = SimClock(dt.datetime.combine(end - dt.timedelta(days=DAYS), dt.time(8, 30), CHINA_TZ))
    admin_name, _ = DEMO_USERS["admin"]
    desk, recovery = set_up(
        path,
        centre_code="510421100",
        centre_name="攀莲镇便民服务中心",
        desk_no=1,
        admin_username="admin",
        admin_display_name=admin_name,
        passphrase=DEMO_PASSPHRASE,
        clock=clock,
    )
    try:
        for username, (name, role) in DEMO_USERS.items():
            if username != "admin":
                staff.add_account(desk, username, name, role.value, DEMO_PASSPHRASE)
        catalogue.install_demo(desk)
        desks = {
            username: Desk(desk.opened, desk.ledger, StaffMember(username, name, role, True), clock)
            for username, (name, role) in DEMO_USERS.items()
        }
        sim = _Sim(
            random.Random(seed),
            clock,
            desks,
            [p.item for p in catalogue.current_items(desk.conn)],
            defaultdict(list),
            end,
        )
        cal = load_calendar(desk.conn)
        day = clock.now.date()
        while not cal.is_workday(day):
            day += dt.timedelta(days=1)
        clock.now = dt.datetime.combine(day, dt.time(8, 30), CHINA_TZ)
        _first_day_cases(sim)
        while day <= end:
            if cal.is_workday(day):
                clock.now = dt.datetime.combine(day, dt.time(8, 30), CHINA_TZ)
                cases.lapse_overdue(sim.desk("zhaomin"))
                for action in sim.agenda.pop(day, []):
                    clock.now += dt.timedelta(minutes=sim.rng.randrange(3, 25))
                    action()
                for _ in range(sim.rng.randrange(3, 7)):
                    clock.now += dt.timedelta(minutes=sim.rng.randrange(10, 50))
                    _new_case(sim, sim.rng.choice(CLERKS))
            day += dt.timedelta(days=1)
        clock.now = dt.datetime.combine(end, dt.time(16, 30), CHINA_TZ)
        _last_day_cases(sim)
        counts = dict(
            desk.conn.execute("SELECT state, count(*) FROM cases GROUP BY state").fetchall()
        )
    finally:
        desk.close()
    states = "，".join(f"{cases.STATE_LABELS[s]} {n}" for s, n in sorted(counts.items()))
    return (
        f"演示台账已创建：{path}\n办件：{states}\n"
        f"账号 admin / zhaomin（负责人）/ liuyang / chenjing（窗口），口令均为 {DEMO_PASSPHRASE}\n"
        f"恢复密钥（演示用）：{recovery}"
    )
