"""Certificates (获奖证书): serials, rendering and signing one certificate, revocation,
verification, Open Badges (the template lives in `awards.services.certificate_template`, batch
issuing in `awards.services.certificate_batch`, badge revocation status in
`awards.services.certificate_status`).

* Serials carry a random part and a check character (`awards.certificates.serials`); a serial
  whose check character is wrong is refused before any lookup.
* The printed facts are frozen on the row and signed with Ed25519
  (`awards.certificates.signing`); the same content and signature are written into the PDF's
  metadata, and the PDF itself carries a PAdES signature (`awards.certificates.pades`) that PDF
  readers check and any change to the file breaks. `certificate_pdf_verify` checks both.
* Verification returns only the name, award, contest, date, status and `valid` — the signature
  recomputed over the stored fields (a changed field or serial fails) and the certificate not
  revoked.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from awards.certificates.metadata import PDF_META_CONTENT, PDF_META_SIGNATURE
from awards.certificates.serials import serial_new, serial_parse
from awards.enums import CertificateRole, CertificateStatus
from awards.errors import error
from awards.models import Certificate, CertificateTemplate
from awards.services.certificate_status import (
    StatusPositions,
    certificate_status_entry,
    issuer_url,
)
from awards.services.certificate_template import certificate_layout
from awards.signals import certificate_revoked
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
    """The certificate's PDF with its signed content and signature in the document metadata,
    PAdES-signed by the platform's PDF signing identity."""
    from awards.certificates.layout import CertificateData
    from awards.certificates.render import render_certificate
    from awards.certificates.signing import canonical_json, pdf_signer

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
    pdf = render_certificate(
        layout,
        data,
        info={
            PDF_META_CONTENT: canonical_json(certificate_signed_content(certificate)).decode(),
            PDF_META_SIGNATURE: certificate.signature,
        },
    )
    return pdf_signer().sign(pdf)


def certificate_pdf_store(certificate: Certificate, pdf: bytes) -> None:
    certificate.sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)


def certificate_serial_new(prefix_year: str) -> str:
    """A serial no certificate has (a repeat of 50 random bits is all but impossible; the check
    makes it impossible)."""
    while True:
        serial = serial_new(prefix_year)
        if not Certificate.objects.filter(serial=serial).exists():
            return serial


