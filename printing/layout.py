"""The look every form shares: page sizes and margins, paragraph styles, the header (centre,
title, document number, barcode), bordered tables, the signature and seal block, and the two
document builders — paged (A4) and roll (80 mm receipt, page as long as its content).

Everything is built in memory and returned as `bytes`. All text goes through `p()`, which
escapes it: names typed at the desk may hold `<` or `&`, which Paragraph markup would eat.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors, textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import paragraph as rl_paragraph

from printing.barcodes import code128_flowable, qr_flowable
from printing.data import Deadline, Person, TimeLimit
from printing.errors import PrintingError
from printing.fonts import PRIMARY, font_runs, register_fonts, string_width
from printing.masking import mask_id_number, mask_phone

Layout = Literal["a4", "receipt80"]
LAYOUTS: tuple[Layout, ...] = ("a4", "receipt80")

A4_SIZE = A4
A4_LANDSCAPE = landscape(A4)
A4_MARGIN_X = 20 * mm
A4_MARGIN_TOP = 12 * mm
A4_MARGIN_BOTTOM = 16 * mm
FOOTER_Y = 8.5 * mm
A4_WIDTH = A4[0] - 2 * A4_MARGIN_X  # 170 mm of text

ROLL_PAGE_WIDTH = 80 * mm
ROLL_MARGIN = 4 * mm  # 80 mm printers print 72 mm
ROLL_WIDTH = ROLL_PAGE_WIDTH - 2 * ROLL_MARGIN
ROLL_MAX_PAGE = 2000 * mm  # below PDF's 200-inch page limit; longer slips go on to a 2nd page

GRID = 0.6  # table rule weight, points
LABEL_FILL = colors.Color(0.93, 0.93, 0.93)
GREY = colors.Color(0.35, 0.35, 0.35)

SEAL_TEXT = "（审批服务专用章）"
PROVISIONAL = "（暂定）"
PROVISIONAL_NOTE = (
    "承诺办结日期跨入法定节假日安排尚未公布的年度，暂按周末推算，如有调整以本中心通知为准。"
)
BLANK_DATE = "　　　　年　　月　　日"

Cell = str | Flowable | list[Flowable] | None
Align = Literal[0, 1, 2, 4]  # TA_LEFT, TA_CENTER, TA_RIGHT, TA_JUSTIFY
HAlign = Literal["LEFT", "CENTER", "RIGHT"]


# Chinese line-breaking rule (避头点): these must not begin a line. ReportLab's CJK wrapper
# keeps such a character on the line before (it hangs into the margin or cell padding), but
# its list lacks the full-width comma, colon, semicolon, closing book-title mark and others,
# so "，" and "》" began lines. Its two wrappers read two module-level copies of the list.
_CANNOT_START_EXTRA = "，：；！？》〉”’…％"


def _extend_cannot_start(module: Any) -> None:
    module.ALL_CANNOT_START += "".join(
        ch for ch in _CANNOT_START_EXTRA if ch not in module.ALL_CANNOT_START
    )


_extend_cannot_start(textsplit)
_extend_cannot_start(rl_paragraph)

# --------------------------------------------------------------------------- styles


def make_style(
    name: str,
    size: float,
    leading: float | None = None,
    *,
    align: Align = TA_LEFT,
    indent: float = 0,
    color: colors.Color = colors.black,
    before: float = 0,
    after: float = 0,
    hang_room: bool = False,
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=register_fonts(),
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.45, 1),
        alignment=align,
        firstLineIndent=indent,
        wordWrap="CJK",  # break between any two CJK characters, and inside long ASCII runs
        textColor=color,
        spaceBefore=before,
        spaceAfter=after,
        # In a table cell, keep room for a hanging "，" so it never touches the rule.
        rightIndent=size * 0.45 if hang_room else 0,
    )


@dataclass(frozen=True)
class Styles:
    centre: ParagraphStyle
    number: ParagraphStyle
    body: ParagraphStyle  # running text, first line indented two characters
    flush: ParagraphStyle  # running text, no indent
    cell: ParagraphStyle
    cell_c: ParagraphStyle
    label: ParagraphStyle
    section: ParagraphStyle
    note: ParagraphStyle
    small: ParagraphStyle
    small_c: ParagraphStyle
    title_size: float


@functools.cache
def a4_styles() -> Styles:
    return Styles(
        centre=make_style("a4-centre", 15, 20, align=TA_CENTER),
        number=make_style("a4-number", 10.5, 15),
        body=make_style("a4-body", 12, 20, align=TA_JUSTIFY, indent=24),
        flush=make_style("a4-flush", 12, 20),
        cell=make_style("a4-cell", 10.5, 14.5, hang_room=True),
        cell_c=make_style("a4-cell-c", 10.5, 14.5, align=TA_CENTER, hang_room=True),
        label=make_style("a4-label", 10.5, 14.5, align=TA_CENTER),
        section=make_style("a4-section", 13, 18, before=6, after=2),
        note=make_style("a4-note", 10, 14.5, align=TA_JUSTIFY),
        small=make_style("a4-small", 9, 12.5),
        small_c=make_style("a4-small-c", 9, 12.5, align=TA_CENTER),
        title_size=21,
    )


@functools.cache
def roll_styles() -> Styles:
    return Styles(
        centre=make_style("roll-centre", 10, 13, align=TA_CENTER),
        number=make_style("roll-number", 8.5, 11.5),
        body=make_style("roll-body", 9, 12.5, align=TA_JUSTIFY, indent=18),
        flush=make_style("roll-flush", 9, 12.5),
        cell=make_style("roll-cell", 9, 12.5),
        cell_c=make_style("roll-cell-c", 9, 12.5, align=TA_CENTER),
        label=make_style("roll-label", 9, 12.5),
        section=make_style("roll-section", 10, 14, before=3, after=1),
        note=make_style("roll-note", 8, 11, align=TA_JUSTIFY),
        small=make_style("roll-small", 7.5, 10),
        small_c=make_style("roll-small-c", 7.5, 10, align=TA_CENTER),
        title_size=15,
    )


def style_for(layout: Layout) -> Styles:
    return a4_styles() if layout == "a4" else roll_styles()


def check_layout(layout: str, allowed: Sequence[Layout], form: str) -> Layout:
    if layout not in allowed:
        raise PrintingError(
            f"{form}没有“{layout}”版式，可用：{'、'.join(allowed)} / unsupported layout"
        )
    return cast(Layout, layout)


# --------------------------------------------------------------------------- text


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept."""
    return Paragraph(esc(text), style)


