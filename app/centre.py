"""The centre itself: its profile and hall-area grade, staff training, equipment and the
periodic safety inspections of the premises (plan §2.2, §2.4.1, §2.4.5).

The profile of this desk's own centre is everybody's business (it prints on every slip);
profiles of other centres — the village service rooms the centre guides, neighbouring
centres from the county directory — are supervision data for the director
(`centre.view_other`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from app import desk_profile, duty_records, settings
from app.errors import InvalidInput, NotFound, RuleRefused
from app.identity import check_phone, check_text
from app.permissions import allowed, require
from app.projections import REGISTRY
from db.ledger import Event
from db.sqlite import Connection

if TYPE_CHECKING:
    from app.desk import Desk

REGISTRY.own_tables("centre_profiles", "trainings", "equipment", "inspection_plan", "inspections")


# -- hall-area grade -------------------------------------------------------------------------
#
# The plan's annex 《便民服务中心大厅面积标准参考表》 (reference/000_b7c043d92ed2d383.txt,
# 附件, referred to from 二(二)1 落实便民服务场所 "大厅面积参考标准见附件"): the minimum hall
# area ("不少于") for grades 一级/二级/三级 by township population. Bands are "6万（含）以上",
# "3万（含）至6万", "1.5万（含）至3万", "1.5万以下"; only the last band has lower figures for
# ethnic areas (民族地区). The note says these are reference figures for construction.


@dataclass(frozen=True)
class AreaBand:
    min_population: int  # inclusive lower bound of the band
    label: str
    minimum_m2: tuple[int, int, int]  # 一级, 二级, 三级
    ethnic_minimum_m2: tuple[int, int, int] | None


HALL_AREA_TABLE: tuple[AreaBand, ...] = (
    AreaBand(60_000, "人口在6万（含）以上", (300, 250, 150), None),
    AreaBand(30_000, "人口在3万（含）至6万", (250, 200, 120), None),
    AreaBand(15_000, "人口在1.5万（含）至3万", (200, 150, 100), None),
    AreaBand(0, "人口在1.5万以下", (150, 100, 80), (100, 60, 40)),
)
GRADE_LABELS = {1: "一级标准", 2: "二级标准", 3: "三级标准"}
BELOW_THIRD = "未达三级标准"


@dataclass(frozen=True)
class HallGrade:
    band: str
    ethnic_variant: bool  # the ethnic-area minimums were applied
    minimum_m2: tuple[int, int, int]
    area_dm2: int  # m² × 100
    grade: int | None  # 1, 2, 3, or None below the third grade

    @property
    def label(self) -> str:
        return GRADE_LABELS[self.grade] if self.grade else BELOW_THIRD

    @property
    def below_third(self) -> bool:
        return self.grade is None

    @property
    def shortfall_m2(self) -> Decimal:
        """Square metres missing to reach the third grade (0 when it is reached)."""
        return max(Decimal(0), Decimal(self.minimum_m2[2]) - Decimal(self.area_dm2) / 100)

    @property
    def to_next_grade_m2(self) -> Decimal | None:
        """Square metres missing to reach the next grade up; None at the first grade."""
        if self.grade == 1:
            return None
        target = self.minimum_m2[(self.grade or 4) - 2]
        return Decimal(target) - Decimal(self.area_dm2) / 100


def area_band(population: int, ethnic_area: bool) -> tuple[AreaBand, tuple[int, int, int], bool]:
    for band in HALL_AREA_TABLE:
        if population >= band.min_population:
            if ethnic_area and band.ethnic_minimum_m2 is not None:
                return band, band.ethnic_minimum_m2, True
            return band, band.minimum_m2, False
    raise ValueError("population must not be negative")


def hall_grade(population: int, area_dm2: int, ethnic_area: bool = False) -> HallGrade:
    band, minimum, ethnic = area_band(population, ethnic_area)
    grade = next((g for g, m2 in enumerate(minimum, start=1) if area_dm2 >= m2 * 100), None)
    return HallGrade(band.label, ethnic, minimum, area_dm2, grade)


def parse_area(value: str | int | Decimal) -> int:
    """Hall area in m² (e.g. "152.5") → exact hundredths of m² (event bodies hold no floats)."""
    try:
        number = Decimal(str(value).strip().removesuffix("㎡").removesuffix("m2").strip())
    except InvalidOperation:
        raise InvalidInput("hall_area", "大厅面积应为数字（平方米） / area in m²") from None
    if not number.is_finite() or number < 0 or number > 100_000:
        raise InvalidInput("hall_area", "大厅面积应在 0 至 100000 平方米之间 / out of range")
    hundredths = number * 100
    if hundredths != hundredths.to_integral_value():
        raise InvalidInput("hall_area", "大厅面积最多两位小数 / at most two decimals")
    return int(hundredths)


def looks_ethnic(name: str) -> bool:
    """民族乡 (e.g. 湾丘彝族乡, 新山傈僳族乡) and autonomous areas count as ethnic areas."""
    return "族乡" in name or "自治" in name


# -- profile -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CentreProfileInput:
    centre_code: str
    name: str
    address: str
    opening_hours: str
    supervision_phone: str
    population: int
    hall_area_m2: str | int | Decimal
    ethnic_area: bool | None = None  # None: from the name (民族乡)


@dataclass(frozen=True)
class CentreProfile:
    centre_code: str
    name: str
    address: str
    opening_hours: str
    supervision_phone: str
    population: int
    hall_area_dm2: int
    ethnic_area: bool
    own: bool
    updated_at: str
    updated_by: str

    @property
    def hall_area_m2(self) -> Decimal:
        return Decimal(self.hall_area_dm2) / 100

    @property
    def grade(self) -> HallGrade:
        return hall_grade(self.population, self.hall_area_dm2, self.ethnic_area)


_HOTLINE = re.compile(r"^\d{3,6}$")  # 12345 and the like


def _check_supervision_phone(raw: str) -> str:
    value = raw.strip()
    if _HOTLINE.match(value):
        return value
    return check_phone(value, field="supervision_phone").normalised


@REGISTRY.on("centre.profile_set")
def _profile_set(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO centre_profiles (centre_code, name, address, opening_hours, "
        "supervision_phone, population, hall_area_dm2, ethnic_area, own, updated_at, updated_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (centre_code) DO UPDATE SET "
        "name = excluded.name, address = excluded.address, "
        "opening_hours = excluded.opening_hours, supervision_phone = excluded.supervision_phone, "
        "population = excluded.population, hall_area_dm2 = excluded.hall_area_dm2, "
        "ethnic_area = excluded.ethnic_area, own = excluded.own, "
        "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        (
            b["centre_code"],
            b["name"],
            b["address"],
            b["opening_hours"],
            b["supervision_phone"],
            b["population"],
            b["hall_area_dm2"],
            int(b["ethnic_area"]),
            int(b["own"]),
            event.at,
            event.actor,
        ),
    )


_PROFILE_SQL = (
    "SELECT centre_code, name, address, opening_hours, supervision_phone, population, "
    "hall_area_dm2, ethnic_area, own, updated_at, updated_by FROM centre_profiles"
)


def _profile(row: Any) -> CentreProfile:
    return CentreProfile(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), bool(row[8]),
        row[9], row[10],
    )  # fmt: skip


# Settings other modules print on slips; the own centre's profile keeps them in step.
_MIRRORED = {
    "address": "centre_address",
    "opening_hours": "opening_hours",
    "supervision_phone": "supervision_phone",
}


def set_profile(desk: Desk, data: CentreProfileInput) -> CentreProfile:
    """Record a centre's profile. For this desk's own centre the address, opening hours and
    supervision phone also become the desk settings printed on slips (same transaction)."""
    require(desk.user.role, "centre.manage")
    code = desk_profile.check_centre_code(data.centre_code)
    own = code == desk.profile().centre_code
    if not own:
        require(desk.user.role, "centre.view_other")
    if isinstance(data.population, bool) or not isinstance(data.population, int):
        raise InvalidInput("population", "人口应为整数 / population is a whole number")
    if not 0 <= data.population <= 10_000_000:
        raise InvalidInput("population", "人口数不合理 / population out of range")
    name = desk_profile.check_centre_name(data.name)
    body: dict[str, Any] = {
        "centre_code": code,
        "name": name,
        "address": check_text(data.address, "address", "地址", 60),
        "opening_hours": check_text(data.opening_hours, "opening_hours", "办公时间", 60),
        "supervision_phone": _check_supervision_phone(data.supervision_phone),
        "population": data.population,
        "hall_area_dm2": parse_area(data.hall_area_m2),
        "ethnic_area": looks_ethnic(name) if data.ethnic_area is None else bool(data.ethnic_area),
        "own": own,
    }
    with desk.ledger.write() as w:
        w.append("centre.profile_set", f"centre/{code}", body, desk.user.username)
        if own:
            for field, key in _MIRRORED.items():
                if key in settings.SETTINGS and settings.get(desk.conn, key) != body[field]:
                    value = settings.check_value(key, body[field])
                    w.append(
                        "settings.changed",
                        f"settings/{key}",
                        {"key": key, "value": value},
                        desk.user.username,
                    )
    return get_profile(desk, code)


def own_profile(conn: Connection) -> CentreProfile | None:
    row = conn.execute(_PROFILE_SQL + " WHERE own = 1").fetchone()
    return _profile(row) if row else None


def get_profile(desk: Desk, centre_code: str | None = None) -> CentreProfile:
    """This centre's profile for anyone; another centre's only with `centre.view_other`."""
    own_code = desk.profile().centre_code
    code = own_code if centre_code is None else centre_code.strip()
    if code != own_code:
        require(desk.user.role, "centre.view_other")
    row = desk.conn.execute(_PROFILE_SQL + " WHERE centre_code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(f"没有中心 {code} 的概况 / no profile for centre {code}")
    return _profile(row)


def list_profiles(desk: Desk) -> list[CentreProfile]:
    """The own centre first; the others only for those who may see them."""
    sql = _PROFILE_SQL
    if not allowed(desk.user.role, "centre.view_other"):
        sql += " WHERE own = 1"
    return [_profile(r) for r in desk.conn.execute(sql + " ORDER BY own DESC, centre_code")]


# -- training --------------------------------------------------------------------------------

TRAINING_KINDS = {
    "pre_job": "岗前培训",
    "political": "政治培训",
    "business": "业务培训",
    "service": "服务能力培训",
    "other": "其他培训",
}


@dataclass(frozen=True)
class Training:
    training_no: str
    username: str
    kind: str
    title: str
    held_on: dt.date
    hours: int
    passed: bool
    note: str
    recorded_by: str

    @property
    def kind_label(self) -> str:
        return TRAINING_KINDS[self.kind]


@REGISTRY.on("training.recorded")
def _training_recorded(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO trainings (training_no, username, kind, title, held_on, hours, passed, note, "
        "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            b["training_no"],
            b["username"],
            b["kind"],
            b["title"],
            b["on"],
            b["hours"],
            int(b["passed"]),
            b["note"],
            event.at,
            event.actor,
        ),
    )
    duty_records.bump(conn, b["training_no"])


def record_training(
    desk: Desk,
    username: str,
    kind: str,
    title: str,
    passed: bool,
    hours: int = 0,
    note: str = "",
    on: dt.date | None = None,
) -> Training:
    """A training attended (plan §2.4.1(2): 新进窗口人员岗前培训合格后方可上岗)."""
    require(desk.user.role, "centre.manage")
    member = duty_records.active_member(desk.conn, username, "username")
    duty_records.choice(kind, TRAINING_KINDS, "kind", "培训类别")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 0 <= hours <= 1000:
        raise InvalidInput("hours", "学时应为 0 至 1000 的整数 / hours 0-1000")
    day = duty_records.business_date(desk, on)
    number, _ = duty_records.next_number(desk, "training", day)
    desk.ledger.append(
        "training.recorded",
        f"training/{number}",
        {
            "training_no": number,
            "username": member.username,
            "kind": kind,
            "title": check_text(title, "title", "培训名称", 100),
            "on": day.isoformat(),
            "hours": hours,
            "passed": bool(passed),
            "note": check_text(note, "note", "备注", 200, required=False),
        },
        desk.user.username,
    )
    return trainings(desk.conn, member.username)[-1]


def trainings(conn: Connection, username: str) -> list[Training]:
    rows = conn.execute(
        "SELECT training_no, username, kind, title, held_on, hours, passed, note, recorded_by "
        "FROM trainings WHERE username = ? ORDER BY held_on, training_no",
        (username,),
    )
    return [
        Training(r[0], r[1], r[2], r[3], dt.date.fromisoformat(r[4]), r[5], bool(r[6]), r[7], r[8])
        for r in rows
    ]


def has_passed_pre_job(conn: Connection, username: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM trainings WHERE username = ? AND kind = 'pre_job' AND passed = 1 LIMIT 1",
        (username,),
    ).fetchone()
    return row is not None


def pre_job_passed_on(conn: Connection, username: str) -> dt.date | None:
    """The day this person first passed pre-job training (None: never)."""
    row = conn.execute(
        "SELECT min(held_on) FROM trainings WHERE username = ? AND kind = 'pre_job' AND passed = 1",
        (username,),
    ).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None


def require_pre_job(conn: Connection, username: str) -> None:
    if not has_passed_pre_job(conn, username):
        raise RuleRefused(
            f"{username} 没有岗前培训合格记录，不能安排到窗口（方案：新进窗口人员岗前培训合格后"
            f"方可上岗） / {username} has not passed pre-job training and cannot be put on a window"
        )


# -- equipment -------------------------------------------------------------------------------

EQUIPMENT_KINDS = {
    "phone": "办公电话",
    "pc": "电脑",
    "document_camera": "高拍仪",
    "printer": "打印机",
    "rating_device": "评价装置",
    "monitoring": "监控设施",
    "self_service": "自助服务终端",
    "fire_equipment": "消防器材",
    "other": "其他",
}
EQUIPMENT_STATUSES = {"in_use": "在用", "faulty": "故障", "retired": "报废"}


@dataclass(frozen=True)
class Equipment:
    asset_no: str
    kind: str
    name: str
    window_no: int | None
    serial: str
    status: str
    note: str
    registered_on: dt.date

    @property
    def kind_label(self) -> str:
        return EQUIPMENT_KINDS[self.kind]

    @property
    def status_label(self) -> str:
        return EQUIPMENT_STATUSES[self.status]


@REGISTRY.on("equipment.registered")
def _equipment_registered(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO equipment (asset_no, kind, name, window_no, serial, status, note, "
        "registered_on, updated_at) VALUES (?, ?, ?, ?, ?, 'in_use', ?, ?, ?)",
        (b["asset_no"], b["kind"], b["name"], b["window_no"], b["serial"], b["note"], b["on"],
         event.at),
    )  # fmt: skip
    duty_records.bump(conn, b["asset_no"])


@REGISTRY.on("equipment.status_changed")
def _equipment_status(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "UPDATE equipment SET status = ?, note = ?, updated_at = ? WHERE asset_no = ?",
        (b["status"], b["note"], event.at, b["asset_no"]),
    )


def register_equipment(
    desk: Desk,
    kind: str,
    name: str,
    window_no: int | None = None,
    serial: str = "",
    note: str = "",
    on: dt.date | None = None,
) -> Equipment:
    require(desk.user.role, "centre.manage")
    duty_records.choice(kind, EQUIPMENT_KINDS, "kind", "设备类别")
    if window_no is not None and (isinstance(window_no, bool) or not 1 <= window_no <= 99):
        raise InvalidInput("window_no", "窗口号应为 1 至 99 / window 1-99")
    day = duty_records.business_date(desk, on)
    number, _ = duty_records.next_number(desk, "equipment", day)
    desk.ledger.append(
        "equipment.registered",
        f"equipment/{number}",
        {
            "asset_no": number,
            "kind": kind,
            "name": check_text(name, "name", "设备名称", 60),
            "window_no": window_no,
            "serial": check_text(serial, "serial", "编号", 60, required=False),
            "note": check_text(note, "note", "备注", 200, required=False),
            "on": day.isoformat(),
        },
        desk.user.username,
    )
    return get_equipment(desk.conn, number)


def set_equipment_status(desk: Desk, asset_no: str, status: str, note: str = "") -> Equipment:
    require(desk.user.role, "centre.manage")
    current = get_equipment(desk.conn, asset_no)
    duty_records.choice(status, EQUIPMENT_STATUSES, "status", "设备状态")
    if current.status == "retired":
        raise RuleRefused(f"设备 {asset_no} 已报废 / the equipment is retired")
    desk.ledger.append(
        "equipment.status_changed",
        f"equipment/{asset_no}",
        {
            "asset_no": asset_no,
            "status": status,
            "note": check_text(note, "note", "备注", 200, False),
        },
        desk.user.username,
    )
    return get_equipment(desk.conn, asset_no)


_EQUIPMENT_SQL = (
    "SELECT asset_no, kind, name, window_no, serial, status, note, registered_on FROM equipment"
)


def _equipment(r: Any) -> Equipment:
    return Equipment(r[0], r[1], r[2], r[3], r[4], r[5], r[6], dt.date.fromisoformat(r[7]))


def get_equipment(conn: Connection, asset_no: str) -> Equipment:
    row = conn.execute(_EQUIPMENT_SQL + " WHERE asset_no = ?", (asset_no.strip(),)).fetchone()
    if row is None:
        raise NotFound(f"没有设备 {asset_no} / no equipment {asset_no}")
    return _equipment(row)


def list_equipment(conn: Connection, include_retired: bool = False) -> list[Equipment]:
    where = "" if include_retired else " WHERE status != 'retired'"
    return [_equipment(r) for r in conn.execute(_EQUIPMENT_SQL + where + " ORDER BY asset_no")]


# -- safety inspections ------------------------------------------------------------------------

# Plan §2.4.5 场所管理: 防火、防盗、防潮、防震、防失泄密, and drills of the emergency plan.
INSPECTION_KINDS = {
    "fire": "防火检查",
    "theft": "防盗检查",
    "damp": "防潮检查",
    "earthquake": "防震检查",
    "secrecy": "防失泄密检查",
    "drill": "应急预案演练",
}
INSPECTION_RESULTS = {"ok": "合格", "issues": "发现问题"}


@REGISTRY.on("inspection.planned")
def _inspection_planned(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO inspection_plan (kind, next_due, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (kind) DO UPDATE SET next_due = excluded.next_due, "
        "updated_at = excluded.updated_at",
        (b["kind"], b["due_on"], event.at),
    )


@REGISTRY.on("inspection.recorded")
def _inspection_recorded(conn: Connection, event: Event) -> None:
    b = event.body
    conn.execute(
        "INSERT INTO inspections (inspection_no, kind, done_on, result, findings, next_due, "
        "inspector, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (b["inspection_no"], b["kind"], b["on"], b["result"], b["findings"], b["next_due"],
         event.actor, event.at),
    )  # fmt: skip
    # The latest inspection (by date) sets the plan; a back-dated older one does not.
    conn.execute(
        "INSERT INTO inspection_plan (kind, next_due, last_done_on, last_result, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind) DO UPDATE SET "
        "next_due = excluded.next_due, last_done_on = excluded.last_done_on, "
        "last_result = excluded.last_result, updated_at = excluded.updated_at "
        "WHERE inspection_plan.last_done_on IS NULL "
        "OR inspection_plan.last_done_on <= excluded.last_done_on",
        (b["kind"], b["next_due"], b["on"], b["result"], event.at),
    )
    duty_records.bump(conn, b["inspection_no"])


def plan_inspection(desk: Desk, kind: str, due_on: dt.date) -> None:
    """Set when an inspection of this kind is due (e.g. the first one)."""
    require(desk.user.role, "centre.manage")
    duty_records.choice(kind, INSPECTION_KINDS, "kind", "检查类别")
    desk.ledger.append(
        "inspection.planned",
        f"inspection/{kind}",
        {"kind": kind, "due_on": due_on.isoformat()},
        desk.user.username,
    )


def record_inspection(
    desk: Desk,
    kind: str,
    result: str,
    findings: str = "",
    on: dt.date | None = None,
    next_due: dt.date | None = None,
) -> str:
    """An inspection done; the next one falls due after the configured interval."""
    require(desk.user.role, "centre.manage")
    duty_records.choice(kind, INSPECTION_KINDS, "kind", "检查类别")
    duty_records.choice(result, INSPECTION_RESULTS, "result", "检查结果")
    day = duty_records.business_date(desk, on)
    if next_due is None:
        interval = int(settings.get(desk.conn, "inspection_interval_days"))
        next_due = day + dt.timedelta(days=interval)
    if next_due <= day:
        raise InvalidInput("next_due", "下次检查日期须晚于本次 / next due must be later")
    number, _ = duty_records.next_number(desk, "inspection", day)
    desk.ledger.append(
        "inspection.recorded",
        f"inspection/{kind}",
        {
            "inspection_no": number,
            "kind": kind,
            "on": day.isoformat(),
            "result": result,
            "findings": check_text(
                findings, "findings", "检查情况", 500, required=result == "issues"
            ),
            "next_due": next_due.isoformat(),
        },
        desk.user.username,
    )
    return number


@dataclass(frozen=True)
class InspectionStatus:
    kind: str
    next_due: dt.date | None  # None: never planned nor done
    last_done_on: dt.date | None
    last_result: str | None
    days_overdue: int  # natural days past the due date, 0 if not overdue

    @property
    def label(self) -> str:
        return INSPECTION_KINDS[self.kind]

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def unscheduled(self) -> bool:
        return self.next_due is None


def inspection_status(conn: Connection, today: dt.date) -> list[InspectionStatus]:
    """Every kind of inspection with its due date; overdue when the due date has passed."""
    plan = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT kind, next_due, last_done_on, last_result FROM inspection_plan"
        )
    }
    result: list[InspectionStatus] = []
    for kind in INSPECTION_KINDS:
        row = plan.get(kind)
        if row is None:
            result.append(InspectionStatus(kind, None, None, None, 0))
            continue
        due = dt.date.fromisoformat(row[0])
        last = dt.date.fromisoformat(row[1]) if row[1] else None
        result.append(InspectionStatus(kind, due, last, row[2], max(0, (today - due).days)))
    return result
