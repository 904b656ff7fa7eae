"""Demo data for every form: 米易县攀莲镇便民服务中心 on Monday 16 November 2026.

Used by the tests and by `python -m printing.render_forms` until the app's demo ledger feeds
real cases. The people are invented; their ID numbers carry valid GB 11643 check characters
so they look like what a clerk types. Each function returns fresh, frozen data.
"""

from __future__ import annotations

import io
from datetime import date, datetime

from printing.data import (
    AwaySignData,
    BarChartData,
    CentreInfo,
    CompletionData,
    DailyReportData,
    Deadline,
    GuideData,
    GuideMaterial,
    Metric,
    MissingMaterial,
    NoticeData,
    Person,
    ReceiptData,
    ReceivedMaterial,
    ReferralData,
    RejectionData,
    ReportTable,
    Series,
    ServiceItemRef,
    StaffCardData,
    StaffRef,
    TimeLimit,
)

DAY = date(2026, 11, 16)


def centre() -> CentreInfo:
    return CentreInfo(
        name="米易县攀莲镇便民服务中心",
        division_code="510421100",
        address="四川省攀枝花市米易县攀莲镇文化路18号",
        phone="0812-8172345",
        supervision_phone="0812-8175100",
        opening_hours="周一至周五 上午8:30—12:00 下午14:30—18:00（节假日可预约）",
    )


def clerk() -> StaffRef:
    return StaffRef(name="李晓梅", window="3号窗口", phone="0812-8172345")


def applicant() -> Person:
    return Person(
        name="王秀英",
        id_number="510421195803152320",
        phone="13881234567",
        address="米易县攀莲镇新河村3组47号",
    )


def agent() -> Person:
    return Person(
        name="李建国",
        id_number="510421198205102319",
        phone="13908121234",
        address="米易县攀莲镇新河村3组47号",
        relation="子女",
    )


def dibao_item() -> ServiceItemRef:
    return ServiceItemRef(
        code="512B0003600029", name="最低生活保障", case_type="承诺件", department="米易县民政局"
    )


CASE_NUMBER = "510421100202611160007"
NOTICE_CASE_NUMBER = "510421100202611160003"


def rare_applicant() -> Person:
    """An applicant whose name and address hold characters outside the common set (生僻字):
    䶮 (U+4DAE, Extension A), 𠮷 (U+20BB7, Extension B) and 𰻞 (U+30EDE, Extension G)."""
    return Person(
        name="王䶮𠮷",
        id_number="510421196607083326",
        phone="13881234567",
        address="米易县攀莲镇𰻞𰻞面馆旁新河村3组47号",
    )


def receipt(*, provisional: bool = False, rare_name: bool = False) -> ReceiptData:
    """A 低保 application accepted at 10:32. `provisional=True` moves it to 14 December, so
    the committed date falls in 2027, whose holiday schedule is not published yet;
    `rare_name=True` is the same receipt for `rare_applicant()`."""
    accepted = datetime(2026, 12, 14, 10, 32) if provisional else datetime(2026, 11, 16, 10, 32)
    due = date(2027, 1, 4) if provisional else date(2026, 12, 7)
    return ReceiptData(
        centre=centre(),
        doc_number="攀莲便民受〔2026〕0007号",
        case_number="510421100202612140021" if provisional else CASE_NUMBER,
        item=dibao_item(),
        applicant=rare_applicant() if rare_name else applicant(),
        agent=agent(),
        accepted_at=accepted,
        deadline=Deadline(
            due=due,
            limit=TimeLimit(15, "工作日"),
            provisional=provisional,
            provisional_reason="2027年节假日安排尚未载入，只按周末计算" if provisional else "",
        ),
        clerk=clerk(),
        materials=(
            ReceivedMaterial("最低生活保障申请书（含家庭经济状况核对授权书）", "原件", 1),
            ReceivedMaterial("申请人及共同生活家庭成员居民身份证", "复印件", 2),
            ReceivedMaterial("户口簿（首页及成员页）", "复印件", 1),
            ReceivedMaterial("近期一寸免冠彩色照片", "原件", 2),
            ReceivedMaterial("家庭成员收入情况证明（村委会出具）", "原件", 1),
            ReceivedMaterial("申请人本人社会保障卡", "复印件", 1),
        ),
        legal_basis="《社会救助暂行办法》第十一条",
        pickup_instructions=(
            "办结后本中心电话通知；请申请人或代理人凭办件编号和身份证原件到3号窗口"
            "领取审批结果，也可申请邮寄送达。"
        ),
        qr_payload=f"CLERKDESK:CASE:{CASE_NUMBER}",
    )


