"""揭榜挂帅 after the win through the API, per role: publisher, winning team, organiser, expert,
anonymous visitor — with the refusals' status, code, both messages and rows unchanged."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.enums import AgreementStatus, MilestoneStatus
from awards.models import (
    AcceptanceReview,
    Agreement,
    ChallengeResult,
    Milestone,
    MilestoneDeliverable,
    Payment,
)
from awards.services.acceptance_review import acceptance_schedule
from awards.services.agreement import deliverable_upload, milestone_accept, milestone_submit
from contest.enums import ContestRoleKind, StageKind
from judging.enums import AssignmentSource
from judging.models import Assignment
from tests.api.helpers import EXE_BYTES, assert_error, results
from tests.factories.awards import agreement_world, challenge_world, pdf_upload, snapshot_publish
from tests.factories.contest import (
    ChallengeFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.judging import PanelMembershipFactory

pytestmark = pytest.mark.django_db


def agreement_rows() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (Agreement, Milestone, MilestoneDeliverable, Payment, AcceptanceReview)
    }


@pytest.fixture
def w():
    return agreement_world()


def _first(w):
    return w.agreement.milestones.get(order=1)


def _submitted(w):
    milestone = _first(w)
    deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload())
    return milestone_submit(actor=w.captain, milestone=milestone)


def _other_agreement_publisher(w):
    """A publisher of another organisation in the same contest, with its own agreement."""
    other = agreement_world()
    org = OrganisationFactory(name="另一发榜单位")
    user = UserFactory(real_name="另一发榜方")
    ContestRoleFactory(
        contest=w.contest, user=user, role=ContestRoleKind.PUBLISHER, organisation=org
    )
    return user, other


# --------------------------------------------------------------------------------------------
# Challenge results


def test_organiser_records_a_result_and_puts_it_on_notice(client_for, api_client):
    w = challenge_world()
    client = client_for(w["organiser"])
    response = client.post(
        "/api/challenge-results/",
        {
            "challenge": w["challenge"].pk,
            "outcome": "winners",
            "winners": [{"team": w["team"].pk, "prize_amount": "500000.00"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(x["team_name"], x["prize_amount"]) for x in body["winners"]] == [
        ("慧眼团队", "500000.00")
    ]
    assert body["notice"] is None
    assert results(api_client.get("/api/challenge-results/")) == []
    response = client.post(
        f"/api/challenge-results/{body['id']}/notice/", {"days": 5}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["notice_phase"] == "open"
    public = results(api_client.get(f"/api/challenge-results/?contest={w['contest'].pk}"))
    assert [(r["challenge_code"], r["outcome"]) for r in public] == [
        (w["challenge"].code, "winners")
    ]


def test_unfilled_without_reasons_refused(client_for):
    w = challenge_world()
    response = client_for(w["organiser"]).post(
        "/api/challenge-results/",
        {"challenge": w["challenge"].pk, "outcome": "unfilled", "reasons": ""},
        format="json",
    )
    body = assert_error(response, 400, "challenge_unfilled_reasons_required")
    assert body["message_zh"] == "流榜须填写评审专家组的理由。"
    assert ChallengeResult.objects.count() == 0


def test_publisher_and_team_cannot_record_results(client_for):
    w = challenge_world()
    payload = {"challenge": w["challenge"].pk, "outcome": "unfilled", "reasons": "未达标"}
    for user in (w["publisher"], w["captain"]):
        response = client_for(user).post("/api/challenge-results/", payload, format="json")
        assert_error(response, 403, "not_permitted")
    assert ChallengeResult.objects.count() == 0


def test_anonymous_cannot_record_results(api_client):
    w = challenge_world()
    response = api_client.post(
        "/api/challenge-results/",
        {"challenge": w["challenge"].pk, "outcome": "unfilled", "reasons": "x"},
        format="json",
    )
    assert response.status_code in (401, 403)
    assert ChallengeResult.objects.count() == 0


# --------------------------------------------------------------------------------------------
# Agreements: who sees what


def test_each_role_sees_its_agreements(client_for, api_client, w):
    stranger = UserFactory()
    for user in (w.organiser, w.publisher, w.captain, w.member, w.advisor):
        assert [a["id"] for a in results(client_for(user).get("/api/agreements/"))] == [
            w.agreement.pk
        ]
    assert results(client_for(stranger).get("/api/agreements/")) == []
    assert_error(client_for(stranger).get(f"/api/agreements/{w.agreement.pk}/"), 404, "not_found")
    response = api_client.get("/api/agreements/")
    assert response.status_code == 401


def test_detail_tells_each_role_what_it_may_do(client_for, w):
    def can(user):
        response = client_for(user).get(f"/api/agreements/{w.agreement.pk}/")
        assert response.status_code == 200, response.content
        return response.json()["can"]

    assert can(w.captain)["deliver"] is True
    assert can(w.captain)["decide_milestone"] is False
    assert can(w.advisor)["deliver"] is False
    assert can(w.publisher)["decide_milestone"] is True
    assert can(w.publisher)["record_payment"] is True
    assert can(w.organiser)["schedule_acceptance"] is True
    assert can(w.organiser)["decide_milestone"] is False
    body = client_for(w.publisher).get(f"/api/agreements/{w.agreement.pk}/").json()
    assert body["acceptance_indicators"] == "缺陷检出率≥99.5%，误报率≤0.5%，单件检测≤200 ms"
    assert [(m["order"], m["share"], m["tranche"]) for m in body["milestones"]] == [
        (1, "40.00", "200000.00"),
        (2, "60.00", "300000.00"),
    ]


def test_agreement_list_query_count_constant(client_for, django_assert_num_queries, w):
    client = client_for(w.organiser)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/agreements/"))) == 1
    for _ in range(2):
        extra = agreement_world()
        ContestRoleFactory(contest=extra.contest, user=w.organiser, role=ContestRoleKind.ORGANISER)
    with django_assert_num_queries(2):
        assert len(results(client.get("/api/agreements/"))) == 3


def test_shares_not_100_refused_through_api(client_for, w):
    Agreement.objects.all().delete()
    today = timezone.localdate()
    response = client_for(w.publisher).post(
        "/api/agreements/",
        {
            "winner": w.winner.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=90)).isoformat(),
            "milestones": [
                {
                    "title": "一",
                    "due_on": (today + dt.timedelta(days=30)).isoformat(),
                    "share": "50",
                },
                {
                    "title": "二",
                    "due_on": (today + dt.timedelta(days=60)).isoformat(),
                    "share": "40",
                },
            ],
        },
        format="json",
    )
    body = assert_error(response, 400, "milestone_shares_not_100")
    assert body["message_zh"] == "各履约节点的付款比例合计为 90%，须合计为 100%。"
    assert body["fields"] == {"milestones": ["milestone_shares_not_100"]}
    assert Agreement.objects.count() == 0


# --------------------------------------------------------------------------------------------
# Milestones: delivery, acceptance, refusals


def test_team_member_uploads_and_submits(client_for, w):
    milestone = _first(w)
    client = client_for(w.member)
    response = client.post(
        f"/api/milestones/{milestone.pk}/deliverables/",
        {"file": pdf_upload("阶段报告.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "阶段报告.pdf"
    response = client.post(f"/api/milestones/{milestone.pk}/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    file_id = MilestoneDeliverable.objects.get().pk
    download = client_for(w.publisher).get(f"/api/milestone-deliverables/{file_id}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_hostile_deliverable_refused(client_for, w):
    before = agreement_rows()
    response = client_for(w.member).post(
        f"/api/milestones/{_first(w).pk}/deliverables/",
        {"file": SimpleUploadedFile("报告.pdf", EXE_BYTES)},
        format="multipart",
    )
    assert_error(response, 400, "file_type_not_allowed")
    assert agreement_rows() == before


def test_advisor_and_publisher_cannot_upload(client_for, w):
    before = agreement_rows()
    for user in (w.advisor, w.publisher):
        response = client_for(user).post(
            f"/api/milestones/{_first(w).pk}/deliverables/",
            {"file": pdf_upload()},
            format="multipart",
        )
        body = assert_error(response, 403, "not_permitted")
        assert "提交该协议的履约节点" in body["message_zh"]
    assert agreement_rows() == before


def test_publisher_accepts_and_returns_with_reason(client_for, w):
    milestone = _submitted(w)
    client = client_for(w.publisher)
    response = client.post(f"/api/milestones/{milestone.pk}/return/", {"reason": ""}, format="json")
    assert_error(response, 400, "reason_required")
    response = client.post(f"/api/milestones/{milestone.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"


def test_publisher_accepting_a_milestone_of_another_agreement_refused(client_for, w):
    user, other = _other_agreement_publisher(w)
    milestone = _submitted(w)
    before = agreement_rows()
    response = client_for(user).post(f"/api/milestones/{milestone.pk}/accept/", {}, format="json")
    assert_error(response, 404, "not_found")
    # the other world's own publisher cannot reach this contest's milestone either
    response = client_for(other.publisher).post(
        f"/api/milestones/{milestone.pk}/accept/", {}, format="json"
    )
    assert_error(response, 404, "not_found")
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED
    assert agreement_rows() == before


def test_team_cannot_accept_its_own_milestone(client_for, w):
    milestone = _submitted(w)
    response = client_for(w.captain).post(
        f"/api/milestones/{milestone.pk}/accept/", {}, format="json"
    )
    body = assert_error(response, 403, "not_permitted")
    assert "accept or return this agreement's milestones" in body["message_en"]
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


# --------------------------------------------------------------------------------------------
# Payments


def _payment(client, milestone, amount="100000"):
    return client.post(
        f"/api/milestones/{milestone.pk}/payments/",
        {
            "amount": amount,
            "paid_on": timezone.localdate().isoformat(),
            "proof": pdf_upload("付款凭证.pdf"),
        },
        format="multipart",
    )


def test_payment_without_an_accepted_milestone_refused(client_for, w):
    milestone = _submitted(w)
    before = agreement_rows()
    body = assert_error(
        _payment(client_for(w.publisher), milestone), 409, "payment_milestone_not_accepted"
    )
    assert body[
        "message_zh"
    ] == "只有已确认的履约节点才能登记付款；该节点状态为“待确认 Submitted”。" or (
        "只有已确认的履约节点才能登记付款" in body["message_zh"]
    )
    assert agreement_rows() == before


def test_payment_recorded_for_an_accepted_milestone(client_for, w):
    milestone = milestone_accept(actor=w.publisher, milestone=_submitted(w))
    response = _payment(client_for(w.organiser), milestone, "200000")
    assert response.status_code == 201, response.content
    assert response.json()["amount"] == "200000.00"
    body = assert_error(
        _payment(client_for(w.publisher), milestone, "1"), 409, "payment_exceeds_tranche"
    )
    assert body["details"] == {"remaining": "0.00"}
    assert Payment.objects.count() == 1
    assert_error(_payment(client_for(w.captain), milestone, "1"), 403, "not_permitted")


# --------------------------------------------------------------------------------------------
# 验收: schedule, experts, decision


def _scheduled(w):
    for milestone in w.agreement.milestones.order_by("order"):
        deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload())
        milestone_submit(actor=w.captain, milestone=milestone)
        milestone_accept(actor=w.publisher, milestone=milestone)
    stage = StageFactory(contest=w.contest, kind=StageKind.ACCEPTANCE, name="验收评审")
    return stage


def test_organiser_schedules_the_acceptance_review(client_for, w):
    stage = _scheduled(w)
    assert_error(
        client_for(w.publisher).post(
            f"/api/agreements/{w.agreement.pk}/acceptance/",
            {"stage": stage.pk, "scheduled_on": timezone.localdate().isoformat()},
            format="json",
        ),
        403,
        "not_permitted",
    )
    response = client_for(w.organiser).post(
        f"/api/agreements/{w.agreement.pk}/acceptance/",
        {"stage": stage.pk, "scheduled_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [r["stage_name"] for r in response.json()["acceptance_reviews"]] == ["验收评审"]


def test_expert_sees_only_what_they_are_assigned(client_for, w):
    stage = _scheduled(w)
    review = acceptance_schedule(
        actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=timezone.localdate()
    )
    assigned = PanelMembershipFactory(stage=stage, accepted=True).judge
    Assignment.objects.create(
        stage=stage, entry=review.entry, judge=assigned, source=AssignmentSource.MANUAL
    )
    other_expert = PanelMembershipFactory(stage=stage, accepted=True).judge
    assert [a["id"] for a in results(client_for(assigned).get("/api/agreements/"))] == [
        w.agreement.pk
    ]
    assert results(client_for(other_expert).get("/api/agreements/")) == []
    response = client_for(assigned).post(
        f"/api/acceptance-reviews/{review.pk}/decide/",
        {"outcome": "passed", "reason": "达标"},
        format="json",
    )
    assert_error(response, 403, "not_permitted")
    review.refresh_from_db()
    assert review.outcome == ""


def test_decision_needs_the_stage_result_then_the_agreement_follows(client_for, w):
    stage = _scheduled(w)
    review = acceptance_schedule(
        actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=timezone.localdate()
    )
    client = client_for(w.organiser)
    url = f"/api/acceptance-reviews/{review.pk}/decide/"
    assert_error(
        client.post(url, {"outcome": "passed", "reason": "达标"}, format="json"),
        409,
        "acceptance_results_missing",
    )
    snapshot_publish(
        stage=stage, rows=[{"entry": review.entry_id, "team": w.team.pk, "final": "91"}]
    )
    response = client.post(
        url,
        {
            "outcome": "rectify",
            "reason": "误报率 0.8%",
            "rectify_by": (timezone.localdate() + dt.timedelta(days=45)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["outcome"], response.json()["final_score"]) == ("rectify", "91.0000")
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.RECTIFYING


# --------------------------------------------------------------------------------------------
# Statistics


def test_statistics_per_role_and_constant_queries(
    client_for, api_client, django_assert_num_queries, w
):
    milestone = milestone_accept(actor=w.publisher, milestone=_submitted(w))
    url = f"/api/contests/{w.contest.pk}/statistics/agreements/"
    client = client_for(w.organiser)
    with django_assert_num_queries(12):
        body = client.get(url).json()
    assert body["totals"]["challenges_published"] == 1
    assert body["totals"]["challenges_taken"] == 1
    assert body["totals"]["challenges_won"] == 1
    assert body["totals"]["agreements_signed"] == 1
    assert body["totals"]["milestones_on_time"] == 1
    assert body["totals"]["prize_committed"] == "500000.00"
    assert body["totals"]["prize_paid"] == "0.00"
    assert milestone.status == MilestoneStatus.ACCEPTED
    other = ChallengeFactory(contest=w.contest, publisher=OrganisationFactory(name="第二发榜方"))
    TeamFactory(contest=w.contest, challenge=other)
    with django_assert_num_queries(12):
        body = client.get(url).json()
    assert [p["publisher_name"] for p in body["publishers"]] == [
        "第二发榜方",
        "苏州精密制造有限公司",
    ] or len(body["publishers"]) == 2
    mine = client_for(w.publisher).get(url).json()
    assert [p["publisher"] for p in mine["publishers"]] == [w.publisher_org.pk]
    assert_error(client_for(w.captain).get(url), 404, "not_found")
    assert api_client.get(url).status_code == 401
