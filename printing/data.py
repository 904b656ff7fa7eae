"""Plain data the forms are printed from.

`printing/` never reads the ledger: `app/` builds these frozen dataclasses from its own
records and hands them over. ID numbers and phone numbers are given in full; each form
decides what it masks (see `printing.masking`). Required text must not be blank and every
sequence is a tuple; anything a form cannot print raises `PrintingError` on construction, so
a bad value is caught where it is made, not halfway through a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Literal

from printing.errors import PrintingError

TimeUnit = Literal["工作日", "自然日"]
TIME_UNITS: tuple[TimeUnit, ...] = ("工作日", "自然日")


def _require(obj: object, *names: str) -> None:
    """Every named str field must hold non-blank text."""
    for name in names:
        value = getattr(obj, name)
        if not isinstance(value, str) or not value.strip():
            raise PrintingError(f"{type(obj).__name__}.{name} 不能为空 / must not be blank")


def _require_tuples(obj: object) -> None:
    """Sequences must be tuples: a list would make the frozen dataclass unhashable and
    mutable behind the form's back."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, list):
            raise PrintingError(
                f"{type(obj).__name__}.{f.name} 须为元组 / must be a tuple, not a list"
            )


def check_barcode_value(value: str, what: str = "办件编号") -> None:
    """Code128 carries printable ASCII only; a case number that isn't cannot be scanned."""
    if not value or any(not (" " <= ch <= "~") for ch in value):
        raise PrintingError(
            f"{what}“{value}”不能用条码打印：只能包含字母、数字和常用符号 / "
            "a barcode value must be non-empty printable ASCII"
        )


@dataclass(frozen=True)
class CentreInfo:
    """The service centre printing the form (its public data)."""

    name: str  # 米易县攀莲镇便民服务中心
    division_code: str  # 行政区划代码, 9 or 12 digits: 510421100
    address: str
    phone: str  # 咨询电话
    supervision_phone: str  # 监督电话
    opening_hours: str  # 办公时间

    def __post_init__(self) -> None:
        _require(self, "name", "division_code", "address", "phone", "supervision_phone")
        if not self.division_code.isascii() or not self.division_code.isdigit():
            raise PrintingError(
                f"行政区划代码“{self.division_code}”须为数字 / division code must be digits"
            )


@dataclass(frozen=True)
class Person:
    """An applicant or an agent (代理人/代办人). `id_number` and `phone` in full: the form
    masks them."""

    name: str
    id_number: str
    id_type: str = "居民身份证"
    phone: str = ""
    address: str = ""
    relation: str = ""  # an agent's relation to the applicant: 子女, 村代办员...

    def __post_init__(self) -> None:
        _require(self, "name", "id_number", "id_type")


@dataclass(frozen=True)
class ServiceItemRef:
    """The service item (事项) a case is about."""

    code: str  # 事项编码: 512B0003600029
    name: str  # 最低生活保障
    case_type: str = "承诺件"  # 即办件 / 承诺件
    department: str = ""  # 承办/审批部门

    def __post_init__(self) -> None:
        _require(self, "code", "name", "case_type")


@dataclass(frozen=True)
class StaffRef:
    """A staff member as printed: the clerk or the first responder. `phone` is the desk's
    work phone and is printed in full."""

    name: str
    window: str  # 3号窗口
    phone: str = ""

    def __post_init__(self) -> None:
        _require(self, "name", "window")


@dataclass(frozen=True)
class TimeLimit:
    value: int
    unit: TimeUnit = "工作日"

    def __post_init__(self) -> None:
        if self.value < 0:
            raise PrintingError(f"时限不能为负数：{self.value} / time limit must not be negative")
        if self.unit not in TIME_UNITS:
            raise PrintingError(f"时限单位“{self.unit}”无效，应为工作日或自然日 / bad unit")


@dataclass(frozen=True)
class Deadline:
    """The committed completion date. `provisional` is True when the date depends on a
    holiday schedule not loaded yet: the form then says so, in the words of
    `provisional_reason` when given (why, true for this date)."""

    due: date
    limit: TimeLimit
    provisional: bool = False
    provisional_reason: str = ""


@dataclass(frozen=True)
class ReceivedMaterial:
    name: str
    form: str = "原件"  # 原件 / 复印件 / 原件和复印件 / 电子材料
    copies: int = 1

    def __post_init__(self) -> None:
        _require(self, "name", "form")
        if self.copies < 1:
            raise PrintingError(f"材料“{self.name}”份数须大于0 / copies must be positive")


