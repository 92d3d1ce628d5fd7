"""The correction (更正) procedure end to end, through the API: published results are frozen for
judges and organisers; the organiser opens a correction with a reason; the published snapshot is
withdrawn and shown publicly as 已更正 with the reason; only the named reviews reopen; the
corrected results are published as version 2, linked from version 1; every step is on the chain.
"""

import datetime

import pytest
from django.utils import timezone

from contest.models import Entry
from judging.enums import AssignmentSource, ReviewStatus
from judging.models import Assignment, AuditLog, ResultSnapshot, Review, ReviewScore
from judging.services.audit import audit_verify
from judging.services.result import snapshot_rebuild_verify, snapshot_verify
from judging.signals import snapshot_published, snapshot_withdrawn
from tests.api.helpers import assert_error
from tests.factories.contest import TeamFactory
from tests.factories.judging import FULL_SCORES, build_world

pytestmark = pytest.mark.django_db

LOWER = {"impact": "5", "novelty": "5", "data_value": "10"}  # 20 + 17.5 + 12.5 = 50


@pytest.fixture
def world(client_for, django_capture_on_commit_callbacks):
    """build_world's judge scores two entries (77.25 and 50); the organiser publishes v1."""
    w = build_world()
    team = TeamFactory(contest=w.contest, name="第二队")
    second = Entry.objects.create(
        team=team, stage=w.stage, title="智慧农业数据", status="submitted"
    )
    w.second_assignment = Assignment.objects.create(
        stage=w.stage,
        entry=second,
        judge=w.judge,
        source=AssignmentSource.MANUAL,
        anonymous_code="B-2M9X",
    )
    judge = client_for(w.judge)
    with django_capture_on_commit_callbacks(execute=True):
        for assignment, scores in ((w.assignment, FULL_SCORES), (w.second_assignment, LOWER)):
            response = judge.post(
                f"/api/judge/assignments/{assignment.pk}/submit/", {"scores": scores}, format="json"
            )
            assert response.status_code == 200, response.json()
    organiser = client_for(w.organiser)
    # review closes, the organiser computes and publishes
    w.stage.review_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    w.stage.save()
    organiser.post(f"/api/stages/{w.stage.pk}/results/compute/")
    published = organiser.post(f"/api/stages/{w.stage.pk}/results/publish/")
    assert published.status_code == 201, published.json()
    w.v1 = published.json()
    w.judge_client, w.organiser_client = judge, organiser
    return w


def review_state():
    return sorted(Review.objects.values_list("pk", "status", "total", "reopened_count"))


def test_judge_draft_and_submit_after_publication_refused(world):
    scores_before = sorted(ReviewScore.objects.values_list("pk", "value"))
    reviews_before = review_state()

    draft = world.judge_client.put(
        f"/api/judge/assignments/{world.assignment.pk}/review/",
        {"scores": {"impact": "9"}},
        format="json",
    )
    submit = world.judge_client.post(
        f"/api/judge/assignments/{world.assignment.pk}/submit/",
        {"scores": FULL_SCORES},
        format="json",
    )
    reopen = world.organiser_client.post(
        f"/api/reviews/{Review.objects.first().pk}/reopen/", {"reason": "复核"}, format="json"
    )

    for response in (draft, submit, reopen):
        body = assert_error(response, 409, "stage_results_published")
        assert body["message_en"] == (
            "The results of this stage are published; a change needs a correction."
        )
    assert sorted(ReviewScore.objects.values_list("pk", "value")) == scores_before
    assert review_state() == reviews_before


def test_correction_needs_reason_and_organiser(world):
    path = f"/api/stages/{world.stage.pk}/results/correction/"
    chain = AuditLog.objects.count()

    no_reason = world.organiser_client.post(path, {"reason": "  "}, format="json")
    as_judge = world.judge_client.post(path, {"reason": "更正"}, format="json")
    bad_review = world.organiser_client.post(
        path, {"reason": "更正", "review_ids": [999999]}, format="json"
    )

    assert_error(no_reason, 400, "reason_required")
    assert as_judge.status_code == 404  # the stage is among the organised contests only
    body = assert_error(bad_review, 400, "correction_reviews_invalid")
    assert body["message_en"] == "Not submitted reviews of this stage: 999999."
    assert ResultSnapshot.objects.get().status == "published"
    assert AuditLog.objects.count() == chain
    assert {r.status for r in Review.objects.all()} == {ReviewStatus.SUBMITTED}


