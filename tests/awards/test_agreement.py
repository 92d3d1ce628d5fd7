"""After the win: agreement, milestones, deliverables, payments, overdue flags and the 验收."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.enums import AgreementStatus, MilestoneStatus
from awards.models import AcceptanceReview, Agreement, Milestone, MilestoneDeliverable, Payment
from awards.services.acceptance_review import acceptance_decide, acceptance_schedule
from awards.services.agreement import (
    agreement_create,
    deliverable_upload,
    milestone_accept,
    milestone_return,
    milestone_submit,
    milestones_overdue_flag,
    payment_record,
)
from awards.services.challenge_result import challenge_result_record
from contest.enums import ContestRoleKind, StageKind
from contest.errors import DomainError, NotPermitted
from judging.models import AuditLog
from judging.services.audit import audit_verify
from notifications.models import Message
from tests.factories.awards import agreement_world, challenge_world, pdf_upload, snapshot_publish
from tests.factories.contest import (
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    UserFactory,
)
from tests.factories.judging import PanelMembershipFactory

pytestmark = pytest.mark.django_db


def _code(call) -> str:
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


def _today():
    return timezone.localdate()


@pytest.fixture
def w():
    return agreement_world()


def _delivered(w, order=1):
    milestone = w.agreement.milestones.get(order=order)
    deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload())
    return milestone_submit(actor=w.captain, milestone=milestone)


def _all_accepted(w):
    for milestone in w.agreement.milestones.order_by("order"):
        _delivered(w, milestone.order)
        milestone_accept(actor=w.publisher, milestone=milestone)


def test_agreement_copies_the_indicators_and_the_prize(w):
    agreement = w.agreement
    assert agreement.acceptance_indicators == "缺陷检出率≥99.5%，误报率≤0.5%，单件检测≤200 ms"
    assert agreement.amount == Decimal("500000.00")
    assert agreement.publisher_id == w.publisher_org.pk
    assert agreement.status == AgreementStatus.SIGNED
    assert list(agreement.milestones.values_list("share", flat=True)) == [
        Decimal("40.00"),
        Decimal("60.00"),
    ]
    assert list(
        AuditLog.objects.filter(object_type="Agreement").values_list("action", flat=True)
    ) == ["agreement.create", "agreement.sign"]


def test_agreement_shares_must_add_up_to_100(w):
    winner = w.winner
    Agreement.objects.all().delete()
    today = _today()
    with pytest.raises(DomainError) as exc:
        agreement_create(
            actor=w.organiser,
            winner=winner,
            starts_on=today,
            ends_on=today + dt.timedelta(days=90),
            milestones=[
                {"title": "一", "due_on": today + dt.timedelta(days=10), "share": "30"},
                {"title": "二", "due_on": today + dt.timedelta(days=20), "share": "60"},
            ],
        )
    assert exc.value.code == "milestone_shares_not_100"
    assert "90" in exc.value.message_en
    assert Agreement.objects.count() == 0
    assert Milestone.objects.count() == 0


def test_agreement_before_the_notice_is_final_is_refused():
    w = challenge_world()
    result = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[{"team": w["team"], "prize_amount": "1"}],
    )
    today = _today()
    code = _code(
        lambda: agreement_create(
            actor=w["publisher"],
            winner=result.winners.get(),
            starts_on=today,
            ends_on=today,
            milestones=[{"title": "一", "due_on": today, "share": "100"}],
        )
    )
    assert code == "challenge_result_not_final"
    assert Agreement.objects.count() == 0


def test_deliver_submit_accept_and_the_chain_verifies(w):
    milestone = w.agreement.milestones.get(order=1)
    assert (
        _code(lambda: milestone_submit(actor=w.captain, milestone=milestone))
        == "milestone_no_deliverables"
    )
    deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload())
    milestone = milestone_submit(actor=w.captain, milestone=milestone)
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.IN_PROGRESS
    assert (
        _code(
            lambda: deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload())
        )
        == "milestone_not_open"
    )
    milestone = milestone_accept(actor=w.publisher, milestone=milestone)
    assert milestone.status == MilestoneStatus.ACCEPTED
    assert milestone.decided_by == w.publisher
    assert audit_verify(contest=w.contest).ok is True


def test_deliverables_go_through_the_entry_file_checks(w):
    milestone = w.agreement.milestones.get(order=1)
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all")
    assert (
        _code(lambda: deliverable_upload(actor=w.member, milestone=milestone, uploaded=fake))
        == "file_type_not_allowed"
    )
    assert MilestoneDeliverable.objects.count() == 0


def test_advisor_and_publisher_cannot_deliver(w):
    milestone = w.agreement.milestones.get(order=1)
    for actor in (w.advisor, w.publisher, w.organiser):
        with pytest.raises(NotPermitted):
            deliverable_upload(actor=actor, milestone=milestone, uploaded=pdf_upload())
    assert MilestoneDeliverable.objects.count() == 0


def test_only_the_challenges_publisher_accepts_or_returns(w):
    milestone = _delivered(w)
    other_org = OrganisationFactory()
    other_publisher = UserFactory()
    ContestRoleFactory(
        contest=w.contest,
        user=other_publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=other_org,
    )
    for actor in (other_publisher, w.organiser, w.captain):
        with pytest.raises(NotPermitted):
            milestone_accept(actor=actor, milestone=milestone)
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.SUBMITTED


def test_return_needs_a_reason_and_reopens_delivery(w):
    milestone = _delivered(w)
    assert (
        _code(lambda: milestone_return(actor=w.publisher, milestone=milestone, reason=" "))
        == "reason_required"
    )
    milestone = milestone_return(
        actor=w.publisher, milestone=milestone, reason="缺少第三方检测报告"
    )
    assert milestone.status == MilestoneStatus.RETURNED
    assert milestone.return_reason == "缺少第三方检测报告"
    deliverable_upload(actor=w.member, milestone=milestone, uploaded=pdf_upload("检测报告.pdf"))
    assert (
        milestone_submit(actor=w.captain, milestone=milestone).status == MilestoneStatus.SUBMITTED
    )


def test_payment_needs_an_accepted_milestone_and_stays_within_the_tranche(w):
    milestone = _delivered(w)
    code = _code(
        lambda: payment_record(
            actor=w.publisher,
            milestone=milestone,
            amount="1000",
            paid_on=_today(),
            proof=pdf_upload("付款凭证.pdf"),
        )
    )
    assert code == "payment_milestone_not_accepted"
    milestone_accept(actor=w.publisher, milestone=milestone)
    with pytest.raises(DomainError) as exc:
        payment_record(
            actor=w.publisher,
            milestone=milestone,
            amount="200000.01",
            paid_on=_today(),
            proof=pdf_upload("付款凭证.pdf"),
        )
    assert exc.value.code == "payment_exceeds_tranche"
    assert exc.value.details == {"remaining": "200000.00"}
    payment = payment_record(
        actor=w.publisher,
        milestone=milestone,
        amount="200000",
        paid_on=_today(),
        proof=pdf_upload("付款凭证.pdf"),
    )
    assert payment.amount == Decimal("200000.00")
    assert Payment.objects.count() == 1
    assert AuditLog.objects.filter(action="payment.record").count() == 1


def test_overdue_milestones_are_flagged_once_and_the_organiser_told(
    w, django_capture_on_commit_callbacks
):
    milestone = w.agreement.milestones.get(order=1)
    later = milestone.due_on + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones_overdue_flag(today=later) == [milestone.pk]
    assert milestones_overdue_flag(today=later) == []
    milestone.refresh_from_db()
    assert milestone.overdue_flagged_on == later
    recipients = set(
        Message.objects.filter(event="milestone_overdue").values_list("recipient_id", flat=True)
    )
    assert recipients == {w.organiser.pk}


def _acceptance_stage(w):
    return StageFactory(contest=w.contest, kind=StageKind.ACCEPTANCE, name="验收评审")


def test_acceptance_waits_for_every_milestone(w):
    stage = _acceptance_stage(w)
    with pytest.raises(DomainError) as exc:
        acceptance_schedule(
            actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=_today()
        )
    assert exc.value.code == "acceptance_milestones_open"
    assert exc.value.details == {"open": 2}
    assert AcceptanceReview.objects.count() == 0


def test_acceptance_in_a_non_acceptance_stage_is_refused(w):
    _all_accepted(w)
    stage = StageFactory(contest=w.contest, kind=StageKind.ROADSHOW)
    code = _code(
        lambda: acceptance_schedule(
            actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=_today()
        )
    )
    assert code == "acceptance_stage_invalid"


def test_acceptance_decision_reads_the_stage_result(w):
    _all_accepted(w)
    stage = _acceptance_stage(w)
    review = acceptance_schedule(
        actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=_today()
    )
    assert review.entry.stage == stage
    assert review.entry.status == "submitted"
    assert (
        _code(
            lambda: acceptance_decide(
                actor=w.organiser, review=review, outcome="passed", reason="达标"
            )
        )
        == "acceptance_results_missing"
    )
    snapshot_publish(
        stage=stage,
        rows=[{"entry": review.entry_id, "team": w.team.pk, "final": "88.5", "rank": 1}],
    )
    assert (
        _code(
            lambda: acceptance_decide(
                actor=w.organiser, review=review, outcome="rectify", reason="误报率偏高"
            )
        )
        == "rectify_deadline_required"
    )
    review = acceptance_decide(
        actor=w.organiser, review=review, outcome="passed", reason="各项指标均达到任务书要求"
    )
    assert review.final_score == Decimal("88.5")
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.ACCEPTED
    assert (
        _code(
            lambda: acceptance_decide(
                actor=w.organiser, review=review, outcome="failed", reason="x"
            )
        )
        == "acceptance_decided"
    )


def test_the_panel_chair_decides_a_plain_expert_does_not(w):
    _all_accepted(w)
    stage = _acceptance_stage(w)
    review = acceptance_schedule(
        actor=w.organiser, agreement=w.agreement, stage=stage, scheduled_on=_today()
    )
    snapshot_publish(
        stage=stage, rows=[{"entry": review.entry_id, "team": w.team.pk, "final": "60"}]
    )
    expert = PanelMembershipFactory(stage=stage, accepted=True).judge
    with pytest.raises(NotPermitted):
        acceptance_decide(actor=expert, review=review, outcome="passed", reason="ok")
    chair = PanelMembershipFactory(stage=stage, accepted=True, is_chair=True).judge
    review = acceptance_decide(
        actor=chair,
        review=review,
        outcome="rectify",
        reason="误报率 0.8%，高于 0.5% 的指标",
        rectify_by=_today() + dt.timedelta(days=60),
    )
    w.agreement.refresh_from_db()
    assert w.agreement.status == AgreementStatus.RECTIFYING
    assert review.rectify_by == _today() + dt.timedelta(days=60)
