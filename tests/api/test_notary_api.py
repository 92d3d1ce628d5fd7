"""GET /api/stages/{id}/notary-export.zip: organisers only; the package checks out as its README
says (hashlib and json in the test, none of the platform's code)."""

import hashlib
import json

import pytest

from contest.enums import ContestStatus
from judging.models import AuditLog, ResultSnapshot
from tests.api.helpers import assert_error
from tests.factories.contest import StageFactory
from tests.judging.notary_helpers import chain_head_recomputed, published_stage, unzip


def url(stage):
    return f"/api/stages/{stage.pk}/notary-export.zip"


@pytest.fixture
def published(contest, organiser):
    contest.status = ContestStatus.PUBLISHED
    contest.save(update_fields=["status"])
    return published_stage(contest, organiser)


def test_notary_export_verifies(client_for, organiser, published):
    snapshot = ResultSnapshot.objects.get(stage=published.stage)
    rows_before = AuditLog.objects.count()

    response = client_for(organiser).get(url(published.stage))

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = unzip(response.content)
    head, rows = chain_head_recomputed(files["chain/audit_chain.jsonl"])
    assert (head, rows) == (snapshot.chain_head, snapshot.chain_rows)
    assert response["X-Chain-Head"] == head
    assert hashlib.sha256(files["snapshot/snapshot.json"]).hexdigest() == snapshot.sha256
    assert response["X-Snapshot-SHA256"] == snapshot.sha256
    assert json.loads(files["snapshot/snapshot.json"]) == snapshot.data
    assert {"README.txt", "inputs/reviews.json", "inputs/overrides.json"} <= set(files)
    assert AuditLog.objects.count() == rows_before  # exporting changes nothing


@pytest.mark.parametrize("role", ["captain", "member", "stranger", "other_organiser"])
def test_notary_export_is_404_for_everyone_but_organisers(client_for, request, published, role):
    user = request.getfixturevalue(role)

    assert_error(client_for(user).get(url(published.stage)), 404, "not_found")


def test_notary_export_is_404_for_a_judge(client_for, published):
    judge = published.judges[0]

    assert_error(client_for(judge).get(url(published.stage)), 404, "not_found")


def test_notary_export_needs_login(api_client, published):
    assert_error(api_client.get(url(published.stage)), 401, "not_authenticated")


def test_notary_export_before_publication_is_409(client_for, organiser, contest):
    stage = StageFactory(contest=contest, order=3)

    body = assert_error(client_for(organiser).get(url(stage)), 409, "notary_nothing_published")
    assert body["message_en"] == "The stage has no published results to export."
