"""受理通知书 (A4) / 受理回执 (80 mm): the citizen's proof that the application was accepted,
with the case number as a barcode for every later visit."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from printing.data import ReceiptData
from printing.layout import (
    A4_WIDTH,
    BLANK_DATE,
    LAYOUTS,
    PROVISIONAL_NOTE,
    ROLL_WIDTH,
    Footer,
    Layout,
    Rule,
    a4_styles,
    build,
    check_layout,
    data_table,
    deadline_cell,
    esc,
    fmt_agent,
    fmt_datetime,
    fmt_deadline,
    fmt_id,
    fmt_phone,
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

TITLE_A4 = "受理通知书"
TITLE_ROLL = "受理回执"
TIME_LIMIT_NOTE = (
    "承诺办结时限自受理之日起计算。依法需要听证、招标、拍卖、检验、检测、检疫、鉴定、"
    "专家评审或公示的，所需时间不计入时限，本中心将书面告知。"
)


def receipt_pdf(data: ReceiptData, layout: Layout = "a4") -> bytes:
    """The acceptance receipt: A4 notice or 80 mm slip."""
    layout = check_layout(layout, LAYOUTS, TITLE_A4)
    return build(
        layout,
        lambda lay: _a4(data) if lay == "a4" else _roll(data),
        title=TITLE_A4 if layout == "a4" else TITLE_ROLL,
        author=data.centre.name,
        footer=Footer(left=f"办件编号：{data.case_number}"),
    )


def _notes(data: ReceiptData, paper: str, *, provisional_note: bool) -> list[str]:
    notes = []
    if data.pickup_instructions:
        notes.append(data.pickup_instructions)
    notes.append(
        f"凭办件编号或扫描本{paper}上的条码，可到窗口或拨打咨询电话"
        f"{data.centre.phone}查询办理进度；对服务有意见可拨打监督电话"
        f"{data.centre.supervision_phone}。办公时间：{data.centre.opening_hours}。"
    )
    notes.append(TIME_LIMIT_NOTE)
    if data.deadline.provisional and provisional_note:
        notes.append(PROVISIONAL_NOTE)
    return notes


def _a4(data: ReceiptData) -> list[Flowable]:
    st = a4_styles()
    a = data.applicant
    basis = f"根据{esc(data.legal_basis)}的规定，" if data.legal_basis else ""
    story = header(
        data.centre.name,
        TITLE_A4,
        [("文书编号", data.doc_number), ("办件编号", data.case_number)],
        barcode=data.case_number,
        qr=data.qr_payload,
    )
    story += [
        p(f"{a.name}：", st.flush),
        pm(
            f"你于{esc(fmt_datetime(data.accepted_at))}提出的{u(data.item.name)}申请，经审查，"
            f"申请材料齐全、符合法定形式，{basis}本中心决定予以受理。有关事项告知如下：",
            st.body,
        ),
        Spacer(1, 2 * mm),
        kv_table(
            [
                ("事项名称", f"{data.item.name}（{data.item.code}）"),
                ("申请人", a.name, "联系电话", fmt_phone(a.phone)),
                ("证件号码", fmt_id(a), "住址", a.address or "—"),
                ("代理人", fmt_agent(data.agent)),
                ("受理时间", fmt_datetime(data.accepted_at), "办件类型", data.item.case_type),
                (
                    "受理人",
                    f"{data.clerk.name}（{data.clerk.window}）",
                    "承办部门",
                    data.item.department or "—",
                ),
                ("承诺办结", deadline_cell(data.deadline, st)),
            ]
        ),
        Spacer(1, 2 * mm),
        p(f"已收材料（共{len(data.materials)}项）", st.section),
        data_table(
            ("序号", "材料名称", "形式", "份数"),
            [(str(i), m.name, m.form, str(m.copies)) for i, m in enumerate(data.materials, 1)],
            (14 * mm, A4_WIDTH - 64 * mm, 30 * mm, 20 * mm),
            center_cols=(0, 2, 3),
        ),
        Spacer(1, 2 * mm),
        p("温馨提示：", st.note),
        *numbered(_notes(data, "通知书", provisional_note=False), st.note),
        Spacer(1, 2 * mm),
        KeepTogether(
            sign_and_seal(
                ["申请人（代理人）签收：______________", "", f"签收日期：{BLANK_DATE}"],
                data.centre.name,
                data.accepted_at.date(),
            )
        ),
    ]
    return story


def _roll(data: ReceiptData) -> list[Flowable]:
    st = roll_styles()
    a = data.applicant
    story = header(
        data.centre.name,
        TITLE_ROLL,
        [("文书编号", data.doc_number), ("办件编号", data.case_number)],
        barcode=data.case_number,
        qr=None,  # a QR beside a 72 mm barcode would shrink both; the A4 notice carries it
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
    lines += [
        ("受理时间", fmt_datetime(data.accepted_at)),
        ("受理人", f"{data.clerk.name}（{data.clerk.window}）"),
        ("承诺办结", fmt_deadline(data.deadline)),
    ]
    story += [Rule(dashed=True)]
    story += [pm(f"{esc(k)}：{esc(v)}", st.flush) for k, v in lines]
    story += [Rule(dashed=True), p(f"已收材料（共{len(data.materials)}项）", st.section)]
    story += numbered([f"{m.name}：{m.form}{m.copies}份" for m in data.materials], st.flush)
    story += [Rule(dashed=True)]
    story += numbered(_notes(data, "回执", provisional_note=True), st.note)
    story += [
        Spacer(1, 1 * mm),
        p(f"咨询电话：{data.centre.phone}　监督电话：{data.centre.supervision_phone}", st.note),
        p(f"地址：{data.centre.address}", st.note),
        Spacer(1, 3 * mm),
        p("申请人签收：______________", st.flush),
        Spacer(1, 3 * mm),
        seal_box(data.centre.name, data.accepted_at.date(), ROLL_WIDTH * 0.8, st, align="CENTER"),
        Spacer(1, 2 * mm),
        p("请妥善保管本回执", st.small_c),
    ]
    return story