_MISSING = (
    MissingMaterial(
        "残疾人证",
        "未提供",
        "请提供第二代《中华人民共和国残疾人证》原件及复印件1份，核对后原件当场退还。",
    ),
    MissingMaterial(
        "户口簿",
        "复印件只有首页，缺少申请人本人页",
        "请提供户口簿首页和申请人本人页复印件各1份，并携带原件核对。",
    ),
    MissingMaterial(
        "银行账户",
        "所附存折户名为他人，与申请人不一致",
        "请提供申请人本人名下的社会保障卡或银行存折复印件1份。",
    ),
    MissingMaterial(
        "困难残疾人生活补贴申请审批表",
        "“申请人签字”栏未签字",
        "请申请人在该栏签字或按手印；本人无法书写的，由代办人代签并注明关系。",
    ),
)


def notice(*, missing_count: int | None = None) -> NoticeData:
    """A 困难残疾人生活补贴 application with four defects. `missing_count` pads the list to
    that many materials (the multi-page test uses 40)."""
    missing: tuple[MissingMaterial, ...] = _MISSING
    if missing_count is not None:
        extra = tuple(
            MissingMaterial(
                f"补充证明材料第{i}项（家庭成员{i}的收入证明）",
                "未提供" if i % 2 else "复印件字迹不清",
                f"请提供家庭成员{i}所在单位或村（居）委会出具的收入证明原件1份，加盖公章。",
            )
            for i in range(len(_MISSING) + 1, missing_count + 1)
        )
        missing = (_MISSING + extra)[:missing_count]
    return NoticeData(
        centre=centre(),
        doc_number="攀莲便民补〔2026〕0003号",
        case_number=NOTICE_CASE_NUMBER,
        item=ServiceItemRef(
            code="51201103900003",
            name="困难残疾人生活补贴",
            case_type="承诺件",
            department="米易县残疾人联合会",
        ),
        applicant=Person(
            name="张德明",
            id_number="510421196508224517",
            phone="13778124567",
            address="米易县攀莲镇安宁村5组12号",
        ),
        received_at=datetime(2026, 11, 16, 9, 15),
        issued_at=datetime(2026, 11, 16, 9, 40),
        missing=missing,
        return_by=date(2026, 12, 7),
        clerk=clerk(),
        notes=(
            "逾期未补正的，视为申请人撤回申请；补齐材料后可重新申请。",
            "补正时请携带本告知书，窗口扫描条码即可调出原申请，无需重新填写。",
        ),
        qr_payload=f"CLERKDESK:CASE:{NOTICE_CASE_NUMBER}",
    )


def rejection() -> RejectionData:
    return RejectionData(
        centre=centre(),
        doc_number="攀莲便民不受〔2026〕0002号",
        item=ServiceItemRef(
            code="000117007000",
            name="道路货物运输经营许可",
            case_type="承诺件",
            department="米易县交通运输局",
        ),
        applicant=Person(
            name="陈光荣",
            id_number="510421197103041629",
            phone="15183412345",
            address="米易县攀莲镇龙华社区桥头街22号",
        ),
        received_at=datetime(2026, 11, 16, 11, 5),
        issued_on=DAY,
        reason=(
            "所申请的道路货物运输经营许可事项依法由县级交通运输主管部门实施，不属于本中心的受理范围"
        ),
        legal_basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
        where_to_go=(
            "米易县政务服务中心交通运输窗口（米易县攀莲镇湿地大道188号，"
            "电话0812-8176120，工作日上午8:30—12:00、下午14:30—18:00）"
        ),
        review_body="米易县人民政府",
        court="米易县人民法院",
        clerk=clerk(),
        case_number="510421100202611160011",
    )


def completion() -> CompletionData:
    return CompletionData(
        centre=centre(),
        doc_number="攀莲便民结〔2026〕0005号",
        case_number=CASE_NUMBER,
        item=dibao_item(),
        applicant=applicant(),
        agent=agent(),
        accepted_at=datetime(2026, 11, 16, 10, 32),
        completed_at=datetime(2026, 12, 3, 16, 20),
        deadline=Deadline(due=date(2026, 12, 7), limit=TimeLimit(15, "工作日")),
        approved=True,
        result=(
            "经米易县民政局审批，准予享受农村最低生活保障。保障人数2人，月保障金额合计"
            "820元，自2026年12月起按月发放至申请人社会保障卡。"
        ),
        delivery="窗口领取",
        pickup_instructions=(
            "请申请人或代理人于工作日携带本人身份证原件和本通知书，到3号窗口领取"
            "《最低生活保障证》。"
        ),
        clerk=clerk(),
        evaluation_qr=f"CLERKDESK:EVAL:{CASE_NUMBER}",
    )


