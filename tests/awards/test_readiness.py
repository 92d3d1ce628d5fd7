"""contest_readiness: the phases of each kind of contest in order, the current one, the checklist's
counts moving as the work is done, the next action the services would take, and a constant number
of queries."""

import datetime

import pytest
from django.utils import timezone

from awards.enums import AwardStatus, NoticeStatus, ObjectionStatus
from awards.readiness import contest_readiness
from contest.enums import ChallengeStatus, ContestKind, ContestStatus, EntryStatus, StageKind
from contest.services.contest import contest_transition_for
from judging.enums import FormalCheckOutcome
from judging.models import AssignmentRun, FormalCheckDecision
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
    ObjectionFactory,
    snapshot_publish,
)
from tests.factories.contest import (
    ChallengeFactory,
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import AssignmentFactory, PanelMembershipFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def phase(readiness, key):
    return next(p for p in readiness["phases"] if p["key"] == key)


def item(readiness, phase_key, item_key):
    return next(i for i in phase(readiness, phase_key)["items"] if i["key"] == item_key)


def data_contest(**fields):
    """数据要素×: 形式审查 → 初赛 → 决赛, windows passed for the first two."""
    contest = ContestFactory(kind=ContestKind.DATA_ELEMENTS, **fields)
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser)
    past = timezone.now() - datetime.timedelta(days=30)
    formal = StageFactory(
        contest=contest,
        order=1,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        submission_opens_at=past,
        submission_closes_at=past + datetime.timedelta(days=5),
        review_opens_at=None,
        review_closes_at=None,
    )
    first = StageFactory(contest=contest, order=2, name="初赛")
    final = StageFactory(contest=contest, order=3, name="决赛", kind=StageKind.ROADSHOW)
    return contest, organiser, (formal, first, final)


def test_data_elements_phases_in_order_with_stage_names():
    contest, _, (formal, first, final) = data_contest(status=ContestStatus.DRAFT)
    readiness = contest_readiness(contest)
    assert [p["key"] for p in readiness["phases"]] == [
        "registration",
        f"stage-{formal.pk}",
        f"stage-{first.pk}",
        f"stage-{final.pk}",
        "notice",
        "certificates",
    ]
    assert [p["stage_name"] for p in readiness["phases"][1:4]] == ["形式审查", "初赛", "决赛"]
    assert phase(readiness, f"stage-{formal.pk}")["stage_phase"] == "submission_closed"
    assert readiness["current"] == "registration"
    assert [p["state"] for p in readiness["phases"]] == ["current"] + ["upcoming"] * 5
    # Next: publish the contest (it has stages, so contest_publish would take it).
    assert readiness["next_action"] == {
        "key": "transition",
        "kind": "transition",
        "status": "published",
        "method": "POST",
        "endpoint": f"/api/contests/{contest.pk}/transition/",
    }


def test_next_transition_is_the_one_the_service_takes():
    """Follow next_action through the registration phase: each suggested status is accepted by
    contest_transition_for, and the phase is done once registration has closed."""
    contest, organiser, stages = data_contest(status=ContestStatus.DRAFT)
    TrackFactory(contest=contest)
    seen = []
    for _ in range(3):
        action = contest_readiness(contest)["next_action"]
        if action["kind"] != "transition":
            assert action["key"] == "teams_registered"
            assert action["link"] == f"/organiser/contests/{contest.pk}?tab=registrations"
            TeamFactory(contest=contest)
            action = contest_readiness(contest)["next_action"]
        contest = contest_transition_for(action["status"])(actor=organiser, contest=contest)
        seen.append(contest.status)
    assert seen == ["published", "registration_open", "registration_closed"]
    readiness = contest_readiness(contest)
    assert phase(readiness, "registration")["state"] == "done"
    assert readiness["current"] == f"stage-{stages[0].pk}"
    assert readiness["current_stage"] == stages[0].pk


def test_contest_without_stages_is_sent_to_add_one():
    contest = ContestFactory(status=ContestStatus.DRAFT)
    readiness = contest_readiness(contest)
    assert readiness["next_action"] == {
        "key": "stage_add",
        "kind": "link",
        "link": f"/organiser/contests/{contest.pk}?tab=structure",
    }


