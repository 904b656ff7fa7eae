"""The demo ledger: a desk at 攀莲镇便民服务中心 with four weeks of realistic work, so every
screen, form and report has something true to show. Everything in it is invented and the
catalogue is marked as demo data.

The desk's life is simulated day by day on a clock that starts twenty working days before
the last day (about four weeks; more across the Spring Festival or National Day), so
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

from app import (
    away,
    cases,
    catalogue,
    centre,
    complaints,
    consultations,
    duty_records,
    ratings,
    special_services,
    staff,
    windows,
)
from app.applicants import Person
from app.calendar import load_calendar
from app.catalogue_model import ServiceItem
from app.desk import Clock, Desk, set_up
from app.errors import RuleRefused
from app.identity import resident_id_check_char
from app.permissions import Role
from app.staff import StaffMember
from app.workdays import WorkCalendar, seed_schedules
from db.ledger import CHINA_TZ, now_in_china

DEMO_PASSPHRASE = "demo-desk-2026"
DEMO_USERS = {
    "admin": ("王强", Role.ADMIN),
    "zhaomin": ("赵敏", Role.DIRECTOR),
    "liuyang": ("刘洋", Role.CLERK),
    "chenjing": ("陈静", Role.CLERK),
}
CLERKS = ("liuyang", "chenjing")
#: Working days simulated: enough for notices to lapse and cases to turn yellow and red.
WORKDAYS = 20

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
    one never decided, one whose notice came too late. Both count as accepted from receipt
    (the morning sweep records it) and run their clock from that day."""
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
    """A second notice on one application, authorised by the director with a reason; and an
    application received this afternoon that still waits for the clerk's decision, so the
    board always has one (the random days may leave none)."""
    clerk = sim.desk("chenjing")
    item = next(i for i in sim.items if i.code == "512B0003600029")  # 最低生活保障
    cases.intake(clerk, item.code, sim.person(), _all_received(item))
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


# -- desk duties -------------------------------------------------------------------------------
#
# Drawn from their own random generator, so that adding duties left the cases of the demo as
# they were. Fixed days (counted in working days from the start) carry the records every
# screen needs: a bad review followed up to the end, one left to go overdue, an appeal, a
# complaint closed and one overdue, a holiday appointment, a home visit, an overdue return.

_TOPICS = ("社保卡补办", "高龄津贴标准", "医保缴费", "户口迁移", "农村建房审批", "残疾人证办理")
_ELSEWHERE = (
    ("医保异地报销", "县政务服务中心医保窗口", "刘敏", "0812-8171234"),
    ("不动产登记", "县不动产登记中心", "周强", "0812-8172345"),
    ("出入境证件", "县公安局出入境窗口", "吴丽", "0812-8173456"),
)


@dataclass
class _Duties:
    rng: random.Random
    workdays: list[dt.date]

    def nth(self, n: int) -> dt.date:
        """The n-th working day of the simulation (negative: from the end)."""
        return self.workdays[n]


def _workdays(cal: WorkCalendar, first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if cal.is_workday(d)]


