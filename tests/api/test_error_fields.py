"""Field errors come back as a flat map of dotted paths a form can put under its fields: a nested
list serializer's error is `criteria.1.name`, never the repr of DRF's ErrorDetail dicts."""

import pytest

from judging.models import Rubric
from tests.api.helpers import assert_error
from tests.factories.judging import build_world

pytestmark = pytest.mark.django_db


def _rubric(w, criteria):
    return {"stage": w.stage.pk, "track": None, "group": None, "name": "细则", "criteria": criteria}


def test_nested_criterion_errors_are_dotted_paths(client_for):
    w = build_world()
    before = Rubric.objects.count()
    response = client_for(w.organiser).post(
        "/api/rubrics/",
        _rubric(
            w,
            [
                {"key": "a", "name": "A", "weight": "60", "max_score": "10", "step": "1"},
                {"key": "b", "name": "", "weight": "x", "max_score": "10", "step": "1"},
            ],
        ),
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = assert_error(response, 400, "invalid")
    fields = body["fields"]
    assert set(fields) == {"criteria.1.name", "criteria.1.weight"}, fields
    assert all(isinstance(m, list) and all(isinstance(s, str) for s in m) for m in fields.values())
    assert fields["criteria.1.name"] == ["该字段不能为空。"]
    text = str(fields)
    assert "ErrorDetail" not in text and "{" not in "".join(sum(fields.values(), []))
    assert Rubric.objects.count() == before


def test_domain_error_on_the_list_keeps_its_field(client_for):
    w = build_world()
    response = client_for(w.organiser).post(
        "/api/rubrics/",
        _rubric(w, [{"key": "a", "name": "A", "weight": "60", "max_score": "10", "step": "1"}]),
        format="json",
    )
    body = assert_error(response, 400, "rubric_weights_invalid")
    assert body["fields"] == {"criteria": ["rubric_weights_invalid"]}


def test_flat_field_errors_unchanged(client_for):
    w = build_world()
    response = client_for(w.organiser).post("/api/rubrics/", {"stage": w.stage.pk}, format="json")
    body = assert_error(response, 400, "invalid")
    assert "name" in body["fields"] and "criteria" in body["fields"]
    assert all(isinstance(m, list) for m in body["fields"].values())
