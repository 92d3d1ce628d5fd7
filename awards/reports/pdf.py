"""The report as a PDF (ReportLab platypus): a title page with the contest, the scope and the time
it was generated, the summary, then per dimension a chart (reportlab.graphics bar or pie chart)
and its table. CJK text is set in the certificate font (WenQuanYi Micro Hei, embedded as a
subset), so every Chinese label is readable and extractable."""

from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from awards.certificates.fonts import FONT_NAME, font_load
from awards.reports.data import contest_report_data
from awards.reports.tables import Section, report_sections, scope_label, summary_rows
from contest.models import Contest

PALETTE = [
    colors.HexColor(c)
    for c in ("#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452")
]
WIDTH = A4[0] - 40 * mm
CHART_ROWS = 15  # a chart shows the first rows (the largest); the table lists them all


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=10, leading=14)
    return {
        "title": ParagraphStyle("title", base, fontSize=22, leading=30, spaceAfter=8 * mm),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=13, leading=20),
        "h2": ParagraphStyle("h2", base, fontSize=14, leading=20, spaceBefore=6 * mm),
        "body": base,
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
    }


def _escape(text) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _short(label: str, n: int = 14) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _bar(section: Section) -> Drawing:
    rows = section.rows[:CHART_ROWS]
    horizontal = len(rows) > 6
    height = max(60 * mm, (9 * mm) * len(rows) + 25 * mm) if horizontal else 75 * mm
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = (38 * mm, 18 * mm) if horizontal else (15 * mm, 22 * mm)
    chart.width = WIDTH - chart.x - 5 * mm
    chart.height = height - chart.y - 8 * mm
    series = min(section.values, 3)
    # A horizontal chart draws its first category at the bottom: reverse to read top-down.
    ordered = list(reversed(rows)) if horizontal else rows
    chart.data = [[row[1 + i] for row in ordered] for i in range(series)]
    chart.categoryAxis.categoryNames = [_short(str(row[0])) for row in ordered]
    for axis in (chart.categoryAxis.labels, chart.valueAxis.labels):
        axis.fontName = FONT_NAME
        axis.fontSize = 7
    if not horizontal:
        chart.categoryAxis.labels.angle = 30 if len(rows) > 3 else 0
        chart.categoryAxis.labels.boxAnchor = "ne" if len(rows) > 3 else "n"
    chart.valueAxis.valueMin = 0
    top = max([v for s in chart.data for v in s] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 10)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    for i in range(series):
        chart.bars[i].fillColor = PALETTE[i]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.fontName = FONT_NAME
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.x, legend.y = chart.x, 6 * mm
    legend.dx, legend.dy = 6, 6
    legend.deltax = 45 * mm
    legend.colorNamePairs = [
        (PALETTE[i], f"{section.headers[1 + i][0]} {section.headers[1 + i][1]}")
        for i in range(series)
    ]
    drawing.add(legend)
    return drawing


def _pie(section: Section) -> Drawing:
    rows = [row for row in section.rows if row[1] > 0][:CHART_ROWS]
    drawing = Drawing(WIDTH, 70 * mm)
    pie = Pie()
    pie.x, pie.y = 10 * mm, 8 * mm
    pie.width = pie.height = 55 * mm
    pie.data = [row[1] for row in rows]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    for i in range(len(rows)):
        pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
    drawing.add(pie)
    legend = Legend()
    legend.fontName = FONT_NAME
    legend.fontSize = 8
    legend.alignment = "right"
    legend.x, legend.y = 80 * mm, 62 * mm
    legend.colorNamePairs = [
        (PALETTE[i % len(PALETTE)], f"{_short(str(row[0]), 22)}  {row[1]}")
        for i, row in enumerate(rows)
    ]
    drawing.add(legend)
    return drawing


def _table(section: Section, styles) -> Table:
    cell = styles["cell"]
    header = [Paragraph(f"{_escape(zh)}<br/>{_escape(en)}", cell) for zh, en in section.headers]
    body = [[Paragraph(_escape(row[0]), cell)] + [str(v) for v in row[1:]] for row in section.rows]
    widths = [WIDTH * 0.4] + [WIDTH * 0.6 / (len(section.headers) - 1)] * (len(section.headers) - 1)
    table = Table([header] + body, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef9")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0b8c8")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def contest_report_pdf(*, contest: Contest) -> bytes:
    """The PDF of `contest_report_data(contest=contest)`."""
    font_load()
    data = contest_report_data(contest=contest)
    styles = _styles()
    scope_zh, scope_en = scope_label(data)
    generated = data["generated_at"].strftime("%Y-%m-%d %H:%M")
    name = _escape(data["contest"]["name"])
    story = [
        Spacer(1, 50 * mm),
        Paragraph("赛事统计报告 Contest report", styles["title"]),
        Paragraph(name, styles["subtitle"]),
        Paragraph(f"届次 Edition：{_escape(data['contest']['edition'])}", styles["subtitle"]),
        Paragraph(f"范围 Scope：{scope_zh} {scope_en}", styles["subtitle"]),
        Paragraph(f"生成时间 Generated：{generated}", styles["subtitle"]),
        PageBreak(),
        Paragraph("概览 Summary", styles["h2"]),
        Spacer(1, 3 * mm),
    ]
    summary = Table(
        [[zh, en, str(value)] for zh, en, value in summary_rows(data)],
        colWidths=[WIDTH * 0.35, WIDTH * 0.45, WIDTH * 0.2],
    )
    summary.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0b8c8")),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ]
        )
    )
    story.append(summary)
    for section in report_sections(data):
        heading = Paragraph(f"{section.title_zh} {section.title_en}", styles["h2"])
        if not section.rows:
            story += [heading, Paragraph("无数据 No data", styles["body"])]
            continue
        chart = _pie(section) if section.chart == "pie" else _bar(section)
        parts = [heading, Spacer(1, 2 * mm), chart]
        if len(section.rows) > CHART_ROWS:
            parts.append(
                Paragraph(
                    f"图中为前 {CHART_ROWS} 项，下表列出全部 {len(section.rows)} 项。"
                    f" The chart shows the first {CHART_ROWS} rows; the table lists all"
                    f" {len(section.rows)}.",
                    styles["cell"],
                )
            )
        story += [KeepTogether(parts), _table(section, styles)]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT_NAME, 8)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{doc.page}")
        canvas.drawString(20 * mm, 10 * mm, f"{data['contest']['name'][:60]} · {generated}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"赛事统计报告 {data['contest']['name']}",
    )
    doc.build(story, onLaterPages=footer)
    return out.getvalue()