def pm(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of markup the form itself wrote (values inside must go through `esc`)."""
    return Paragraph(markup, style)


def esc(text: str) -> str:
    """Escape text for Paragraph markup. Line breaks stay; an ideographic space (the blanks
    in 年　月　日) becomes non-breaking spaces, which Paragraph would otherwise collapse. A
    character the primary face lacks (a rare name character, 生僻字) is set in the fallback
    face that has it (`fonts.font_runs`)."""
    return "".join(
        _esc_run(run) if name == PRIMARY.name else f'<font face="{name}">{_esc_run(run)}</font>'
        for name, run in font_runs(text)
    )


def _esc_run(text: str) -> str:
    return escape(text).replace("\n", "<br/>").replace("\u3000", "\xa0" * 4)


def draw_text(
    canv: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    mode: Literal[0, 1, 2, 3, 4, 5, 6, 7] | None = None,
) -> float:
    """Draw one line at (x, y), each run in the face that has its characters (the canvas
    counterpart of `esc`); `mode` is a PDF text render mode. Returns the width drawn."""
    obj = canv.beginText(x, y)
    if mode is not None:
        obj.setTextRenderMode(mode)
    for name, run in font_runs(text):
        obj.setFont(name, size)
        obj.textOut(run)
    canv.drawText(obj)
    return string_width(text, size)


def u(text: str) -> str:
    """Underlined value inside running text, as filled-in blanks look on paper forms."""
    return f"<u>{esc(text)}</u>"


def fmt_date(d: date) -> str:
    """A date on a printed form, `2026年3月9日` (no zero padding). The one place: the layouts
    and the texts app/slips.py writes into a form both use it, so one slip has one style."""
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_datetime(dt: datetime) -> str:
    return f"{fmt_date(dt)} {dt:%H:%M}"


def fmt_limit(limit: TimeLimit) -> str:
    return f"{limit.value}个{limit.unit}"


def fmt_deadline(deadline: Deadline) -> str:
    text = f"{fmt_date(deadline.due)}（{fmt_limit(deadline.limit)}）"
    return text + PROVISIONAL if deadline.provisional else text


def provisional_note(deadline: Deadline) -> str:
    """Why the date is provisional: the app's words for this date when it gave them."""
    if not deadline.provisional_reason:
        return PROVISIONAL_NOTE
    return f"{deadline.provisional_reason.rstrip('。')}，如有调整以本中心通知为准。"


def deadline_cell(deadline: Deadline, styles: Styles) -> Flowable | list[Flowable]:
    """The committed date for a table cell; a provisional one carries its explanation."""
    if not deadline.provisional:
        return p(fmt_deadline(deadline), styles.cell)
    return [
        p(fmt_deadline(deadline), styles.cell),
        p("注：" + provisional_note(deadline), styles.small),
    ]


#: The ID type a form need not name: a bare 18-character number is a resident ID card.
DEFAULT_ID_TYPE = "居民身份证"


def fmt_id(person: Person) -> str:
    """The masked ID number, preceded by its type unless it is the resident ID card (keeps
    the number on one line in a table cell)."""
    number = mask_id_number(person.id_number)
    return number if person.id_type == DEFAULT_ID_TYPE else f"{person.id_type} {number}"


def fmt_phone(phone: str) -> str:
    return mask_phone(phone) if phone.strip() else "—"


def fmt_agent(agent: Person | None) -> str:
    if agent is None:
        return "无"
    relation = f"（{agent.relation}）" if agent.relation else ""
    return f"{agent.name}{relation}  {fmt_id(agent)}  电话 {fmt_phone(agent.phone)}"


class BoldLine(Flowable):
    """One line of large text drawn filled and stroked: the font has no bold face, and a
    title in a thin weight looks like a web page, not a government form. Text too wide for
    the line is set smaller rather than clipped."""

    def __init__(
        self, text: str, size: float, *, align: int = TA_CENTER, space_after: float = 0
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.align = align
        self.spaceAfter = space_after
        self._avail = 0.0
        self._fit_size = size

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._avail = avail_width
        natural = string_width(self.text, self.size)
        self._fit_size = self.size if natural <= avail_width else self.size * avail_width / natural
        return avail_width, self._fit_size * 1.35

    def draw(self) -> None:
        canv = self.canv
        size = self._fit_size
        width = string_width(self.text, size)
        x = {TA_CENTER: (self._avail - width) / 2, TA_RIGHT: self._avail - width}.get(
            self.align, 0.0
        )
        canv.saveState()
        canv.setLineWidth(size * 0.035)
        # Fill, then stroke: a faux bold that prints evenly.
        draw_text(canv, x, size * 0.3, self.text, size, mode=2)
        canv.restoreState()


def spaced(title: str) -> str:
    """Short titles are letter-spaced on printed forms: 受理通知书 → 受 理 通 知 书."""
    return " ".join(title) if len(title) <= 6 else title


# --------------------------------------------------------------------------- tables


def base_style(*extra: tuple[Any, ...], grid: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        # Tables set their own default font (Helvetica) unless told, and it would then be
        # referenced, unembedded, from the PDF.
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), GRID, colors.black))
    commands.extend(extra)
    return TableStyle(commands)


