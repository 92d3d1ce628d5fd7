"""Promotion (晋级) rules on a published ranking, and recommendation to the parent under quota."""

import hashlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from contest.enums import EntryFileKind, EntryStatus
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from contest.models import Entry, EntryFile
from judging.enums import PromotionRule, RecommendationStatus
from judging.models import AuditLog, Promotion, Recommendation
from judging.services.promotion import promotion_apply, recommendation_create
from judging.services.result import ranking_compute, results_publish
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import ReviewFactory


class Ranked:
    """Stage 1 with two tracks, scored and published; stage 2 to promote into.

    Track A final scores: A1 90, A2 85, A3 85, A4 80, A5 70 -> ranks 1, 2, 2, 4, 5.
    Track B: B1 88, B2 60 -> ranks 1, 2.
    """

    SCORES = {"A": [90, 85, 85, 80, 70], "B": [88, 60]}

    def __init__(self):
        self.contest = ContestFactory()
        self.organiser = UserFactory()
        ContestRoleFactory(contest=self.contest, user=self.organiser)
        self.stage = StageFactory(contest=self.contest, order=1)
        self.next_stage = StageFactory(contest=self.contest, order=2, name="复赛")
        self.entries: dict[str, Entry] = {}
        judge = UserFactory()
        for track_name, totals in self.SCORES.items():
            track = TrackFactory(contest=self.contest, name=track_name)
            for i, total in enumerate(totals, start=1):
                team = TeamFactory(contest=self.contest, track=track)
                entry = Entry.objects.create(
                    team=team,
                    stage=self.stage,
                    title=f"{track_name}{i}",
                    summary=f"{track_name}{i} 简介",
                    tags=["工业", track_name],
                    status=EntryStatus.SUBMITTED,
                )
                ReviewFactory(
                    assignment__entry=entry, assignment__judge=judge, total=Decimal(total)
                )
                self.entries[entry.title] = entry
        ranking_compute(stage=self.stage)
        results_publish(actor=self.organiser, stage=self.stage)

    def promote(self, rule, **options):
        return promotion_apply(
            actor=self.organiser,
            from_stage=self.stage,
            to_stage=self.next_stage,
            rule=rule,
            **options,
        )

    def titles(self, ids) -> list[str]:
        by_id = {e.pk: t for t, e in self.entries.items()}
        return sorted(by_id[i] for i in ids)


@pytest.fixture
def ranked(db):
    return Ranked()


def test_promotion_top_n_keeps_ties_at_the_cut_together(ranked):
    outcome = ranked.promote(PromotionRule.TOP_N, n=2)

    # track A: ranks 1, 2, 2 are within n = 2 (three entries); track B: both
    assert ranked.titles(outcome.promoted) == ["A1", "A2", "A3", "B1", "B2"]
    assert outcome.snapshot_version == 1
    assert Promotion.objects.filter(from_stage=ranked.stage).count() == 5


def test_promotion_top_n_cut_below_tie(ranked):
    outcome = ranked.promote(PromotionRule.TOP_N, n=1)

    assert ranked.titles(outcome.promoted) == ["A1", "B1"]


def test_promotion_top_percent_rounds_up_per_group(ranked):
    # A: ceil(5 × 30%) = ceil(1.5) = 2 -> ranks <= 2: A1, A2, A3 (tie); B: ceil(2 × 30%) = 1
    outcome = ranked.promote(PromotionRule.TOP_PERCENT, percent=Decimal("30"))

    assert ranked.titles(outcome.promoted) == ["A1", "A2", "A3", "B1"]


def test_promotion_threshold(ranked):
    outcome = ranked.promote(PromotionRule.THRESHOLD, threshold=Decimal("85"))

    assert ranked.titles(outcome.promoted) == ["A1", "A2", "A3", "B1"]


def test_promotion_hand_picked(ranked):
    picked = [ranked.entries["A5"].pk, ranked.entries["B2"].pk]

    outcome = ranked.promote(PromotionRule.HAND_PICKED, entry_ids=picked)

    assert ranked.titles(outcome.promoted) == ["A5", "B2"]


