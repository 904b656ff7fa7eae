"""首问负责告知单: the matter is not ours; exactly where to take it and whom to ask."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from printing.data import ReferralData
from printing.layout import (
    LAYOUTS,
    Footer,
    Layout,
    Rule,
    a4_styles,
    build,
    check_layout,
    esc,
    fmt_date,
    fmt_datetime,
    fmt_phone,
    header,
    kv_table,
    p,
    pm,
    roll_styles,
    sign_and_seal,
    u,
)

TITLE = "首问负责告知单"


def referral_pdf(data: ReferralData, layout: Layout = "a4") -> bytes:
    """The first-question referral slip: A4 or 80 mm."""
    layout = check_layout(layout, LAYOUTS, TITLE)
    return build(
        layout,
        lambda lay: _a4(data) if lay == "a4" else _roll(data),
        title=TITLE,
        author=data.centre.name,
        footer=Footer(left=f"编号：{data.slip_number}"),
    )


def _opening(data: ReferralData) -> str:
    return (
        f"你于{esc(fmt_datetime(data.asked_at))}咨询的{u(data.question)}事项，不属于本中心"
        "办理范围。根据首问负责制，现将办理部门和联系方式告知如下："
    )


def _closing(data: ReferralData) -> str:
    return (
        f"如前往办理时遇到推诿或不明白的地方，请拨打首问责任人电话"
        f"{data.responder.phone or data.centre.phone}或本中心监督电话"
        f"{data.centre.supervision_phone}，我们将协助处理。"
    )


def _a4(data: ReferralData) -> list[Flowable]:
    st = a4_styles()
    story = header(data.centre.name, TITLE, [("编号", data.slip_number)])
    rows: list[tuple[str, str] | tuple[str, str, str, str]] = [
        ("咨询人", data.citizen_name, "联系电话", fmt_phone(data.citizen_phone)),
        (
            "咨询时间",
            fmt_datetime(data.asked_at),
            "首问责任人",
            f"{data.responder.name}（{data.responder.window}）",
        ),
        ("咨询事项", data.question),
        ("告知内容", data.answer),
        ("办理部门", data.referred_to),
        ("办理地址", data.referred_address),
        ("联系人", data.contact_person or "—", "联系电话", data.contact_phone),
    ]
    if data.office_hours:
        rows.append(("办公时间", data.office_hours))
    if data.notes:
        rows.append(("备注", data.notes))
    story += [
        p(f"{data.citizen_name}：", st.flush),
        pm(_opening(data), st.body),
        Spacer(1, 3 * mm),
        kv_table(rows, label_width=26 * mm),
        Spacer(1, 3 * mm),
        pm(esc(_closing(data)), st.body),
        Spacer(1, 8 * mm),
        KeepTogether(
            sign_and_seal(
                [
                    f"首问责任人：{data.responder.name}",
                    f"联系电话：{data.responder.phone or data.centre.phone}",
                    f"日期：{fmt_date(data.asked_at.date())}",
                ],
                data.centre.name,
                None,
            )
        ),
    ]
    return story


def _roll(data: ReferralData) -> list[Flowable]:
    st = roll_styles()
    story = header(data.centre.name, TITLE, [("编号", data.slip_number)], layout="receipt80")
    lines = [
        ("咨询人", f"{data.citizen_name}  {fmt_phone(data.citizen_phone)}"),
        ("咨询时间", fmt_datetime(data.asked_at)),
        ("咨询事项", data.question),
    ]
    story += [Rule(dashed=True)]
    story += [pm(f"{esc(k)}：{esc(v)}", st.flush) for k, v in lines]
    story += [Rule(dashed=True), p("请前往", st.section)]
    go = [
        ("办理部门", data.referred_to),
        ("地址", data.referred_address),
        ("联系人", f"{data.contact_person or '—'}  {data.contact_phone}"),
    ]
    if data.office_hours:
        go.append(("办公时间", data.office_hours))
    story += [pm(f"{esc(k)}：{esc(v)}", st.flush) for k, v in go]
    story += [Spacer(1, 1 * mm), pm(f"告知内容：{esc(data.answer)}", st.flush)]
    if data.notes:
        story.append(p(f"备注：{data.notes}", st.note))
    story += [
        Rule(dashed=True),
        p(_closing(data), st.note),
        Spacer(1, 2 * mm),
        p(f"首问责任人：{data.responder.name}（{data.responder.window}）", st.flush),
        p(data.centre.name, st.small_c),
    ]
    return story