def _cell(value: Cell, style: ParagraphStyle) -> Flowable | list[Flowable] | str:
    if value is None:
        return ""
    if isinstance(value, str):
        return p(value, style)
    return value


def kv_table(
    rows: Sequence[tuple[str, Cell] | tuple[str, Cell, str, Cell]],
    width: float = A4_WIDTH,
    *,
    label_width: float = 24 * mm,
    styles: Styles | None = None,
) -> Table:
    """The form grid: label | value | label | value; a 2-tuple row spans its value across."""
    st = styles or a4_styles()
    value_width = (width - 2 * label_width) / 2
    data: list[list[Flowable | list[Flowable] | str]] = []
    commands: list[tuple[Any, ...]] = []
    for r, row in enumerate(rows):
        if len(row) == 2:
            data.append([p(row[0], st.label), _cell(row[1], st.cell), "", ""])
            commands.append(("SPAN", (1, r), (3, r)))
            commands.append(("BACKGROUND", (0, r), (0, r), LABEL_FILL))
        else:
            label1, value1, label2, value2 = row
            data.append(
                [
                    p(label1, st.label),
                    _cell(value1, st.cell),
                    p(label2, st.label),
                    _cell(value2, st.cell),
                ]
            )
            commands.append(("BACKGROUND", (0, r), (0, r), LABEL_FILL))
            commands.append(("BACKGROUND", (2, r), (2, r), LABEL_FILL))
    table = Table(
        data, colWidths=[label_width, value_width, label_width, value_width], hAlign="CENTER"
    )
    table.setStyle(base_style(*commands))
    return table