def test_formal_check_counts_pending_returned_and_promotion():
    contest, organiser, (formal, first, _) = data_contest(status=ContestStatus.REGISTRATION_CLOSED)
    TrackFactory(contest=contest)
    entries = [
        EntryFactory(team=TeamFactory(contest=contest), stage=formal, status=EntryStatus.SUBMITTED)
        for _ in range(3)
    ]
    key = f"stage-{formal.pk}"
    readiness = contest_readiness(contest)
    assert readiness["current"] == key
    pending = item(readiness, key, "formal_pending")
    assert (pending["count"], pending["blocking"]) == (3, True)
    assert pending["link"] == f"/organiser/contests/{contest.pk}/formal-check?stage={formal.pk}"
    assert readiness["next_action"]["key"] == "formal_pending"

    FormalCheckDecision.objects.create(
        entry=entries[0], stage=formal, outcome="pass", decided_by=organiser
    )
    FormalCheckDecision.objects.create(
        entry=entries[1], stage=formal, outcome="reject", reason="x", decided_by=organiser
    )
    FormalCheckDecision.objects.create(
        entry=entries[2],
        stage=formal,
        outcome=FormalCheckOutcome.RETURN,
        reason="补正",
        deadline=timezone.now() + datetime.timedelta(days=3),
        decided_by=organiser,
    )
    entries[2].status = EntryStatus.DRAFT
    entries[2].save()
    readiness = contest_readiness(contest)
    assert item(readiness, key, "formal_pending")["count"] == 0
    returned = item(readiness, key, "formal_returned")
    assert (returned["count"], returned["blocking"], returned["required"]) == (1, False, False)
    assert item(readiness, key, "formal_passed")["count"] == 1
    promoted = item(readiness, key, "entries_promoted")
    assert (promoted["count"], promoted["total"], promoted["blocking"]) == (0, 1, True)

    # The next action is the formal check's one promotion rule, as the promotions endpoint takes it.
    assert readiness["next_action"] == {
        "key": "entries_promoted",
        "kind": "call",
        "stage": formal.pk,
        "to_stage": first.pk,
        "method": "POST",
        "endpoint": f"/api/stages/{formal.pk}/promotions/",
        "link": f"/organiser/contests/{contest.pk}/formal-check?stage={formal.pk}",
    }
    from judging.services.promotion import promotion_apply

    promotion_apply(actor=organiser, from_stage=formal, to_stage=first, rule="formal_passed")
    readiness = contest_readiness(contest)
    assert phase(readiness, key)["state"] == "done"
    assert readiness["current"] == f"stage-{first.pk}"
    assert readiness["current_stage"] == first.pk


def test_review_stage_blockers_move_as_they_are_fixed():
    contest, organiser, (formal, first, final) = data_contest(status=ContestStatus.JUDGING)
    for s in (formal,):
        s.delete()
    key = f"stage-{first.pk}"
    teams = [TeamFactory(contest=contest) for _ in range(2)]
    entries = [EntryFactory(team=t, stage=first, status=EntryStatus.SUBMITTED) for t in teams]
    readiness = contest_readiness(contest)
    assert readiness["current"] == key
    assert readiness["next_action"] == {
        "key": "rubric_defined",
        "kind": "link",
        "link": f"/organiser/contests/{contest.pk}?tab=judging&stage={first.pk}",
    }
    judges = [UserFactory(), UserFactory()]
    for judge in judges:
        PanelMembershipFactory(stage=first, judge=judge, accepted=True)
    AssignmentRun.objects.create(stage=first, k=2, status="done", created_by=organiser)
    AssignmentFactory(entry=entries[0], judge=judges[0])
    readiness = contest_readiness(contest)
    assert item(readiness, key, "judges_accepted")["count"] == 2
    short = item(readiness, key, "entries_short_of_judges")
    assert (short["count"], short["total"], short["blocking"]) == (2, 2, True)
    # Scores: each entry reviewed by both judges (the review factory makes the rubric).
    from judging.models import Assignment

    Assignment.objects.all().delete()
    for entry in entries:
        for judge in judges:
            ReviewFactory(assignment__entry=entry, assignment__judge=judge)
    readiness = contest_readiness(contest)
    assert item(readiness, key, "entries_short_of_judges")["count"] == 0
    assert item(readiness, key, "reviews_outstanding")["done"]
    action = readiness["next_action"]
    assert action == {
        "key": "results_computed",
        "kind": "call",
        "stage": first.pk,
        "to_stage": None,
        "method": "POST",
        "endpoint": f"/api/stages/{first.pk}/results/compute/",
        "link": f"/organiser/contests/{contest.pk}?tab=judging&stage={first.pk}",
    }


