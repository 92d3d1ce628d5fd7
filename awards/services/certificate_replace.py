"""Replacing a revoked certificate (补发): a new serial for the same award and person, with the
corrected printed facts, linked both ways (`replaces` / `replaced_by`); the old one's public
verification says revoked, with its reason, and points to the new serial."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from awards.enums import AwardStatus, CertificateStatus
from awards.errors import error
from awards.models import Certificate, CertificateTemplate
from awards.services.award import names_missing_glyphs
from awards.services.certificate import certificate_create
from awards.services.certificate_batch import certificate_seq_next, certificate_serial_prefix
from awards.services.certificate_status import StatusPositions
from awards.services.certificate_template import certificate_layout
from awards.signals import certificate_replaced
from awards.validators import reason_check
from contest.models import Contest
from contest.permissions import permission_require
from judging.services.audit import audit_record

CORRECTABLE_FIELDS = ("recipient_name", "team_name", "track_name")


@transaction.atomic
def certificate_replace(
    *, actor, certificate: Certificate, reason: str, **corrected_fields
) -> Certificate:
    """Issue the replacement of a revoked certificate, with a reason; `corrected_fields` are the
    printed facts to correct (recipient_name, team_name, track_name). The award must still be
    final. Audited as `certificate.replace` with both serials."""
    reason = reason_check(reason)
    permission_require(actor, "awards.replace_certificate", certificate.contest)
    unknown = sorted(set(corrected_fields) - set(CORRECTABLE_FIELDS))
    if unknown:
        raise error(
            "replacement_field_invalid",
            allowed=", ".join(CORRECTABLE_FIELDS),
            fields={name: ["replacement_field_invalid"] for name in unknown},
        )
    contest = Contest.objects.select_for_update().get(pk=certificate.contest_id)
    old = Certificate.objects.select_for_update().select_related("award").get(pk=certificate.pk)
    if old.status != CertificateStatus.REVOKED:
        raise error("certificate_not_revoked")
    successor = Certificate.objects.filter(replaces=old).first()
    if successor is not None:
        raise error("certificate_already_replaced", serial=successor.serial)
    if old.award.status != AwardStatus.FINAL:
        raise error("replacement_award_not_final")
    values = {
        key: (str(corrected_fields[key]).strip() if key in corrected_fields else getattr(old, key))
        for key in CORRECTABLE_FIELDS
    }
    if not values["recipient_name"]:
        raise error("replacement_field_invalid", allowed=", ".join(CORRECTABLE_FIELDS))
    issues = names_missing_glyphs([(old.recipient_role, values["recipient_name"])])
    if issues:
        raise error(
            "names_missing_glyphs",
            names="；".join(f"{i['name']}（{''.join(i['missing'])}）" for i in issues),
            details={"glyph_issues": issues},
        )
    template = CertificateTemplate.objects.filter(contest=contest).first()
    seq = certificate_seq_next(contest)
    new = Certificate(
        contest=contest,
        award=old.award,
        seq=seq,
        recipient_role=old.recipient_role,
        user_id=old.user_id,
        team_id=old.team_id,
        award_name=old.award_name,
        contest_name=old.contest_name,
        issue_date=(template.issue_date if template else None) or old.issue_date,
        issuing_bodies=list(old.issuing_bodies or []),
        replaces=old,
        **values,
    )
    certificate_create(
        new,
        certificate_layout(template),
        prefix_year=certificate_serial_prefix(contest, template),
        positions=StatusPositions(),
    )
    audit_record(
        contest=contest,
        actor=actor,
        action="certificate.replace",
        obj=new,
        reason=reason,
        data={
            "serial": new.serial,
            "replaces": old.serial,
            "award": old.award_id,
            "corrected": {k: v for k, v in values.items() if v != getattr(old, k)},
            "at": timezone.now(),
        },
    )
    certificate_replaced.send(sender=Certificate, certificate=new, replaces=old)
    return new
