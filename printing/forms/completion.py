"""办结通知书: the result, how it reaches the applicant, and an invitation to rate the
service; a refusal also states the applicant's remedies."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from printing.barcodes import qr_flowable
from printing.data import CompletionData
from printing.forms.rejection import rights_text
from printing.layout import (
    A4_WIDTH,
    BLANK_DATE,
    Footer,
    Layout,
    a4_styles,
    base_style,
    build,
    check_layout,
    esc,
    fmt_agent,
    fmt_datetime,
    fmt_deadline,
    fmt_id,
    fmt_phone,
    header,
    kv_table,
    p,
    pm,
    sign_and_seal,
    u,
)

TITLE = "办结通知书"
RATINGS = "非常满意、满意、基本满意、不满意、非常不满意"


def completion_pdf(data: CompletionData, layout: Layout = "a4") -> bytes:
    """The completion notice (A4)."""
    check_layout(layout, ("a4",), TITLE)
    return build(
        "a4",
        lambda _: _a4(data),
        title=TITLE,
        author=data.centre.name,
        footer=Footer(left=f"办件编号：{data.case_number}"),
    )


def _a4(data: CompletionData) -> list[Flowable]:
    st = a4_styles()
    a = data.applicant
    verdict = "准予" if data.approved else "不予批准"
    story = header(
        data.centre.name,
        TITLE,
        [("文书编号", data.doc_number), ("办件编号", data.case_number)],
        barcode=data.case_number,
    )
    story += [
        p(f"{a.name}：", st.flush),
        pm(
            f"你于{esc(fmt_datetime(data.accepted_at))}申请办理的{u(data.item.name)}事项，"
            f"已于{esc(fmt_datetime(data.completed_at))}办结，办理结果为：{u(verdict)}。"
            "具体如下：",
            st.body,
        ),
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("事项名称", f"{data.item.name}（{data.item.code}）"),
                ("申请人", a.name, "证件号码", fmt_id(a)),
                ("代理人", fmt_agent(data.agent)),
                ("受理时间", fmt_datetime(data.accepted_at), "联系电话", fmt_phone(a.phone)),
                (
                    "办结时间",
                    fmt_datetime(data.completed_at),
                    "办理时效",
                    "按期办结" if data.on_time else "超期办结",
                ),
                ("承诺办结", fmt_deadline(data.deadline)),
                ("办理结果", f"【{verdict}】{data.result}"),
                ("送达方式", data.delivery, "经办人", f"{data.clerk.name}（{data.clerk.window}）"),
                ("领取须知", data.pickup_instructions or "—"),
                ("咨询电话", data.centre.phone, "监督电话", data.centre.supervision_phone),
            ]
        ),
        Spacer(1, 3 * mm),
    ]
    if not data.approved:
        story.append(pm(esc(rights_text(data.review_body, data.court)), st.body))
    invite = (
        f"欢迎你对本次服务作出评价（{RATINGS}）：可在窗口评价器上评价，"
        f"{'扫描右侧二维码评价，' if data.evaluation_qr else ''}"
        f"也可拨打监督电话{data.centre.supervision_phone}反映意见和建议。"
    )
    if data.evaluation_qr:
        qr_size = 24 * mm
        box = Table(
            [
                [
                    p(invite, st.body),
                    [qr_flowable(data.evaluation_qr, qr_size), p("扫码评价", st.small_c)],
                ]
            ],
            colWidths=[A4_WIDTH - qr_size - 4 * mm, qr_size + 4 * mm],
        )
        box.setStyle(base_style(("LEFTPADDING", (0, 0), (0, 0), 0), grid=False))
        story.append(box)
    else:
        story.append(p(invite, st.body))
    story += [
        Spacer(1, 6 * mm),
        KeepTogether(
            sign_and_seal(
                ["领取人签字：______________", "", f"领取日期：{BLANK_DATE}"],
                data.centre.name,
                data.completed_at.date(),
            )
        ),
    ]
    return story
