"""一次性告知书: everything the applicant must still bring, in one notice (行政许可法 §32).
A long list flows onto further pages; the table header repeats and every page footer
carries the case number, so a loose page still says which application it belongs to."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from printing.data import NoticeData
from printing.layout import (
    A4_WIDTH,
    BLANK_DATE,
    LAYOUTS,
    ROLL_WIDTH,
    Footer,
    Layout,
    Rule,
    a4_styles,
    build,
    check_layout,
    data_table,
    esc,
    fmt_agent,
    fmt_date,
    fmt_datetime,
    fmt_id,
    fmt_phone,
    fractions,
    header,
    kv_table,
    numbered,
    p,
    pm,
    roll_styles,
    seal_box,
    sign_and_seal,
    u,
)

TITLE = "一次性告知书"
ONE_TIME_STATEMENT = (
    "本告知书为一次性告知。申请人按本告知书要求补齐、补正上述全部材料后，本中心不再"
    "要求提交本告知书所列以外的材料；材料齐全、符合法定形式的，予以受理。"
)


def notice_pdf(data: NoticeData, layout: Layout = "a4") -> bytes:
    """The one-time notice: A4 (flows onto more pages when the list is long) or 80 mm."""
    layout = check_layout(layout, LAYOUTS, TITLE)
    return build(
        layout,
        lambda lay: _a4(data) if lay == "a4" else _roll(data),
        title=TITLE,
        author=data.centre.name,
        footer=Footer(left=f"{TITLE}  办件编号：{data.case_number}"),
    )


def _opening(data: NoticeData) -> str:
    return (
        f"你于{esc(fmt_datetime(data.received_at))}申请办理的{u(data.item.name)}事项，经审查，"
        f"申请材料不齐全或者不符合法定形式。根据{esc(data.legal_basis)}的规定，现一次性告知"
        f"需要补正的全部材料（共{len(data.missing)}项）如下："
    )


def _return_line(data: NoticeData) -> str:
    return (
        f"请于{u(fmt_date(data.return_by))}前，携带上述全部材料到{esc(data.clerk.window)}"
        f"（{esc(data.centre.address)}）办理补正。"
    )


def _a4(data: NoticeData) -> list[Flowable]:
    st = a4_styles()
    a = data.applicant
    story = header(
        data.centre.name,
        TITLE,
        [("文书编号", data.doc_number), ("办件编号", data.case_number)],
        barcode=data.case_number,
        qr=data.qr_payload,
    )
    story += [
        p(f"{a.name}：", st.flush),
        pm(_opening(data), st.body),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("事项名称", f"{data.item.name}（{data.item.code}）"),
                ("申请人", a.name, "联系电话", fmt_phone(a.phone)),
                ("证件号码", fmt_id(a), "住址", a.address or "—"),
                ("代理人", fmt_agent(data.agent)),
                (
                    "收件时间",
                    fmt_datetime(data.received_at),
                    "补正期限",
                    f"{fmt_date(data.return_by)}前",
                ),
                (
                    "经办人",
                    f"{data.clerk.name}　{data.clerk.phone or data.centre.phone}",
                    "监督电话",
                    data.centre.supervision_phone,
                ),
            ]
        ),
        Spacer(1, 2 * mm),
        p("需补正的材料", st.section),
        data_table(
            ("序号", "材料名称", "存在问题", "补正要求"),
            [(str(i), m.name, m.problem, m.how_to_fix) for i, m in enumerate(data.missing, 1)],
            fractions(A4_WIDTH, (12, 44, 44, 70)),
        ),
        Spacer(1, 3 * mm),
        pm(_return_line(data), st.body),
        pm(esc(ONE_TIME_STATEMENT), st.body),
    ]
    if data.notes:
        story += [Spacer(1, 1 * mm), *numbered(data.notes, st.note, prefix="注：")]
    sign = sign_and_seal(
        ["申请人（代理人）签收：______________", "", f"签收时间：{BLANK_DATE}　　时　　分"],
        data.centre.name,
        data.issued_at.date(),
    )
    story += [Spacer(1, 3 * mm), KeepTogether(sign)]
    return story


def _roll(data: NoticeData) -> list[Flowable]:
    st = roll_styles()
    a = data.applicant
    story = header(
        data.centre.name,
        TITLE,
        [("文书编号", data.doc_number), ("办件编号", data.case_number)],
        barcode=data.case_number,
        layout="receipt80",
    )
    lines = [
        ("事项", f"{data.item.name}（{data.item.code}）"),
        ("申请人", a.name),
        ("证件", fmt_id(a)),
        ("电话", fmt_phone(a.phone)),
    ]
    if data.agent is not None:
        relation = f"（{data.agent.relation}）" if data.agent.relation else ""
        lines += [
            ("代理人", f"{data.agent.name}{relation}  {fmt_phone(data.agent.phone)}"),
            ("代理人证件", fmt_id(data.agent)),
        ]
    lines += [("收件时间", fmt_datetime(data.received_at))]
    story += [Rule(dashed=True), pm(_opening(data), st.body), Spacer(1, 1 * mm)]
    story += [pm(f"{esc(k)}：{esc(v)}", st.flush) for k, v in lines]
    story += [Rule(dashed=True)]
    for i, m in enumerate(data.missing, 1):
        story += [
            p(f"{i}. {m.name}", st.section),
            pm(f"问题：{esc(m.problem)}", st.flush),
            pm(f"补正：{esc(m.how_to_fix)}", st.flush),
        ]
    story += [
        Rule(dashed=True),
        pm(_return_line(data), st.flush),
        Spacer(1, 1 * mm),
        p(ONE_TIME_STATEMENT, st.note),
    ]
    story += numbered(data.notes, st.note, prefix="注：")
    story += [
        Spacer(1, 1 * mm),
        p(f"经办人：{data.clerk.name}（{data.clerk.window}）", st.note),
        p(f"联系电话：{data.clerk.phone or data.centre.phone}", st.note),
        p(f"监督电话：{data.centre.supervision_phone}", st.note),
        Spacer(1, 3 * mm),
        p("申请人签收：______________", st.flush),
        Spacer(1, 3 * mm),
        seal_box(data.centre.name, data.issued_at.date(), ROLL_WIDTH * 0.8, st, align="CENTER"),
        Spacer(1, 2 * mm),
        p("补正时请带上本告知书", st.small_c),
    ]
    return story
