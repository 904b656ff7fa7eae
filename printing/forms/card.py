"""岗位牌: the card on the clerk's desk (public information, plan §2.3.2): unit, photo,
name, post, window, party membership, phones. Landscape A4, to be cut to the holder."""

from __future__ import annotations

import functools
import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Spacer, Table

from printing.data import StaffCardData
from printing.errors import PrintingError
from printing.layout import (
    A4_LANDSCAPE,
    BoldLine,
    Layout,
    base_style,
    build_paged,
    check_layout,
    make_style,
    p,
)

TITLE = "岗位牌"
MARGIN = 15 * mm
WIDTH = A4_LANDSCAPE[0] - 2 * MARGIN
PHOTO_W, PHOTO_H = 60 * mm, 80 * mm  # 3:4, as ID photos are
PARTY_RED = colors.Color(0.78, 0.06, 0.09)


BODY_HEIGHT = 150 * mm
SCALES = (1.0, 0.88, 0.76, 0.64, 0.52)


@functools.cache
def _styles(scale: float) -> dict[str, ParagraphStyle]:
    def size(name: str, points: float, leading: float, **kw: Any) -> ParagraphStyle:
        return make_style(f"card-{name}-{scale}", points * scale, leading * scale, **kw)

    return {
        "unit": make_style("card-unit", 22, 30, align=TA_CENTER),
        "post": size("post", 30, 40, align=TA_CENTER),
        "window": size("window", 24, 32, align=TA_CENTER),
        "line": size("line", 16, 24, align=TA_CENTER),
        "party": size("party", 18, 22, align=TA_CENTER, color=PARTY_RED),
    }


def staff_card_pdf(data: StaffCardData, layout: Layout = "a4") -> bytes:
    """The desk card (A4 landscape); the photo column is left out when there is no photo."""
    check_layout(layout, ("a4",), TITLE)
    return build_paged(
        _story(data),
        title=TITLE,
        author=data.centre.name,
        pagesize=A4_LANDSCAPE,
        margins=(MARGIN, MARGIN, 22 * mm, 10 * mm),
    )


def _photo(photo: bytes) -> Image:
    try:
        w, h = ImageReader(io.BytesIO(photo)).getSize()
    except Exception as exc:  # Pillow raises several types for a bad file
        raise PrintingError(f"照片无法读取（须为JPEG或PNG）/ unreadable photo: {exc}") from exc
    scale = min(PHOTO_W / w, PHOTO_H / h)
    return Image(io.BytesIO(photo), width=w * scale, height=h * scale)


def _story(data: StaffCardData) -> list[Flowable]:
    inner_w = WIDTH - 2 * 6 * mm
    photo = _photo(data.photo) if data.photo is not None else None
    # The card is one fixed-size sheet: long duties or a long name are set smaller.
    for scale in SCALES:
        body = _body(data, photo, scale, inner_w)
        if body.wrap(inner_w, BODY_HEIGHT)[1] <= BODY_HEIGHT - 4 * mm:
            break
    else:
        raise PrintingError("岗位牌内容太多，缩小后仍放不下 / the card content does not fit")
    card = Table(
        [[p(data.centre.name, _styles(1.0)["unit"])], [body]],
        colWidths=[WIDTH],
        rowHeights=[16 * mm, BODY_HEIGHT],
    )
    card.setStyle(
        base_style(
            ("BOX", (0, 0), (-1, -1), 2.5, colors.black),
            ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
            ("LEFTPADDING", (0, 0), (-1, -1), 6 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 6 * mm),
            grid=False,
        )
    )
    return [card]


def _body(data: StaffCardData, photo: Image | None, scale: float, inner_w: float) -> Table:
    s = _styles(scale)
    info: list[Flowable] = [
        BoldLine(" ".join(data.name) if len(data.name) <= 4 else data.name, 64 * scale),
        Spacer(1, 4 * mm * scale),
        p(data.post, s["post"]),
        p(data.window, s["window"]),
    ]
    if data.party_member:
        badge = Table([[p("中共党员", s["party"])]], colWidths=[40 * mm * scale], hAlign="CENTER")
        badge.setStyle(base_style(("BOX", (0, 0), (-1, -1), 1.5, PARTY_RED), grid=False))
        info += [Spacer(1, 3 * mm * scale), badge]
    info.append(Spacer(1, 5 * mm * scale))
    if data.duties:
        info.append(p(f"岗位职责：{data.duties}", s["line"]))
    numbers = []
    if data.staff_number:
        numbers.append(f"工号：{data.staff_number}")
    if data.phone:
        numbers.append(f"服务电话：{data.phone}")
    if numbers:
        info.append(p("　　".join(numbers), s["line"]))
    info.append(p(f"监督电话：{data.centre.supervision_phone}", s["line"]))

    if photo is not None:
        photo_col = PHOTO_W + 12 * mm
        row: list[Any] = [photo, info]
        widths = [photo_col, inner_w - photo_col]
    else:
        row = [info]
        widths = [inner_w]
    body = Table([row], colWidths=widths)
    # Flowables nested in a cell follow the cell's ALIGN, not their own hAlign.
    body.setStyle(base_style(("ALIGN", (-1, 0), (-1, 0), "CENTER"), grid=False))
    return body
