"""不予受理通知书: the reason, where to go instead, and the applicant's remedies
(administrative review within 60 days, or a suit within 6 months)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from printing.data import RejectionData
from printing.layout import (
    BLANK_DATE,
    Footer,
    Layout,
    a4_styles,
    build,
    check_layout,
    esc,
    fmt_agent,
    fmt_datetime,
    fmt_id,
    fmt_phone,
    header,
    kv_table,
    p,
    pm,
    sign_and_seal,
    u,
)

TITLE = "不予受理通知书"


def rights_text(review_body: str, court: str) -> str:
    """The remedies sentence (行政复议法 §20: 60 days; 行政诉讼法 §46: 6 months)."""
    return (
        f"如对本决定不服，可以自收到本通知书之日起六十日内向{review_body}申请行政复议，"
        f"或者自收到本通知书之日起六个月内向{court}提起行政诉讼。"
    )


def rejection_pdf(data: RejectionData, layout: Layout = "a4") -> bytes:
    """The rejection notice (A4 only: it is sealed and may be read in court)."""
    check_layout(layout, ("a4",), TITLE)
    numbers = [("文书编号", data.doc_number)]
    if data.case_number:
        numbers.append(("办件编号", data.case_number))
    footer_left = f"办件编号：{data.case_number}" if data.case_number else data.doc_number
    return build(
        "a4",
        lambda _: _a4(data, numbers),
        title=TITLE,
        author=data.centre.name,
        footer=Footer(left=footer_left),
    )


def _a4(data: RejectionData, numbers: list[tuple[str, str]]) -> list[Flowable]:
    st = a4_styles()
    a = data.applicant
    basis = f"根据{esc(data.legal_basis)}的规定，" if data.legal_basis else ""
    reason = data.reason.strip().rstrip("。；，")
    story = header(data.centre.name, TITLE, numbers, barcode=data.case_number or None)
    story += [
        p(f"{a.name}：", st.flush),
        pm(
            f"你于{esc(fmt_datetime(data.received_at))}提出的{u(data.item.name)}申请，经审查，"
            f"{esc(reason)}。{basis}本中心决定不予受理。",
            st.body,
        ),
        pm(f"建议你向{esc(data.where_to_go)}申请办理。", st.body),
        pm(esc(rights_text(data.review_body, data.court)), st.body),
        Spacer(1, 3 * mm),
        kv_table(
            [
                ("申请事项", f"{data.item.name}（{data.item.code}）"),
                ("申请人", a.name, "联系电话", fmt_phone(a.phone)),
                ("证件号码", fmt_id(a), "住址", a.address or "—"),
                ("代理人", fmt_agent(data.agent)),
                (
                    "收件时间",
                    fmt_datetime(data.received_at),
                    "经办人",
                    f"{data.clerk.name}（{data.clerk.window}）",
                ),
                ("咨询电话", data.centre.phone, "监督电话", data.centre.supervision_phone),
            ]
        ),
        Spacer(1, 8 * mm),
        KeepTogether(
            sign_and_seal(
                ["申请人（代理人）签收：______________", "", f"签收日期：{BLANK_DATE}"],
                data.centre.name,
                data.issued_on,
            )
        ),
    ]
    return story
