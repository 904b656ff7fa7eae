"""日报: the centre's end-of-day report. `app/` computes every number; this module lays out
the headline figures, the charts (vector, reportlab.graphics) and the tables."""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from printing.barcodes import with_our_font
from printing.data import BarChartData, DailyReportData, ReportTable
from printing.fonts import register_fonts, string_width
from printing.layout import (
    A4_WIDTH,
    Footer,
    Layout,
    Styles,
    a4_styles,
    base_style,
    build,
    check_layout,
    data_table,
    fmt_date,
    fmt_datetime,
    fractions,
    header,
    make_style,
    p,
    sign_and_seal,
)

TITLE = "工作日报"
WEEKDAYS = "一二三四五六日"
# Distinct in colour and still distinct as greys on a black-and-white laser printer.
SERIES_COLOURS = (
    colors.Color(0.16, 0.38, 0.64),
    colors.Color(0.93, 0.55, 0.18),
    colors.Color(0.45, 0.65, 0.35),
    colors.Color(0.55, 0.55, 0.55),
)


@functools.cache
def _metric_styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    return (
        make_style("daily-value", 17, 21, align=TA_CENTER),
        make_style("daily-label", 9, 12, align=TA_CENTER, color=colors.Color(0.3, 0.3, 0.3)),
    )


def daily_report_pdf(data: DailyReportData, layout: Layout = "a4") -> bytes:
    """The daily report (A4 portrait, as many pages as the tables need)."""
    check_layout(layout, ("a4",), TITLE)
    return build(
        "a4",
        lambda _: _story(data),
        title=TITLE,
        author=data.centre.name,
        footer=Footer(left=f"{data.centre.name} {TITLE} {fmt_date(data.report_date)}"),
    )


def _story(data: DailyReportData) -> list[Flowable]:
    st = a4_styles()
    d = data.report_date
    story = header(
        data.centre.name,
        TITLE,
        [
            ("报告日期", f"{fmt_date(d)}（星期{WEEKDAYS[d.weekday()]}）"),
            ("生成时间", fmt_datetime(data.generated_at)),
        ],
    )
    if data.metrics:
        story += [p("今日概况", st.section), _metrics(data)]
    if data.charts:
        story += [Spacer(1, 2 * mm), _charts(data.charts)]
    for table in data.tables:
        story += [KeepTogether([p(table.title, st.section), _table(table)])]
    story += [
        Spacer(1, 8 * mm),
        KeepTogether(
            sign_and_seal(
                [f"制表人：{data.prepared_by}", "", "审核人（中心负责人）：______________"],
                data.centre.name,
                None,
            )
        ),
    ]
    return story


def _metrics(data: DailyReportData) -> Table:
    value_style, label_style = _metric_styles()
    small_value = _small_value_style()
    per_row = 6
    cell_width = A4_WIDTH / per_row - 8
    cells: list[list[Any]] = []
    for i in range(0, len(data.metrics), per_row):
        chunk = data.metrics[i : i + per_row]
        row: list[Any] = [
            [
                p(m.value, value_style if _fits(m.value, value_style, cell_width) else small_value),
                p(m.label, label_style),
            ]
            for m in chunk
        ]
        row += [""] * (per_row - len(chunk))
        cells.append(row)
    table = Table(cells, colWidths=[A4_WIDTH / per_row] * per_row, hAlign="CENTER")
    table.setStyle(base_style(("TOPPADDING", (0, 0), (-1, -1), 5)))
    return table


def _fits(text: str, style: ParagraphStyle, width: float) -> bool:
    return string_width(text, style.fontSize) <= width


@functools.cache
def _small_value_style() -> ParagraphStyle:
    return make_style("daily-value-small", 12, 21, align=TA_CENTER)


@functools.cache
def _table_styles() -> Styles:
    """Report tables are dense: one size down from the forms."""
    base = a4_styles()
    return dataclasses.replace(
        base,
        cell=make_style("daily-cell", 9.5, 13, hang_room=True),
        cell_c=make_style("daily-cell-c", 9.5, 13, align=TA_CENTER, hang_room=True),
        label=make_style("daily-label-h", 9.5, 13, align=TA_CENTER),
    )


def _charts(charts: tuple[BarChartData, ...]) -> Table:
    """Charts two to a row."""
    per_row = 2 if len(charts) > 1 else 1
    width = A4_WIDTH / per_row
    drawings: list[Any] = [_bar_chart(c, width - 4 * mm, 62 * mm) for c in charts]
    rows = [drawings[i : i + per_row] for i in range(0, len(drawings), per_row)]
    if len(rows[-1]) < per_row:
        rows[-1] = rows[-1] + [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[width] * per_row, hAlign="CENTER")
    table.setStyle(base_style(("ALIGN", (0, 0), (-1, -1), "CENTER"), grid=False))
    return table


def _bar_chart(chart: BarChartData, width: float, height: float) -> Drawing:
    font = register_fonts()
    drawing = with_our_font(Drawing(width, height))
    drawing.add(
        String(
            width / 2, height - 11, chart.title, fontName=font, fontSize=10.5, textAnchor="middle"
        )
    )
    bars = VerticalBarChart()
    chart_area: Any = bars  # the stubs type these geometry attributes as int
    chart_area.x, chart_area.y = 26, 30
    chart_area.width, chart_area.height = width - 36, height - 62
    bars.data = [list(s.values) for s in chart.series]
    bars.categoryAxis.categoryNames = list(chart.categories)
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 7.5 if len(chart.categories) > 6 else 8.5
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.valueMin = 0
    top = max((max(s.values) for s in chart.series), default=0)
    bars.valueAxis.valueMax = max(1, top * 1.2)
    bars.valueAxis.valueStep = _nice_step(bars.valueAxis.valueMax)
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.Color(0.85, 0.85, 0.85)
    bars.barLabelFormat = "%g"
    bars.barLabels.fontName = font
    bars.barLabels.fontSize = 7
    bars.barLabels.nudge = 6
    bars.groupSpacing = 6
    bars.barSpacing = 1
    for i in range(len(chart.series)):
        bars.bars[i].fillColor = SERIES_COLOURS[i]
        bars.bars[i].strokeColor = None
    drawing.add(bars)
    if chart.value_label:
        drawing.add(
            String(2, height - 24, f"单位：{chart.value_label}", fontName=font, fontSize=7.5)
        )
    if len(chart.series) > 1:
        legend: Any = Legend()
        legend.fontName = font
        legend.fontSize = 8
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.x = width / 2 - 30 * len(chart.series)
        legend.y = 9
        legend.dx = legend.dy = 7
        legend.deltax = 60
        legend.colorNamePairs = [(SERIES_COLOURS[i], s.name) for i, s in enumerate(chart.series)]
        drawing.add(legend)
    return drawing


def _nice_step(top: float) -> float:
    raw = top / 5
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if step >= raw:
            return float(step)
    return float(round(raw, -3))


def _table(table: ReportTable) -> Table:
    widths = fractions(A4_WIDTH, table.widths or [1.0] * len(table.columns))
    if not table.rows:
        rows: list[tuple[str, ...]] = [(table.empty_text,) + ("",) * (len(table.columns) - 1)]
        t = data_table(
            table.columns,
            rows,
            widths,
            styles=_table_styles(),
            center_cols=range(len(table.columns)),
        )
        t.setStyle(base_style(("SPAN", (0, 1), (-1, 1))))
        return t
    return data_table(
        table.columns,
        table.rows,
        widths,
        styles=_table_styles(),
        center_cols=range(len(table.columns)),
    )
