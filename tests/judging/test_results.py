"""Results wiring on hand-computed cases: stored rows, recusal, 合议, ties, settings, publication.

The aggregation arithmetic itself is tested in test_aggregation.py; here the numbers are small
enough to check by hand and the point is what gets loaded, stored and recorded.
"""

from decimal import Decimal

import pytest

from contest.enums import ContestRoleKind, EntryStatus, MemberRole
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from contest.models import Entry
from judging.enums import ConflictSource, RankingScope
from judging.models import AuditLog, Conflict, EntryResult, ResultSettings, ResultSnapshot
from judging.selectors import (
    conflict_exists,
    consistency_for_stage,
    snapshot_latest,
    stage_scoring_data,
)
from judging.services.audit import audit_verify
from judging.services.result import (
    panel_override_remove,
    panel_override_set,
    ranking_compute,
    result_settings_update,
    results_publish,
    snapshot_verify,
)
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import (
    CriterionFactory,
    JudgeProfileFactory,
    ReviewFactory,
    ReviewScoreFactory,
    RubricFactory,
)


class World:
    """A contest with an organiser, one stage, two tracks and three judges; `entry()` and
    `review()` add rows straight to the tables."""

    def __init__(self):
        self.contest = ContestFactory()
        self.organiser = UserFactory(real_name="组委会秘书")
        ContestRoleFactory(
            contest=self.contest, user=self.organiser, role=ContestRoleKind.ORGANISER
        )
        self.stage = StageFactory(contest=self.contest, order=1)
        self.rubric = RubricFactory(stage=self.stage)
        self.innovation = CriterionFactory(rubric=self.rubric, key="innovation", name="创新性")
        self.value = CriterionFactory(rubric=self.rubric, key="value", name="应用价值")
        self.track_a = TrackFactory(contest=self.contest, name="工业制造")
        self.track_b = TrackFactory(contest=self.contest, name="现代农业")
        self.judges = [UserFactory(real_name=f"评委{i}") for i in (1, 2, 3)]

    def entry(self, title, track=None, stage=None, **team_fields) -> Entry:
        team = TeamFactory(contest=self.contest, track=track or self.track_a, **team_fields)
        return Entry.objects.create(
            team=team,
            stage=stage or self.stage,
            title=title,
            summary=f"{title}的简介",
            tags=["数据"],
            status=EntryStatus.SUBMITTED,
        )

    def review(self, entry, judge, total, innovation=None):
        review = ReviewFactory(
            assignment__entry=entry,
            assignment__judge=judge,
            rubric=self.rubric,
            total=Decimal(str(total)),
        )
        if innovation is not None:
            ReviewScoreFactory(
                review=review, criterion=self.innovation, value=Decimal(str(innovation))
            )
        return review

    def scores(self, entry, totals, innovation=None):
        """One review per judge, in order."""
        for i, total in enumerate(totals):
            self.review(entry, self.judges[i], total, innovation[i] if innovation else None)


@pytest.fixture
def world(db):
    return World()


def stored(stage) -> dict[str, tuple]:
    """title -> (group_key, review_count, raw, final, rank, tied) of the stored rows."""
    return {
        r.entry.title: (r.group_key, r.review_count, r.raw_score, r.final_score, r.rank, r.tied)
        for r in EntryResult.objects.filter(stage=stage).select_related("entry")
    }


def test_ranking_compute_stores_rows_per_track(world):
    a = world.entry("甲")
    b = world.entry("乙")
    c = world.entry("丙", track=world.track_b)
    world.entry("丁")  # submitted, not reviewed yet
    world.scores(a, [80, 85, 91])  # 256 / 3 = 85.3333 at full stored precision
    world.scores(b, [90, 70])  # 160 / 2 = 80
    world.scores(c, [60])

    summary = ranking_compute(stage=world.stage)

    ka, kb = str(world.track_a.pk), str(world.track_b.pk)
    assert stored(world.stage) == {
        "甲": (ka, 3, Decimal("85.3333"), Decimal("85.3333"), 1, False),
        "乙": (ka, 2, Decimal("80.000"), Decimal("80.00"), 2, False),
        "丁": (ka, 0, None, None, None, False),
        "丙": (kb, 1, Decimal("60.000"), Decimal("60.00"), 1, False),
    }
    assert (summary.entries, summary.ranked, summary.reviews, summary.excluded_conflicts) == (
        4,
        3,
        6,
        0,
    )
    # the defaults were stored on first use
    settings = ResultSettings.objects.get(stage=world.stage)
    assert (settings.method, settings.scope) == ("mean", RankingScope.TRACK)


