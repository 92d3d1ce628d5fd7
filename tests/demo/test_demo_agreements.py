"""The demo's 揭榜挂帅 contest after the win: winners half-way through their agreements — one
milestone accepted (and paid), one overdue and flagged, one 验收 scheduled — seen through the API
by the demo logins."""

import io

import pytest
from django.core.management import call_command

from awards.enums import AgreementStatus, MilestoneStatus
from awards.models import AcceptanceReview, Agreement, ChallengeResult, Milestone, Payment
from contest.models import User
from demo.agreements import AGREEMENT_CODE
from demo.logins import JUDGE_EMAIL, ORGANISER_EMAIL, PUBLISHER_EMAIL, WINNER_EMAIL
from judging.services.audit import audit_verify

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_agreements_in_progress(client_for):
    call_command("seed_demo", "--small", stdout=io.StringIO())
    agreements = Agreement.objects.filter(contest__code=AGREEMENT_CODE)
    assert agreements.count() == 4
    assert sorted(agreements.values_list("status", flat=True)) == [
        AgreementStatus.DRAFT,
        AgreementStatus.IN_PROGRESS,
        AgreementStatus.IN_PROGRESS,
        AgreementStatus.IN_PROGRESS,
    ]
    draft = agreements.get(status=AgreementStatus.DRAFT)
    assert draft.title == "焊接机器人视觉引导 技术攻关任务书（草稿）"
    assert draft.signed_on is None
    results = ChallengeResult.objects.filter(contest__code=AGREEMENT_CODE)
    assert sorted(results.values_list("outcome", flat=True)) == [
        "unfilled",
        "winners",
        "winners",
        "winners",
        "winners",
    ]
    assert {r.notice.status for r in results} == {"final"}
    milestones = Milestone.objects.filter(agreement__in=agreements).exclude(agreement=draft)
    assert milestones.filter(status=MilestoneStatus.ACCEPTED).count() == 3
    assert milestones.filter(status=MilestoneStatus.SUBMITTED).count() == 1
    overdue = milestones.filter(overdue_flagged_on__isnull=False)
    assert [m.title for m in overdue] == ["产线试运行"]
    assert Payment.objects.filter(milestone__agreement__in=agreements).count() == 1
    review = AcceptanceReview.objects.get(agreement__in=agreements)
    assert review.outcome == ""
    assert audit_verify(contest=agreements[0].contest).ok is True

    def listed(email):
        user = User.objects.get(email=email)
        response = client_for(user).get("/api/agreements/")
        assert response.status_code == 200, response.content
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        return sorted(r["title"] for r in rows)

    assert len(listed(ORGANISER_EMAIL)) == 4
    assert len(listed(PUBLISHER_EMAIL)) == 4
    assert listed(WINNER_EMAIL) == ["高速产线表面缺陷智能检测 技术攻关任务书"]
    expert = review.entry.assignments.get().judge
    assert listed(expert.email) == ["园区综合能源负荷预测 技术攻关任务书"]
    assert listed(JUDGE_EMAIL) == []
    winner = User.objects.get(email=WINNER_EMAIL)
    first = agreements.get(team__captain=winner)
    detail = client_for(winner).get(f"/api/agreements/{first.pk}/").json()
    assert [m["overdue"] for m in detail["milestones"]] == [False, True, False]
    assert detail["milestones"][0]["paid"] == "240000.00"


def test_seed_demo_has_the_publisher_reviewing_with_a_weight():
    """评榜: the demo publisher is on the 2026 揭榜挂帅 review panel as a publisher, signed, with
    30 % of the score set before the review window opens."""
    from demo.logins import CHALLENGE_CODE
    from judging.models import PanelMembership, ResultSettings

    call_command("seed_demo", "--small", stdout=io.StringIO())
    publisher = User.objects.get(email=PUBLISHER_EMAIL)
    membership = PanelMembership.objects.get(stage__contest__code=CHALLENGE_CODE, judge=publisher)
    assert (membership.reviewer_class, membership.status) == ("publisher", "accepted")
    assert membership.declaration_accepted_at is not None
    settings = ResultSettings.objects.get(stage=membership.stage)
    assert str(settings.publisher_weight) == "30.00"
