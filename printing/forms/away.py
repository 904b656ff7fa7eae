"""去向留言牌: a landscape A4 sign for the window while the clerk is away, in type large
enough to read from the queue: who, where, why, back when, and who serves you meanwhile."""

from __future__ import annotations

import functools
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from printing.data import AwaySignData
from printing.layout import (
    A4_LANDSCAPE,
    GRID,
    BoldLine,
    Layout,
    base_style,
    build_one_page,
    check_layout,
    esc,
    fmt_date,
    make_style,
    p,
    pm,
)

TITLE = "去向留言牌"
MARGIN = 14 * mm
WIDTH = A4_LANDSCAPE[0] - 2 * MARGIN


@functools.cache
def _styles(scale: float) -> dict[str, ParagraphStyle]:
    def size(name: str, points: float, leading: float, **kw: Any) -> ParagraphStyle:
        return make_style(f"away-{name}-{scale}", points * scale, leading * scale, **kw)

    return {
        "top": size("top", 20, 26),
        "top_r": size("top-r", 26, 32, align=TA_RIGHT),
        "label": size("label", 24, 34, color=colors.Color(0.3, 0.3, 0.3)),
        "value": size("value", 38, 48),
        "back": size("back", 56, 64),
        "backup": size("backup", 36, 46, align=TA_CENTER),
        "small": size("small", 18, 24, align=TA_LEFT),
    }


def away_sign_pdf(data: AwaySignData, layout: Layout = "a4") -> bytes:
    """The away sign (A4 landscape)."""
    check_layout(layout, ("a4",), TITLE)
    return build_one_page(
        lambda scale: _story(data, scale),
        what=TITLE,
        title=TITLE,
        author=data.centre_name,
        pagesize=A4_LANDSCAPE,
        margins=(MARGIN, MARGIN, 12 * mm, 10 * mm),
    )


def _when(data: AwaySignData) -> tuple[str, str]:
    away = f"{data.away_from:%H:%M}"
    back = f"{data.back_at:%H:%M}"
    if data.back_at.date() != data.away_from.date():
        back = f"{fmt_date(data.back_at.date())} {back}"
    return away, back


def _story(data: AwaySignData, scale: float) -> list[Flowable]:
    """The sign at `scale` × full size (long entries are set smaller to stay on one sheet)."""
    s = _styles(scale)
    away, back = _when(data)
    top = Table(
        [[p(data.centre_name, s["top"]), p(data.window, s["top_r"])]],
        colWidths=[WIDTH * 0.7, WIDTH * 0.3],
    )
    top.setStyle(
        base_style(
            ("LINEBELOW", (0, 0), (-1, 0), 1.5, colors.black),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            grid=False,
        )
    )
    label_w = 52 * mm * max(scale, 0.8)
    rows = [
        [p("工作人员", s["label"]), p(data.staff_name, s["value"])],
        [p("去　　向", s["label"]), p(data.where, s["value"])],
        [p("事　　由", s["label"]), p(data.reason, s["value"])],
        [p("预计返回", s["label"]), pm(f"<u>{esc(back)}</u>", s["back"])],
    ]
    body = Table(rows, colWidths=[label_w, WIDTH - label_w])
    body.setStyle(
        base_style(
            ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5 * mm),
            grid=False,
        )
    )
    backup = Table(
        [
            [
                pm(
                    f"请到 <u>{esc(data.backup_window)}</u> 找 <u>{esc(data.backup_name)}</u> 办理",
                    s["backup"],
                )
            ]
        ],
        colWidths=[WIDTH],
    )
    backup.setStyle(
        base_style(
            ("BOX", (0, 0), (-1, -1), GRID * 3, colors.black),
            ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
            grid=False,
        )
    )
    return [
        top,
        Spacer(1, 6 * mm),
        BoldLine("暂时离开　请稍候", 54 * scale),
        Spacer(1, 5 * mm),
        body,
        Spacer(1, 6 * mm),
        backup,
        Spacer(1, 3 * mm),
        p(
            f"离开时间：{fmt_date(data.away_from.date())} {away}　　联系电话：{data.phone}",
            s["small"],
        ),
    ]
