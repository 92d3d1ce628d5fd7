"""The report routes: figures equal to what was seeded, the two downloads' types, organisers only
(of the contest, or of its national contest), a bad scope is a 400."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from contest.models import Team
from tests.api.helpers import assert_error
from tests.awards.report_fixtures import national_world
from tests.factories.contest import ContestRoleFactory, TeamMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUTES = ("report/", "report/xlsx/", "report/pdf/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def world():
    return national_world()


def url(contest, route="report/", scope=None):
    return f"/api/contests/{contest.pk}/{route}" + (f"?scope={scope}" if scope else "")


def test_national_organiser_reads_the_national_figures(client_for, world):
    response = client_for(world.organiser).get(url(world.national))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == "national"
    assert body["has_national"] is False
    assert body["totals"] == {
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
    assert body["registrations"]["by_province"][0] == {
        "key": "江苏",
        "label": "江苏",
        "registrations": 2,
        "entrants": 2,
        "people": 4,
    }
    assert [(s["code"], s["registrations"]) for s in body["sub_contests"]] == [
        ("national", 0),
        ("sub-gd", 1),
        ("sub-js", 2),
        ("sub-zj", 1),
    ]
    assert [(t["key"], t["count"]) for t in body["awards"]["by_tier"]] == [
        ("一等奖", 1),
        ("全国一等奖", 1),
        ("二等奖", 1),
    ]


def test_national_organiser_reads_a_sub_contest_and_switches_scope(client_for, world):
    client = client_for(world.organiser)
    js = world.subs[0]

    own = client.get(url(js)).json()
    national = client.get(url(js, scope="national")).json()

    assert (own["scope"], own["contest"]["id"], own["has_national"]) == ("contest", js.pk, True)
    assert own["totals"]["registrations"] == 2
    assert own["sub_contests"] == []
    assert (national["scope"], national["contest"]["id"]) == ("national", world.national.pk)
    assert national["totals"]["registrations"] == 4


def test_sub_contest_organiser_reads_only_their_sub_contest(client_for, world):
    client = client_for(world.sub_organiser)
    js, zj, _ = world.subs

    body = client.get(url(js)).json()
    assert (body["totals"]["registrations"], body["has_national"]) == (2, False)
    for contest, scope in ((js, "national"), (world.national, None), (zj, None)):
        assert_error(client.get(url(contest, scope=scope)), 404, "not_found")


@pytest.mark.parametrize("route", ROUTES)
def test_others_get_404_and_anonymous_401(api_client, client_for, world, route):
    team = Team.objects.filter(contest=world.subs[0]).first()
    member = TeamMemberFactory(team=team).user
    other_organiser = UserFactory()
    ContestRoleFactory(contest=world.subs[1], user=other_organiser)
    for user in (team.captain, member, UserFactory(), other_organiser):
        assert_error(client_for(user).get(url(world.subs[0], route)), 404, "not_found")
    assert_error(api_client.get(url(world.national, route)), 401, "not_authenticated")


@pytest.mark.parametrize("route", ROUTES)
def test_a_bad_scope_is_400(client_for, world, route):
    response = client_for(world.organiser).get(url(world.national, route, scope="planet"))

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["scope"]


def test_xlsx_download(client_for, world):
    response = client_for(world.organiser).get(url(world.national, "report/xlsx/"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith(
        "attachment; filename*=UTF-8''report-national-"
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert ("报名团队", "Registrations (teams)", 4) in list(wb["概览 Summary"].values)
    assert list(wb["按赛道 By track"].values)[2] == ("工业制造", 2, 3, 4)


def test_pdf_download_of_the_national_scope_from_a_sub_contest(client_for, world):
    response = client_for(world.organiser).get(url(world.subs[0], "report/pdf/", scope="national"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith(".pdf")
    assert response.content.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "全国数据要素×大赛" in text
    assert "全国赛（含全部分赛）" in text


@pytest.mark.parametrize("route", ROUTES)
def test_an_unknown_or_huge_id_is_404(client_for, world, route):
    client = client_for(world.organiser)
    for pk in (0, 99999999, 2**63):
        response = client.get(f"/api/contests/{pk}/{route}")
        assert_error(response, 404, "not_found")