def _duties_setup(sim: _Sim) -> None:
    """The centre's profile, staff cards, training, windows, equipment and inspections."""
    director = sim.desk("zhaomin")
    today = director.today()
    centre.set_profile(
        director,
        centre.CentreProfileInput(
            "510421100",
            "攀莲镇便民服务中心",
            "四川省攀枝花市米易县攀莲镇攀莲路1号",
            "周一至周五 8:30-12:00，14:30-18:00",
            "0812-8171234",
            62_000,
            "260",
        ),
    )
    # A neighbouring ethnic township whose hall is below the third grade (ethnic-area table).
    centre.set_profile(
        director,
        centre.CentreProfileInput(
            "510421201",
            "湾丘彝族乡便民服务中心",
            "米易县湾丘彝族乡湾丘村",
            "周一至周五 8:30-12:00，14:30-18:00",
            "12345",
            8_600,
            "35",
        ),
    )
    joined = {"liuyang": 520, "chenjing": 200}  # days on the window before the demo starts
    # Both passed pre-job training before window 1 opened (chenjing was its B角 from then).
    trained = today - dt.timedelta(days=max(joined.values()))
    for username in joined:
        centre.record_training(
            director, username, "pre_job", "米易县便民服务窗口人员岗前培训", True, 16, on=trained
        )
        centre.record_training(
            director, username, "business", "社会救助业务培训", True, 8, on=today - dt.timedelta(30)
        )
        windows.set_staff_card(
            director,
            username,
            "攀莲镇人民政府",
            "综合窗口受理员",
            "13808120001" if username == "liuyang" else "13808120002",
            party_member=username == "liuyang",
        )
    windows.define_window(director, 1, "综合窗口1", "社会救助、社会保障、卫生健康")
    windows.define_window(director, 2, "综合窗口2", "农业农村、自然资源、退役军人服务")
    windows.assign(director, 1, "liuyang", "chenjing", on=today - dt.timedelta(days=520))
    windows.assign(director, 2, "chenjing", "liuyang", on=today - dt.timedelta(days=200))
    for kind, name, window_no in (
        ("phone", "办公电话", 1),
        ("pc", "台式电脑", 1),
        ("pc", "台式电脑", 2),
        ("document_camera", "高拍仪", 1),
        ("printer", "A4激光打印机", 1),
        ("printer", "80mm票据打印机", 2),
        ("rating_device", "窗口评价器", 1),
        ("rating_device", "窗口评价器", 2),
        ("monitoring", "大厅监控", None),
        ("self_service", "自助服务终端", None),
        ("fire_equipment", "干粉灭火器（4具）", None),
    ):
        centre.register_equipment(director, kind, name, window_no)
    printer = centre.list_equipment(director.conn)[5]
    centre.set_equipment_status(director, printer.asset_no, "faulty", "走纸不畅，已报修")
    # The fire check falls due mid-demo and is never done: overdue on the director's report.
    centre.record_inspection(director, "fire", "ok", "灭火器压力正常", on=today - dt.timedelta(12))
    later = sim.end + dt.timedelta(days=20)
    centre.record_inspection(director, "theft", "ok", on=today - dt.timedelta(3), next_due=later)
    centre.record_inspection(
        director, "earthquake", "issues", "档案柜未固定，已加固", today - dt.timedelta(5), later
    )
    centre.plan_inspection(director, "damp", sim.end + dt.timedelta(days=10))
    centre.plan_inspection(director, "secrecy", sim.end + dt.timedelta(days=30))


def _duties_morning(sim: _Sim) -> None:
    for username, window_no in (("liuyang", 1), ("chenjing", 2)):
        if windows.current_session(sim.desks[username].conn, username) is None:
            windows.sign_in(sim.desk(username), window_no)


def _later(sim: _Sim, minutes: int) -> None:
    sim.clock.now += dt.timedelta(minutes=minutes)


def _duties_day(sim: _Sim, d: _Duties, day: dt.date) -> None:
    """Consultations, ratings, an away note or two, special services; fixed-day records."""
    rng = d.rng
    conn = sim.desks["admin"].conn
    for _ in range(rng.randrange(1, 4)):
        clerk = sim.desk(rng.choice(CLERKS))
        _later(sim, rng.randrange(3, 15))
        if rng.random() < 0.25:
            topic, to, person, phone = rng.choice(_ELSEWHERE)
            consultations.log(
                clerk,
                f"咨询{topic}如何办理",
                f"不属于本中心受理范围，已告知到{to}办理",
                ours=False,
                topic=topic,
                referral=consultations.Referral(to, person, phone),
            )
        else:
            item = rng.choice(sim.items)
            c = consultations.log(
                clerk,
                f"{item.name}需要哪些材料、多久办结？",
                f"已告知申请材料清单和承诺时限（{item.committed_limit.label()}）",
                item_code=item.code,
            )
            if rng.random() < 0.5:
                ratings.rate(clerk, "consultation", c.consult_no, rng.choice((1, 1, 2, 2, 3)))
    done = [
        r[0]
        for r in conn.execute(
            "SELECT case_no FROM cases WHERE closed_on = ? AND state = 'completed' "
            "ORDER BY case_no",
            (day.isoformat(),),
        )
    ]
    for case_no in done:
        if rng.random() < 0.8:
            holder = cases.get_case(conn, case_no, with_timeline=False).summary.holder
            level = rng.choice((1, 1, 1, 1, 2, 2, 2, 3))
            ratings.rate(sim.desk(holder), "case", case_no, level, rng.choice(("screen", "qr")))
    if rng.random() < 0.5:
        who = rng.choice(CLERKS)
        _later(sim, 10)
        until = sim.clock.now + dt.timedelta(minutes=60)
        reason, place = rng.choice((("village", "入户核查低保家庭"), ("meeting", "镇政府党政办")))
        away.post(sim.desk(who), reason, place, until, "13808120001")
        _later(sim, rng.choice((45, 60, 75)))
        away.come_back(sim.desk(who))
    _fixed_days(sim, d, day)
    if day == sim.end:
        return  # the demo's "now" is mid-afternoon: the clerks are still at their windows
    for username in CLERKS:
        if windows.current_session(conn, username) is not None:
            windows.sign_out(sim.desk(username))


