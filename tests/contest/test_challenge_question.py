"""答疑: teams ask about a published challenge, its publisher answers once, the organiser hides."""

import pytest

from contest.enums import ChallengeStatus, ContestRoleKind
from contest.errors import DomainError
from contest.models import ChallengeQuestion
from contest.selectors import questions_visible
from contest.services.challenge_question import question_answer, question_ask, question_hide
from judging.models import AuditLog
from notifications.models import Message
from tests.factories.contest import (
    ChallengeFactory,
    ChallengeQuestionFactory,
    ContestRoleFactory,
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture
def challenge(contest, publisher_org):
    return ChallengeFactory(contest=contest, publisher=publisher_org)


def test_a_member_asks_about_a_published_challenge(challenge, team, member):
    question = question_ask(actor=member, challenge=challenge, team=team, text=" 数据从哪里来？ ")
    assert (question.text, question.asker_team, question.asker) == ("数据从哪里来？", team, member)
    assert question.answered_at is None


def test_asking_refused_for_a_stranger_another_contest_or_an_unpublished_challenge(
    challenge, team, stranger, contest, publisher_org, other_contest
):
    with pytest.raises(DomainError) as exc:
        question_ask(actor=stranger, challenge=challenge, team=team, text="?")
    assert exc.value.code == "not_permitted"
    elsewhere = TeamFactory(contest=other_contest)
    with pytest.raises(DomainError) as exc:
        question_ask(actor=elsewhere.captain, challenge=challenge, team=elsewhere, text="?")
    assert exc.value.code == "asking_team_not_in_contest"
    draft = ChallengeFactory(contest=contest, publisher=publisher_org, status=ChallengeStatus.DRAFT)
    with pytest.raises(DomainError) as exc:
        question_ask(actor=team.captain, challenge=draft, team=team, text="?")
    assert exc.value.code == "challenge_not_open"
    with pytest.raises(DomainError) as exc:
        question_ask(actor=team.captain, challenge=challenge, team=team, text="  ")
    assert exc.value.code == "question_text_required"
    assert ChallengeQuestion.objects.count() == 0


def test_public_answer_is_dated_audited_and_tells_the_teams_that_took_it(
    challenge, publisher, team, django_capture_on_commit_callbacks
):
    took = TeamFactory(contest=challenge.contest, challenge=challenge)
    took_member = TeamMemberFactory(team=took, user=UserFactory()).user
    bystander = TeamFactory(contest=challenge.contest)
    question = ChallengeQuestionFactory(challenge=challenge, asker_team=team)
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            actor=publisher, question=question, answer="由发榜方提供", visibility="public"
        )
    question.refresh_from_db()
    assert (question.answer, question.answered_by, question.visibility) == (
        "由发榜方提供",
        publisher,
        "public",
    )
    assert question.answered_at is not None
    assert AuditLog.objects.filter(action="challenge_question.answer").count() == 1
    told = set(
        Message.objects.filter(event="question_answered").values_list("recipient", flat=True)
    )
    assert told == {took.captain_id, took_member.pk, team.captain_id}
    assert bystander.captain_id not in told
    body = Message.objects.filter(event="question_answered", channel="inbox").first().body
    assert "由发榜方提供" in body


def test_private_answer_tells_nobody_else_and_is_seen_only_by_the_asking_team(
    challenge, publisher, team, django_capture_on_commit_callbacks
):
    other = TeamFactory(contest=challenge.contest, challenge=challenge)
    question = ChallengeQuestionFactory(challenge=challenge, asker_team=team)
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(actor=publisher, question=question, answer="私下答复", visibility="private")
    assert not Message.objects.filter(event="question_answered").exists()
    assert questions_visible(user=team.captain).filter(pk=question.pk).exists()
    assert not questions_visible(user=other.captain).filter(pk=question.pk).exists()
    assert not questions_visible(user=None).filter(pk=question.pk).exists()


def test_an_answer_is_kept_not_rewritten(challenge, publisher):
    question = ChallengeQuestionFactory(challenge=challenge)
    question_answer(actor=publisher, question=question, answer="第一版", visibility="public")
    with pytest.raises(DomainError) as exc:
        question_answer(actor=publisher, question=question, answer="改写", visibility="public")
    assert exc.value.code == "question_already_answered"
    question.refresh_from_db()
    assert question.answer == "第一版"


def test_only_the_challenges_publisher_answers(challenge, contest, organiser):
    other_publisher = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=other_publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )
    question = ChallengeQuestionFactory(challenge=challenge)
    for actor in (other_publisher, organiser, question.asker):
        with pytest.raises(DomainError) as exc:
            question_answer(actor=actor, question=question, answer="答", visibility="public")
        assert exc.value.code == "not_permitted"
    question.refresh_from_db()
    assert question.answered_at is None


def test_organiser_hides_with_a_reason_then_it_cannot_be_answered(challenge, organiser, publisher):
    question = ChallengeQuestionFactory(challenge=challenge)
    with pytest.raises(DomainError) as exc:
        question_hide(actor=organiser, question=question, reason="")
    assert exc.value.code == "reason_required"
    with pytest.raises(DomainError) as exc:
        question_hide(actor=publisher, question=question, reason="广告")
    assert exc.value.code == "not_permitted"
    question_hide(actor=organiser, question=question, reason="与榜题无关的广告")
    question.refresh_from_db()
    assert (question.hidden_by_moderator, question.hidden_by) == (True, organiser)
    with pytest.raises(DomainError) as exc:
        question_answer(actor=publisher, question=question, answer="答", visibility="public")
    assert exc.value.code == "question_hidden"
    assert AuditLog.objects.filter(
        action="challenge_question.hide", reason="与榜题无关的广告"
    ).exists()
    # Kept: the organiser and the publisher still see it; the asking team no longer does.
    assert questions_visible(user=organiser).filter(pk=question.pk).exists()
    assert questions_visible(user=publisher).filter(pk=question.pk).exists()
    assert not questions_visible(user=question.asker).filter(pk=question.pk).exists()
