"""The report as an Excel workbook: a summary sheet, then one sheet per dimension with the header
in Chinese (row 1) and English (row 2), numbers as numbers, every text cell neutralised, and a
chart beside the table."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Font

from awards.reports.data import contest_report_data
from awards.reports.tables import report_sections, scope_label, summary_rows
from contest.exports import cell_neutralise
from contest.models import Contest

BOLD = Font(bold=True)


def _cell(value):
    return cell_neutralise(value, xlsx=True)


def _sheet_title(zh: str, en: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return f"{zh} {en}"[:31].replace("/", " ")


def _chart(ws, section, n_rows: int) -> None:
    if not n_rows:
        return
    categories = Reference(ws, min_col=1, min_row=3, max_row=2 + n_rows)
    if section.chart == "pie":
        chart = PieChart()
        chart.add_data(
            Reference(ws, min_col=2, min_row=2, max_row=2 + n_rows), titles_from_data=True
        )
    else:
        chart = BarChart()
        chart.type = "bar" if n_rows > 8 else "col"
        chart.add_data(
            Reference(ws, min_col=2, max_col=1 + section.values, min_row=2, max_row=2 + n_rows),
            titles_from_data=True,
        )
        chart.height = max(7.5, 0.5 * n_rows)
    chart.set_categories(categories)
    chart.title = f"{section.title_zh} {section.title_en}"
    chart.width = 18
    ws.add_chart(chart, f"{chr(ord('A') + len(section.headers) + 1)}1")


def contest_report_xlsx(*, contest: Contest) -> bytes:
    """The workbook of `contest_report_data(contest=contest)`."""
    data = contest_report_data(contest=contest)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title("概览", "Summary")
    scope_zh, scope_en = scope_label(data)
    generated = data["generated_at"].strftime("%Y-%m-%d %H:%M")
    for row in (
        ("赛事 Contest", _cell(data["contest"]["name"])),
        ("范围 Scope", f"{scope_zh} {scope_en}"),
        ("生成时间 Generated", generated),
        (),
        ("指标", "Figure", "数量 Count"),
    ):
        ws.append(list(row))
    for cell in ws[5]:
        cell.font = BOLD
    for zh, en, value in summary_rows(data):
        ws.append([zh, en, value])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 36

    for section in report_sections(data):
        sheet = wb.create_sheet(_sheet_title(section.title_zh, section.title_en))
        sheet.append([zh for zh, _ in section.headers])
        sheet.append([en for _, en in section.headers])
        for cell in (*sheet[1], *sheet[2]):
            cell.font = BOLD
        for row in section.rows:
            sheet.append([_cell(v) for v in row])
        sheet.column_dimensions["A"].width = 28
        _chart(sheet, section, len(section.rows))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