def test_promotion_hand_picked_refuses_entries_of_other_stages(ranked):
    stranger = Entry.objects.create(
        team=TeamFactory(contest=ranked.contest), stage=ranked.next_stage, title="别处"
    )
    with pytest.raises(ValidationFailed) as error:
        ranked.promote(PromotionRule.HAND_PICKED, entry_ids=[stranger.pk])
    assert error.value.code == "entry_not_in_stage"
    assert error.value.details == {"entry_ids": [stranger.pk]}


def test_promotion_creates_draft_entries_in_next_stage(ranked):
    a2 = ranked.entries["A2"]
    # A2's team already has an entry in the next stage: it is kept, not duplicated
    Entry.objects.create(team=a2.team, stage=ranked.next_stage, title="已建")

    outcome = ranked.promote(PromotionRule.TOP_N, n=1)
    outcome_a2 = ranked.promote(PromotionRule.HAND_PICKED, entry_ids=[a2.pk])

    assert (outcome.entries_created, outcome_a2.entries_created) == (2, 0)
    drafts = {
        e.team_id: (e.title, e.summary, e.tags, e.status)
        for e in Entry.objects.filter(stage=ranked.next_stage)
    }
    a1 = ranked.entries["A1"]
    assert drafts[a1.team_id] == ("A1", "A1 简介", ["工业", "A"], EntryStatus.DRAFT)
    assert drafts[a2.team_id][0] == "已建"
    assert len(drafts) == 3


def test_promotion_apply_is_idempotent(ranked):
    first = ranked.promote(PromotionRule.TOP_N, n=1)
    entries = Entry.objects.count()

    again = ranked.promote(PromotionRule.TOP_N, n=1)

    assert (again.promoted, again.already, again.entries_created) == ([], first.promoted, 0)
    assert Entry.objects.count() == entries
    assert AuditLog.objects.filter(action="promotion.apply").count() == 1
    log = AuditLog.objects.get(action="promotion.apply")
    assert log.data["snapshot_version"] == 1
    assert log.data["promoted"] == first.promoted


def test_promotion_by_rank_needs_published_results(db):
    contest = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser)
    first = StageFactory(contest=contest, order=1)
    second = StageFactory(contest=contest, order=2)

    with pytest.raises(StateConflict) as error:
        promotion_apply(
            actor=organiser, from_stage=first, to_stage=second, rule=PromotionRule.TOP_N, n=3
        )
    assert error.value.code == "results_not_published"


def test_promotion_refuses_earlier_stage_bad_numbers_and_non_organiser(ranked):
    with pytest.raises(ValidationFailed) as error:
        promotion_apply(
            actor=ranked.organiser,
            from_stage=ranked.next_stage,
            to_stage=ranked.stage,
            rule=PromotionRule.TOP_N,
            n=1,
        )
    assert error.value.code == "promotion_stage_invalid"
    with pytest.raises(ValidationFailed) as error:
        ranked.promote(PromotionRule.TOP_N, n=0)
    assert error.value.code == "n_invalid"
    with pytest.raises(ValidationFailed) as error:
        ranked.promote(PromotionRule.TOP_PERCENT, percent=Decimal("120"))
    assert error.value.code == "percent_invalid"
    with pytest.raises(NotPermitted):
        promotion_apply(
            actor=UserFactory(),
            from_stage=ranked.stage,
            to_stage=ranked.next_stage,
            rule=PromotionRule.TOP_N,
            n=1,
        )
    assert not Promotion.objects.exists()


def _promotion_state() -> tuple[int, int, int]:
    return (Promotion.objects.count(), Entry.objects.count(), EntryFile.objects.count())


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
def test_promotion_hand_picked_refuses_entries_not_submitted(ranked, status):
    team = TeamFactory(contest=ranked.contest)
    refused = Entry.objects.create(team=team, stage=ranked.stage, title="未交", status=status)
    before = _promotion_state()

    with pytest.raises(StateConflict) as error:
        ranked.promote(PromotionRule.HAND_PICKED, entry_ids=[ranked.entries["A1"].pk, refused.pk])

    assert error.value.code == "entries_not_eligible"
    assert error.value.details["entry_ids"] == [refused.pk]
    assert error.value.details["entries"] == [{"id": refused.pk, "title": "未交", "status": status}]
    assert "未交" in error.value.message_en and "submitted" in error.value.message_en
    assert _promotion_state() == before
    assert not AuditLog.objects.filter(action="promotion.apply").exists()


