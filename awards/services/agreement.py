"""After the win: agreements (协议 / 任务书), milestones and their deliverables, payments.

* `agreement_create` (organiser or the challenge's publisher): from a winner whose challenge
  result is final (its 公示 closed), with the parties, the amount (default: the winner's prize),
  the term and the milestones, whose payment shares must add up to 100 %. The challenge's
  acceptance indicators are copied onto the agreement.
* `agreement_sign`: the signing date is recorded; a draft becomes `signed`.
* `deliverable_upload` / `milestone_submit` (the winning team's captain and members): files
  under the entry files' checks (`contest.files.upload_check`, the allow-list of an entry's
  "other" files); submitting needs at least one file. The first submission puts the agreement
  `in_progress`.
* `milestone_accept` / `milestone_return` (the challenge's publisher only), a return with a reason.
* `payment_record` (publisher or organiser): recorded, not processed — amount, date and proof,
  only for an accepted milestone and never beyond its tranche (amount × share).
* `milestones_overdue_flag` (Celery beat, daily): milestones past their due date and not yet
  submitted or accepted are flagged once and the organisers told (`milestone_overdue`).

Every decision is recorded on the contest's audit chain with who, when and why.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from awards.enums import AgreementStatus, MilestoneStatus
from awards.errors import error
from awards.models import Agreement, ChallengeWinner, Milestone, MilestoneDeliverable, Payment
from awards.services.challenge_result import challenge_result_is_final
from awards.signals import milestone_overdue
from awards.validators import reason_check
from awards.workdays import local_date
from contest.enums import EntryFileKind
from contest.errors import text_by_language
from contest.files import entry_file_max_bytes, upload_check
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.services.entry import ALLOWED_FILE_TYPES
from judging.services.audit import audit_record

DELIVERABLE_TYPES = ALLOWED_FILE_TYPES[EntryFileKind.OTHER]
PROOF_TYPES = ("pdf", "png", "jpeg")
# agreements whose milestones are being delivered
ACTIVE_STATUSES = (AgreementStatus.SIGNED, AgreementStatus.IN_PROGRESS, AgreementStatus.RECTIFYING)
OPEN_MILESTONE_STATUSES = (MilestoneStatus.PENDING, MilestoneStatus.RETURNED)
CENT = Decimal("0.01")


def _money(value, code: str, field: str, *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise error(code, fields={field: [code]}) from None
    if (
        not amount.is_finite()
        or amount < 0
        or (positive and amount == 0)
        or amount >= Decimal("1e12")
    ):
        raise error(code, fields={field: [code]})
    return amount.quantize(CENT)


def status_text(obj):
    """The status as a message param: "待确认" in Chinese, "submitted" in English."""
    label = str(obj.get_status_display())
    return text_by_language(zh=label.split(" ", 1)[0], en=str(obj.status).replace("_", " "))


def tranche_amount(milestone: Milestone) -> Decimal:
    return (milestone.agreement.amount * milestone.share / 100).quantize(CENT)


def _milestones_check(specs: list[dict], starts_on: dt.date, ends_on: dt.date) -> list[dict]:
    if not specs:
        raise error("milestones_required", fields={"milestones": ["milestones_required"]})
    total = Decimal(0)
    checked = []
    for order, spec in enumerate(specs, start=1):
        try:
            share = Decimal(str(spec.get("share")))
        except (InvalidOperation, TypeError, ValueError):
            share = Decimal(-1)
        if not share.is_finite() or not Decimal(0) < share <= 100:
            raise error("milestone_share_range", fields={"milestones": ["milestone_share_range"]})
        due_on = spec["due_on"]
        if not starts_on <= due_on <= ends_on:
            raise error(
                "milestone_due_outside_agreement",
                order=order,
                fields={"milestones": ["milestone_due_outside_agreement"]},
            )
        total += share
        checked.append({**spec, "order": order, "share": share.quantize(CENT)})
    if total != 100:
        raise error(
            "milestone_shares_not_100",
            total=f"{total.normalize():f}",
            fields={"milestones": ["milestone_shares_not_100"]},
            details={"total": f"{total:f}"},
        )
    return checked


def _agreement_data(agreement: Agreement) -> dict:
    return {
        "challenge": agreement.challenge_id,
        "team": agreement.team_id,
        "publisher": agreement.publisher_id,
        "amount": str(agreement.amount),
        "starts_on": agreement.starts_on,
        "ends_on": agreement.ends_on,
        "status": agreement.status,
        "milestones": [
            {"order": m.order, "title": m.title, "due_on": m.due_on, "share": str(m.share)}
            for m in agreement.milestones.order_by("order")
        ],
    }


@transaction.atomic
def agreement_create(
    *,
    actor,
    winner: ChallengeWinner,
    starts_on: dt.date,
    ends_on: dt.date,
    milestones: list[dict],
    amount: Decimal | None = None,
    title: str = "",
) -> Agreement:
    """Draft the agreement of a final winner. `milestones`: [{title, due_on, share, deliverables}]
    in order, shares in percent adding up to 100. Audited as `agreement.create`."""
    winner = ChallengeWinner.objects.select_related(
        "result__challenge__contest", "result__notice", "team"
    ).get(pk=winner.pk)
    challenge = winner.result.challenge
    permission_require(actor, "awards.create_agreement", challenge)
    if not challenge_result_is_final(winner.result):
        raise error("challenge_result_not_final")
    if Agreement.objects.filter(winner=winner).exists():
        raise error("agreement_exists")
    if ends_on < starts_on:
        raise error("agreement_dates_order", fields={"ends_on": ["agreement_dates_order"]})
    amount = _money(
        winner.prize_amount if amount is None else amount, "agreement_amount_invalid", "amount"
    )
    specs = _milestones_check(milestones, starts_on, ends_on)
    agreement = Agreement(
        contest_id=challenge.contest_id,
        challenge=challenge,
        winner=winner,
        team=winner.team,
        winner_organisation_id=winner.team.lead_organisation_id,
        publisher_id=challenge.publisher_id,
        title=(title.strip() or f"{challenge.code} {challenge.title} 任务书")[:200],
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        acceptance_indicators=challenge.acceptance_indicators or challenge.targets,
        created_by=actor,
    )
    full_clean_or_raise(agreement)
    agreement.save()
    for spec in specs:
        milestone = Milestone(
            agreement=agreement,
            order=spec["order"],
            title=spec["title"],
            deliverables=spec.get("deliverables", ""),
            due_on=spec["due_on"],
            share=spec["share"],
        )
        full_clean_or_raise(milestone)
        milestone.save()
    audit_record(
        contest=agreement.contest_id,
        actor=actor,
        action="agreement.create",
        obj=agreement,
        data=_agreement_data(agreement),
    )
    return agreement


def _agreement_locked(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update().select_related("contest", "team").get(pk=agreement.pk)
    )


@transaction.atomic
def agreement_sign(*, actor, agreement: Agreement, signed_on: dt.date) -> Agreement:
    """Record that both parties signed on `signed_on`; only a draft is signed."""
    agreement = _agreement_locked(agreement)
    permission_require(actor, "awards.sign_agreement", agreement)
    if agreement.status != AgreementStatus.DRAFT:
        raise error("agreement_not_draft", status=status_text(agreement))
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = signed_on
    agreement.save(update_fields=["status", "signed_on", "updated_at"])
    audit_record(
        contest=agreement.contest_id,
        actor=actor,
        action="agreement.sign",
        obj=agreement,
        data={"signed_on": signed_on},
    )
    return agreement


def _milestone_locked(milestone: Milestone) -> Milestone:
    return (
        Milestone.objects.select_for_update()
        .select_related("agreement__contest", "agreement__team")
        .get(pk=milestone.pk)
    )


def _delivery_check(actor, milestone: Milestone) -> None:
    permission_require(actor, "awards.deliver_milestone", milestone.agreement)
    if milestone.agreement.status not in ACTIVE_STATUSES:
        raise error("agreement_not_active", status=status_text(milestone.agreement))
    if milestone.status not in OPEN_MILESTONE_STATUSES:
        raise error("milestone_not_open", status=status_text(milestone))


@transaction.atomic
def deliverable_upload(*, actor, milestone: Milestone, uploaded) -> MilestoneDeliverable:
    """Add a deliverable file, checked like an entry file before anything is kept."""
    milestone = _milestone_locked(milestone)
    _delivery_check(actor, milestone)
    checked = upload_check(
        uploaded, allowed=DELIVERABLE_TYPES, max_bytes=entry_file_max_bytes(EntryFileKind.OTHER)
    )
    deliverable = MilestoneDeliverable(
        milestone=milestone,
        original_name=uploaded.name[:255],
        file_type=checked.file_type,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    deliverable.file.save(uploaded.name, uploaded, save=False)
    try:
        deliverable.save()
    except Exception:
        deliverable.file.delete(save=False)
        raise
    audit_record(
        contest=milestone.agreement.contest_id,
        actor=actor,
        action="milestone.deliverable_upload",
        obj=milestone,
        data={"file": deliverable.pk, "sha256": checked.sha256, "name": deliverable.original_name},
    )
    return deliverable


@transaction.atomic
def milestone_submit(*, actor, milestone: Milestone) -> Milestone:
    """Hand the milestone's deliverables to the publisher for acceptance."""
    milestone = _milestone_locked(milestone)
    _delivery_check(actor, milestone)
    if not milestone.files.exists():
        raise error("milestone_no_deliverables", fields={"files": ["milestone_no_deliverables"]})
    milestone.status = MilestoneStatus.SUBMITTED
    milestone.submitted_at = timezone.now()
    milestone.save(update_fields=["status", "submitted_at"])
    agreement = milestone.agreement
    if agreement.status == AgreementStatus.SIGNED:
        agreement.status = AgreementStatus.IN_PROGRESS
        agreement.save(update_fields=["status", "updated_at"])
    audit_record(
        contest=agreement.contest_id,
        actor=actor,
        action="milestone.submit",
        obj=milestone,
        data={"files": list(milestone.files.values_list("pk", flat=True))},
    )
    return milestone


