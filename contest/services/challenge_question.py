"""Questions and answers (答疑) on a published challenge.

A member of a team in the contest asks; other teams never learn which team asked. The challenge's
publisher answers once, publicly (shown under the challenge; every team that took the challenge is
told, `contest.signals.question_answered_publicly`) or privately (only the asking team sees it).
Answers are dated and kept: an answered question is not answered again. The organiser moderates by
hiding a question with a reason; the row stays. Answers and hides go on the audit chain.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest.enums import ChallengeStatus, QuestionVisibility
from contest.errors import error
from contest.models import Challenge, ChallengeQuestion, Team
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.signals import decision_record, question_answered_publicly


@transaction.atomic
def question_ask(*, actor, challenge: Challenge, team: Team, text: str) -> ChallengeQuestion:
    permission_require(actor, "contest.ask_question", team)
    if team.contest_id != challenge.contest_id:
        raise error("asking_team_not_in_contest", fields={"team": ["asking_team_not_in_contest"]})
    if challenge.status != ChallengeStatus.PUBLISHED:
        raise error("challenge_not_open")
    if not text.strip():
        raise error("question_text_required", fields={"text": ["question_text_required"]})
    question = ChallengeQuestion(
        challenge=challenge, asker_team=team, asker=actor, text=text.strip()
    )
    full_clean_or_raise(question)
    question.save()
    return question


def _locked(question: ChallengeQuestion) -> ChallengeQuestion:
    return (
        ChallengeQuestion.objects.select_for_update()
        .select_related("challenge", "challenge__contest")
        .get(pk=question.pk)
    )


@transaction.atomic
def question_answer(
    *, actor, question: ChallengeQuestion, answer: str, visibility: str
) -> ChallengeQuestion:
    """The publisher answers, publicly or privately, once."""
    permission_require(actor, "contest.answer_question", question)
    question = _locked(question)
    if question.hidden_by_moderator:
        raise error("question_hidden")
    if question.answered_at is not None:
        raise error(
            "question_already_answered",
            answered_at=timezone.localtime(question.answered_at).strftime("%Y-%m-%d %H:%M"),
        )
    if not answer.strip():
        raise error("answer_required", fields={"answer": ["answer_required"]})
    question.answer = answer.strip()
    question.visibility = visibility
    question.answered_by = actor
    question.answered_at = timezone.now()
    full_clean_or_raise(question)
    question.save(update_fields=["answer", "visibility", "answered_by", "answered_at"])
    decision_record(
        contest=question.challenge.contest_id,
        actor=actor,
        action="challenge_question.answer",
        subject=question,
        data={"challenge": question.challenge.code, "visibility": visibility},
    )
    if visibility == QuestionVisibility.PUBLIC:
        question_answered_publicly.send(sender=ChallengeQuestion, question=question)
    return question


@transaction.atomic
def question_hide(*, actor, question: ChallengeQuestion, reason: str) -> ChallengeQuestion:
    """The organiser hides a question (and its answer) from teams and the public, with a reason."""
    permission_require(actor, "contest.moderate_question", question)
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    question = _locked(question)
    question.hidden_by_moderator = True
    question.hidden_reason = reason.strip()
    question.hidden_by = actor
    question.save(update_fields=["hidden_by_moderator", "hidden_reason", "hidden_by"])
    decision_record(
        contest=question.challenge.contest_id,
        actor=actor,
        action="challenge_question.hide",
        subject=question,
        reason=question.hidden_reason,
        data={"challenge": question.challenge.code},
    )
    return question


@transaction.atomic
def question_unhide(*, actor, question: ChallengeQuestion, reason: str) -> ChallengeQuestion:
    """The organiser shows a hidden question again, with a reason; the earlier hiding and its
    reason stay on the audit chain (`challenge_question.unhide` names both)."""
    permission_require(actor, "contest.moderate_question", question)
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    question = _locked(question)
    if not question.hidden_by_moderator:
        raise error("question_not_hidden")
    hidden_reason = question.hidden_reason
    question.hidden_by_moderator = False
    question.hidden_reason = ""
    question.hidden_by = None
    question.save(update_fields=["hidden_by_moderator", "hidden_reason", "hidden_by"])
    decision_record(
        contest=question.challenge.contest_id,
        actor=actor,
        action="challenge_question.unhide",
        subject=question,
        reason=reason.strip(),
        data={"challenge": question.challenge.code, "hidden_reason": hidden_reason},
    )
    return question
