"""Excel export of a stage's scores and ranking. Pure: data in (`ScoreSheetData`), bytes out.

Sheet 1 "评分 Scores": one row per submitted review — entry, team, judge, each criterion's score
in its own column, the weighted total, and whether the review counted (a review by a judge who
now conflicts with the team is listed but not counted). Sheet 2 "排名 Rankings": the stored
results, raw beside normalised beside final, by group and rank.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone

from contest.exports import cells_neutralise

if TYPE_CHECKING:
    from judging.selectors import ScoreSheetData

SCORES_SHEET = "评分 Scores"
RANKINGS_SHEET = "排名 Rankings"
YES, NO = "是 Yes", "否 No"


def _cell(value):
    """Decimals go out as numbers (Excel sorts and sums them); None as an empty cell."""
    if value is None:
        return None
    if hasattr(value, "is_finite"):
        return float(value)
    return value


def _row(ws, values) -> None:
    """Every cell through the one neutraliser: names are the teams' and organisers' text."""
    ws.append(cells_neutralise(values, xlsx=True))


def scores_workbook(data: ScoreSheetData) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SCORES_SHEET)
    _row(
        ws,
        [
            "组 Group",
            "团队编号 Team code",
            "团队名称 Team",
            "作品 Entry",
            "评委编号 Judge id",
            "评委 Judge",
            *[f"{name} ({key})" for key, name in data.criteria],
            "总分 Total",
            "提交时间 Submitted at",
            "计入成绩 Counted",
        ],
    )
    for row in data.reviews:
        submitted = row["submitted_at"]
        _row(
            ws,
            [
                row["group"],
                row["team_code"],
                row["team_name"],
                row["title"],
                row["judge_id"],
                row["judge_name"],
                *[_cell(row["scores"].get(key)) for key, _ in data.criteria],
                _cell(row["total"]),
                timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M") if submitted else None,
                YES if row["counted"] else NO,
            ],
        )
    ws = wb.create_sheet(RANKINGS_SHEET)
    _row(
        ws,
        [
            "组 Group",
            "名次 Rank",
            "并列 Tied",
            "团队编号 Team code",
            "团队名称 Team",
            "作品 Entry",
            "评分数 Reviews",
            "原始分 Raw",
            "标准分 Normalised",
            "最终得分 Final",
            "合议 Overridden",
            "合议理由 Override reason",
        ],
    )
    for row in data.results:
        _row(
            ws,
            [
                row["group"],
                row["rank"],
                YES if row["tied"] else NO,
                row["team_code"],
                row["team_name"],
                row["title"],
                row["review_count"],
                _cell(row["raw"]),
                _cell(row["normalised"]),
                _cell(row["final"]),
                YES if row["overridden"] else NO,
                row["override_reason"],
            ],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
