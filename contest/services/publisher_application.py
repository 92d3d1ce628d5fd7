"""征榜 (call for challenges): organisations apply to publish in a contest; the organiser decides.

An application is made during the contest's call window (`call_opens_at` ≤ now < `call_closes_at`)
by a signed-in person for an organisation named by its USCC. Approval matches the Organisation by
USCC (or registers it) and grants the applicant the publisher role for that organisation in the
contest; a decline needs a reason. Each decision goes on the contest's audit chain and tells the
applicant (`contest.signals.publisher_application_decided`).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from contest.enums import ContestRoleKind, PublisherApplicationStatus
from contest.errors import error, text_by_language
from contest.models import Contest, ContestRole, Organisation, PublisherApplication
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.services.contest import contest_role_grant
from contest.services.organisation import organisation_create
from contest.signals import decision_record, publisher_application_decided

APPLICATION_FIELDS = (
    "organisation_name",
    "uscc",
    "region",
    "organisation_kind",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def call_is_open(contest: Contest, *, now=None) -> bool:
    now = now or timezone.now()
    opens, closes = contest.call_opens_at, contest.call_closes_at
    return opens is not None and closes is not None and opens <= now < closes


def publisher_application_submit(
    *,
    actor,
    contest: Contest,
    organisation_name: str,
    uscc: str,
    region: str,
    organisation_kind: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
) -> PublisherApplication:
    """Apply, during the call window, to publish challenges in `contest` for an organisation."""
    permission_require(actor, "contest.apply_to_publish")
    if not call_is_open(contest):
        raise error("call_not_open")
    application = PublisherApplication(
        contest=contest,
        organisation_name=organisation_name.strip(),
        uscc=uscc.strip().upper(),
        region=region.strip(),
        organisation_kind=organisation_kind,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
        applicant=actor,
    )
    # The open-application rule is the unique constraint's; ask it first for a clean message.
    full_clean_or_raise(application, exclude=["contest"])
    open_ones = PublisherApplication.objects.filter(contest=contest, uscc=application.uscc).exclude(
        status=PublisherApplicationStatus.DECLINED
    )
    if open_ones.exists():
        raise error("publisher_application_exists", fields={"uscc": ["exists"]})
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a concurrent application for the same organisation won
        raise error("publisher_application_exists", fields={"uscc": ["exists"]}) from None
    return application


def _locked_undecided(application: PublisherApplication) -> PublisherApplication:
    application = (
        PublisherApplication.objects.select_for_update()
        .select_related("contest", "applicant")
        .get(pk=application.pk)
    )
    if application.status != PublisherApplicationStatus.SUBMITTED:
        raise error(
            "publisher_application_decided",
            status=text_by_language(
                zh=application.get_status_display().split(" ")[0], en=str(application.status)
            ),
        )
    return application


def _decide(application: PublisherApplication, *, actor, to: str, reason: str) -> None:
    application.status = to
    application.reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "reason", "decided_by", "decided_at", "organisation"])
    decision_record(
        contest=application.contest,
        actor=actor,
        action=f"publisher_application.{'approve' if to == 'approved' else 'decline'}",
        subject=application,
        reason=reason,
        data={
            "uscc": application.uscc,
            "organisation_name": application.organisation_name,
            "applicant": application.applicant_id,
            "organisation": application.organisation_id,
        },
    )
    publisher_application_decided.send(sender=PublisherApplication, application=application)


@transaction.atomic
def publisher_application_approve(
    *, actor, application: PublisherApplication, reason: str = ""
) -> PublisherApplication:
    """Approve: match or register the organisation by USCC and make the applicant its publisher."""
    permission_require(actor, "contest.decide_publisher_application", application)
    application = _locked_undecided(application)
    contest = application.contest
    existing = ContestRole.objects.filter(
        contest=contest, user=application.applicant, role=ContestRoleKind.PUBLISHER
    ).first()
    organisation = Organisation.objects.filter(uscc=application.uscc).first()
    if existing and (organisation is None or existing.organisation_id != organisation.pk):
        raise error("publisher_role_other_organisation")
    if organisation is None:
        organisation = organisation_create(
            name=application.organisation_name,
            kind=application.organisation_kind,
            uscc=application.uscc,
            province=application.region,
        )
    application.organisation = organisation
    contest_role_grant(
        actor=actor,
        contest=contest,
        user=application.applicant,
        role=ContestRoleKind.PUBLISHER,
        organisation=organisation,
    )
    _decide(application, actor=actor, to=PublisherApplicationStatus.APPROVED, reason=reason.strip())
    return application


@transaction.atomic
def publisher_application_decline(
    *, actor, application: PublisherApplication, reason: str
) -> PublisherApplication:
    """Decline, with a reason the applicant reads."""
    permission_require(actor, "contest.decide_publisher_application", application)
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    application = _locked_undecided(application)
    _decide(application, actor=actor, to=PublisherApplicationStatus.DECLINED, reason=reason.strip())
    return application
