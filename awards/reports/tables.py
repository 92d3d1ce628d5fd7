"""The report's tables, shared by the workbook and the PDF: one section per dimension, with its
Chinese and English titles and column headers, its rows (plain values) and the chart drawn for it.
"""

from __future__ import annotations

from dataclasses import dataclass

REG_COLUMNS = (
    ("registrations", "报名团队", "Registrations (teams)"),
    ("entrants", "参赛单位", "Entrants (organisations)"),
    ("people", "参赛人员", "People"),
)


@dataclass(frozen=True)
class Section:
    key: str
    title_zh: str
    title_en: str
    headers: list[tuple[str, str]]  # (Chinese, English) per column
    rows: list[list]
    chart: str  # "bar" or "pie"
    values: int = 1  # how many numeric columns after the label the chart shows


def _dimension(key, zh, en, label_zh, label_en, rows, chart="bar") -> Section:
    return Section(
        key=key,
        title_zh=zh,
        title_en=en,
        headers=[(label_zh, label_en)] + [(z, e) for _, z, e in REG_COLUMNS],
        rows=[[r["label"]] + [r[k] for k, _, _ in REG_COLUMNS] for r in rows],
        chart=chart,
        values=3,
    )


def report_sections(data: dict) -> list[Section]:
    reg = data["registrations"]
    sections = [
        _dimension("province", "按省份", "By province", "省份", "Province", reg["by_province"]),
        _dimension("city", "按城市", "By city", "城市", "City", reg["by_city"]),
        _dimension("track", "按赛道", "By track", "赛道", "Track", reg["by_track"]),
        _dimension(
            "organisation_kind",
            "按单位类型",
            "By organisation type",
            "单位类型",
            "Organisation type",
            reg["by_organisation_kind"],
            chart="pie",
        ),
        Section(
            key="stages",
            title_zh="阶段结果",
            title_en="Stage outcomes",
            headers=[
                ("阶段", "Stage"),
                ("进入", "Reached"),
                ("已提交", "Submitted"),
                ("晋级", "Passed"),
            ],
            rows=[
                [("全国 " if s["level"] == "national" else "") + s["name"]]
                + [s["reached"], s["submitted"], s["passed"]]
                for s in data["stages"]
            ],
            chart="bar",
            values=3,
        ),
        Section(
            key="award_tiers",
            title_zh="奖项等级",
            title_en="Awards by tier",
            headers=[("奖项", "Award tier"), ("获奖数", "Awards"), ("已确定", "Final")],
            rows=[[t["label"], t["count"], t["final"]] for t in data["awards"]["by_tier"]],
            chart="bar",
            values=2,
        ),
        Section(
            key="award_provinces",
            title_zh="获奖省份",
            title_en="Awards by province",
            headers=[("省份", "Province"), ("获奖数", "Awards"), ("已确定", "Final")],
            rows=[[p["label"], p["count"], p["final"]] for p in data["awards"]["by_province"]],
            chart="bar",
            values=2,
        ),
        Section(
            key="judge_fields",
            title_zh="评委专业领域",
            title_en="Judges by field",
            headers=[("专业领域", "Field"), ("评委人数", "Judges")],
            rows=[[j["label"], j["count"]] for j in data["judges"]["by_field"]],
            chart="bar",
        ),
        Section(
            key="judge_regions",
            title_zh="评委地区",
            title_en="Judges by region",
            headers=[("地区", "Region"), ("评委人数", "Judges")],
            rows=[[j["label"], j["count"]] for j in data["judges"]["by_region"]],
            chart="pie",
        ),
    ]
    if data["sub_contests"]:
        sections.append(
            Section(
                key="sub_contests",
                title_zh="分赛明细",
                title_en="Per sub-contest",
                headers=[
                    ("赛事", "Contest"),
                    ("报名团队", "Registrations"),
                    ("参赛单位", "Entrants"),
                    ("参赛人员", "People"),
                    ("评委", "Judges"),
                    ("获奖", "Awards"),
                    ("推荐全国", "Recommended"),
                ],
                rows=[
                    [
                        c["name"],
                        c["registrations"],
                        c["entrants"],
                        c["people"],
                        c["judges"],
                        c["awards"],
                        c["recommended"],
                    ]
                    for c in data["sub_contests"]
                ],
                chart="bar",
                values=1,
            )
        )
    return sections


def summary_rows(data: dict) -> list[tuple[str, str, int]]:
    t = data["totals"]
    rows = [
        ("报名团队", "Registrations (teams)", t["registrations"]),
        ("参赛单位", "Entrants (organisations)", t["entrants"]),
        ("参赛人员", "People", t["people"]),
        ("其中 成员（含队长）", "of whom members (captains included)", t["members"]),
        ("其中 指导老师", "of whom advisors", t["advisors"]),
        ("评委", "Judges", t["judges"]),
        ("获奖", "Awards", t["awards"]),
        ("其中 已确定", "of which final", t["awards_final"]),
    ]
    if data["scope"] == "national":
        rows[:0] = [("分赛数", "Sub-contests", t["sub_contests"])]
        rows.append(("推荐全国", "Recommended to the national contest", t["recommended"]))
    return rows


def scope_label(data: dict) -> tuple[str, str]:
    if data["scope"] == "national":
        return "全国赛（含全部分赛）", "Whole national contest (all sub-contests)"
    return "本赛事", "This contest"