def _decision(*, actor, milestone: Milestone, status: str, reason: str) -> Milestone:
    milestone = _milestone_locked(milestone)
    permission_require(actor, "awards.decide_milestone", milestone.agreement)
    if milestone.status != MilestoneStatus.SUBMITTED:
        raise error("milestone_not_submitted", status=status_text(milestone))
    milestone.status = status
    milestone.return_reason = reason if status == MilestoneStatus.RETURNED else ""
    milestone.decided_by = actor
    milestone.decided_at = timezone.now()
    milestone.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    audit_record(
        contest=milestone.agreement.contest_id,
        actor=actor,
        action=f"milestone.{'accept' if status == MilestoneStatus.ACCEPTED else 'return'}",
        obj=milestone,
        reason=reason,
        data={"agreement": milestone.agreement_id, "order": milestone.order},
    )
    return milestone


@transaction.atomic
def milestone_accept(*, actor, milestone: Milestone, reason: str = "") -> Milestone:
    return _decision(
        actor=actor, milestone=milestone, status=MilestoneStatus.ACCEPTED, reason=reason.strip()
    )


@transaction.atomic
def milestone_return(*, actor, milestone: Milestone, reason: str) -> Milestone:
    """Send the deliverables back with a reason; the team may add files and submit again."""
    reason = reason_check(reason)
    return _decision(
        actor=actor, milestone=milestone, status=MilestoneStatus.RETURNED, reason=reason
    )


