"""Importing a challenge list (榜单) from Excel: all rows or nothing, errors row by row."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from contest.models import Challenge, Organisation
from contest.services.challenge_import import TEMPLATE_COLUMNS
from contest.validators import uscc_check_character
from tests.api.helpers import PDF_BYTES, assert_error, row_counts, upload
from tests.factories.contest import ChallengeFactory, OrganisationFactory, TrackFactory

HEADER = [h for h, _, _ in TEMPLATE_COLUMNS]
NEW_USCC_17 = "91320100MA2NEW001"
NEW_USCC = NEW_USCC_17 + uscc_check_character(NEW_USCC_17)


def _row(**values):
    keys = [k for _, k, _ in TEMPLATE_COLUMNS]
    defaults = {
        "code": "JB-001",
        "title": "高精度工业缺陷视觉检测",
        "publisher_name": "南京新智能制造有限公司",
        "publisher_uscc": NEW_USCC,
        "publisher_kind": "企业",
        "publisher_province": "江苏",
        "prize": 500000,
        "prize_payer": "发榜方",
        "deadline": "2026-12-31",
    }
    defaults.update(values)
    return [defaults.get(k) for k in keys]


def _workbook(*rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "榜单.xlsx"
    return buffer


def _post(client, contest, fileobj):
    return client.post(
        f"/api/contests/{contest.pk}/challenge-import/", {"file": fileobj}, format="multipart"
    )


def test_challenge_import_good_file_creates_challenges(client_for, organiser, contest):
    existing = OrganisationFactory(name="已有单位")
    TrackFactory(contest=contest, name="工业制造")
    response = _post(
        client_for(organiser),
        contest,
        _workbook(
            _row(code="JB-001", track="工业制造"),
            _row(code="JB-002", title="城市内涝预警", publisher_uscc=existing.uscc, prize="面议"),
        ),
    )
    assert response.status_code == 201
    assert response.json() == {"created": 2, "errors": []}
    first, second = Challenge.objects.filter(contest=contest).order_by("code")
    assert (first.code, first.status, first.track.name, first.prize_amount) == (
        "JB-001",
        "approved",
        "工业制造",
        500000,
    )
    assert first.publisher.uscc == NEW_USCC
    assert first.publisher.name == "南京新智能制造有限公司"
    assert (second.publisher_id, second.prize_negotiable, second.prize_amount) == (
        existing.pk,
        True,
        None,
    )
    assert first.created_by == organiser


def test_challenge_import_bad_rows_create_nothing(client_for, organiser, contest):
    ChallengeFactory(contest=contest, code="JB-OLD")
    before = row_counts()
    bad_uscc = NEW_USCC[:17] + ("0" if NEW_USCC[17] != "0" else "1")
    response = _post(
        client_for(organiser),
        contest,
        _workbook(
            _row(code="JB-001"),
            _row(code="JB-002", publisher_uscc=bad_uscc),
            _row(code="JB-003", title=None, prize=-5),
            _row(code="JB-001"),
            _row(code="JB-OLD"),
            _row(code="JB-006", track="不存在的赛道", deadline="31/12/2026", prize_payer="银行"),
        ),
    )
    body = assert_error(response, 400, "import_rows_invalid")
    assert body["created"] == 0
    assert body["errors"] == [
        {
            "row": 3,
            "column": "统一社会信用代码 USCC",
            "message": f"无效的统一社会信用代码 / invalid USCC: {bad_uscc}",
        },
        {"row": 4, "column": "榜题名称 Title", "message": "必填 / required"},
        {
            "row": 4,
            "column": "榜额(元) Prize (CNY)",
            "message": "应为非负金额或“面议” / a non-negative amount or 面议: -5",
        },
        {"row": 5, "column": "榜题编号 Code", "message": "与第 2 行编号重复 / duplicate of row 2"},
        {"row": 6, "column": "榜题编号 Code", "message": "编号已存在 / code exists: JB-OLD"},
        {
            "row": 7,
            "column": "出资方 Paid by",
            "message": "应为“发榜方”或“组委会” / publisher or organiser: 银行",
        },
        {
            "row": 7,
            "column": "赛道 Track",
            "message": "赛事中没有该赛道 / no such track: 不存在的赛道",
        },
        {
            "row": 7,
            "column": "揭榜截止 Deadline",
            "message": "日期格式应为 YYYY-MM-DD / date as YYYY-MM-DD: 31/12/2026",
        },
    ]
    assert body["message_en"] == "8 errors; nothing was imported."
    assert row_counts() == before
    assert Organisation.objects.filter(uscc=NEW_USCC).exists() is False


def test_challenge_import_too_long_cells_reported(client_for, organiser, contest):
    before = row_counts()
    response = _post(
        client_for(organiser),
        contest,
        _workbook(_row(code="JB-" + "9" * 60, title="长" * 250, contact_email="not-an-email")),
    )
    body = assert_error(response, 400, "import_rows_invalid")
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (2, "榜题编号 Code"),
        (2, "榜题名称 Title"),
        (2, "联系邮箱 Email"),
    ]
    assert row_counts() == before


def test_challenge_import_prize_too_large_reported(client_for, organiser, contest):
    before = row_counts()
    response = _post(client_for(organiser), contest, _workbook(_row(prize="1e20")))
    body = assert_error(response, 400, "import_rows_invalid")
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(2, "榜额(元) Prize (CNY)")]
    assert row_counts() == before


def test_challenge_import_header_missing_column(client_for, organiser, contest):
    before = row_counts()
    response = _post(client_for(organiser), contest, _workbook(_row(), header=HEADER[1:]))
    body = assert_error(response, 400, "template_mismatch")
    assert body["details"] == {"missing": ["榜题编号 Code"]}
    assert row_counts() == before


def test_challenge_import_not_a_workbook(client_for, organiser, contest):
    before = row_counts()
    assert_error(
        _post(client_for(organiser), contest, upload("榜单.xlsx", PDF_BYTES)),
        400,
        "invalid_workbook",
    )
    assert row_counts() == before


def test_challenge_import_no_file(client_for, organiser, contest):
    response = client_for(organiser).post(
        f"/api/contests/{contest.pk}/challenge-import/", {}, format="multipart"
    )
    assert_error(response, 400, "file_required")


def test_challenge_import_empty_sheet(client_for, organiser, contest):
    response = _post(client_for(organiser), contest, _workbook())
    body = assert_error(response, 400, "import_rows_invalid")
    assert body["errors"] == [{"row": 2, "column": "-", "message": "没有数据行 / no data rows"}]


@pytest.mark.parametrize("role", ["publisher", "stranger", "other_organiser"])
def test_challenge_import_not_organiser_refused(client_for, request, contest, role):
    user = request.getfixturevalue(role)
    before = row_counts()
    assert_error(_post(client_for(user), contest, _workbook(_row())), 403, "not_permitted")
    assert row_counts() == before


def test_challenge_template_download_round_trips(client_for, organiser, contest):
    client = client_for(organiser)
    response = client.get(f"/api/contests/{contest.pk}/challenge-template/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert len(rows) == 2


@pytest.mark.parametrize("with_track", [True, False])
def test_challenge_template_example_row_imports_into_its_contest(
    client_for, organiser, contest, with_track
):
    """The template's own example row imports as it stands (valid USCC, the contest's track, a
    future deadline), twice: the second template picks a code the first import used up."""
    if with_track:
        TrackFactory(contest=contest, name="医疗健康", order=2)
        TrackFactory(contest=contest, name="工业制造", order=1)
    client = client_for(organiser)
    for number in (1, 2):
        template = client.get(f"/api/contests/{contest.pk}/challenge-template/")
        fileobj = io.BytesIO(template.content)
        fileobj.name = "challenge-template.xlsx"
        response = _post(client, contest, fileobj)
        assert response.status_code == 201, response.json()
        assert response.json()["created"] == 1
        assert Challenge.objects.filter(contest=contest).count() == number
    challenge = Challenge.objects.filter(contest=contest).order_by("pk").first()
    assert challenge.code.startswith("EX-") and challenge.code.endswith("-001")
    assert (challenge.track.name if challenge.track else None) == (
        "工业制造" if with_track else None
    )


def test_challenge_template_download_stranger_refused(client_for, stranger, contest):
    response = client_for(stranger).get(f"/api/contests/{contest.pk}/challenge-template/")
    assert_error(response, 403, "not_permitted")
