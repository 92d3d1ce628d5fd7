"""Certificates (获奖证书): rendering and signing one certificate, revocation, verification, Open
Badges (the template lives in `awards.services.certificate_template`, batch issuing in
`awards.services.certificate_batch`).

* The printed facts are frozen on the row and signed with Ed25519
  (`awards.certificates.signing`); the same content and signature are written into the PDF's
  metadata, so a PDF can be checked offline or through `certificate_pdf_verify`.
* Verification returns only the name, award, contest, date, status and `valid` — the signature
  recomputed over the stored fields (a changed field or serial fails) and the certificate not
  revoked.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from awards.certificates.metadata import PDF_META_CONTENT, PDF_META_SIGNATURE, pdf_info_append
from awards.enums import CertificateRole, CertificateStatus
from awards.errors import error
from awards.models import Certificate, CertificateTemplate
from awards.services.certificate_template import certificate_layout
from awards.validators import reason_check
from contest.permissions import permission_require
from judging.services.audit import audit_record

log = logging.getLogger(__name__)

VERIFY_PATH = "/verify/{serial}"


def certificate_verification_url(serial: str) -> str:
    return settings.SITE_URL + VERIFY_PATH.format(serial=serial)


# --------------------------------------------------------------------------------------------
# Signing and rendering one certificate


def certificate_signed_content(certificate: Certificate) -> dict:
    from awards.certificates.signing import certificate_content

    return certificate_content(
        serial=certificate.serial,
        recipient_name=certificate.recipient_name,
        recipient_role=certificate.recipient_role,
        team_name=certificate.team_name,
        award_name=certificate.award_name,
        contest_name=certificate.contest_name,
        track_name=certificate.track_name,
        issue_date=certificate.issue_date,
        issuing_bodies=list(certificate.issuing_bodies or []),
    )


def certificate_signature_valid(certificate: Certificate) -> bool:
    from awards.certificates.signing import certificate_verify

    return certificate_verify(certificate_signed_content(certificate), certificate.signature)


def _render_role(role: str) -> str:
    # An organisation's certificate uses the team wording ("{name}：在…中表现优异，荣获…").
    return CertificateRole.TEAM if role == CertificateRole.ORGANISATION else role


def certificate_render(certificate: Certificate, layout) -> bytes:
    """The certificate's PDF with its signed content and signature in the document metadata."""
    from awards.certificates.layout import CertificateData
    from awards.certificates.render import render_certificate
    from awards.certificates.signing import canonical_json

    data = CertificateData(
        serial=certificate.serial,
        recipient_name=certificate.recipient_name,
        recipient_role=_render_role(certificate.recipient_role),
        team_name=certificate.team_name,
        award_name=certificate.award_name,
        contest_name=certificate.contest_name,
        track_name=certificate.track_name,
        issue_date=certificate.issue_date,
        verification_url=certificate_verification_url(certificate.serial),
        issuing_bodies=tuple(certificate.issuing_bodies or ()),
        status=certificate.status,
    )
    return pdf_info_append(
        render_certificate(layout, data),
        {
            PDF_META_CONTENT: canonical_json(certificate_signed_content(certificate)).decode(),
            PDF_META_SIGNATURE: certificate.signature,
        },
    )