def test_ranking_compute_replaces_previous_rows(world):
    a = world.entry("甲")
    review = world.review(a, world.judges[0], 70)
    ranking_compute(stage=world.stage)
    review.total = Decimal("75")
    review.save()

    ranking_compute(stage=world.stage)

    assert EntryResult.objects.filter(stage=world.stage).count() == 1
    assert stored(world.stage)["甲"][3] == Decimal("75.00")


def test_ranking_compute_leaves_out_withdrawn_and_draft_entries(world):
    a = world.entry("甲")
    withdrawn = world.entry("撤回")
    withdrawn.status = EntryStatus.WITHDRAWN
    withdrawn.save()
    draft = world.entry("草稿")
    draft.status = EntryStatus.DRAFT
    draft.save()
    world.scores(a, [80])
    world.scores(withdrawn, [99])

    ranking_compute(stage=world.stage)

    assert set(stored(world.stage)) == {"甲"}


def test_ranking_compute_excludes_review_of_judge_now_in_conflict(world):
    a = world.entry("甲")
    b = world.entry("乙")
    world.scores(a, [90, 80, 70])  # mean 80
    world.scores(b, [85, 85, 85])  # mean 85
    # after submitting, judge 1 declares a conflict with team 甲
    Conflict.objects.create(
        contest=world.contest,
        judge=world.judges[0],
        team=a.team,
        source=ConflictSource.DECLARED_BY_JUDGE,
        reason="曾指导该团队",
    )

    summary = ranking_compute(stage=world.stage)

    rows = stored(world.stage)
    assert rows["甲"][1:5] == (2, Decimal("75.000"), Decimal("75.00"), 2)  # (80 + 70) / 2
    assert rows["乙"][1:5] == (3, Decimal("85.000"), Decimal("85.00"), 1)
    assert summary.excluded_conflicts == 1


def test_ranking_compute_excludes_same_organisation_judge(world):
    org = OrganisationFactory()
    a = world.entry("甲", lead_organisation=org)
    JudgeProfileFactory(user=world.judges[2], organisation=org)
    world.scores(a, [80, 84, 20])

    ranking_compute(stage=world.stage)

    assert stored(world.stage)["甲"][1:4] == (2, Decimal("82.000"), Decimal("82.00"))


def test_conflicted_reviews_agree_with_conflict_exists(world):
    """The bulk recusal check gives, review by review, what `conflict_exists` says."""
    world.contest.conflict_same_province = True
    world.contest.save()
    lead = OrganisationFactory(province="江苏")
    co = OrganisationFactory(province="浙江")
    other = OrganisationFactory(province="上海")
    judges = {
        "same_lead": JudgeProfileFactory(organisation=lead).user,
        "co_applicant": JudgeProfileFactory(organisation=co, province="安徽").user,
        "same_province": JudgeProfileFactory(organisation=other, province="江苏").user,
        "stored": JudgeProfileFactory(organisation=other, province="上海").user,
        "member": JudgeProfileFactory(organisation=other, province="上海").user,
        "clear": JudgeProfileFactory(organisation=other, province="上海").user,
        "no_profile": UserFactory(),
    }
    led = world.entry("有申报单位", lead_organisation=lead)
    led.team.co_applicants.add(co)
    captain = UserFactory(province="江苏")
    personal = world.entry("个人团队", captain=captain)
    TeamMemberFactory(team=personal.team, user=judges["member"], role=MemberRole.ADVISOR)
    Conflict.objects.create(
        contest=world.contest,
        judge=judges["stored"],
        team=led.team,
        source=ConflictSource.DECLARED_BY_ORGANISER,
    )
    reviews = {}
    for judge in judges.values():
        for entry in (led, personal):
            reviews[world.review(entry, judge, 70).pk] = (judge, entry.team)

    data = stage_scoring_data(stage=world.stage, scope=RankingScope.TRACK)

    expected = {
        pk for pk, (judge, team) in reviews.items() if conflict_exists(judge=judge, team=team)
    }
    assert data.excluded_review_ids == expected
    # lead, co-applicant, province x2 (lead org; captain), stored, member x2 (an advisor of one
    # team of the contest judges none of its teams)
    assert len(expected) == 7


