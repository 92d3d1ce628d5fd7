"""Paper for the notary at the end of a live final (ReportLab): a score sheet per judge (their
scores and the time of each submit) and the session's result sheet. Both print the contest's audit
chain head (last row's number and hash) at the time of printing, so a notary can tie the paper to
the chain that `judging.services.audit.audit_verify` checks.

The CJK font is the certificates' WenQuanYi Micro Hei, registered here from its file (judging does
not import awards).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from contest.models import User
from judging.models import AuditLog, LiveSession
from judging.selectors.live import live_judge_numbers, live_judge_scores, live_state

FONT_PATH = Path(settings.BASE_DIR) / "awards" / "fonts" / "wqy-microhei.ttc"
FONT = "LivePaperCJK"
_lock = threading.Lock()


def _font() -> str:
    with _lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONT_PATH), subfontIndex=0))
    return FONT


def chain_head(contest_id: int) -> tuple[int, str]:
    row = AuditLog.objects.filter(contest_id=contest_id).order_by("-seq").first()
    return (row.seq, row.hash) if row else (0, "0" * 64)


def _styles():
    font = _font()
    return (
        ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4),
        ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14),
        ParagraphStyle("mono", fontName="Courier", fontSize=8, leading=11),
    )


def _table(rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _font()),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _document(story_head: list, body: list, session: LiveSession) -> bytes:
    title, text, mono = _styles()
    seq, head = chain_head(session.stage.contest_id)
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S %Z")
    footer = [
        Spacer(1, 8 * mm),
        Paragraph(f"审计链头 Audit chain head (第 {seq} 条 row {seq}):", text),
        Paragraph(head, mono),
        Paragraph(f"打印时间 Printed: {printed}", text),
        Spacer(1, 12 * mm),
        Paragraph("签字 Signature: ____________________    日期 Date: ____________", text),
    ]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Live final",
        author="Saiwu",
    )
    doc.build(story_head + body + footer)
    return out.getvalue()


def _heading(session: LiveSession, name: str) -> list:
    title, text, _ = _styles()
    return [
        Paragraph(name, title),
        Paragraph(f"{session.stage.contest.name} · {session.stage.name}", text),
        Paragraph(f"抽签种子 Draw seed: {session.order_seed or '—'}", text),
        Spacer(1, 4 * mm),
    ]


def live_judge_sheet_pdf(*, session: LiveSession, judge_id: int) -> bytes:
    """One judge's scores in presentation order, each with the time it was submitted."""
    judge = User.objects.get(pk=judge_id)
    number = live_judge_numbers(stage_id=session.stage_id).get(judge_id, 0)
    rows = [
        ["出场 No.", "团队 Team", "作品 Title", "总分 Total", "提交时间 Submitted", "状态 Status"]
    ]
    for row in live_judge_scores(session=session, judge=judge):
        at = row["submitted_at"]
        rows.append(
            [
                row["position"],
                row["team"],
                Paragraph(row["title"], _styles()[1]),
                row["total"] if row["status"] == "submitted" else "—",
                timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S") if at else "—",
                "已提交 submitted" if row["status"] == "submitted" else "未提交 open",
            ]
        )
    head = _heading(session, f"评委评分表 Judge score sheet — 评委{number} Judge {number}")
    head.insert(2, Paragraph(f"评委 Judge: {judge.real_name or judge.username}", _styles()[1]))
    widths = [16 * mm, 34 * mm, 52 * mm, 20 * mm, 36 * mm, 20 * mm]
    return _document(head, [_table(rows, widths)], session)


def live_result_sheet_pdf(*, session: LiveSession) -> bytes:
    """Every team in presentation order with each judge's score (struck ones marked), the final
    score and the rank."""
    session = LiveSession.objects.select_related("stage__contest").get(pk=session.pk)
    state = live_state(session=session)
    rank_of = {r["entry"]: r["rank"] for r in state["ranking"]}
    _, text, _ = _styles()
    from judging.selectors.live import live_slot_boards

    boards = live_slot_boards(session=session)
    rows = [
        [
            "出场 No.",
            "团队 Team",
            "评委分 Judges' scores (×: 去掉 struck)",
            "最终 Final",
            "名次 Rank",
        ]
    ]
    for slot in state["slots"]:
        board = boards.get(slot["entry"], {"scores": []})
        marks = "  ".join(
            f"{s['judge_no']}: {s['total']}{' ×' if s['struck'] else ''}" for s in board["scores"]
        )
        rows.append(
            [
                slot["position"],
                Paragraph(slot["team"], text),
                Paragraph(marks or "—", text),
                slot["final"] or "—",
                rank_of.get(slot["entry"], "—"),
            ]
        )
    head = _heading(session, "现场路演成绩单 Live final result sheet")
    widths = [16 * mm, 38 * mm, 88 * mm, 18 * mm, 18 * mm]
    return _document(head, [_table(rows, widths)], session)