def data_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    styles: Styles | None = None,
    center_cols: Sequence[int] = (0,),
) -> Table:
    """A bordered list with a shaded header row that repeats on every page it flows onto."""
    st = styles or a4_styles()
    data: list[list[Flowable | list[Flowable] | str]] = [[p(h, st.label) for h in header]]
    for row in rows:
        data.append(
            [_cell(v, st.cell_c if i in center_cols else st.cell) for i, v in enumerate(row)]
        )
    table = Table(data, colWidths=list(widths), repeatRows=1, hAlign="CENTER")
    table.setStyle(base_style(("BACKGROUND", (0, 0), (-1, 0), LABEL_FILL)))
    return table


def fractions(total: float, weights: Sequence[float]) -> list[float]:
    s = sum(weights)
    return [total * w / s for w in weights]


# --------------------------------------------------------------------------- blocks


def header(
    centre_name: str,
    title: str,
    numbers: Sequence[tuple[str, str]],
    *,
    barcode: str | None = None,
    qr: str | None = None,
    layout: Layout = "a4",
) -> list[Flowable]:
    """Centre name, title, then the numbers (label, value) with the barcode beside them
    (A4) or below them (receipt)."""
    st = style_for(layout)
    width = A4_WIDTH if layout == "a4" else ROLL_WIDTH
    story: list[Flowable] = [
        p(centre_name, st.centre),
        Spacer(1, 1 * mm),
        BoldLine(spaced(title) if layout == "a4" else title, st.title_size),
        Spacer(1, 2 * mm if layout == "a4" else 1.5 * mm),
    ]
    number_paras = [p(f"{label}：{value}", st.number) for label, value in numbers]
    if layout == "receipt80":
        story.extend(number_paras)
        if barcode:
            story.append(Spacer(1, 1.5 * mm))
            # The slip's unprinted 4 mm edges are the quiet zones: the bars get all 72 mm.
            code = code128_flowable(
                barcode, width, bar_height=11 * mm, font_size=8, margin_quiet_zone=ROLL_MARGIN
            )
            code.hAlign = "CENTER"
            story.append(code)
        if qr:
            code_qr = qr_flowable(qr, 24 * mm)
            code_qr.hAlign = "CENTER"
            story.append(code_qr)
        story.append(Spacer(1, 1.5 * mm))
        return story
    qr_size = 19 * mm if qr else 0.0
    side: list[Flowable] = []
    if barcode:
        # Beside the numbers when it fits (they keep at least 70 mm), else on a row of its own.
        try:
            side.append(code128_flowable(barcode, width - 70 * mm - qr_size, bar_height=10 * mm))
        except PrintingError:
            story.extend(number_paras)
            story.append(Spacer(1, 1 * mm))
            code = code128_flowable(barcode, width - qr_size - 4 * mm, bar_height=10 * mm)
            if qr:
                strip = _strip([code, qr_flowable(qr, qr_size)], ["", qr_size], width)
            else:
                strip = _strip([code], [""], width)
            story.extend([strip, Spacer(1, 2 * mm)])
            return story
    if qr:
        side.append(qr_flowable(qr, qr_size))
    if not side:
        story.extend(number_paras)
        story.append(Spacer(1, 2 * mm))
        return story
    story.extend(
        [_strip([number_paras, *side], ["", *[f.width for f in side]], width), Spacer(1, 2 * mm)]
    )
    return story