def milestone_paid(milestone: Milestone) -> Decimal:
    return milestone.payments.aggregate(s=Sum("amount"))["s"] or Decimal(0)


@transaction.atomic
def payment_record(*, actor, milestone: Milestone, amount, paid_on: dt.date, proof) -> Payment:
    """Record a tranche paid outside the platform, with its proof (PDF, PNG or JPEG)."""
    milestone = _milestone_locked(milestone)
    permission_require(actor, "awards.record_payment", milestone.agreement)
    if milestone.status != MilestoneStatus.ACCEPTED:
        raise error("payment_milestone_not_accepted", status=status_text(milestone))
    amount = _money(amount, "payment_amount_invalid", "amount", positive=True)
    remaining = tranche_amount(milestone) - milestone_paid(milestone)
    if amount > remaining:
        raise error(
            "payment_exceeds_tranche",
            remaining=f"{remaining:f}",
            fields={"amount": ["payment_exceeds_tranche"]},
            details={"remaining": f"{remaining:f}"},
        )
    checked = upload_check(proof, allowed=PROOF_TYPES, max_bytes=entry_file_max_bytes())
    payment = Payment(
        milestone=milestone,
        amount=amount,
        paid_on=paid_on,
        proof_name=proof.name[:255],
        proof_sha256=checked.sha256,
        recorded_by=actor,
    )
    payment.proof.save(proof.name, proof, save=False)
    try:
        full_clean_or_raise(payment)
        payment.save()
    except Exception:
        payment.proof.delete(save=False)
        raise
    audit_record(
        contest=milestone.agreement.contest_id,
        actor=actor,
        action="payment.record",
        obj=payment,
        data={
            "milestone": milestone.pk,
            "amount": str(amount),
            "paid_on": paid_on,
            "proof_sha256": checked.sha256,
        },
    )
    return payment


def milestone_is_overdue(milestone: Milestone, *, today: dt.date | None = None) -> bool:
    today = today or local_date(timezone.now())
    return milestone.status in OPEN_MILESTONE_STATUSES and milestone.due_on < today


@transaction.atomic
def milestones_overdue_flag(*, today: dt.date | None = None) -> list[int]:
    """Flag, once, every milestone of a running agreement that is past due and not delivered,
    and tell the contest's organisers (`milestone_overdue`). Returns the flagged ids."""
    today = today or local_date(timezone.now())
    overdue = list(
        Milestone.objects.select_for_update(skip_locked=True)
        .filter(
            agreement__status__in=ACTIVE_STATUSES,
            status__in=OPEN_MILESTONE_STATUSES,
            due_on__lt=today,
            overdue_flagged_on__isnull=True,
        )
        .select_related("agreement")
        .order_by("pk")
    )
    for milestone in overdue:
        milestone.overdue_flagged_on = today
        milestone.save(update_fields=["overdue_flagged_on"])
        audit_record(
            contest=milestone.agreement.contest_id,
            actor=None,
            action="milestone.overdue",
            obj=milestone,
            data={"due_on": milestone.due_on, "flagged_on": today},
        )
        milestone_overdue.send(sender=Milestone, milestone=milestone)
    return [m.pk for m in overdue]