def test_notice_and_certificate_phases():
    contest, organiser, (formal, first, final) = data_contest(status=ContestStatus.RESULTS)
    formal.delete()
    final.delete()
    TrackFactory(contest=contest)
    team = TeamFactory(contest=contest)
    entry = EntryFactory(team=team, stage=first, status=EntryStatus.SUBMITTED)
    judge = UserFactory()
    PanelMembershipFactory(stage=first, judge=judge, accepted=True)
    ReviewFactory(assignment__entry=entry, assignment__judge=judge)
    from judging.models import EntryResult

    EntryResult.objects.create(stage=first, entry=entry, review_count=1)
    snapshot_publish(stage=first, rows=[])
    readiness = contest_readiness(contest)
    assert phase(readiness, f"stage-{first.pk}")["state"] == "done"
    assert readiness["current"] == "notice"
    assert readiness["current_stage"] == first.pk  # the awards' stage picker
    assert readiness["next_action"]["key"] == "awards_proposed"

    tier = AwardTierFactory(contest=contest)
    notice = NoticeFactory(contest=contest, stage=first)
    award = AwardFactory(
        contest=contest,
        tier=tier,
        team=team,
        stage=first,
        notice=notice,
        status=AwardStatus.IN_NOTICE,
    )
    ObjectionFactory(notice=notice, award=award)
    readiness = contest_readiness(contest)
    objections = item(readiness, "notice", "objections_open")
    assert (objections["count"], objections["blocking"]) == (1, True)
    assert readiness["next_action"]["key"] == "objections_open"
    notice.objections.update(status=ObjectionStatus.REJECTED)
    notice.status = NoticeStatus.FINAL
    notice.save()
    award.status = AwardStatus.FINAL
    award.save()
    readiness = contest_readiness(contest)
    assert readiness["current"] == "certificates"
    issued = item(readiness, "certificates", "certificates_issued")
    assert (issued["count"], issued["total"], issued["blocking"]) == (0, 1, True)


def test_challenge_list_phases():
    contest = ContestFactory(kind=ContestKind.CHALLENGE_LIST, status=ContestStatus.PUBLISHED)
    TrackFactory(contest=contest)
    StageFactory(contest=contest, order=1)
    readiness = contest_readiness(contest)
    assert [p["key"] for p in readiness["phases"]][:4] == ["collect", "vet", "publish", "take"]
    assert readiness["current"] == "collect"
    ChallengeFactory(contest=contest, status=ChallengeStatus.SUBMITTED)
    ChallengeFactory(contest=contest, status=ChallengeStatus.SUBMITTED)
    readiness = contest_readiness(contest)
    assert readiness["current"] == "vet"
    waiting = item(readiness, "vet", "challenges_awaiting_review")
    assert (waiting["count"], waiting["blocking"]) == (2, True)
    contest.challenges.update(status=ChallengeStatus.PUBLISHED)
    readiness = contest_readiness(contest)
    assert item(readiness, "publish", "challenges_published")["count"] == 2
    assert readiness["current"] == "take"
    assert readiness["next_action"]["status"] == "registration_open"


def test_queries_do_not_grow_with_teams(django_assert_num_queries):
    def world(n):
        contest, organiser, (formal, first, final) = data_contest(status=ContestStatus.JUDGING)
        judge = UserFactory()
        PanelMembershipFactory(stage=first, judge=judge, accepted=True)
        AssignmentRun.objects.create(stage=first, k=1, status="done", created_by=organiser)
        tier = AwardTierFactory(contest=contest)
        for _ in range(n):
            team = TeamFactory(contest=contest)
            EntryFactory(team=team, stage=formal, status=EntryStatus.SUBMITTED)
            entry = EntryFactory(team=team, stage=first, status=EntryStatus.SUBMITTED)
            ReviewFactory(assignment__entry=entry, assignment__judge=judge)
            AwardFactory(contest=contest, tier=tier, team=team, stage=first)
        return contest

    small, large = world(1), world(6)
    # 3 stages: the stage list, 16 aggregates (one formal queue, one short-of-judges count among
    # them) and one snapshot lookup per stage for its phase (judging.phases.stage_phase).
    with django_assert_num_queries(20) as small_queries:
        contest_readiness(small)
    with django_assert_num_queries(len(small_queries.captured_queries)):
        contest_readiness(large)