def _strip(cells: Sequence[Any], widths: Sequence[float | str], total: float) -> Table:
    """One borderless row, cells bottom-aligned; "" widths share what the others leave."""
    fixed = sum(w for w in widths if not isinstance(w, str))
    free = [w for w in widths if isinstance(w, str)]
    share = (total - fixed) / len(free) if free else 0.0
    table = Table(
        [list(cells)],
        colWidths=[share if isinstance(w, str) else w for w in widths],
        hAlign="CENTER",
    )
    table.setStyle(
        base_style(
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            grid=False,
        )
    )
    return table


def seal_box(
    centre_name: str,
    on: date,
    width: float,
    styles: Styles | None = None,
    *,
    align: HAlign = "RIGHT",
) -> Table:
    """The place the approval-service seal is stamped: over the centre's name and the date,
    as the seal is meant to sit."""
    st = styles or a4_styles()
    table = Table(
        [
            [p(centre_name, st.cell_c)],
            [p(SEAL_TEXT, _grey_style(st.small_c))],
            [p(fmt_date(on), st.cell_c)],
        ],
        colWidths=[width],
        hAlign=align,
    )
    table.setStyle(
        base_style(
            ("BOX", (0, 0), (-1, -1), 0.6, GREY, 1, (3, 2)),
            ("TOPPADDING", (0, 0), (-1, 0), 6),
            ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ("TOPPADDING", (0, 1), (-1, 1), 1),
            ("BOTTOMPADDING", (0, 1), (-1, 1), 2),
            grid=False,
        )
    )
    return table


@functools.cache
def _grey_style(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "-grey", parent=style, textColor=GREY)


