"""The organiser's report: exact figures on a national contest with three sub-contests, a constant
number of queries, the workbook's sheets and figures, the PDF's text and its drawn charts."""

import io
import subprocess

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from awards.reports import contest_report_data, contest_report_pdf, contest_report_xlsx
from tests.awards.report_fixtures import national_world, sub_contest_add
from tests.factories.contest import (
    ContestFactory,
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
)

pytestmark = pytest.mark.django_db

NOT_GIVEN = "未填写 Not given"


def row(key, registrations, entrants, people, label=None, **extra):
    return {
        "key": key,
        "label": label or key or NOT_GIVEN,
        "registrations": registrations,
        "entrants": entrants,
        "people": people,
        **extra,
    }


@pytest.fixture
def world():
    return national_world()


def test_national_totals_and_registrations(world):
    data = contest_report_data(contest=world.national)

    assert data["scope"] == "national"
    assert data["contest"]["name"] == "全国数据要素×大赛"
    assert data["totals"] == {
        "registrations": 4,
        "entrants": 3,
        "people": 6,
        "members": 5,
        "advisors": 1,
        "sub_contests": 3,
        "awards": 3,
        "awards_final": 2,
        "judges": 3,
        "recommended": 1,
    }
    reg = data["registrations"]
    assert reg["by_province"] == [row("江苏", 2, 2, 4), row("浙江", 1, 1, 2), row(None, 1, 0, 1)]
    assert reg["by_city"] == [
        row("江苏 南京", 1, 1, 3, province="江苏"),
        row("江苏 苏州", 1, 1, 1, province="江苏"),
        row("浙江 杭州", 1, 1, 2, province="浙江"),
        row(None, 1, 0, 1, province=None),
    ]
    # Tracks of the same name in two sub-contests add up; the organisers' order.
    assert reg["by_track"] == [
        row("工业制造", 2, 3, 4),
        row("医疗健康", 1, 1, 1),
        row("绿色低碳", 1, 0, 1),
    ]
    # 乙大学 is a co-applicant of an enterprise-led team: an entrant as a university.
    assert reg["by_organisation_kind"] == [
        row("enterprise", 2, 2, 4, label="企业 Enterprise"),
        row("university", 1, 1, 1, label="高校 University"),
        row(None, 1, 0, 1),
    ]


def test_national_stages_awards_judges_and_breakdown(world):
    data = contest_report_data(contest=world.national)

    assert [
        (s["key"], s["stages"], s["reached"], s["submitted"], s["passed"]) for s in data["stages"]
    ] == [
        ("contest:初赛", 3, 3, 3, 1),  # the withdrawn 浙江 entry does not count
        ("contest:决赛", 1, 1, 0, 0),
        ("national:全国决赛", 1, 1, 1, 0),
    ]
    assert data["awards"] == {
        "by_tier": [
            {"key": "一等奖", "label": "一等奖", "count": 1, "final": 1},
            {"key": "全国一等奖", "label": "全国一等奖", "count": 1, "final": 1},
            {"key": "二等奖", "label": "二等奖", "count": 1, "final": 0},
        ],
        "by_province": [{"key": "江苏", "label": "江苏", "count": 3, "final": 2}],
    }
    assert data["judges"] == {
        "by_field": [
            {"key": "数据治理", "label": "数据治理", "count": 2},
            {"key": "工业互联网", "label": "工业互联网", "count": 1},
            {"key": None, "label": NOT_GIVEN, "count": 1},
        ],
        "by_region": [
            {"key": "江苏", "label": "江苏", "count": 1},
            {"key": "浙江", "label": "浙江", "count": 1},
            {"key": None, "label": NOT_GIVEN, "count": 1},
        ],
    }
    assert [
        (
            c["code"],
            c["level"],
            c["registrations"],
            c["entrants"],
            c["people"],
            c["judges"],
            c["awards"],
            c["recommended"],
        )
        for c in data["sub_contests"]
    ] == [
        ("national", "national", 0, 0, 0, 1, 1, 0),
        ("sub-gd", "sub_contest", 1, 0, 1, 1, 0, 0),
        ("sub-js", "sub_contest", 2, 2, 4, 1, 2, 1),
        ("sub-zj", "sub_contest", 1, 1, 2, 1, 0, 0),
    ]


def test_one_sub_contest_alone(world):
    data = contest_report_data(contest=world.subs[0])

    assert data["scope"] == "contest"
    assert data["sub_contests"] == []
    assert data["totals"] == {
        "registrations": 2,
        "entrants": 2,
        "people": 4,
        "members": 3,
        "advisors": 1,
        "sub_contests": 0,
        "awards": 2,
        "awards_final": 1,
        "judges": 1,
        "recommended": 1,
    }
    assert data["registrations"]["by_province"] == [row("江苏", 2, 2, 4)]
    assert [(s["key"], s["reached"], s["passed"]) for s in data["stages"]] == [
        ("contest:初赛", 2, 1),
        ("contest:决赛", 1, 0),
    ]


def _national_with(n_subs: int, teams_per_sub: int):
    national = ContestFactory(code=f"nat-{n_subs}")
    for i in range(n_subs):
        sub = sub_contest_add(national=national, code=f"s{n_subs}-{i}", region=f"省{i}")
        track = TrackFactory(contest=sub)
        stage = StageFactory(contest=sub, order=1)
        for _ in range(teams_per_sub):
            team = TeamFactory(contest=sub, track=track, lead_organisation=OrganisationFactory())
            team.co_applicants.add(OrganisationFactory())
            EntryFactory(team=team, stage=stage)
    return national