def test_correction_end_to_end(world, api_client, django_capture_on_commit_callbacks):
    named = Review.objects.get(assignment=world.assignment)
    other = Review.objects.get(assignment=world.second_assignment)
    withdrawn_calls, published_calls = [], []

    def on_withdrawn(sender, snapshot, reason, actor, **kwargs):
        withdrawn_calls.append((sender, snapshot.pk, snapshot.status, reason, actor.pk))

    def on_published(sender, snapshot, replaces, actor, **kwargs):
        published_calls.append((snapshot.version, replaces.version if replaces else None))

    snapshot_withdrawn.connect(on_withdrawn, dispatch_uid="test.withdrawn")
    snapshot_published.connect(on_published, dispatch_uid="test.published")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            opened = world.organiser_client.post(
                f"/api/stages/{world.stage.pk}/results/correction/",
                {"reason": "评委误录创新性得分", "review_ids": [named.pk]},
                format="json",
            )
        assert opened.status_code == 201, opened.json()
        assert (opened.json()["status"], opened.json()["withdrawal_reason"]) == (
            "withdrawn",
            "评委误录创新性得分",
        )
        assert withdrawn_calls == [
            (ResultSnapshot, world.v1["id"], "withdrawn", "评委误录创新性得分", world.organiser.pk)
        ]

        # the named review reopens; the other stays locked
        named.refresh_from_db()
        other.refresh_from_db()
        assert (named.status, named.reopened_count) == (ReviewStatus.DRAFT, 1)
        assert (other.status, other.reopened_count) == (ReviewStatus.SUBMITTED, 0)
        locked = world.judge_client.put(
            f"/api/judge/assignments/{world.second_assignment.pk}/review/",
            {"scores": {"impact": "9"}},
            format="json",
        )
        body = assert_error(locked, 409, "review_not_in_correction")
        assert body["message_en"] == (
            "Under the correction only the reviews it names can be scored again."
        )
        assert ReviewScore.objects.filter(review=other, criterion__key="impact").get().value == 5
        # under correction: no awards follow, and a second correction cannot open
        again = world.organiser_client.post(
            f"/api/stages/{world.stage.pk}/results/correction/", {"reason": "再次"}, format="json"
        )
        body = assert_error(again, 409, "stage_under_correction")
        assert body["details"]["phase"] == "under_correction"

        # the judge re-scores the named review after the review window closed
        with django_capture_on_commit_callbacks(execute=True):
            rescored = world.judge_client.post(
                f"/api/judge/assignments/{world.assignment.pk}/submit/",
                {"scores": {"impact": "10", "novelty": "7", "data_value": "15"}},
                format="json",
            )
        assert rescored.status_code == 200, rescored.json()
        assert rescored.json()["total"] == "83.2500"  # 40 + 24.5 + 18.75

        with django_capture_on_commit_callbacks(execute=True):
            republished = world.organiser_client.post(
                f"/api/stages/{world.stage.pk}/results/publish/"
            )
        assert republished.status_code == 201, republished.json()
    finally:
        snapshot_withdrawn.disconnect(dispatch_uid="test.withdrawn")
        snapshot_published.disconnect(dispatch_uid="test.published")

    v2 = republished.json()
    assert v2["version"] == 2 and v2["replaces"] == {"id": world.v1["id"], "version": 1}
    assert published_calls == [(2, 1)]
    finals = {r["title"]: r["final"] for r in v2["rows"]}
    assert finals["工业设备预测性维护数据平台"] == "83.2500"

    # the public sees v2 and v1 marked 已更正 with the reason and the link to v2
    public = api_client.get(f"/api/stages/{world.stage.pk}/snapshots/").json()
    assert [s["version"] for s in public] == [2, 1]
    v1 = public[1]
    assert (v1["status"], v1["status_label"], v1["withdrawal_reason"]) == (
        "withdrawn",
        "已更正 Corrected",
        "评委误录创新性得分",
    )
    assert v1["replaced_by"] == {"id": v2["id"], "version": 2}
    assert v1["rows"] == world.v1["rows"]  # the withdrawn page keeps what was published

    # every step on the chain, the chain verifies and v2 carries its head
    actions = list(AuditLog.objects.order_by("seq").values_list("action", flat=True))
    tail = actions[actions.index("results.correction_open") :]
    assert tail[:2] == ["results.correction_open", "review.reopen"]
    assert "review.submit" in tail and tail[-1] == "results.publish"
    opened_row = AuditLog.objects.get(action="results.correction_open")
    assert (opened_row.reason, opened_row.data["reviews"]) == ("评委误录创新性得分", [named.pk])
    head = AuditLog.objects.order_by("-seq").first()
    assert (v2["chain_head"], v2["chain_rows"]) == (head.hash, head.seq)
    assert audit_verify(contest=world.contest).ok
    for snapshot in ResultSnapshot.objects.all():
        assert snapshot_verify(snapshot) and snapshot_rebuild_verify(snapshot)
    # the corrected results are frozen again
    assert_error(
        world.organiser_client.post(f"/api/stages/{world.stage.pk}/results/publish/"),
        409,
        "stage_results_published",
    )
