"""The expert pool through the API: organisers only (404 for anyone else), search and filters,
availability, the template and the row-by-row import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from judging.models import Expert
from judging.services.expert_import import expert_template_build
from tests.api.helpers import assert_error, results
from tests.judging.expert_fixtures import expert_make, expert_world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return expert_world_build(clean=4)


def _url(world):
    return f"/api/contests/{world.contest.pk}/experts/"


def test_the_organiser_lists_searches_and_filters_the_pool(world, client_for):
    client = client_for(world.organiser)
    assert len(results(client.get(_url(world), {"page_size": 100}))) == 14
    found = results(client.get(_url(world), {"q": "专家02"}))
    assert [e["name"] for e in found] == ["专家02"]
    assert found[0]["organisation_uscc"] == world.clean[1].organisation_uscc
    jiangsu = results(client.get(_url(world), {"province": "江苏"}))
    assert [e["name"] for e in jiangsu] == ["专家54"]
    bio = results(client.get(_url(world), {"field": "生物医药"}))
    assert [e["name"] for e in bio] == ["专家59"]
    inactive = results(client.get(_url(world), {"active": "false"}))
    assert [e["name"] for e in inactive] == ["专家57"]


def test_the_list_costs_the_same_queries_for_a_larger_pool(world, client_for):
    client = client_for(world.organiser)
    with CaptureQueriesContext(connection) as small:
        client.get(_url(world))
    for n in range(200, 230):
        expert_make(world.contest, n)
    with CaptureQueriesContext(connection) as large:
        client.get(_url(world))
    assert len(large) == len(small)


@pytest.mark.parametrize("who", ["captain", "stranger", "other_organiser", "anonymous"])
def test_no_one_else_sees_or_changes_the_pool(world, who, client_for, api_client):
    from tests.factories.contest import ContestFactory, ContestRoleFactory, UserFactory

    if who == "anonymous":
        client = api_client
    elif who == "captain":
        client = client_for(world.captain)
    elif who == "stranger":
        client = client_for(UserFactory())
    else:
        user = UserFactory()
        ContestRoleFactory(contest=ContestFactory(), user=user)
        client = client_for(user)
    expert = world.clean[0]
    status = 401 if who == "anonymous" else 404
    code = "not_authenticated" if who == "anonymous" else "not_found"
    assert_error(client.get(_url(world)), status, code)
    assert_error(client.get(f"/api/experts/{expert.pk}/"), status, code)
    response = client.patch(f"/api/experts/{expert.pk}/", {"active": False}, format="json")
    assert_error(response, status, code)
    assert Expert.objects.get(pk=expert.pk).active is True
    before = Expert.objects.count()
    response = client.post(_url(world), {"name": "x", "mobile": "13900001111"}, format="json")
    assert_error(response, status, code)
    assert Expert.objects.count() == before


def test_the_organiser_adds_an_expert_and_sets_availability(world, client_for):
    client = client_for(world.organiser)
    body = {
        "name": "新专家",
        "organisation_name": "某大学",
        "province": "四川",
        "fields": ["数据要素", " 数据要素 ", "金融"],
        "mobile": "13700001234",
    }
    response = client.post(_url(world), body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["fields"] == ["数据要素", "金融"] and created["has_account"] is False
    response = client.patch(
        f"/api/experts/{created['id']}/",
        {"unavailable_dates": ["2026-12-21", "2026-12-20"], "active": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["unavailable_dates"] == ["2026-12-20", "2026-12-21"]
    assert response.json()["active"] is False


def test_an_expert_without_contact_is_refused(world, client_for):
    before = Expert.objects.count()
    response = client_for(world.organiser).post(_url(world), {"name": "无联系"}, format="json")
    body = assert_error(response, 400, "expert_contact_required")
    assert body["message_en"] == "An expert needs a mobile number or an e-mail."
    assert body["message_zh"] == "专家须至少填写手机号或邮箱。"
    assert Expert.objects.count() == before


def test_the_template_downloads_and_its_example_row_imports(world, client_for):
    client = client_for(world.organiser)
    response = client.get(f"/api/contests/{world.contest.pk}/expert-template/")
    assert response.status_code == 200
    upload = SimpleUploadedFile("experts.xlsx", response.content)
    response = client.post(
        f"/api/contests/{world.contest.pk}/expert-import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "errors": []}
    upload = SimpleUploadedFile("experts.xlsx", expert_template_build(world.contest))
    response = client.post(
        f"/api/contests/{world.contest.pk}/expert-import/", {"file": upload}, format="multipart"
    )
    assert response.json() == {"created": 0, "updated": 1, "errors": []}


def test_an_import_with_only_bad_rows_is_a_400_with_the_report(world, client_for):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(expert_template_build(world.contest)))
    ws = wb.active
    ws["A2"] = ""
    buffer = io.BytesIO()
    wb.save(buffer)
    before = Expert.objects.count()
    response = client_for(world.organiser).post(
        f"/api/contests/{world.contest.pk}/expert-import/",
        {"file": SimpleUploadedFile("e.xlsx", buffer.getvalue())},
        format="multipart",
    )
    body = assert_error(response, 400, "import_rows_invalid")
    assert body["errors"] == [{"row": 2, "column": "姓名 Name", "message": "必填 / required"}]
    assert Expert.objects.count() == before


def test_a_declared_relation_with_a_bad_id_number_is_refused(world, client_for):
    expert = world.clean[0]
    response = client_for(world.organiser).patch(
        f"/api/experts/{expert.pk}/",
        {"declared_relations": [{"name": "亲属甲", "id_number": "110105198001010000"}]},
        format="json",
    )
    body = assert_error(response, 400, "expert_relation_id_invalid")
    assert body["message_en"] == "Invalid citizen ID number for the declared person 亲属甲."
    assert Expert.objects.get(pk=expert.pk).declared_relations == []


def test_the_import_reports_a_bad_id_number_in_its_row(world, client_for):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(expert_template_build(world.contest)))
    ws = wb.active
    ws["K2"] = "亲属甲:110105198001010000"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = client_for(world.organiser).post(
        f"/api/contests/{world.contest.pk}/expert-import/",
        {"file": SimpleUploadedFile("e.xlsx", buffer.getvalue())},
        format="multipart",
    )
    body = assert_error(response, 400, "import_rows_invalid")
    assert body["errors"] == [
        {
            "row": 2,
            "column": "申报的亲属或学生 Declared relatives and students",
            "message": "身份证号无效 / invalid citizen ID number: 亲属甲",
        }
    ]