def test_constant_number_of_queries(django_assert_num_queries):
    small = _national_with(1, 1)
    large = _national_with(3, 3)
    with django_assert_num_queries(10):
        assert contest_report_data(contest=small)["totals"]["registrations"] == 1
    with django_assert_num_queries(10):
        assert contest_report_data(contest=large)["totals"]["registrations"] == 9


def test_workbook_sheets_and_figures(world):
    wb = load_workbook(io.BytesIO(contest_report_xlsx(contest=world.national)))

    assert wb.sheetnames == [
        "概览 Summary",
        "按省份 By province",
        "按城市 By city",
        "按赛道 By track",
        "按单位类型 By organisation type",
        "阶段结果 Stage outcomes",
        "奖项等级 Awards by tier",
        "获奖省份 Awards by province",
        "评委专业领域 Judges by field",
        "评委地区 Judges by region",
        "分赛明细 Per sub-contest",
    ]
    summary = list(wb["概览 Summary"].values)
    assert summary[0] == ("赛事 Contest", "全国数据要素×大赛", None)
    assert ("报名团队", "Registrations (teams)", 4) in summary
    assert ("参赛人员", "People", 6) in summary
    assert list(wb["按省份 By province"].values) == [
        ("省份", "报名团队", "参赛单位", "参赛人员"),
        ("Province", "Registrations (teams)", "Entrants (organisations)", "People"),
        ("江苏", 2, 2, 4),
        ("浙江", 1, 1, 2),
        (NOT_GIVEN, 1, 0, 1),
    ]
    assert list(wb["阶段结果 Stage outcomes"].values)[2:] == [
        ("初赛", 3, 3, 1),
        ("决赛", 1, 0, 0),
        ("全国 全国决赛", 1, 1, 0),
    ]
    assert list(wb["分赛明细 Per sub-contest"].values)[4] == (
        "数据要素×大赛江苏分赛",
        2,
        2,
        4,
        1,
        2,
        1,
    )
    assert len(wb["按赛道 By track"]._charts) == 1
    assert len(wb["按单位类型 By organisation type"]._charts) == 1


def test_workbook_neutralises_text_cells(world):
    world.subs[0].tracks.filter(code="industry").update(name="=HYPERLINK(1)")

    wb = load_workbook(io.BytesIO(contest_report_xlsx(contest=world.subs[0])))

    cells = [r[0] for r in wb["按赛道 By track"].values]
    assert "'=HYPERLINK(1)" in cells
    assert all(c.data_type != "f" for r in wb["按赛道 By track"].iter_rows() for c in r)


@pytest.fixture
def national_pdf(world, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(contest_report_pdf(contest=world.national))
    return path


def test_pdf_text_has_title_headings_and_figures(national_pdf):
    reader = PdfReader(national_pdf)
    title = reader.pages[0].extract_text()
    assert "赛事统计报告 Contest report" in title
    assert "全国数据要素×大赛" in title
    assert "全国赛（含全部分赛）" in title
    assert "生成时间 Generated" in title
    text = subprocess.run(
        ["pdftotext", "-layout", str(national_pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    for heading in (
        "概览 Summary",
        "按省份 By province",
        "按城市 By city",
        "按赛道 By track",
        "按单位类型 By organisation type",
        "阶段结果 Stage outcomes",
        "奖项等级 Awards by tier",
        "获奖省份 Awards by province",
        "评委专业领域 Judges by field",
        "评委地区 Judges by region",
        "分赛明细 Per sub-contest",
    ):
        assert heading in text
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert "报名团队 Registrations (teams) 4" in lines
    assert "参赛人员 People 6" in lines
    assert "江苏 2 2 4" in lines
    assert "工业制造 2 3 4" in lines
    assert "数据治理 2" in lines


def test_pdf_draws_charts(national_pdf):
    # Page 2: the summary table, then the province heading and its bar chart.
    png = subprocess.run(
        ["pdftoppm", "-f", "2", "-l", "2", "-r", "40", "-png", str(national_pdf)],
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    # The chart's bars are the palette's blue (#5470c6) and green (#91cc75): count them.
    colours = {(0x54, 0x70, 0xC6): 0, (0x91, 0xCC, 0x75): 0}
    for y in range(h):
        for x in range(w):
            r, g, b = image.getpixel((x, y))
            for colour in colours:
                if all(abs(a - c) < 12 for a, c in zip((r, g, b), colour, strict=True)):
                    colours[colour] += 1
    assert all(count > 50 for count in colours.values()), colours


def test_pdf_chart_shows_the_first_rows_and_the_table_all(tmp_path):
    contest = ContestFactory()
    provinces = [f"省份{i:02d}" for i in range(16)]
    for province in provinces:
        TeamFactory(contest=contest, lead_organisation=OrganisationFactory(province=province))
    path = tmp_path / "many.pdf"
    path.write_bytes(contest_report_pdf(contest=contest))

    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "图中为前 15 项，下表列出全部 16 项。" in text
    assert all(province in text for province in provinces)
