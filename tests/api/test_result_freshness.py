"""How fresh the stored results are, and 立即重算 (recompute now), through the API."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from contest.enums import EntryStatus
from contest.models import Entry
from judging.models import AuditLog, EntryResult, ResultState
from judging.services.recompute import results_mark_dirty
from tests.api.helpers import assert_error
from tests.factories.contest import TeamFactory, TrackFactory, UserFactory
from tests.factories.judging import ReviewFactory


@pytest.fixture
def scored(stage):
    track = TrackFactory(contest=stage.contest)
    judges = [UserFactory(), UserFactory()]
    entries = []
    for title, totals in (("甲", (90, 80)), ("乙", (70, 75))):
        entry = Entry.objects.create(
            team=TeamFactory(contest=stage.contest, track=track),
            stage=stage,
            title=title,
            status=EntryStatus.SUBMITTED,
        )
        for judge, total in zip(judges, totals, strict=True):
            ReviewFactory(assignment__entry=entry, assignment__judge=judge, total=Decimal(total))
        entries.append(entry)
    return entries


def freshness_url(stage):
    return f"/api/stages/{stage.pk}/results/freshness/"


def recompute_url(stage):
    return f"/api/stages/{stage.pk}/results/recompute/"


def test_freshness_of_a_stage_never_computed(client_for, organiser, stage):
    body = client_for(organiser).get(freshness_url(stage)).json()

    assert body["computed_at"] is None and body["age_seconds"] is None
    assert body["submits_since"] == 0 and body["recomputes"] == 0
    assert body["last_kind"] == "" and body["running"] is False


def test_recompute_now_then_submits_since(client_for, organiser, stage, scored):
    client = client_for(organiser)
    audit_before = AuditLog.objects.filter(action="results.compute").count()

    response = client.post(recompute_url(stage))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["last_kind"] == "full" and body["recomputes"] == 1
    assert body["submits_since"] == 0 and body["dirty_since"] is None
    assert 0 <= body["age_seconds"] < 60
    assert EntryResult.objects.filter(stage=stage, rank=1).count() == 1
    assert AuditLog.objects.filter(action="results.compute").count() == audit_before + 1

    # three submits marked (a worker will fold them into one run): the page says so
    for entry in scored + scored[:1]:
        results_mark_dirty(stage_id=stage.pk, entry_ids=[entry.pk])
    ResultState.objects.filter(stage=stage).update(
        computed_at=timezone.now() - datetime.timedelta(seconds=3)
    )
    body = client.get(freshness_url(stage)).json()
    assert body["submits_since"] == 3 and body["dirty_since"] is not None
    assert 3 <= body["age_seconds"] < 60

    body = client.post(recompute_url(stage)).json()
    assert (body["submits_since"], body["dirty_since"], body["recomputes"]) == (0, None, 2)


def test_recompute_now_refused_on_published_results(client_for, organiser, stage, scored):
    client = client_for(organiser)
    client.post(recompute_url(stage))
    assert client.post(f"/api/stages/{stage.pk}/results/publish/").status_code == 201
    before = (
        list(EntryResult.objects.values_list("entry_id", "final_score", "rank", "computed_at")),
        AuditLog.objects.count(),
        ResultState.objects.get(stage=stage).recomputes,
    )

    body = assert_error(client.post(recompute_url(stage)), 409, "stage_results_published")

    assert body["message_en"] == (
        "The results of this stage are published; a change needs a correction."
    )
    assert body["message_zh"] != body["message_en"]
    after = (
        list(EntryResult.objects.values_list("entry_id", "final_score", "rank", "computed_at")),
        AuditLog.objects.count(),
        ResultState.objects.get(stage=stage).recomputes,
    )
    assert after == before


def test_recompute_now_is_for_organisers_only(client_for, captain, other_organiser, stage, scored):
    for user in (captain, other_organiser):
        assert_error(client_for(user).post(recompute_url(stage)), 404, "not_found")
        assert_error(client_for(user).get(freshness_url(stage)), 404, "not_found")
    assert EntryResult.objects.count() == 0
    assert not ResultState.objects.filter(stage=stage).exists()


def test_freshness_query_count(client_for, organiser, stage, scored, django_assert_max_num_queries):
    client = client_for(organiser)
    client.post(recompute_url(stage))
    with django_assert_max_num_queries(8):
        assert client.get(freshness_url(stage)).status_code == 200
