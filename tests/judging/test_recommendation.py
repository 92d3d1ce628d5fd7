"""The national contest's inbox (services): quotas per track, the deadline, accept carried across
as exactly one team and one draft entry with byte-equal files, return with a notified reason,
and the rule across editions at recommendation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from awards.enums import AwardStatus
from contest.enums import EntryStatus, MemberRole
from contest.errors import StateConflict, ValidationFailed
from contest.models import Entry, EntryFile, Team, TeamMember
from judging.enums import RecommendationStatus
from judging.models import AuditLog, Recommendation, RecommendationQuota
from judging.selectors import recommendation_dashboard
from judging.services.recommendation import (
    recommendation_accept,
    recommendation_quotas_set,
    recommendation_return,
)
from notifications.models import Message
from tests.factories.awards import AwardFactory
from tests.factories.contest import ContestFactory, TeamFactory
from tests.judging.recommendation_fixtures import National


@pytest.fixture
def national(db):
    return National(per_track=3)


def rows():
    return (
        Recommendation.objects.count(),
        Team.objects.count(),
        Entry.objects.count(),
        EntryFile.objects.count(),
        AuditLog.objects.count(),
    )


def test_quota_per_track_over_the_limit_is_refused_with_counts_and_rows_unchanged(national):
    recommendation_quotas_set(
        actor=national.organiser,
        parent=national.parent,
        quotas=[{"track": national.tracks["industry"].pk, "quota": 2}],
    )
    sub = national.subs[0]
    sub.recommend(sub.of_track("industry")[0])
    before = rows()

    with pytest.raises(StateConflict) as refused:
        sub.recommend(*sub.of_track("industry")[1:3])

    assert refused.value.code == "track_quota_exceeded"
    assert refused.value.details == {
        "track": national.tracks["industry"].pk,
        "track_code": "industry",
        "quota": 2,
        "used": 1,
        "requested": 2,
        "available": 1,
    }
    assert refused.value.message_en == (
        "江苏分赛 may recommend 2 entries in the track 工业制造: 1 are used and 2 more were asked for."
    )
    assert refused.value.message_zh.startswith("江苏分赛")
    assert rows() == before
    # the other track has no quota of its own: only the quota per sub-contest (6) applies
    made = sub.recommend(*sub.of_track("health"))
    assert [r.track.code for r in made] == ["health"] * 3


def test_a_sub_contests_own_track_quota_overrides_the_general_one(national):
    big, small = national.subs[0], national.subs[1]
    industry = national.tracks["industry"].pk
    recommendation_quotas_set(
        actor=national.organiser,
        parent=national.parent,
        quotas=[
            {"track": industry, "quota": 1},
            {"track": industry, "from_contest": big.contest.pk, "quota": 3},
        ],
    )
    assert len(big.recommend(*big.of_track("industry"))) == 3
    with pytest.raises(StateConflict) as refused:
        small.recommend(*small.of_track("industry")[:2])
    assert refused.value.details["quota"] == 1
    assert RecommendationQuota.objects.filter(parent=national.parent).count() == 2


def test_recommendation_copies_rank_and_score_of_the_published_results(national):
    sub = national.subs[0]
    first, second = sub.recommend(*sub.of_track("industry")[:2])
    assert (first.rank, first.final_score, first.snapshot_version) == (1, Decimal(90), 1)
    assert (second.rank, second.final_score) == (2, 89)


def test_recommendation_after_the_deadline_is_refused(national):
    national.parent.recommendation_deadline = timezone.now() - dt.timedelta(minutes=1)
    national.parent.save()
    sub = national.subs[0]
    with pytest.raises(StateConflict) as refused:
        sub.recommend(sub.entries[0])
    assert refused.value.code == "recommendation_deadline_passed"
    assert not Recommendation.objects.exists()


def test_accept_creates_exactly_one_team_and_entry_with_the_files_byte_equal(national):
    sub = national.subs[0]
    (rec,) = sub.recommend(sub.of_track("health")[0])
    source = rec.entry
    teams, entries = Team.objects.count(), Entry.objects.count()

    accepted = recommendation_accept(actor=national.organiser, recommendation=rec)
    again = recommendation_accept(actor=national.organiser, recommendation=rec)

    assert Team.objects.count() == teams + 1 and Entry.objects.count() == entries + 1
    assert accepted.status == again.status == RecommendationStatus.ACCEPTED
    carried = accepted.national_entry
    assert again.national_entry_id == carried.pk
    assert (carried.stage_id, carried.status, carried.carried_from_id) == (
        national.stage.pk,
        EntryStatus.DRAFT,
        source.pk,
    )
    assert (carried.title, carried.summary, carried.tags) == (
        source.title,
        source.summary,
        source.tags,
    )
    team = carried.team
    assert (team.contest_id, team.name, team.track_id) == (
        national.parent.pk,
        source.team.name,
        national.tracks["health"].pk,
    )
    assert team.lead_organisation_id == source.team.lead_organisation_id
    assert set(team.co_applicants.all()) == set(source.team.co_applicants.all())
    assert sorted(team.members.values_list("user_id", "role", "title")) == sorted(
        source.team.members.values_list("user_id", "role", "title")
    )
    assert team.members.filter(role=MemberRole.ADVISOR).count() == 1
    assert TeamMember.objects.filter(team=team).values("contest_id").distinct().count() == 1
    originals = {f.kind: f for f in source.files.filter(is_current=True)}
    copies = {f.kind: f for f in carried.files.all()}
    assert sorted(copies) == sorted(originals) == ["plan", "slides"]
    for kind, copy in copies.items():
        original = originals[kind]
        assert (copy.version, copy.is_current, copy.sha256, copy.size) == (
            1,
            True,
            original.sha256,
            original.size,
        )
        assert copy.file.name != original.file.name
        assert copy.file.name.startswith(f"{national.parent.code}/entries/{team.code}/")
        with copy.file.open("rb") as a, original.file.open("rb") as b:
            assert a.read() == b.read()
    log = AuditLog.objects.get(contest=national.parent, action="recommendation.accept")
    assert log.data["national_entry"] == carried.pk
    assert sorted(log.data["files"]) == sorted(f.sha256 for f in originals.values())


def test_accept_that_fails_leaves_nothing_half_made(national):
    sub = national.subs[0]
    (rec,) = sub.recommend(sub.entries[0])
    slides = rec.entry.files.get(kind="slides")
    with open(slides.file.path, "wb") as changed:
        changed.write(b"tampered")
    before = rows()
    stored = sorted(p.name for p in _media_files(slides))

    with pytest.raises(StateConflict) as refused:
        recommendation_accept(actor=national.organiser, recommendation=rec)

    assert refused.value.code == "carried_file_changed"
    assert rows() == before
    rec.refresh_from_db()
    assert (rec.status, rec.national_entry_id) == (RecommendationStatus.RECOMMENDED, None)
    assert sorted(p.name for p in _media_files(slides)) == stored


def _media_files(stored):
    from pathlib import Path

    return [p for p in Path(stored.file.storage.location).rglob("*") if p.is_file()]


def test_return_notifies_the_sub_contest_organisers_and_frees_the_place(
    national, django_capture_on_commit_callbacks
):
    national.parent.promotion_quota = 1
    national.parent.save()
    sub = national.subs[1]
    (rec,) = sub.recommend(sub.entries[0])

    with django_capture_on_commit_callbacks(execute=True):
        returned = recommendation_return(
            actor=national.organiser, recommendation=rec, reason="材料不全：缺少数据说明"
        )

    assert (returned.status, returned.return_reason) == ("returned", "材料不全：缺少数据说明")
    messages = Message.objects.filter(event="recommendation_returned")
    assert set(messages.values_list("recipient_id", "channel")) == {
        (sub.organiser.pk, "inbox"),
        (sub.organiser.pk, "email"),
    }
    assert "材料不全：缺少数据说明" in messages.get(channel="inbox").body
    log = AuditLog.objects.get(contest=national.parent, action="recommendation.return")
    assert log.reason == "材料不全：缺少数据说明"
    # the place is free again: another entry fits the quota of 1
    assert len(sub.recommend(sub.entries[1])) == 1
    with pytest.raises(StateConflict) as refused:
        recommendation_accept(actor=national.organiser, recommendation=returned)
    assert refused.value.code == "recommendation_not_pending"


def test_return_needs_a_reason(national):
    sub = national.subs[0]
    (rec,) = sub.recommend(sub.entries[0])
    with pytest.raises(ValidationFailed) as refused:
        recommendation_return(actor=national.organiser, recommendation=rec, reason="  ")
    assert refused.value.code == "reason_required"
    rec.refresh_from_db()
    assert rec.status == RecommendationStatus.RECOMMENDED


def test_only_the_national_organisers_decide(national):
    from contest.errors import NotPermitted

    sub = national.subs[0]
    (rec,) = sub.recommend(sub.entries[0])
    with pytest.raises(NotPermitted):
        recommendation_accept(actor=sub.organiser, recommendation=rec)
    assert not Team.objects.filter(contest=national.parent).exists()


def _past_national_win(national, organisation, year):
    past = ContestFactory(
        series="data-elements", year=year, edition=str(year), name=f"{year}全国总决赛"
    )
    team = TeamFactory(contest=past, lead_organisation=organisation)
    return AwardFactory(contest=past, team=team, status=AwardStatus.FINAL, tier__name="一等奖")


def test_the_edition_rule_refuses_a_third_win_at_recommendation(national):
    sub = national.subs[0]
    entry = sub.entries[0]
    company = entry.team.lead_organisation
    _past_national_win(national, company, 2024)
    sub.recommend(sub.entries[1])  # another company: fine
    before = rows()
    assert len(sub.recommend(entry)) == 1  # one past win: may win a second time
    Recommendation.objects.filter(entry=entry).delete()
    _past_national_win(national, company, 2025)
    before = rows()

    with pytest.raises(StateConflict) as refused:
        sub.recommend(entry)

    assert refused.value.code == "edition_wins_exceeded"
    assert refused.value.details["wins"] == 2 and refused.value.details["wins_max"] == 2
    assert [w["year"] for w in refused.value.details["past_wins"]] == [2024, 2025]
    assert "2024全国总决赛（2024）一等奖" in refused.value.message_zh
    assert rows() == before


def test_past_national_winners_excluded_where_the_contest_says_so(national):
    national.parent.past_winners_excluded = True
    national.parent.save()
    sub = national.subs[0]
    _past_national_win(national, sub.entries[0].team.co_applicants.get(), 2025)
    with pytest.raises(StateConflict) as refused:
        sub.recommend(sub.entries[0])
    assert refused.value.code == "past_winner_excluded"
    assert not Recommendation.objects.exists()


def test_dashboard_counts_per_sub_contest_and_track(national, django_assert_num_queries):
    recommendation_quotas_set(
        actor=national.organiser,
        parent=national.parent,
        quotas=[{"track": t.pk, "quota": 2} for t in national.tracks.values()],
        promotion_quota=None,
    )
    a, b, _c = national.subs
    accepted, pending = a.recommend(*a.of_track("industry")[:2])
    recommendation_accept(actor=national.organiser, recommendation=accepted)
    (returned,) = b.recommend(b.of_track("health")[0])
    recommendation_return(actor=national.organiser, recommendation=returned, reason="重复申报")
    national.parent.refresh_from_db()

    with django_assert_num_queries(4):
        board = recommendation_dashboard(parent=national.parent)

    by_code = {r["code"]: r for r in board["sub_contests"]}
    first = by_code[a.contest.code]
    assert (first["submitted"], first["accepted"], first["pending"], first["quota"]) == (2, 1, 1, 4)
    assert first["missing"] == 2
    assert [(t["track_code"], t["submitted"], t["missing"]) for t in first["tracks"]] == [
        ("industry", 2, 0),
        ("health", 0, 2),
    ]
    second = by_code[b.contest.code]
    assert (second["submitted"], second["returned"], second["missing"]) == (0, 1, 4)
    assert set(board["not_submitted"]) == {b.contest.pk, _c.contest.pk}
    assert board["totals"] == {
        "sub_contests": 3,
        "submitted": 2,
        "pending": 1,
        "accepted": 1,
        "returned": 1,
        "missing": 10,
    }


def test_accept_with_a_file_gone_from_storage_is_refused_and_makes_nothing(national):
    sub = national.subs[0]
    (rec,) = sub.recommend(sub.entries[1])
    plan = rec.entry.files.get(kind="plan")
    plan.file.storage.delete(plan.file.name)
    before = rows()

    with pytest.raises(StateConflict) as refused:
        recommendation_accept(actor=national.organiser, recommendation=rec)

    assert refused.value.code == "carried_file_changed"
    assert "方案书.pdf is missing" in refused.value.message_en
    assert rows() == before
