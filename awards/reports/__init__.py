"""The organiser's report to government: its figures (`contest_report_data`), the workbook
(`contest_report_xlsx`) and the PDF with charts (`contest_report_pdf`), for one contest or a
national contest with all its sub-contests. See docs/developer/reports.md."""

from awards.reports.data import contest_report_data
from awards.reports.pdf import contest_report_pdf
from awards.reports.xlsx import contest_report_xlsx

__all__ = ["contest_report_data", "contest_report_pdf", "contest_report_xlsx"]