@pytest.mark.parametrize(
    ("rule", "options"),
    [
        (PromotionRule.TOP_N, {"n": 1}),
        (PromotionRule.TOP_PERCENT, {"percent": Decimal("20")}),
        (PromotionRule.THRESHOLD, {"threshold": Decimal("89")}),
    ],
)
def test_promotion_by_rank_refuses_a_ranked_entry_withdrawn_since(ranked, rule, options):
    a1 = ranked.entries["A1"]
    Entry.objects.filter(pk=a1.pk).update(status=EntryStatus.WITHDRAWN)
    before = _promotion_state()

    with pytest.raises(StateConflict) as error:
        ranked.promote(rule, **options)

    assert error.value.code == "entries_not_eligible"
    assert error.value.details["entry_ids"] == [a1.pk]
    assert _promotion_state() == before


def test_promotion_hand_picked_needs_published_results(db):
    contest = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser)
    first = StageFactory(contest=contest, order=1)
    second = StageFactory(contest=contest, order=2)
    entry = Entry.objects.create(
        team=TeamFactory(contest=contest), stage=first, title="甲", status=EntryStatus.SUBMITTED
    )

    with pytest.raises(StateConflict) as error:
        promotion_apply(
            actor=organiser,
            from_stage=first,
            to_stage=second,
            rule=PromotionRule.HAND_PICKED,
            entry_ids=[entry.pk],
        )

    assert error.value.code == "results_not_published"
    assert not Promotion.objects.exists()
    assert not Entry.objects.filter(stage=second).exists()


def _stored_file(entry: Entry, kind: str, content: bytes, version: int = 1) -> EntryFile:
    entry_file = EntryFile(
        entry=entry,
        kind=kind,
        version=version,
        is_current=True,
        original_name=f"{kind}.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=entry.team.captain,
    )
    entry_file.file.save(f"{kind}.pdf", ContentFile(content), save=False)
    entry_file.save()
    return entry_file


def test_promotion_carries_current_files_as_version_one(ranked):
    a1 = ranked.entries["A1"]
    old_plan = _stored_file(a1, EntryFileKind.PLAN, b"%PDF-1.4 old plan")
    old_plan.is_current = False
    old_plan.save(update_fields=["is_current"])
    plan = _stored_file(a1, EntryFileKind.PLAN, b"%PDF-1.4 plan v2", version=2)
    slides = _stored_file(a1, EntryFileKind.SLIDES, b"%PDF-1.4 slides")

    ranked.promote(PromotionRule.HAND_PICKED, entry_ids=[a1.pk])

    promoted = Entry.objects.get(stage=ranked.next_stage, team=a1.team)
    carried = {f.kind: f for f in promoted.files.all()}
    assert set(carried) == {EntryFileKind.PLAN, EntryFileKind.SLIDES}
    for kind, source in ((EntryFileKind.PLAN, plan), (EntryFileKind.SLIDES, slides)):
        copy = carried[kind]
        assert (copy.version, copy.is_current) == (1, True)
        assert (copy.sha256, copy.size, copy.file.name) == (
            source.sha256,
            source.size,
            source.file.name,
        )
        with copy.file.open("rb") as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == source.sha256
    assert a1.files.count() == 3  # the source keeps its own rows
    log = AuditLog.objects.get(action="promotion.apply")
    assert log.data["files_carried"] == 2


class SubContest:
    """A national contest with quota 2 per sub-contest, and one provincial sub-contest."""

    def __init__(self):
        self.parent = ContestFactory(promotion_quota=2, name="全国总决赛")
        self.contest = ContestFactory(parent=self.parent)
        self.organiser = UserFactory()
        ContestRoleFactory(contest=self.contest, user=self.organiser)
        self.stage = StageFactory(contest=self.contest, order=1)
        self.entries = [
            Entry.objects.create(
                team=TeamFactory(contest=self.contest),
                stage=self.stage,
                title=f"作品{i}",
                status=EntryStatus.SUBMITTED,
            )
            for i in range(4)
        ]
        judge = UserFactory()
        for i, entry in enumerate(self.entries):
            ReviewFactory(assignment__entry=entry, assignment__judge=judge, total=Decimal(90 - i))
        ranking_compute(stage=self.stage)
        results_publish(actor=self.organiser, stage=self.stage)

    def recommend(self, *entries, actor=None):
        return recommendation_create(
            actor=actor or self.organiser,
            contest=self.contest,
            entry_ids=[e.pk for e in entries],
            reason="省赛一等奖",
        )