def test_panel_override_set_recorded_and_changes_rank(world):
    a, b, c = world.entry("甲"), world.entry("乙"), world.entry("丙")
    world.scores(a, [90])
    world.scores(b, [80])
    world.scores(c, [70])
    ranking_compute(stage=world.stage)

    panel_override_set(
        actor=world.organiser, stage=world.stage, entry=c, score="95", reason="评审组合议：现场演示"
    )

    rows = stored(world.stage)
    assert rows["丙"][3:5] == (Decimal("95.00"), 1)
    assert rows["丙"][2] == Decimal("70.000")  # the raw score stays beside the override
    assert (rows["甲"][4], rows["乙"][4]) == (2, 3)
    log = AuditLog.objects.get(contest=world.contest, action="results.override")
    assert log.reason == "评审组合议：现场演示"
    assert log.actor == world.organiser
    assert log.data["entry"] == c.pk
    assert log.data["score"] == "95.0000"
    assert log.data["result_before"] == {"final_score": "70.0000", "rank": 3}
    assert audit_verify(contest=world.contest).ok


def test_panel_override_set_needs_reason_and_organiser(world):
    a = world.entry("甲")
    with pytest.raises(ValidationFailed) as error:
        panel_override_set(actor=world.organiser, stage=world.stage, entry=a, score=90, reason="  ")
    assert error.value.code == "reason_required"
    with pytest.raises(NotPermitted):
        panel_override_set(
            actor=world.judges[0], stage=world.stage, entry=a, score=90, reason="理由"
        )
    with pytest.raises(ValidationFailed) as error:
        panel_override_set(
            actor=world.organiser, stage=world.stage, entry=a, score=101, reason="理由"
        )
    assert error.value.code == "score_out_of_range"
    assert not AuditLog.objects.filter(action="results.override").exists()


def test_panel_override_remove_restores_computed_score(world):
    a = world.entry("甲")
    world.scores(a, [70])
    panel_override_set(actor=world.organiser, stage=world.stage, entry=a, score=90, reason="合议")

    panel_override_remove(actor=world.organiser, stage=world.stage, entry=a, reason="复核后撤销")

    assert stored(world.stage)["甲"][3] == Decimal("70.00")
    assert AuditLog.objects.filter(action="results.override_remove").count() == 1


def test_ties_share_rank(world):
    a, b, c, d = (world.entry(t) for t in ("甲", "乙", "丙", "丁"))
    world.scores(a, [90, 80])  # 85
    world.scores(b, [84, 86])  # 85
    world.scores(c, [85])  # 85
    world.scores(d, [60])

    ranking_compute(stage=world.stage)

    rows = stored(world.stage)
    assert {t: rows[t][4:6] for t in rows} == {
        "甲": (1, True),
        "乙": (1, True),
        "丙": (1, True),
        "丁": (4, False),
    }


def test_tie_break_chain_from_settings(world):
    a, b, c = world.entry("甲"), world.entry("乙"), world.entry("丙")
    world.scores(a, [80, 90], innovation=[8, 8])  # 85, innovation 8
    world.scores(b, [90, 80], innovation=[9, 9])  # 85, innovation 9
    world.scores(c, [85, 85], innovation=[8, 8])  # 85, innovation 8: still tied with 甲

    result_settings_update(
        actor=world.organiser,
        stage=world.stage,
        tie_break=[{"rule": "criterion", "key": "innovation"}, {"rule": "panel"}],
    )
    rows = stored(world.stage)
    assert {t: rows[t][4:6] for t in rows} == {"乙": (1, False), "甲": (2, True), "丙": (2, True)}

    # the panel orders the remaining tie (合议 on order only, no score)
    panel_override_set(
        actor=world.organiser, stage=world.stage, entry=c, panel_order=1, reason="评审组长裁定"
    )
    panel_override_set(
        actor=world.organiser, stage=world.stage, entry=a, panel_order=2, reason="评审组长裁定"
    )
    rows = stored(world.stage)
    assert {t: rows[t][3:6] for t in rows} == {
        "乙": (Decimal("85.00"), 1, False),
        "丙": (Decimal("85.00"), 2, False),
        "甲": (Decimal("85.00"), 3, False),
    }
    decided = dict(
        EntryResult.objects.filter(stage=world.stage).values_list("entry__title", "decided_by")
    )
    assert decided == {"乙": "criterion:innovation", "丙": "panel", "甲": "panel"}


def test_results_settings_update_recorded_and_recomputed(world):
    a = world.entry("甲")
    for i, total in enumerate([90, 85, 80, 70, 60]):
        world.review(a, UserFactory(real_name=f"专家{i}"), total)
    ranking_compute(stage=world.stage)
    assert stored(world.stage)["甲"][3] == Decimal("77.00")  # 385 / 5

    result_settings_update(
        actor=world.organiser, stage=world.stage, method="trimmed_mean", trim_min_reviews=5
    )

    assert stored(world.stage)["甲"][3] == Decimal("78.3333")  # (85 + 80 + 70) / 3
    assert EntryResult.objects.get(entry=a).trimmed is True
    log = AuditLog.objects.get(contest=world.contest, action="results.settings")
    assert log.data["before"]["method"] == "mean"
    assert log.data["after"]["method"] == "trimmed_mean"