def referral() -> ReferralData:
    return ReferralData(
        centre=centre(),
        slip_number="攀莲首问〔2026〕0015号",
        asked_at=datetime(2026, 11, 16, 15, 20),
        citizen_name="赵玉兰",
        citizen_phone="13990412345",
        question="房屋继承后办理不动产权证书变更登记",
        answer=(
            "不动产登记由米易县不动产登记中心办理，本中心不能受理。请携带继承公证书"
            "（或法院判决书）、原不动产权证书、继承人身份证和户口簿前往办理。"
        ),
        referred_to="米易县不动产登记中心 综合受理窗口",
        referred_address="米易县攀莲镇湿地大道188号 县政务服务中心二楼",
        contact_person="刘敏",
        contact_phone="0812-8176366",
        responder=clerk(),
        office_hours="工作日 上午8:30—12:00 下午14:30—18:00",
        notes="已电话告知对方窗口，请报本单编号即可。如遇推诿，请拨打本中心监督电话。",
    )


def guide() -> GuideData:
    return GuideData(
        centre=centre(),
        item_code="512B0003600029",
        item_name="最低生活保障",
        item_type="行政给付",
        case_type="承诺件",
        implementer="米易县民政局",
        department="米易县攀莲镇人民政府（社会事务办公室）",
        legal_basis=(
            "《社会救助暂行办法》（国务院令第649号）第九条至第十三条",
            "《最低生活保障审核确认办法》（民发〔2021〕57号）",
            "《四川省最低生活保障工作规程》",
        ),
        conditions=(
            "持有米易县户籍，并在户籍所在地居住生活的城乡居民；",
            "共同生活的家庭成员人均月收入低于当地最低生活保障标准；",
            "家庭财产状况符合县民政局规定的条件。",
        ),
        materials=(
            GuideMaterial(
                "最低生活保障申请书（含家庭经济状况核对授权书）",
                "原件",
                "1份",
                "申请人签字或按手印",
                "窗口领取或网上下载",
            ),
            GuideMaterial(
                "居民身份证",
                "原件和复印件",
                "各1份",
                "申请人及共同生活家庭成员，核对后原件退还",
            ),
            GuideMaterial("户口簿", "原件和复印件", "1份", "首页及全部成员页"),
            GuideMaterial("近期免冠照片", "原件", "2张", "一寸彩色"),
            GuideMaterial(
                "家庭成员收入情况证明",
                "原件",
                "1份",
                "务工、养老金等收入；无固定收入的由村（居）委会出具",
                "用人单位或村（居）委会",
            ),
            GuideMaterial("本人名下社会保障卡或银行存折", "复印件", "1份", "用于发放保障金"),
            GuideMaterial(
                "残疾人证、疾病诊断证明等",
                "原件和复印件",
                "1份",
                "家庭成员有重病、重残的提供",
                "医疗机构或残联",
                required=False,
            ),
        ),
        statutory_limit=TimeLimit(30, "工作日"),
        committed_limit=TimeLimit(15, "工作日"),
        fee="不收费",
        fee_basis="依据《社会救助暂行办法》，办理最低生活保障不收取任何费用。",
        process=(
            "申请：申请人向户籍所在地便民服务中心提出书面申请，也可委托村（居）委会代为提出；",
            "受理：窗口审查材料，齐全的当场受理并出具受理回执，不齐全的一次性告知需补正的全部材料；",
            "审核：镇人民政府开展家庭经济状况调查和入户核查，在村（居）公示7天；",
            "审批：县民政局审批确认，不予批准的书面告知理由；",
            "发放：批准后自批准次月起按月发放保障金。",
        ),
        venue="米易县攀莲镇便民服务中心 3号窗口（社会救助窗口）",
        hours="周一至周五 上午8:30—12:00 下午14:30—18:00（节假日可预约）",
        consult_phone="0812-8172345",
        supervision_phone="0812-8175100",
        notes=(
            "入户调查、公示时间不计入承诺时限；",
            "行动不便的老年人、残疾人可申请代办或上门服务。",
        ),
    )


def away_sign() -> AwaySignData:
    return AwaySignData(
        centre_name=centre().name,
        window="3号窗口",
        staff_name="李晓梅",
        where="县民政局",
        reason="报送本月低保审批材料",
        away_from=datetime(2026, 11, 16, 14, 40),
        back_at=datetime(2026, 11, 16, 16, 0),
        phone="0812-8172345",
        backup_name="张建华",
        backup_window="5号窗口",
    )