def sign_and_seal(
    left: Sequence[str],
    centre_name: str,
    on: date | None,
    *,
    width: float = A4_WIDTH,
    styles: Styles | None = None,
) -> Table:
    """Signature lines on the left; the seal box on the right when `on` is given."""
    st = styles or a4_styles()
    seal_width = 64 * mm if width > 100 * mm else width * 0.55
    left_paras = [p(line, st.flush) for line in left]
    if on is None:
        table = Table([[left_paras]], colWidths=[width], hAlign="CENTER")
    else:
        table = Table(
            [[left_paras, seal_box(centre_name, on, seal_width, st)]],
            colWidths=[width - seal_width, seal_width],
            hAlign="CENTER",
        )
    table.setStyle(
        base_style(
            ("VALIGN", (0, 0), (0, 0), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            grid=False,
        )
    )
    return table


def numbered(items: Sequence[str], style: ParagraphStyle, *, prefix: str = "") -> list[Flowable]:
    """A numbered list with hanging indents, so wrapped lines align under the text.
    `prefix` (e.g. "注：") leads the first item and the numbers align after it."""
    if not items:
        return []
    if len(items) == 1:
        return [p(prefix + items[0], style)]
    prefix_width = pdfmetrics.stringWidth(prefix, style.fontName, style.fontSize)
    digits = len(str(len(items)))
    first = _list_style(style, digits, prefix_width, 0.0)
    rest = _list_style(style, digits, prefix_width, prefix_width)
    return [
        Paragraph(
            esc(text), first if i == 1 else rest, bulletText=f"{prefix if i == 1 else ''}{i}."
        )
        for i, text in enumerate(items, 1)
    ]


@functools.cache
def _list_style(
    style: ParagraphStyle, digits: int, prefix_width: float, bullet_indent: float
) -> ParagraphStyle:
    return ParagraphStyle(
        f"{style.name}-list{digits}-{prefix_width:.1f}-{bullet_indent:.1f}",
        parent=style,
        leftIndent=prefix_width + style.fontSize * (0.6 * digits + 0.9),
        firstLineIndent=0,
        bulletIndent=bullet_indent,
        bulletFontName=style.fontName,
        bulletFontSize=style.fontSize,
    )


class Rule(Flowable):
    """A full-width line (dashed on receipts, where it marks a tear-off section)."""

    def __init__(self, *, dashed: bool = False, weight: float = 0.6, space: float = 2 * mm):
        super().__init__()
        self.dashed = dashed
        self.weight = weight
        self.spaceBefore = space
        self.spaceAfter = space
        self._width = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._width = avail_width
        return avail_width, self.weight

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setLineWidth(self.weight)
        if self.dashed:
            self.canv.setDash(2, 1.5)
        self.canv.line(0, 0, self._width, 0)
        self.canv.restoreState()


# --------------------------------------------------------------------------- builders


@dataclass(frozen=True)
class Footer:
    left: str = ""  # e.g. the case number, so a loose second page still says whose it is
    page_numbers: bool = True


def _canvas_maker(footer: Footer | None, margin_x: float) -> Callable[..., Canvas]:
    class FooterCanvas(Canvas):
        """Holds pages back until the end so each footer can say "第 n 页 共 N 页"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            cast(Any, self)._startPage()  # begin a fresh page without emitting this one

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if footer is not None:
                    self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            assert footer is not None
            width = cast(Any, self)._pagesize[0]
            self.saveState()
            self.setFont(register_fonts(), 8.5)
            self.setFillColor(GREY)
            y = FOOTER_Y
            if footer.left:
                draw_text(self, margin_x, y, footer.left, 8.5)
            if footer.page_numbers:
                self.drawRightString(
                    width - margin_x, y, f"第 {self.getPageNumber()} 页  共 {total} 页"
                )
            self.restoreState()

    return FooterCanvas


def _build_counted(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    pagesize: tuple[float, float] = A4_SIZE,
    margins: tuple[float, float, float, float] = (
        A4_MARGIN_X,
        A4_MARGIN_X,
        A4_MARGIN_TOP,
        A4_MARGIN_BOTTOM,
    ),
    footer: Footer | None = None,
) -> tuple[bytes, int]:
    font = register_fonts()
    left, right, top, bottom = margins
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=title,
        author=author,
        creator="ClerkDesk 便民窗口台账",
        subject="",
        initialFontName=font,
    )
    frame = Frame(
        left,
        bottom,
        pagesize[0] - left - right,
        pagesize[1] - top - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build(story, canvasmaker=_canvas_maker(footer, left))
    return buf.getvalue(), doc.page


def build_paged(story: list[Flowable], **kwargs: Any) -> bytes:
    """Lay `story` out on pages (keywords: `title`, `author`, `pagesize`, `margins` as
    (left, right, top, bottom), `footer`). The PDF's metadata holds the form's name and the
    centre, never personal data."""
    return _build_counted(story, **kwargs)[0]


def build_one_page(
    make_story: Callable[[float], list[Flowable]],
    *,
    what: str,
    scales: Sequence[float] = (1.0, 0.88, 0.76, 0.64, 0.52),
    **kwargs: Any,
) -> bytes:
    """For signs and cards, which must be one sheet: lay out at full size, then smaller
    (`make_story(scale)`) until everything fits on one page."""
    for scale in scales:
        pdf, pages = _build_counted(make_story(scale), **kwargs)
        if pages == 1:
            return pdf
    raise PrintingError(f"{what}内容太多，缩小后仍无法印在一页上 / does not fit one page")


def build_roll(make_story: Callable[[], list[Flowable]], *, title: str, author: str) -> bytes:
    """An 80 mm slip whose page is exactly as long as its content: receipt printers feed
    paper from a roll and cut after the page. The story is made twice because ReportLab
    flowables keep layout state from the measuring pass."""
    height = 0.0
    scratch = Canvas(io.BytesIO(), initialFontName=cast(Any, register_fonts()))
    for flowable in make_story():
        _, h = flowable.wrapOn(scratch, ROLL_WIDTH, ROLL_MAX_PAGE)
        height += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    page_height = min(ROLL_MAX_PAGE, height + 2 * ROLL_MARGIN + 6 * mm)
    return build_paged(
        make_story(),
        title=title,
        author=author,
        pagesize=(ROLL_PAGE_WIDTH, page_height),
        margins=(ROLL_MARGIN, ROLL_MARGIN, ROLL_MARGIN, ROLL_MARGIN),
        footer=None,
    )


def build(
    layout: Layout,
    make_story: Callable[[Layout], list[Flowable]],
    *,
    title: str,
    author: str,
    footer: Footer | None = None,
) -> bytes:
    if layout == "receipt80":
        return build_roll(lambda: make_story("receipt80"), title=title, author=author)
    return build_paged(make_story("a4"), title=title, author=author, footer=footer)
