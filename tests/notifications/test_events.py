"""Each event reaches the people the registry names, and nobody else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contest.enums import ContestRoleKind, MemberRole
from contest.models import Entry
from contest.services.challenge import challenge_return
from notifications.models import Message
from notifications.services.outbox import event_raise
from notifications.services.reminder import deadline_reminders_send, scoring_reminders_send
from tests.factories.awards import NoticeFactory, ObjectionFactory
from tests.factories.contest import (
    ChallengeFactory,
    ContestRoleFactory,
    EntryFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.factories.judging import build_world


def reached(event: str) -> set[tuple[int, str]]:
    return set(Message.objects.filter(event=event).values_list("recipient_id", "channel"))


def people(*users, channels=("inbox", "email")) -> set[tuple[int, str]]:
    return {(u.pk, c) for u in users for c in channels}


def test_panel_invitation_reaches_the_judge_only(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world = build_world()
    assert reached("panel_invited") == people(world.judge)
    assert Message.objects.exclude(event="panel_invited").count() == 0


def test_entry_receipt_lists_the_files_sha256_to_the_team_only(db):
    world = build_world()
    member = TeamMemberFactory(team=world.team, role=MemberRole.MEMBER).user
    Message.objects.all().delete()
    world.entry.submitted_at = timezone.now()
    world.entry.save()
    event_raise(event="entry_submitted", model="contest.Entry", obj_id=world.entry.pk)
    assert reached("entry_submitted") == people(world.team.captain, member)
    inbox = Message.objects.filter(event="entry_submitted", channel="inbox").first()
    assert "星河数据队-方案.pdf" in inbox.body
    assert "SHA-256: " + "0" * 64 in inbox.body


def test_score_reopened_reaches_its_judge_only(db):
    from judging.models import Review

    world = build_world()
    review = Review.objects.create(
        assignment=world.assignment,
        stage=world.stage,
        entry=world.entry,
        judge=world.judge,
        rubric=world.stage.rubrics.first(),
        status="draft",
        reopened_count=1,
    )
    Message.objects.all().delete()
    event_raise(
        event="score_reopened",
        model="judging.Review",
        obj_id=review.pk,
        data={"reason": "评分与评语不符"},
        occurrence="1",
    )
    assert reached("score_reopened") == people(world.judge)
    body = Message.objects.get(event="score_reopened", channel="inbox").body
    assert "A-7K3Q" in body and "评分与评语不符" in body


def test_notice_opened_reaches_every_entrant_of_the_contest_only(
    contest, team, member, other_contest
):
    other_team = TeamFactory(contest=other_contest)
    second = TeamFactory(contest=contest)
    notice = NoticeFactory(contest=contest)
    event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk)
    assert reached("notice_opened") == people(team.captain, member, second.captain)
    assert other_team.captain.pk not in {r for r, _ in reached("notice_opened")}


def test_objection_received_by_organisers_and_decided_to_the_objector(contest, organiser, captain):
    notice = NoticeFactory(contest=contest)
    objection = ObjectionFactory(notice=notice, objector=captain)
    event_raise(event="objection_received", model="awards.Objection", obj_id=objection.pk)
    assert reached("objection_received") == people(organiser)
    objection.status, objection.resolution = "upheld", "异议成立，撤销该奖项。"
    objection.save()
    event_raise(event="objection_decided", model="awards.Objection", obj_id=objection.pk)
    assert reached("objection_decided") == people(captain)
    assert "异议成立" in Message.objects.get(event="objection_decided", channel="inbox").body


def test_challenge_returned_reaches_its_publisher_only(
    contest, organiser, publisher, publisher_org, django_capture_on_commit_callbacks
):
    other_org_publisher = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=other_org_publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=ChallengeFactory(contest=contest).publisher,
    )
    challenge = ChallengeFactory(
        contest=contest, publisher=publisher_org, created_by=publisher, status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        challenge_return(actor=organiser, challenge=challenge, reason="请补充验收指标。")
    assert reached("challenge_returned") == people(publisher)
    assert "请补充验收指标。" in Message.objects.get(channel="inbox").body


def test_deadline_reminder_goes_to_teams_with_drafts_once_per_threshold(contest, team, member):
    now = timezone.now()
    stage = StageFactory(
        contest=contest, order=2, submission_closes_at=now + dt.timedelta(hours=20)
    )
    EntryFactory(team=team, stage=stage, status="draft")
    done = TeamFactory(contest=contest)
    EntryFactory(team=done, stage=stage, status="submitted")
    assert deadline_reminders_send(now=now) == 2 * 2  # captain and member, inbox and email
    assert reached("deadline_reminder") == people(team.captain, member)
    assert "约 24 小时后" in Message.objects.filter(channel="inbox").first().body
    assert deadline_reminders_send(now=now + dt.timedelta(minutes=15)) == 0  # beat runs again


def test_deadline_reminder_72h_then_24h(contest, team):
    now = timezone.now()
    stage = StageFactory(
        contest=contest, order=2, submission_closes_at=now + dt.timedelta(hours=70)
    )
    EntryFactory(team=team, stage=stage, status="draft")
    assert deadline_reminders_send(now=now) == 2
    assert deadline_reminders_send(now=now + dt.timedelta(hours=47)) == 2
    assert deadline_reminders_send(now=now + dt.timedelta(hours=48)) == 0
    bodies = sorted(Message.objects.filter(channel="inbox").values_list("body", flat=True))
    assert ["约 24 小时后" in b for b in bodies] == [True, False]
    assert ["约 72 小时后" in b for b in bodies] == [False, True]


def test_scoring_reminder_reaches_judges_behind_only(db):
    world = build_world()
    Message.objects.all().delete()
    world.stage.review_closes_at = timezone.now() + dt.timedelta(hours=10)
    world.stage.save()
    assert scoring_reminders_send() == 2
    assert reached("scoring_reminder") == people(world.judge)


def test_entry_not_drafted_gets_no_deadline_reminder(contest, team):
    stage = StageFactory(
        contest=contest, order=2, submission_closes_at=timezone.now() + dt.timedelta(hours=5)
    )
    Entry.objects.create(team=team, stage=stage, title="已提交", status="submitted")
    assert deadline_reminders_send() == 0


@pytest.mark.parametrize("event", ["awards_final", "results_published", "announcement"])
def test_registry_events_render_in_both_languages(event):
    from notifications.services.template import template_builtin

    for language in ("zh-hans", "en"):
        subject, body = template_builtin(event, language)
        assert subject and body


def test_results_published_reach_the_stage_teams_only(contest, stage):
    from tests.factories.awards import published_ranking

    snapshot, teams = published_ranking(stage=stage, ranks=[1, 2])
    bystander = TeamFactory(contest=contest)  # registered, no entry in this stage
    event_raise(event="results_published", model="judging.ResultSnapshot", obj_id=snapshot.pk)
    assert reached("results_published") == people(*[t.captain for t in teams])
    assert bystander.captain.pk not in {r for r, _ in reached("results_published")}


def test_awards_final_reach_the_award_teams_of_the_chain(contest):
    from tests.factories.awards import AwardFactory

    notice = NoticeFactory(contest=contest)
    follow_up = NoticeFactory(contest=contest, follows=notice)
    first, second = AwardFactory(contest=contest, notice=notice), AwardFactory(contest=contest)
    second.notice = follow_up
    second.save()
    AwardFactory(contest=contest)  # proposed, in no notice
    event_raise(
        event="awards_final",
        model="awards.Notice",
        obj_id=notice.pk,
        data={"notice_ids": [notice.pk, follow_up.pk]},
    )
    assert reached("awards_final") == people(first.team.captain, second.team.captain)


def test_assignment_by_hand_tells_that_judge(db, django_capture_on_commit_callbacks):
    from judging.services.assignment import assignment_add
    from tests.factories.judging import PanelMembershipFactory

    world = build_world()
    other = UserFactory(real_name="王评委")
    PanelMembershipFactory(stage=world.stage, judge=other, status="accepted")
    entry = Entry.objects.create(
        team=TeamFactory(contest=world.contest),
        stage=world.stage,
        title="二号作品",
        status="submitted",
    )
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_add(actor=world.organiser, stage=world.stage, entry=entry, judge=other)
    assert reached("assignment_ready") == people(other)


def test_promotion_tells_the_promoted_teams_only(contest, stage):
    from tests.factories.awards import published_ranking

    snapshot, teams = published_ranking(stage=stage, ranks=[1, 2])
    final = StageFactory(contest=contest, order=2)
    promoted = Entry.objects.get(stage=stage, team=teams[0])
    event_raise(
        event="entry_promoted",
        model="contest.Entry",
        obj_id=promoted.pk,
        data={"to_stage": final.pk},
        occurrence=f"to:{final.pk}",
    )
    assert reached("entry_promoted") == people(teams[0].captain, channels=("inbox", "email"))
    assert f"晋级「{final.name}」" in Message.objects.get(channel="inbox").subject


def test_declaration_reminder_to_judges_who_have_not_answered_once(db):
    from judging.models import PanelMembership
    from notifications.services.reminder import declaration_reminders_send

    world = build_world(sign=False)
    Message.objects.all().delete()
    PanelMembership.objects.filter(pk=world.membership.pk).update(
        invited_at=timezone.now() - dt.timedelta(hours=50)
    )
    signed = build_world()  # another stage's judge who accepted: not reminded
    PanelMembership.objects.filter(pk=signed.membership.pk).update(
        invited_at=timezone.now() - dt.timedelta(hours=50)
    )
    Message.objects.all().delete()
    assert declaration_reminders_send() == 2
    assert reached("declaration_reminder") == people(world.judge)
    assert declaration_reminders_send() == 0


def test_challenge_approved_then_published_reach_its_publisher_only(
    contest, organiser, publisher, publisher_org, django_capture_on_commit_callbacks
):
    from contest.services.challenge import challenge_approve, challenge_publish

    bystander = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=bystander,
        role=ContestRoleKind.PUBLISHER,
        organisation=ChallengeFactory(contest=contest).publisher,
    )
    challenge = ChallengeFactory(
        contest=contest, publisher=publisher_org, created_by=publisher, status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        challenge = challenge_approve(actor=organiser, challenge=challenge)
    assert reached("challenge_approved") == people(publisher)
    with django_capture_on_commit_callbacks(execute=True):
        challenge_publish(actor=organiser, challenge=challenge)
    assert reached("challenge_published") == people(publisher)


def test_registration_confirmed_tells_the_captain_with_the_team_number(
    contest, captain, django_capture_on_commit_callbacks
):
    from contest.services.team import team_create

    with django_capture_on_commit_callbacks(execute=True):
        team = team_create(actor=captain, contest=contest, name="星火队")
    assert reached("registration_confirmed") == people(captain)
    body = Message.objects.get(event="registration_confirmed", channel="inbox").body
    assert (
        "星火队" in body
        and team.code in body
        and "报名成功"
        in Message.objects.get(event="registration_confirmed", channel="inbox").subject
    )


def test_not_promoted_told_once_when_the_next_stage_opens(contest, stage, organiser):
    """The teams whose entry did not go on hear it once the next stage's submission opens (the
    promotion rounds are over by then); the promoted team does not; running again sends nothing."""
    from judging.models import Promotion
    from notifications.services.reminder import not_promoted_send
    from tests.factories.awards import published_ranking

    snapshot, teams = published_ranking(stage=stage, ranks=[1, 2, 3])
    Entry.objects.filter(stage=stage).update(status="submitted")
    now = timezone.now()
    final = StageFactory(
        contest=contest, order=2, name="决赛", submission_opens_at=now + dt.timedelta(hours=1)
    )
    promoted = Entry.objects.get(stage=stage, team=teams[0])
    Promotion.objects.create(
        from_stage=stage, to_stage=final, entry=promoted, rule="top_n", created_by=organiser
    )
    assert not_promoted_send(now=now) == 0  # not open yet: a second round may still come

    later = now + dt.timedelta(hours=2)
    assert not_promoted_send(now=later) == 4  # two teams, inbox and e-mail
    assert reached("entry_not_promoted") == people(teams[1].captain, teams[2].captain)
    assert (
        "未能晋级「决赛」"
        in Message.objects.filter(event="entry_not_promoted", channel="inbox").first().subject
    )
    assert not_promoted_send(now=later) == 0
    assert not_promoted_send(now=later + dt.timedelta(days=5)) == 0  # long opened: not looked at