def test_results_settings_update_refuses_bad_values(world):
    with pytest.raises(ValidationFailed) as error:
        result_settings_update(actor=world.organiser, stage=world.stage, trim_min_reviews=2)
    assert error.value.code == "trim_min_reviews"
    with pytest.raises(ValidationFailed) as error:
        result_settings_update(
            actor=world.organiser, stage=world.stage, tie_break=[{"rule": "criterion"}]
        )
    assert error.value.code == "tie_break_invalid"
    with pytest.raises(NotPermitted):
        result_settings_update(actor=world.judges[0], stage=world.stage, normalise=True)


def test_results_by_whole_stage_scope(world):
    a = world.entry("甲")
    b = world.entry("乙", track=world.track_b)
    world.scores(a, [70])
    world.scores(b, [80])

    result_settings_update(actor=world.organiser, stage=world.stage, scope=RankingScope.STAGE)

    rows = stored(world.stage)
    assert (rows["乙"][0], rows["乙"][4], rows["甲"][4]) == ("stage", 1, 2)


def test_results_publish_freezes_snapshot(world):
    a, b = world.entry("甲"), world.entry("乙")
    world.scores(a, [90])
    review = world.review(b, world.judges[0], 80)
    ranking_compute(stage=world.stage)

    snapshot = results_publish(actor=world.organiser, stage=world.stage)

    assert snapshot.version == 1
    assert snapshot_verify(snapshot)
    rows = {r["title"]: r for r in snapshot.data["rows"]}
    assert rows["甲"] == {
        "entry": a.pk,
        "title": "甲",
        "team": a.team_id,
        "team_code": a.team.code,
        "team_name": a.team.name,
        "group_key": str(world.track_a.pk),
        "group_name": "工业制造",
        "raw": "90.0000",
        "normalised": None,
        "final": "90.0000",
        "rank": 1,
        "tied": False,
        "overridden": False,
        "review_count": 1,
    }
    log = AuditLog.objects.get(action="results.publish")
    assert log.data["sha256"] == snapshot.sha256

    assert (snapshot.chain_head, snapshot.chain_rows) == (log.hash, log.seq)

    # published results are frozen: no recompute, no republication
    review.total = Decimal("99")
    review.save()
    for frozen_call in (
        lambda: ranking_compute(stage=world.stage),
        lambda: results_publish(actor=world.organiser, stage=world.stage),
    ):
        with pytest.raises(StateConflict) as refused:
            frozen_call()
        assert refused.value.code == "stage_results_published"
    frozen = ResultSnapshot.objects.get(pk=snapshot.pk)
    assert {r["title"]: r["rank"] for r in frozen.data["rows"]} == {"甲": 1, "乙": 2}
    assert snapshot_verify(frozen)
    assert ResultSnapshot.objects.filter(stage=world.stage).count() == 1
    assert snapshot_latest(world.stage) == snapshot


def test_published_ranking_recomputes_byte_for_byte_from_frozen_inputs(world):
    """Invariant: every published ranking recomputes byte for byte from its frozen inputs."""
    from judging.services.result import snapshot_rebuild_verify
    from judging.snapshot import snapshot_canonical, snapshot_data_from_inputs

    a, b, c, d = (world.entry(t) for t in ("甲", "乙", "丙", "丁"))
    world.scores(a, [80, 85, 91], innovation=[8, 9, 9])  # 85.3333
    world.scores(b, [85, 86, 85], innovation=[9, 9, 8])  # 85.3333: tie, broken by innovation
    world.scores(c, [70, 75, 71])
    world.entry("戊", track=world.track_b)  # no reviews: unranked
    world.scores(d, [60])
    result_settings_update(
        actor=world.organiser,
        stage=world.stage,
        tie_break=[{"rule": "criterion", "key": "innovation"}],
    )
    panel_override_set(
        actor=world.organiser, stage=world.stage, entry=d, score="61.6667", reason="合议"
    )
    snapshot = results_publish(actor=world.organiser, stage=world.stage)
    stored_snapshot = ResultSnapshot.objects.get(pk=snapshot.pk)  # through the JSON column

    rebuilt = snapshot_canonical(snapshot_data_from_inputs(stored_snapshot.inputs))

    assert rebuilt == snapshot_canonical(stored_snapshot.data)
    assert snapshot_rebuild_verify(stored_snapshot) and snapshot_verify(stored_snapshot)
    rows = {r["title"]: r for r in stored_snapshot.data["rows"]}
    assert (rows["甲"]["final"], rows["乙"]["final"]) == ("85.3333", "85.3333")
    assert rows["丁"]["final"] == "61.6667" and rows["戊"]["rank"] is None
    # the inputs say what the ranking came from: a changed input gives other bytes
    inputs = stored_snapshot.inputs
    inputs["reviews"][0][2] = 100.0
    assert snapshot_canonical(snapshot_data_from_inputs(inputs)) != rebuilt