def _rate_bad(sim: _Sim, day: dt.date, level: int, comment: str) -> ratings.Rating:
    """A bad review of the latest completed case not rated yet, or else of a consultation."""
    conn = sim.desks["admin"].conn
    for (case_no,) in conn.execute(
        "SELECT case_no FROM cases WHERE state = 'completed' AND closed_on <= ? "
        "ORDER BY closed_on DESC, case_no",
        (day.isoformat(),),
    ).fetchall():
        if ratings.rating_for(conn, "case", case_no) is None:
            holder = cases.get_case(conn, case_no, with_timeline=False).summary.holder
            return ratings.rate(sim.desk(holder), "case", case_no, level, "screen", comment)
    clerk = sim.desk("liuyang")
    c = consultations.log(clerk, "低保每月发多少？", "按家庭人均收入差额发放", topic="低保标准")
    return ratings.rate(clerk, "consultation", c.consult_no, level, "screen", comment)


def _fixed_days(sim: _Sim, d: _Duties, day: dt.date) -> None:
    director, liuyang, chenjing = (sim.desk(u) for u in ("zhaomin", "liuyang", "chenjing"))
    conn = director.conn
    if day == d.nth(1):
        # A holiday appointment (the coming Sunday: a Saturday may be a make-up workday) and
        # an after-hours one.
        sunday = day + dt.timedelta(days=(6 - day.weekday()) % 7 or 7)
        special_services.record(
            liuyang, "appointment", on=sunday, time="09:30", item_code="512B0003600037",
            citizen_name="王秀英", citizen_phone="13908120003", group="elderly",
            note="子女周末陪同办理高龄津贴",
        )  # fmt: skip
        special_services.record(
            chenjing, "appointment", on=day + dt.timedelta(days=1), time="18:30",
            after_hours=True, item_code="512B0359100011", group="other", note="务工人员下班后办理",
        )  # fmt: skip
    if day == d.nth(2):
        c = complaints.register(chenjing, "box", "窗口中午没人，等了四十分钟", about_window=1)
        _later(sim, 30)
        complaints.handle(
            director, c.complaint_no, "调看监控并约谈窗口人员", "落实午间轮岗和去向留言制度"
        )
        _later(sim, 20)
        complaints.call_back(director, c.complaint_no, "电话回访，投诉人表示满意", True)
    if day == d.nth(3):
        proxy_case = conn.execute(
            "SELECT case_no FROM cases WHERE agent IS NOT NULL ORDER BY case_no LIMIT 1"
        ).fetchone()
        special_services.record(
            liuyang, "proxy", agent="挂榜村代办员 李红", group="disabled",
            note="申请人行动不便，由村代办员代办", case_no=proxy_case[0] if proxy_case else None,
        )  # fmt: skip
        special_services.record(chenjing, "fast_lane", group="sick", note="患病群众优先办理")
    if day == d.nth(4):
        bad = _rate_bad(sim, day, 4, "材料要求没讲清楚，跑了两趟")
        ratings.followup_step(director, bad.rating_no, "verify", "调阅记录：一次性告知不完整")
        _later(sim, 30)
        ratings.followup_step(sim.desk(bad.staff), bad.rating_no, "rectify",
                              "重新学习一次性告知制度，更新材料清单")  # fmt: skip
        _later(sim, 30)
        ratings.followup_step(director, bad.rating_no, "callback",
                              "电话回访，群众对整改表示满意", satisfied=True)  # fmt: skip
    if day == d.nth(6):
        bad = _rate_bad(sim, day, 5, "（评价器误触）")
        ratings.appeal(sim.desk(bad.staff), bad.rating_no, "mistaken", "群众当场表示误按")
        ratings.decide_appeal(director, bad.rating_no, True, "调看监控确认误按，不计入")
        # The Sunday appointment was kept; the evening one was missed.
        for s in special_services.list_between(conn, d.nth(0), day, "appointment"):
            if s.status == "booked":
                kept = s.holiday
                special_services.update(
                    liuyang if kept else chenjing,
                    s.service_no,
                    "done" if kept else "no_show",
                    "周日预约，已受理高龄津贴申请" if kept else "",
                )
    if day == d.nth(8):
        visit_case = conn.execute(
            "SELECT case_no FROM cases WHERE channel = 'home_visit' OR item_code = ? "
            "ORDER BY case_no LIMIT 1",
            ("512B0003600037",),
        ).fetchone()
        special_services.record(
            chenjing, "home_visit", group="elderly", address="攀莲镇双沟村4组",
            outcome="上门为卧床老人采集高龄津贴申请材料",
            case_no=visit_case[0] if visit_case else None,
        )  # fmt: skip
    if day == d.nth(-13):
        complaints.register(
            liuyang, "hotline", "办理低保要求提供的证明过多", complainant_phone="13908120004"
        )
    if day == d.nth(-9):
        # Never followed up: overdue by the end of the demo (5 working days).
        _rate_bad(sim, day, 5, "办理时间太长")
    if day == d.nth(-2):
        complaints.register(chenjing, "phone", "预约电话无人接听", about_staff="chenjing")