def staff_card(*, with_photo: bool = True) -> StaffCardData:
    return StaffCardData(
        centre=centre(),
        name="李晓梅",
        post="社会救助窗口",
        window="3号窗口",
        staff_number="PL-003",
        phone="0812-8172345",
        duties="低保、特困供养、临时救助、残疾人两项补贴",
        party_member=True,
        photo=sample_photo() if with_photo else None,
    )


def sample_photo() -> bytes:
    """A plain ID-style portrait placeholder (PNG, 3:4), drawn, not a real person."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (300, 400), (70, 130, 200))
    draw = ImageDraw.Draw(img)
    draw.ellipse((95, 70, 205, 195), fill=(235, 200, 170))
    draw.ellipse((88, 55, 212, 140), fill=(40, 30, 25))
    draw.ellipse((100, 85, 200, 195), fill=(235, 200, 170))
    draw.rectangle((135, 185, 165, 225), fill=(235, 200, 170))
    draw.pieslice((40, 210, 260, 470), 180, 360, fill=(30, 40, 60))
    draw.polygon([(150, 225), (125, 215), (150, 300), (175, 215)], fill=(245, 245, 245))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def daily_report() -> DailyReportData:
    hours = tuple(f"{h}时" for h in range(8, 18))
    return DailyReportData(
        centre=centre(),
        report_date=DAY,
        prepared_by="张建华",
        generated_at=datetime(2026, 11, 16, 18, 5),
        metrics=(
            Metric("咨询", "17"),
            Metric("收件", "28"),
            Metric("受理", "22"),
            Metric("一次性告知", "4"),
            Metric("不予受理", "1"),
            Metric("办结", "19"),
            Metric("按期办结率", "100%"),
            Metric("满意率", "96.3%"),
            Metric("差评", "1"),
            Metric("超期未办结", "0"),
            Metric("预警办件", "2"),
            Metric("离岗时长", "1小时20分"),
        ),
        tables=(
            ReportTable(
                "一、窗口工作量",
                ("窗口", "工作人员", "咨询", "收件", "受理", "办结", "好评", "差评"),
                (
                    ("1号窗口", "周丽", "5", "9", "7", "6", "7", "0"),
                    ("3号窗口", "李晓梅", "6", "11", "9", "8", "9", "1"),
                    ("5号窗口", "张建华", "6", "8", "6", "5", "10", "0"),
                    ("合计", "", "17", "28", "22", "19", "26", "1"),
                ),
                widths=(1.3, 1.4, 1, 1, 1, 1, 1, 1),
            ),
            ReportTable(
                "二、办件量前五的事项",
                ("事项名称", "收件", "受理", "办结"),
                (
                    ("城乡居民基本养老保险参保登记", "7", "7", "7"),
                    ("最低生活保障", "5", "4", "2"),
                    ("80周岁以上老年人高龄津贴发放", "4", "4", "4"),
                    ("困难残疾人生活补贴", "3", "2", "1"),
                    ("临时救助", "2", "2", "1"),
                ),
                widths=(4, 1, 1, 1),
            ),
            ReportTable(
                "三、预警及超期办件",
                ("办件编号", "事项", "申请人", "承诺办结", "剩余", "状态"),
                (
                    (
                        "510421100202611020004",
                        "临时救助",
                        "杨*芬",
                        "2026年11月17日",
                        "1个工作日",
                        "黄色预警",
                    ),
                    (
                        "510421100202610280012",
                        "特困人员救助供养",
                        "罗*",
                        "2026年11月18日",
                        "2个工作日",
                        "黄色预警",
                    ),
                ),
                widths=(3.6, 2.8, 1.1, 2.4, 1.6, 1.4),
            ),
            ReportTable(
                "四、离岗记录",
                ("工作人员", "去向", "事由", "离开", "返回", "顶岗"),
                (("李晓梅", "县民政局", "报送低保审批材料", "14:40", "16:00", "张建华"),),
                widths=(1.2, 1.4, 2.6, 1, 1, 1.2),
            ),
        ),
        charts=(
            BarChartData(
                "分时段收件与受理",
                hours,
                (
                    Series("收件", (1, 4, 6, 5, 2, 0, 1, 4, 3, 2)),
                    Series("受理", (1, 3, 5, 4, 2, 0, 1, 3, 2, 1)),
                ),
                value_label="件",
            ),
            BarChartData(
                "服务评价分布",
                ("非常满意", "满意", "基本满意", "不满意", "非常不满意"),
                (Series("评价", (21, 4, 1, 1, 0)),),
                value_label="次",
            ),
        ),
    )