@pytest.fixture
def sub(db):
    return SubContest()


def test_recommend_to_parent_within_quota(sub):
    made = sub.recommend(*sub.entries[:2])

    assert [r.entry_id for r in made] == [e.pk for e in sub.entries[:2]]
    assert all(r.to_contest_id == sub.parent.pk for r in made)
    log = AuditLog.objects.get(contest=sub.contest, action="promotion.recommend")
    assert log.data["entries"] == [e.pk for e in sub.entries[:2]]


def test_recommend_to_parent_refuses_over_quota(sub):
    sub.recommend(sub.entries[0])

    with pytest.raises(StateConflict) as error:
        sub.recommend(sub.entries[1], sub.entries[2])

    assert error.value.code == "quota_exceeded"
    assert error.value.details == {"quota": 2, "used": 1, "requested": 2, "available": 1}
    assert "2" in error.value.message_zh and "quota" in error.value.message_en
    assert Recommendation.objects.count() == 1


def test_recommend_to_parent_again_is_not_counted_twice(sub):
    sub.recommend(*sub.entries[:2])

    again = sub.recommend(sub.entries[0])

    assert [r.entry_id for r in again] == [sub.entries[0].pk]
    assert Recommendation.objects.count() == 2


def test_recommend_to_parent_withdrawn_frees_a_place(sub):
    first, second = sub.recommend(*sub.entries[:2])
    first.status = RecommendationStatus.WITHDRAWN
    first.save()

    sub.recommend(sub.entries[2])

    assert Recommendation.objects.filter(status=RecommendationStatus.RECOMMENDED).count() == 2


def test_recommend_to_parent_needs_parent_and_organiser(sub):
    with pytest.raises(NotPermitted):
        sub.recommend(sub.entries[0], actor=UserFactory())
    orphan = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=orphan, user=organiser)
    with pytest.raises(StateConflict) as error:
        recommendation_create(actor=organiser, contest=orphan, entry_ids=[1], reason="")
    assert error.value.code == "no_parent_contest"
    other = Entry.objects.create(
        team=TeamFactory(), stage=StageFactory(), title="别的赛事", status=EntryStatus.SUBMITTED
    )
    with pytest.raises(ValidationFailed) as error:
        sub.recommend(other)
    assert error.value.code == "entry_not_in_contest"


@pytest.mark.parametrize("status", [EntryStatus.DRAFT, EntryStatus.WITHDRAWN])
def test_recommend_refuses_entries_not_submitted(sub, status):
    Entry.objects.filter(pk=sub.entries[1].pk).update(status=status)

    with pytest.raises(StateConflict) as error:
        sub.recommend(sub.entries[0], sub.entries[1])

    assert error.value.code == "entries_not_eligible"
    assert error.value.details["entry_ids"] == [sub.entries[1].pk]
    assert not Recommendation.objects.exists()
    assert not AuditLog.objects.filter(action="promotion.recommend").exists()


def test_recommend_needs_published_results(sub):
    unpublished = StageFactory(contest=sub.contest, order=2)
    entry = Entry.objects.create(
        team=sub.entries[0].team, stage=unpublished, title="决赛作品", status=EntryStatus.SUBMITTED
    )

    with pytest.raises(StateConflict) as error:
        sub.recommend(entry)

    assert error.value.code == "results_not_published"
    assert not Recommendation.objects.exists()


def test_recommendation_tells_the_recommended_teams_only(sub, django_capture_on_commit_callbacks):
    from notifications.models import Message

    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        sub.recommend(sub.entries[0])
    captain = sub.entries[0].team.captain
    reached = set(
        Message.objects.filter(event="entry_recommended").values_list("recipient_id", "channel")
    )
    assert reached == {(captain.pk, "inbox"), (captain.pk, "email")}
    assert "全国总决赛" in Message.objects.get(event="entry_recommended", channel="inbox").body