def certificate_create(
    certificate: Certificate, layout, *, prefix_year: str, positions: StatusPositions
) -> Certificate:
    """Give a new, unsaved certificate its serial and status-list position, sign its content,
    render and sign its PDF, and save it. A serial or position taken meanwhile by a concurrent
    issue (the unique constraints say so) is drawn again; any other integrity error (the same
    award and person issued meanwhile) is raised for the caller."""
    certificate.serial = certificate_serial_new(prefix_year)
    certificate.status_list_index = positions.draw()
    from awards.certificates.signing import certificate_sign

    for attempt in range(4):
        certificate.signature = certificate_sign(certificate_signed_content(certificate))
        certificate_pdf_store(certificate, certificate_render(certificate, layout))
        try:
            with transaction.atomic():
                certificate.save()
            return certificate
        except IntegrityError:
            if attempt == 3:
                raise
            if Certificate.objects.filter(serial=certificate.serial).exists():
                certificate.serial = certificate_serial_new(prefix_year)
            elif Certificate.objects.filter(
                status_list_index=certificate.status_list_index
            ).exists():
                certificate.status_list_index = positions.draw()
            else:
                raise
    raise AssertionError("unreachable")


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
    certificate_revoked.send(sender=Certificate, certificate=certificate, reason=reason)
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
    and `valid` — the signature re-verified over the stored fields, and not revoked. None when
    no certificate has the serial; a serial that cannot exist (wrong shape) is not looked up, and
    one whose check character is wrong is refused (serial_mistyped), also without a lookup."""
    parsed = serial_parse(serial)
    if parsed.kind == "mistyped":
        raise error("serial_mistyped")
    if not parsed.may_exist:
        return None
    certificate = Certificate.objects.filter(serial=parsed.serial).first()
    if certificate is None:
        return None
    return _public_facts(certificate, signature_ok=certificate_signature_valid(certificate))


def _reason_texts(code: str) -> dict:
    if not code:
        return {"reason": "", "reason_zh": "", "reason_en": ""}
    exc = error(code)
    return {"reason": code, "reason_zh": exc.message_zh, "reason_en": exc.message_en}


def certificate_pdf_verify(*, fileobj) -> dict | None:
    """Check a certificate PDF, as a notary or a journalist would: its PAdES signature must be
    intact, cover the whole file and come from the platform's signing certificate (or one it
    still accepts), and the content and Ed25519 signature in its metadata must verify and match
    the certificate on record. None when the PDF names no certificate we issued.

    `valid` is true only when all of that holds and the certificate is not revoked; `reason`
    names the first thing that failed (`pdf_signature_missing`, `pdf_signature_broken`,
    `pdf_modified_after_signing`, `pdf_signer_unknown`, `pdf_content_mismatch`,
    `certificate_revoked`), with its text in both languages. A PDF issued before PDFs were signed
    carries no PAdES signature: it is valid only if it is byte for byte the stored file."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    from awards.certificates.pades import REASON_MISSING, pades_check
    from awards.certificates.signing import certificate_verify, pdf_accepted_certificates

    try:
        fileobj.seek(0)
        data = fileobj.read()
        metadata = PdfReader(io.BytesIO(data)).metadata or {}
        content = json.loads(str(metadata.get(PDF_META_CONTENT, "")))
        signature = str(metadata.get(PDF_META_SIGNATURE, ""))
    except (PdfReadError, PyPdfError, ValueError, TypeError, OSError, RecursionError):
        return None  # LimitReachedError (a stream past pypdf's inflation limit) is a PyPdfError
    if not isinstance(content, dict) or not signature:
        return None
    parsed = serial_parse(str(content.get("serial", "")))
    if not parsed.may_exist:
        return None
    certificate = Certificate.objects.filter(serial=parsed.serial).first()
    if certificate is None:
        return None
    content_ok = (
        certificate_verify(content, signature)
        and signature == certificate.signature
        and content == certificate_signed_content(certificate)
        and certificate_signature_valid(certificate)
    )
    pades = pades_check(data, accepted=pdf_accepted_certificates())
    as_stored = bool(certificate.sha256) and hashlib.sha256(data).hexdigest() == certificate.sha256
    file_ok = pades.ok or (pades.reason == REASON_MISSING and as_stored)
    if not file_ok:
        reason = pades.reason
    elif not content_ok:
        reason = "pdf_content_mismatch"
    elif certificate.status == CertificateStatus.REVOKED:
        reason = "certificate_revoked"
    else:
        reason = ""
    facts = _public_facts(certificate, signature_ok=file_ok and content_ok)
    facts.update(_reason_texts(reason))
    facts.update(
        pdf_signed=pades.ok,
        signer=pades.signer_name if pades.ok else "",
        signer_sha256=pades.signer_sha256 if pades.ok else "",
        signed_at=pades.signed_at if pades.ok else None,
    )
    return facts


# --------------------------------------------------------------------------------------------
# Open Badges 3.0


def certificate_badge(*, certificate: Certificate) -> dict:
    """The certificate as a signed Open Badges 3.0 credential, with its revocation status entry
    (a Bitstring Status List position). A revoked certificate's badge is no longer issued
    (certificate_badge_revoked); one downloaded before shows it as revoked in the status list."""
    from awards.certificates.badges import open_badge_credential

    if certificate.status == CertificateStatus.REVOKED:
        raise error("certificate_badge_revoked")
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
        credential_status=certificate_status_entry(certificate),
    )


def issuer_profile() -> dict:
    """The issuer behind every badge and PDF: the Ed25519 key of the badges and the embedded
    data, and the certificate that signs the PDFs (to trust it in a PDF reader)."""
    from awards.certificates.badges import did_key
    from awards.certificates.signing import pdf_signing_identity, public_key_b64, signing_key

    identity = pdf_signing_identity()
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": issuer_url(),
        "type": ["Profile"],
        "name": "赛务 Saiwu",
        "url": settings.SITE_URL,
        "publicKeyEd25519": public_key_b64(),
        "did": did_key(signing_key().public_key()),
        "pdfSigningCertificate": {
            "subject": identity.subject_name,
            "sha256": identity.fingerprint_sha256,
            "validUntil": identity.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "selfSigned": not identity.chain
            and identity.certificate.issuer == identity.certificate.subject,
            "pem": identity.certificate_pem,
            "download": {
                "pem": f"{issuer_url()}?download=pem",
                "der": f"{issuer_url()}?download=der",
            },
        },
    }


def issuer_certificate_file(*, kind: str) -> tuple[bytes, str, str]:
    """The PDF signing certificate as a file to import into a PDF reader's trusted
    certificates: (content, content type, file name); `kind` is "pem" or "der" (a .cer)."""
    from awards.certificates.signing import pdf_signing_identity

    identity = pdf_signing_identity()
    if kind == "der":
        return identity.certificate_der, "application/pkix-cert", "saiwu-issuer.cer"
    return identity.certificate_pem.encode(), "application/x-pem-file", "saiwu-issuer.pem"