def _duties_last_day(sim: _Sim) -> None:
    """liuyang goes to a village and is not back in time; chenjing covers her cases."""
    liuyang = sim.desk("liuyang")
    last = liuyang.today()
    sim.clock.now = max(sim.clock.now, dt.datetime.combine(last, dt.time(13, 30), CHINA_TZ))
    if windows.current_session(liuyang.conn, "liuyang") is None:
        windows.sign_in(liuyang, 1)
    until = sim.clock.now + dt.timedelta(minutes=40)
    away.post(
        liuyang, "village", "双沟村入户核查低保家庭", until, "13808120001", "如有急事请电话联系"
    )
    duty_records.mark_read(sim.desk("zhaomin"))
    bad = _rate_bad(sim, last, 4, "等候时间较长")
    ratings.followup_step(sim.desk("zhaomin"), bad.rating_no, "verify", "核实情况属实")


def _first_day(end: dt.date) -> dt.date:
    """WORKDAYS working days back from `end` on the calendar the desk is set up with."""
    cal = WorkCalendar(seed_schedules())
    day, counted = end, 0
    while True:
        counted += cal.is_workday(day)
        if counted >= WORKDAYS:
            return day
        day -= dt.timedelta(days=1)


def create_demo_ledger(
    path: Path, end: dt.date | None = None, seed: int = 2026, clock: Clock = now_in_china
) -> str:
    """Write the demo ledger at `path` (refuses to overwrite), its simulated weeks ending on
    `end`. Returns a one-paragraph summary."""
    # The simulated weeks end yesterday by default: no event may carry a time later than the
    # desk's clock, and a desk's day runs to 18:00.
    end = end or (clock() - dt.timedelta(days=1)).date()
    clock = SimClock(dt.datetime.combine(_first_day(end), dt.time(8, 30), CHINA_TZ))
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
        duties = _Duties(random.Random(seed * 7 + 1), _workdays(cal, day, end))
        _duties_setup(sim)
        _first_day_cases(sim)
        while day <= end:
            if cal.is_workday(day):
                clock.now = dt.datetime.combine(day, dt.time(8, 30), CHINA_TZ)
                cases.lapse_overdue(sim.desk("zhaomin"))
                _duties_morning(sim)
                for action in sim.agenda.pop(day, []):
                    clock.now += dt.timedelta(minutes=sim.rng.randrange(3, 25))
                    action()
                for _ in range(sim.rng.randrange(3, 7)):
                    clock.now += dt.timedelta(minutes=sim.rng.randrange(10, 50))
                    _new_case(sim, sim.rng.choice(CLERKS))
                _duties_day(sim, duties, day)
            day += dt.timedelta(days=1)
        _duties_last_day(sim)
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