def test_results_publish_needs_computed_results(world):
    with pytest.raises(StateConflict) as error:
        results_publish(actor=world.organiser, stage=world.stage)
    assert error.value.code == "results_not_computed"
    with pytest.raises(NotPermitted):
        results_publish(actor=world.judges[0], stage=world.stage)


def test_snapshot_verify_detects_edit(world):
    a = world.entry("甲")
    world.scores(a, [90])
    ranking_compute(stage=world.stage)
    snapshot = results_publish(actor=world.organiser, stage=world.stage)

    snapshot.data["rows"][0]["final"] = "99.00"

    assert not snapshot_verify(snapshot)


def test_consistency_for_stage_while_scoring_open(world):
    a, b, c = world.entry("甲"), world.entry("乙"), world.entry("丙")
    world.scores(a, [80, 70, 90])
    world.scores(b, [60, 50, 70])
    world.scores(c, [70, 60])  # judge 3 has not scored 丙 yet

    found = consistency_for_stage(world.stage)

    judges = found.report.judges
    # judge 3 against the others: 甲 90 - 75 = 15, 乙 70 - 55 = 15 -> leniency 15
    assert judges[world.judges[2].pk].leniency == Decimal("15.00")
    # judge 2: 甲 70 - 85 = -15, 乙 50 - 65 = -15, 丙 60 - 70 = -10 -> -40 / 3
    assert judges[world.judges[1].pk].leniency == Decimal("-13.33")
    group = found.report.groups[str(world.track_a.pk)]
    # the complete block is 甲 and 乙 by all three judges, who rank them alike
    assert (group.entries_reviewed, group.judges, group.kendall_w) == (3, 3, Decimal("1.0000"))
    assert found.judge_names[world.judges[0].pk] == "评委1"
    assert found.reviews == 8


def test_results_by_group_scope_name_the_groups(world):
    from tests.factories.contest import GroupFactory

    startups = GroupFactory(contest=world.contest, name="初创组")
    a = world.entry("甲", group=startups)
    b = world.entry("乙")  # no group
    world.scores(a, [70])
    world.scores(b, [80])

    result_settings_update(actor=world.organiser, stage=world.stage, scope=RankingScope.GROUP)
    snapshot = results_publish(actor=world.organiser, stage=world.stage)

    assert {
        r["title"]: (r["group_key"], r["group_name"], r["rank"]) for r in snapshot.data["rows"]
    } == {
        "甲": (str(startups.pk), "初创组", 1),
        "乙": ("none", "未分组 Ungrouped", 1),
    }


def test_consistency_and_compute_on_a_stage_without_reviews(world):
    world.entry("甲")

    found = consistency_for_stage(world.stage)
    summary = ranking_compute(stage=world.stage)

    assert (found.reviews, found.report.judges, found.report.review_outliers) == (0, {}, [])
    assert (summary.entries, summary.ranked) == (1, 0)


def test_results_by_challenge_scope(world):
    from tests.factories.contest import ChallengeFactory

    challenge = ChallengeFactory(contest=world.contest, code="JB-001", title="智能质检")
    a = world.entry("甲", challenge=challenge)
    world.scores(a, [70])

    result_settings_update(actor=world.organiser, stage=world.stage, scope=RankingScope.CHALLENGE)
    snapshot = results_publish(actor=world.organiser, stage=world.stage)

    assert [(r["group_key"], r["group_name"]) for r in snapshot.data["rows"]] == [
        (str(challenge.pk), "JB-001 智能质检")
    ]


def test_recompute_task_after_publish_leaves_stored_results_alone(world):
    """A recompute queued by a submit can run after the results were published (the demo seed
    does exactly that): the task returns quietly and the frozen rows do not move."""
    from judging.tasks import results_recompute_task

    a, b = world.entry("甲"), world.entry("乙")
    world.scores(a, [90])
    world.review(b, world.judges[0], 80)
    ranking_compute(stage=world.stage)
    results_publish(actor=world.organiser, stage=world.stage)
    before = stored(world.stage)

    results_recompute_task(world.stage.pk)

    assert stored(world.stage) == before
