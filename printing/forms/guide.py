"""办事指南 for one service item: the public information a centre must post (plan §2.3.2):
basis, conditions, materials, time limits, fees, process, place and phones."""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from printing.data import GuideData
from printing.layout import (
    A4_WIDTH,
    GRID,
    BoldLine,
    Footer,
    Layout,
    a4_styles,
    base_style,
    build,
    check_layout,
    data_table,
    fmt_limit,
    fractions,
    kv_table,
    make_style,
    numbered,
    p,
    spaced,
)

TITLE = "办事指南"


def guide_pdf(data: GuideData, layout: Layout = "a4") -> bytes:
    """The service guide of one item (A4, as many pages as it needs)."""
    check_layout(layout, ("a4",), TITLE)
    return build(
        "a4",
        lambda _: _a4(data),
        title=f"{data.item_name}{TITLE}",
        author=data.centre.name,
        footer=Footer(left=f"{data.item_name}办事指南  事项编码：{data.item_code}"),
    )


def _section(title: str) -> Paragraph:
    return p(title, a4_styles().section)


def _a4(data: GuideData) -> list[Flowable]:
    st = a4_styles()
    statutory = fmt_limit(data.statutory_limit) if data.statutory_limit else "无法定时限"
    subtitle = p(data.item_name, _subtitle_style())
    story: list[Flowable] = [
        p(data.centre.name, st.centre),
        Spacer(1, 1 * mm),
        BoldLine(spaced(TITLE), st.title_size),
        subtitle,
        Spacer(1, 3 * mm),
        _section("一、基本信息"),
        kv_table(
            [
                ("事项名称", data.item_name, "事项编码", data.item_code),
                ("事项类型", data.item_type, "办件类型", data.case_type),
                ("实施主体", data.implementer, "承办机构", data.department),
                ("法定时限", statutory, "承诺时限", fmt_limit(data.committed_limit)),
                ("收费标准", data.fee),
                ("办理地点", data.venue),
                ("办公时间", data.hours),
                ("咨询电话", data.consult_phone, "监督电话", data.supervision_phone),
            ]
        ),
        _section("二、设定依据"),
        *numbered(data.legal_basis, st.flush),
        _section("三、受理条件"),
        *numbered(data.conditions, st.flush),
        _section(f"四、申请材料（共{len(data.materials)}项）"),
        data_table(
            ("序号", "材料名称", "材料形式", "份数", "材料要求", "来源渠道", "必需"),
            [
                (
                    str(i),
                    m.name,
                    m.form,
                    m.copies,
                    m.requirement or "—",
                    m.source,
                    "是" if m.required else "否",
                )
                for i, m in enumerate(data.materials, 1)
            ],
            fractions(A4_WIDTH, (11, 38, 19, 14, 45, 24, 11)),
            center_cols=(0, 2, 3, 6),
        ),
        _section("五、办理时限"),
        p(
            f"法定办结时限：{statutory}；承诺办结时限：{fmt_limit(data.committed_limit)}"
            "（自受理之日起计算，法定节假日不计入）。",
            st.flush,
        ),
        _section("六、收费标准及依据"),
        p(f"{data.fee}。{data.fee_basis}" if data.fee_basis else f"{data.fee}。", st.flush),
        KeepTogether([_section("七、办理流程"), _flow(data.process)]),
        _section("八、办理地点和时间"),
        p(f"办理地点：{data.venue}", st.flush),
        p(f"办公时间：{data.hours}", st.flush),
        p(f"中心地址：{data.centre.address}", st.flush),
        _section("九、咨询及监督"),
        p(f"咨询电话：{data.consult_phone}　　监督电话：{data.supervision_phone}", st.flush),
    ]
    if data.notes:
        story += [_section("十、其他说明"), *numbered(data.notes, st.flush)]
    return story


def _flow(steps: tuple[str, ...]) -> Table:
    """The process as boxed steps joined by arrows, as guides on the hall wall show it."""
    st = a4_styles()
    box_width = 120 * mm
    rows: list[list[Flowable | str]] = []
    commands: list[tuple[Any, ...]] = []
    for i, step in enumerate(steps):
        head, sep, rest = step.partition("：")
        text = f"{head}：{rest}" if sep else step
        rows.append([p(f"{i + 1}. {text}", st.cell)])
        commands.append(("BOX", (0, len(rows) - 1), (0, len(rows) - 1), GRID, "black"))
        if i < len(steps) - 1:
            rows.append([p("↓", _arrow_style())])
            commands.append(("TOPPADDING", (0, len(rows) - 1), (0, len(rows) - 1), 0))
            commands.append(("BOTTOMPADDING", (0, len(rows) - 1), (0, len(rows) - 1), 0))
    table = Table(rows, colWidths=[box_width], hAlign="CENTER")
    table.setStyle(base_style(*commands, grid=False))
    return table


@functools.cache
def _subtitle_style() -> ParagraphStyle:
    return make_style("guide-subtitle", 16, 23, align=TA_CENTER)


@functools.cache
def _arrow_style() -> ParagraphStyle:
    return make_style("guide-arrow", 12, 14, align=TA_CENTER)