def certificate_pdf_store(certificate: Certificate, pdf: bytes) -> None:
    certificate.sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: the verify page shows it as revoked and the stored PDF is re-rendered
    with a "已撤销 REVOKED" watermark. The signature stays (status is not signed)."""
    reason = reason_check(reason)
    permission_require(actor, "awards.revoke_certificate", certificate.contest)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise error("certificate_revoked")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    template = CertificateTemplate.objects.filter(contest_id=certificate.contest_id).first()
    certificate_pdf_store(
        certificate, certificate_render(certificate, certificate_layout(template))
    )
    certificate.save()
    audit_record(
        contest=certificate.contest_id,
        actor=actor,
        action="certificate.revoke",
        obj=certificate,
        reason=reason,
        data={"serial": certificate.serial, "award": certificate.award_id},
    )
    return certificate


# --------------------------------------------------------------------------------------------
# Verification


def _public_facts(certificate: Certificate, *, signature_ok: bool) -> dict:
    """Public facts; a revoked certificate says why, and names the serial that replaces it."""
    successor = Certificate.objects.filter(replaces=certificate).values_list("serial", flat=True)
    return {
        "name": certificate.recipient_name,
        "award": certificate.award_name,
        "contest": certificate.contest_name,
        "date": certificate.issue_date.isoformat(),
        "status": certificate.status,
        "valid": signature_ok and certificate.status == CertificateStatus.ISSUED,
        "revoke_reason": certificate.revoke_reason
        if certificate.status == CertificateStatus.REVOKED
        else "",
        "replaced_by": successor.first(),
        "replaces": certificate.replaces.serial if certificate.replaces_id else None,
    }


def certificate_verify_public(*, serial: str) -> dict | None:
    """What anyone may learn from a serial (or the QR code): name, award, contest, date, status,
    and `valid` — the signature re-verified over the stored fields, and not revoked."""
    certificate = Certificate.objects.filter(serial=serial.strip().upper()).first()
    if certificate is None:
        return None
    return _public_facts(certificate, signature_ok=certificate_signature_valid(certificate))


def certificate_pdf_verify(*, fileobj) -> dict | None:
    """Check a certificate PDF: the content and signature in its metadata must verify, and the
    certificate must exist with exactly that content. None when the PDF carries no signature."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    from awards.certificates.signing import certificate_verify

    try:
        metadata = PdfReader(fileobj).metadata or {}
        content = json.loads(str(metadata.get(PDF_META_CONTENT, "")))
        signature = str(metadata.get(PDF_META_SIGNATURE, ""))
    except (PdfReadError, PyPdfError, ValueError, TypeError, OSError, RecursionError):
        return None  # LimitReachedError (a stream past pypdf's inflation limit) is a PyPdfError
    if not isinstance(content, dict) or not signature:
        return None
    certificate = Certificate.objects.filter(serial=str(content.get("serial", ""))).first()
    if certificate is None:
        return None
    signature_ok = (
        certificate_verify(content, signature)
        and signature == certificate.signature
        and content == certificate_signed_content(certificate)
        and certificate_signature_valid(certificate)
    )
    return _public_facts(certificate, signature_ok=signature_ok)


# --------------------------------------------------------------------------------------------
# Open Badges 3.0


def issuer_url() -> str:
    return f"{settings.SITE_URL}/api/certificates/issuer/"


def certificate_badge(*, certificate: Certificate) -> dict:
    """The certificate as a signed Open Badges 3.0 credential."""
    from awards.certificates.badges import open_badge_credential

    award = certificate.award
    track = f"（{certificate.track_name}）" if certificate.track_name else ""
    return open_badge_credential(
        credential_id=certificate_verification_url(certificate.serial),
        issuer_id=issuer_url(),
        issuer_name="、".join(certificate.issuing_bodies) or certificate.contest_name,
        recipient_name=certificate.recipient_name,
        achievement_id=f"{settings.SITE_URL}/api/award-tiers/{award.tier_id}/",
        achievement_name=f"{certificate.contest_name} {certificate.award_name}",
        achievement_description=f"{certificate.contest_name}{track}{certificate.award_name}",
        criteria_narrative=(
            f"经评审、{'公示及异议处理' if award.notice_id else '审定'}后确定获得"
            f"{certificate.award_name}。"
        ),
        valid_from=certificate.created_at,
        credential_name=f"{certificate.award_name} · {certificate.recipient_name}",
        issuer_url=settings.SITE_URL,
    )


def issuer_profile() -> dict:
    from awards.certificates.badges import did_key
    from awards.certificates.signing import public_key_b64, signing_key

    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": issuer_url(),
        "type": ["Profile"],
        "name": "赛务 Saiwu",
        "url": settings.SITE_URL,
        "publicKeyEd25519": public_key_b64(),
        "did": did_key(signing_key().public_key()),
    }
