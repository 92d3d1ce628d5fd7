"""Promotion and recommendation through the API take only entries submitted and not refused, and
a promoted entry starts its next stage with the previous stage's files as version 1."""

import hashlib

import pytest

from contest.enums import EntryStatus
from contest.models import Entry, EntryFile
from judging.models import AuditLog, Promotion, Recommendation
from tests.api.helpers import PDF_BYTES, assert_error, upload
from tests.factories.contest import ContestFactory, StageFactory, TeamFactory
from tests.judging.notary_helpers import published_stage


def state():
    return (
        Promotion.objects.count(),
        Recommendation.objects.count(),
        Entry.objects.count(),
        EntryFile.objects.count(),
        AuditLog.objects.filter(action__startswith="promotion.").count(),
    )


@pytest.fixture
def published(contest, organiser):
    return published_stage(contest, organiser)


@pytest.fixture
def next_stage(contest):
    return StageFactory(contest=contest, order=2, name="复赛")


def promote(client, stage, to_stage, entry_ids):
    return client.post(
        f"/api/stages/{stage.pk}/promotions/",
        {"to_stage": to_stage.pk, "rule": "hand_picked", "entry_ids": entry_ids},
        format="json",
    )


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
def test_hand_picked_promotion_of_an_entry_not_submitted_is_refused(
    client_for, organiser, published, next_stage, status
):
    refused = Entry.objects.create(
        team=TeamFactory(contest=published.contest),
        stage=published.stage,
        title="未交作品",
        status=status,
    )
    before = state()

    response = promote(
        client_for(organiser), published.stage, next_stage, [published.entries["甲"].pk, refused.pk]
    )

    body = assert_error(response, 409, "entries_not_eligible")
    assert body["message_en"].startswith(
        "Only entries that were submitted and not refused can be picked to promote; not: 未交作品"
    )
    assert body["details"]["entry_ids"] == [refused.pk]
    assert body["details"]["entries"] == [{"id": refused.pk, "title": "未交作品", "status": status}]
    assert state() == before
    assert not Entry.objects.filter(stage=next_stage).exists()


def test_promotion_by_a_captain_is_404_and_changes_nothing(
    client_for, captain, published, next_stage
):
    before = state()

    response = promote(
        client_for(captain), published.stage, next_stage, [published.entries["甲"].pk]
    )

    assert_error(response, 404, "not_found")
    assert state() == before


def test_promoted_entry_starts_with_the_files_as_version_one(
    client_for, organiser, published, next_stage
):
    source = published.entries["甲"]
    captain = source.team.captain
    Entry.objects.filter(pk=source.pk).update(status=EntryStatus.DRAFT)
    uploaded = client_for(captain).post(
        f"/api/entries/{source.pk}/files/",
        {"kind": "plan", "file": upload("方案书.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.content
    Entry.objects.filter(pk=source.pk).update(status=EntryStatus.SUBMITTED)
    plan = source.files.get(kind="plan", is_current=True)

    response = promote(client_for(organiser), published.stage, next_stage, [source.pk])

    assert response.status_code == 200, response.content
    assert response.json()["promoted"] == [source.pk]
    target = Entry.objects.get(stage=next_stage, team=source.team)
    shown = client_for(captain).get(f"/api/entries/{target.pk}/")
    assert shown.status_code == 200, shown.content
    assert [(f["kind"], f["version"], f["sha256"]) for f in shown.json()["files"]] == [
        ("plan", 1, plan.sha256)
    ]
    carried = target.files.get()
    assert (carried.kind, carried.version, carried.is_current) == ("plan", 1, True)
    assert carried.sha256 == plan.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    with carried.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    # the team may replace it: a new upload is version 2
    replaced = client_for(captain).post(
        f"/api/entries/{target.pk}/files/",
        {"kind": "plan", "file": upload("方案书-复赛.pdf", PDF_BYTES + b"%v2\n")},
        format="multipart",
    )
    assert replaced.status_code == 201, replaced.content
    assert sorted(target.files.values_list("version", "is_current")) == [(1, False), (2, True)]


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
def test_recommendation_of_an_entry_not_submitted_is_refused(client_for, db, status):
    parent = ContestFactory(promotion_quota=5)
    sub = published_stage(ContestFactory(parent=parent))
    organiser = sub.organiser
    refused = sub.entries["乙"]
    Entry.objects.filter(pk=refused.pk).update(status=status)
    before = state()

    response = client_for(organiser).post(
        f"/api/contests/{sub.contest.pk}/recommendations/",
        {"entry_ids": [sub.entries["甲"].pk, refused.pk], "reason": "省赛一等奖"},
        format="json",
    )

    body = assert_error(response, 409, "entries_not_eligible")
    assert "can be picked to recommend" in body["message_en"] and "乙" in body["message_en"]
    assert body["details"]["entry_ids"] == [refused.pk]
    assert state() == before