@dataclass(frozen=True)
class ReceiptData:
    """受理回执 / 受理通知书."""

    centre: CentreInfo
    doc_number: str  # 受理文书编号: 攀莲便民受〔2025〕0007号
    case_number: str  # 办件编号, printed as Code128
    item: ServiceItemRef
    applicant: Person
    accepted_at: datetime
    deadline: Deadline
    clerk: StaffRef
    materials: tuple[ReceivedMaterial, ...]
    agent: Person | None = None
    legal_basis: str = ""  # optional, e.g. 《社会救助暂行办法》第十一条
    pickup_instructions: str = ""  # how and where the result is collected
    qr_payload: str | None = None  # optional QR (e.g. a progress-query URL)

    def __post_init__(self) -> None:
        _require(self, "doc_number", "case_number")
        _require_tuples(self)
        check_barcode_value(self.case_number)
        if not self.materials:
            raise PrintingError("受理回执须列明收到的材料 / a receipt lists the materials received")


@dataclass(frozen=True)
class MissingMaterial:
    """One line of a one-time notice: what is missing or wrong, and how to put it right."""

    name: str
    problem: str  # 缺少 / 复印件不清晰 / 未签字...
    how_to_fix: str

    def __post_init__(self) -> None:
        _require(self, "name", "problem", "how_to_fix")


#: The legal basis a one-time notice cites (行政许可法 §32: tell everything, once).
NOTICE_LEGAL_BASIS = "《中华人民共和国行政许可法》第三十二条"


@dataclass(frozen=True)
class NoticeData:
    """一次性告知书 (补正材料通知书): every missing or defective material, at once."""

    centre: CentreInfo
    doc_number: str
    case_number: str  # the waiting application's number: scanned when the citizen returns
    item: ServiceItemRef
    applicant: Person
    received_at: datetime  # 收件时间
    issued_at: datetime
    missing: tuple[MissingMaterial, ...]
    return_by: date
    clerk: StaffRef
    agent: Person | None = None
    legal_basis: str = NOTICE_LEGAL_BASIS
    notes: tuple[str, ...] = ()  # local rules, e.g. what happens when the date passes
    qr_payload: str | None = None

    def __post_init__(self) -> None:
        _require(self, "doc_number", "case_number", "legal_basis")
        _require_tuples(self)
        check_barcode_value(self.case_number)
        if not self.missing:
            raise PrintingError(
                "一次性告知书须列明需补正的材料 / a notice must list at least one material"
            )


@dataclass(frozen=True)
class RejectionData:
    """不予受理通知书: the reason, where to go instead, and the applicant's remedies."""

    centre: CentreInfo
    doc_number: str
    item: ServiceItemRef
    applicant: Person
    received_at: datetime
    issued_on: date
    reason: str  # 经审查，… (the finding, one or more sentences)
    where_to_go: str  # 建议向…申请 (department, address, phone)
    review_body: str  # 行政复议机关: 米易县人民政府
    court: str  # 行政诉讼: 米易县人民法院
    clerk: StaffRef
    agent: Person | None = None
    legal_basis: str = ""
    case_number: str = ""  # barcode printed when given

    def __post_init__(self) -> None:
        _require(self, "doc_number", "reason", "where_to_go", "review_body", "court")
        if self.case_number:
            check_barcode_value(self.case_number)


@dataclass(frozen=True)
class CompletionData:
    """办结通知书."""

    centre: CentreInfo
    doc_number: str
    case_number: str
    item: ServiceItemRef
    applicant: Person
    accepted_at: datetime
    completed_at: datetime
    deadline: Deadline
    approved: bool
    result: str  # 准予… / 不予…, with amounts and dates
    delivery: str  # 送达方式: 窗口领取 / 邮寄送达 / 电子送达
    clerk: StaffRef
    pickup_instructions: str = ""
    agent: Person | None = None
    # Needed when not approved: the applicant's remedies are printed.
    review_body: str = ""
    court: str = ""
    evaluation_qr: str | None = None  # optional QR for 好差评

    def __post_init__(self) -> None:
        _require(self, "doc_number", "case_number", "result", "delivery")
        check_barcode_value(self.case_number)
        if not self.approved and not (self.review_body.strip() and self.court.strip()):
            raise PrintingError(
                "不予批准的办结通知须写明行政复议机关和人民法院 / "
                "a refusal must name the review body and the court"
            )

    @property
    def on_time(self) -> bool:
        return self.completed_at.date() <= self.deadline.due


@dataclass(frozen=True)
class ReferralData:
    """首问负责告知单: a matter that is not ours, and exactly where to take it."""

    centre: CentreInfo
    slip_number: str
    asked_at: datetime
    citizen_name: str
    citizen_phone: str
    question: str  # 咨询事项
    answer: str  # 告知内容: why it is not ours, what to bring
    referred_to: str  # department / window
    referred_address: str
    contact_person: str
    contact_phone: str
    responder: StaffRef  # 首问责任人
    office_hours: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        _require(
            self,
            "slip_number",
            "citizen_name",
            "question",
            "answer",
            "referred_to",
            "referred_address",
            "contact_phone",
        )


