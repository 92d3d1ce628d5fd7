"""Template contexts and recipients of the challenge-list events (征榜 decisions, public answers to
challenge questions, overdue milestones of an agreement), kept out of `notifications.events` for
its size."""

from __future__ import annotations

from django.utils import timezone


def _contest(contest) -> dict:
    return {"contest_name": contest.name, "contest_edition": contest.edition}


def application_context(application, data) -> dict:
    return {
        **_contest(application.contest),
        "organisation_name": application.organisation_name,
        "status": application.status,
        "approved": application.status == "approved",
        "reason": application.reason,
    }


def question_context(question, data) -> dict:
    challenge = question.challenge
    answered = question.answered_at
    return {
        **_contest(challenge.contest),
        "challenge_code": challenge.code,
        "challenge_title": challenge.title,
        "question": question.text,
        "answer": question.answer,
        "answered_at": timezone.localtime(answered).strftime("%Y-%m-%d %H:%M") if answered else "",
    }


def question_team_ids(question) -> list[int]:
    """Every team that took the challenge, and the team that asked."""
    from contest.models import Team

    took = Team.objects.filter(challenge_id=question.challenge_id).values_list("pk", flat=True)
    return [*took, question.asker_team_id]


def milestone_context(milestone, data) -> dict:
    agreement = milestone.agreement
    return {
        **_contest(agreement.contest),
        "agreement_title": agreement.title,
        "team_name": agreement.team.name,
        "milestone_title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
    }