@dataclass(frozen=True)
class GuideMaterial:
    name: str
    form: str  # 原件 / 复印件 / 原件和复印件
    copies: str  # 1份; a string because guides say things like 各1份
    requirement: str
    source: str = "申请人自备"
    required: bool = True

    def __post_init__(self) -> None:
        _require(self, "name", "form", "copies")


@dataclass(frozen=True)
class GuideData:
    """办事指南 for one service item."""

    centre: CentreInfo
    item_code: str
    item_name: str
    item_type: str  # 行政给付 / 行政许可 / 公共服务...
    case_type: str  # 即办件 / 承诺件
    implementer: str  # 实施主体
    department: str  # 承办机构
    legal_basis: tuple[str, ...]
    conditions: tuple[str, ...]
    materials: tuple[GuideMaterial, ...]
    statutory_limit: TimeLimit | None  # None: no statutory limit is set
    committed_limit: TimeLimit
    fee: str  # 不收费
    fee_basis: str
    process: tuple[str, ...]
    venue: str  # 办理地点
    hours: str
    consult_phone: str
    supervision_phone: str
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(
            self,
            "item_code",
            "item_name",
            "item_type",
            "case_type",
            "implementer",
            "department",
            "fee",
            "venue",
            "consult_phone",
            "supervision_phone",
        )
        _require_tuples(self)
        for name in ("legal_basis", "conditions", "materials", "process"):
            if not getattr(self, name):
                raise PrintingError(f"办事指南缺少{name} / GuideData.{name} must not be empty")


@dataclass(frozen=True)
class AwaySignData:
    """去向留言牌: shown on the window while the clerk is away."""

    centre_name: str
    window: str
    staff_name: str
    where: str  # 去向
    reason: str  # 事由
    away_from: datetime
    back_at: datetime
    phone: str  # the number the clerk chose to post: printed in full
    backup_name: str  # AB角
    backup_window: str

    def __post_init__(self) -> None:
        _require(
            self,
            "centre_name",
            "window",
            "staff_name",
            "where",
            "reason",
            "phone",
            "backup_name",
            "backup_window",
        )
        if self.back_at < self.away_from:
            raise PrintingError("返回时间早于离开时间 / back_at is before away_from")


@dataclass(frozen=True)
class StaffCardData:
    """岗位牌 on the clerk's desk. `photo` is a JPEG or PNG when there is one."""

    centre: CentreInfo
    name: str
    post: str  # 岗位: 社会救助窗口
    window: str
    staff_number: str = ""
    phone: str = ""  # work phone
    duties: str = ""  # 岗位职责, one short line
    party_member: bool = False  # 中共党员 badge
    photo: bytes | None = None

    def __post_init__(self) -> None:
        _require(self, "name", "post", "window")


@dataclass(frozen=True)
class Metric:
    label: str
    value: str

    def __post_init__(self) -> None:
        _require(self, "label")


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] | None = None  # relative column widths
    empty_text: str = "无"  # printed in place of an empty table

    def __post_init__(self) -> None:
        _require(self, "title")
        _require_tuples(self)
        n = len(self.columns)
        if n == 0:
            raise PrintingError(f"表格“{self.title}”没有列 / a table needs columns")
        for i, row in enumerate(self.rows, 1):
            if len(row) != n:
                raise PrintingError(
                    f"表格“{self.title}”第{i}行有{len(row)}列，应为{n}列 / row width mismatch"
                )
        if self.widths is not None and (len(self.widths) != n or any(w <= 0 for w in self.widths)):
            raise PrintingError(f"表格“{self.title}”列宽无效 / bad relative widths")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class BarChartData:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_label: str = ""  # 单位: 件

    def __post_init__(self) -> None:
        _require(self, "title")
        _require_tuples(self)
        if not self.categories or not self.series:
            raise PrintingError(f"图表“{self.title}”没有数据 / a chart needs data")
        if len(self.series) > 4:
            raise PrintingError(f"图表“{self.title}”最多4个系列 / at most 4 series")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise PrintingError(
                    f"图表“{self.title}”系列“{s.name}”数据个数与分类不符 / length mismatch"
                )


@dataclass(frozen=True)
class DailyReportData:
    """日报: the app's report module computes the numbers; printing lays them out."""

    centre: CentreInfo
    report_date: date
    prepared_by: str
    generated_at: datetime
    metrics: tuple[Metric, ...]
    tables: tuple[ReportTable, ...]
    charts: tuple[BarChartData, ...] = ()

    def __post_init__(self) -> None:
        _require(self, "prepared_by")
        _require_tuples(self)
