"""Certificates (获奖证书): issuing, revocation, verification, downloads (the template lives in
`awards.services.certificate_template`).

* Issued only for *final* awards (after the notice and its objections): one certificate for the
  team, one per member (captain included) and one per advisor; an organiser award gives one to the
  organisation. The unique constraints on (award, user) and (award, team role) make
  `certificates_issue` idempotent: running it again issues only what is missing.
* Serial: `<PREFIX><year>-<6-digit sequence per contest>`, e.g. `SJYS2026-000123`.
* The printed facts are frozen on the row and signed with Ed25519
  (`awards.certificates.signing`); the same content and signature are written into the PDF's
  metadata, so a PDF can be checked offline or through `certificate_pdf_verify`.
* Verification returns only the name, award, contest, date, status and `valid` — the signature
  recomputed over the stored fields (a changed field or serial fails) and the certificate not
  revoked.
* Issuing runs as a task over a `CertificateBatch` that the organiser polls (total, done, status).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from awards.enums import AwardStatus, BatchStatus, CertificateRole, CertificateStatus
from awards.models import Award, Certificate, CertificateBatch, CertificateTemplate
from awards.services.award import names_missing_glyphs, organiser_required, reason_required
from awards.services.certificate_template import certificate_layout
from awards.tasks import certificate_batch_run_task
from awards.workdays import local_date
from contest.errors import StateConflict, ValidationFailed
from contest.models import Contest, TeamMember
from contest.selectors import contests_organised
from judging.services.audit import audit_record

log = logging.getLogger(__name__)

VERIFY_PATH = "/verify/{serial}"
PDF_META_CONTENT = "/SaiwuCertificate"
PDF_META_SIGNATURE = "/SaiwuSignature"


def verification_url(serial: str) -> str:
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
    from awards.certificates.render import CertificateData, render_certificate
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
        verification_url=verification_url(certificate.serial),
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


def _pdf_text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, hex-encoded (ISO 32000-1 §7.9.2.2)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _xref_offset(xref: bytes, number: int) -> int | None:
    """Byte offset of object `number` in a classic cross-reference table (`xref` … `trailer`)."""
    lines = xref.split(b"trailer", 1)[0].splitlines()[1:]
    i = 0
    while i < len(lines):
        head = lines[i].split()
        if len(head) != 2:
            i += 1
            continue
        first, count = int(head[0]), int(head[1])
        if first <= number < first + count:
            entry = lines[i + 1 + number - first].split()
            return int(entry[0]) if entry[2:3] == [b"n"] else None
        i += 1 + count
    return None


def pdf_info_append(pdf: bytes, entries: dict[str, str]) -> bytes:
    """Add `entries` to the PDF's document information dictionary by appending an incremental
    update (ISO 32000-1 §7.5.6): a new info object (the old entries plus these), a cross-reference
    section for it and a trailer pointing back with /Prev. The rendered bytes stay untouched and it
    costs microseconds, where rewriting the file with pypdf costs about half a render. Files not
    shaped like ReportLab's output (no classic xref table) go through pypdf instead."""
    try:
        start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf).group(1))
        xref = pdf[start:]
        if not xref.startswith(b"xref"):
            raise ValueError("cross-reference stream")
        trailer = re.search(rb"trailer\s*<<(.*)>>\s*startxref", xref, re.S).group(1)
        size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
        root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
        ids = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
        info = re.search(rb"/Info\s+(\d+)\s+(\d+)\s+R", trailer)
        old = b""
        if info:
            offset = _xref_offset(xref, int(info.group(1)))
            found = offset is not None and re.match(
                rb"\s*%s\s+%s\s+obj\s*<<(.*?)>>\s*endobj" % (info.group(1), info.group(2)),
                pdf[offset:],
                re.S,
            )
            if not found:
                raise ValueError("info dictionary not found")
            old = found.group(1).strip()
    except (AttributeError, ValueError, IndexError):
        return _pdf_info_pypdf(pdf, entries)
    added = b" ".join(
        b"/" + key.lstrip("/").encode("ascii") + b" " + _pdf_text(value)
        for key, value in entries.items()
    )
    body_offset = len(pdf)
    body = b"%d 0 obj\n<<\n%s\n%s\n>>\nendobj\n" % (size, old, added)
    xref_offset = body_offset + len(body)
    tail = (
        b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d%s >>\n"
        % (
            size,
            body_offset,
            size + 1,
            root,
            size,
            start,
            b" /ID " + ids.group(1) if ids else b"",
        )
    )
    return pdf + body + tail + b"startxref\n%d\n%%%%EOF\n" % xref_offset


def _pdf_info_pypdf(pdf: bytes, entries: dict[str, str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata(entries)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _store_pdf(certificate: Certificate, pdf: bytes) -> None:
    certificate.sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)


# --------------------------------------------------------------------------------------------
# Planning who gets a certificate


@dataclass(frozen=True)
class PlannedCertificate:
    award: Award
    role: str
    user_id: int | None
    recipient_name: str
    team_name: str

    @property
    def key(self) -> tuple[int, str, int | None]:
        return (self.award.pk, self.role, self.user_id)


def _final_awards(contest: Contest) -> QuerySet[Award]:
    members = TeamMember.objects.select_related("user").order_by("order", "id")
    return (
        Award.objects.filter(contest=contest, status=AwardStatus.FINAL)
        .select_related("tier__track", "team__track", "organisation", "contest")
        .prefetch_related(Prefetch("team__members", queryset=members))
        .order_by("tier__order", "tier_id", "rank", "team__code", "organisation__name", "id")
    )


def certificates_plan(*, contest: Contest) -> list[PlannedCertificate]:
    """Every certificate the contest's final awards call for, in printing order."""
    plan: list[PlannedCertificate] = []
    for award in _final_awards(contest):
        if award.organisation_id:
            plan.append(
                PlannedCertificate(
                    award, CertificateRole.ORGANISATION, None, award.organisation.name, ""
                )
            )
            continue
        team = award.team
        plan.append(PlannedCertificate(award, CertificateRole.TEAM, None, team.name, team.name))
        for member in team.members.all():
            role = CertificateRole.ADVISOR if member.role == "advisor" else CertificateRole.MEMBER
            plan.append(
                PlannedCertificate(award, role, member.user_id, member.user.real_name, team.name)
            )
    return plan


def _existing_keys(contest: Contest) -> set[tuple[int, str, int | None]]:
    return set(
        Certificate.objects.filter(contest=contest).values_list(
            "award_id", "recipient_role", "user_id"
        )
    )


def serial_prefix(contest: Contest, template: CertificateTemplate | None) -> str:
    prefix = (template.serial_prefix if template else "") or re.sub(
        r"[^A-Za-z0-9]", "", contest.code
    )[:12]
    return f"{prefix.upper()}{contest.year}"


# --------------------------------------------------------------------------------------------
# Issuing


@transaction.atomic
def certificates_issue(*, actor, contest: Contest) -> CertificateBatch:
    """Start issuing the contest's certificates: checks now, the work in a task.

    Refuses when no award is final, when a name (or the template's text) has a character the
    certificate font lacks, or when a batch is already running. Idempotent: the batch issues only
    certificates that do not exist yet."""
    organiser_required(actor, contest, "颁发证书", "issue certificates")
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    if not Award.objects.filter(contest=contest, status=AwardStatus.FINAL).exists():
        raise StateConflict(
            "no_final_awards",
            "获奖名单尚未确定（公示期结束且异议处理完毕后方可颁发证书）。",
            "No award is final yet: certificates are issued after the notice and its objections.",
        )
    # A batch older than the task time limit cannot still be running (lost broker, killed worker).
    stale_before = timezone.now() - dt.timedelta(
        seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800) + 60
    )
    unfinished = CertificateBatch.objects.filter(
        contest=contest, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    )
    unfinished.filter(created_at__lt=stale_before).update(
        status=BatchStatus.FAILED, error="timed out", finished_at=timezone.now()
    )
    if unfinished.exists():
        raise StateConflict(
            "batch_running",
            "已有证书批次正在生成，请稍候。",
            "A certificate batch is already running.",
        )
    plan = certificates_plan(contest=contest)
    issues = names_missing_glyphs([(p.role, p.recipient_name) for p in plan])
    if issues:
        raise ValidationFailed(
            "names_missing_glyphs",
            "以下姓名或名称含证书字体无法显示的字，请先更正："
            + "；".join(f"{i['name']}（{''.join(i['missing'])}）" for i in issues),
            "Some names contain characters the certificate font cannot print; fix them first: "
            + "; ".join(i["name"] for i in issues),
            details={"glyph_issues": issues},
        )
    from awards.certificates.signing import signing_key

    signing_key()  # a missing key in production fails here, not halfway through the task
    existing = _existing_keys(contest)
    batch = CertificateBatch.objects.create(
        contest=contest,
        created_by=actor,
        total=sum(1 for p in plan if p.key not in existing),
    )

    transaction.on_commit(lambda: certificate_batch_run_task.delay(batch.pk))
    return batch


def certificate_batch_run(*, batch_id: int) -> None:
    """The task body: issue every missing certificate of the batch's contest, with progress."""
    batch = CertificateBatch.objects.select_related("contest").filter(pk=batch_id).first()
    if batch is None or batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return
    contest = batch.contest
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), done=0
    )
    try:
        issued = _issue_missing(batch, contest)
    except Exception as exc:  # recorded for the organiser polling the batch
        log.exception("Certificate batch %s failed", batch.pk)
        CertificateBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    if issued:
        audit_record(
            contest=contest,
            actor=batch.created_by,
            action="certificates.issue",
            obj=batch,
            data={"count": len(issued), "serials": issued},
        )


def _issue_missing(batch: CertificateBatch, contest: Contest) -> list[str]:
    template = CertificateTemplate.objects.filter(contest=contest).first()
    layout = certificate_layout(template)
    prefix = serial_prefix(contest, template)
    issue_date = (template.issue_date if template else None) or local_date(timezone.now())
    bodies = list(template.issuing_bodies) if template else []
    existing = _existing_keys(contest)
    missing = [p for p in certificates_plan(contest=contest) if p.key not in existing]
    CertificateBatch.objects.filter(pk=batch.pk).update(total=len(missing))
    issued: list[str] = []
    for planned in missing:
        award = planned.award
        track = award.tier.track or (award.team.track if award.team_id else None)
        try:
            with transaction.atomic():
                Contest.objects.select_for_update().filter(pk=contest.pk).first()
                last = Certificate.objects.filter(contest=contest).aggregate(m=Max("seq"))["m"]
                seq = (last or 0) + 1
                certificate = Certificate(
                    contest=contest,
                    award=award,
                    batch=batch,
                    seq=seq,
                    serial=f"{prefix}-{seq:06d}",
                    recipient_role=planned.role,
                    user_id=planned.user_id,
                    team=award.team,
                    recipient_name=planned.recipient_name,
                    team_name=planned.team_name,
                    award_name=award.tier.name,
                    contest_name=contest.name,
                    track_name=track.name if track else "",
                    issue_date=issue_date,
                    issuing_bodies=bodies,
                )
                from awards.certificates.signing import certificate_sign

                certificate.signature = certificate_sign(certificate_signed_content(certificate))
                _store_pdf(certificate, certificate_render(certificate, layout))
                certificate.save()
        except IntegrityError:  # issued meanwhile by another run: the constraint keeps it single
            continue
        issued.append(certificate.serial)
        CertificateBatch.objects.filter(pk=batch.pk).update(
            done=F("done") + 1, issued=F("issued") + 1
        )
    return issued


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Revoke a certificate: the verify page shows it as revoked and the stored PDF is re-rendered
    with a "已撤销 REVOKED" watermark. The signature stays (status is not signed)."""
    reason = reason_required(reason)
    organiser_required(actor, certificate.contest, "撤销证书", "revoke certificates")
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == CertificateStatus.REVOKED:
        raise StateConflict(
            "certificate_revoked", "该证书已撤销。", "This certificate is already revoked."
        )
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_by = actor
    certificate.revoke_reason = reason
    template = CertificateTemplate.objects.filter(contest_id=certificate.contest_id).first()
    _store_pdf(certificate, certificate_render(certificate, certificate_layout(template)))
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
    return {
        "name": certificate.recipient_name,
        "award": certificate.award_name,
        "contest": certificate.contest_name,
        "date": certificate.issue_date.isoformat(),
        "status": certificate.status,
        "valid": signature_ok and certificate.status == CertificateStatus.ISSUED,
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
    from pypdf.errors import PdfReadError

    from awards.certificates.signing import certificate_verify

    try:
        metadata = PdfReader(fileobj).metadata or {}
        content = json.loads(str(metadata.get(PDF_META_CONTENT, "")))
        signature = str(metadata.get(PDF_META_SIGNATURE, ""))
    except (PdfReadError, ValueError, TypeError, OSError):
        return None
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
    from awards.certificates.signing import open_badge_credential

    award = certificate.award
    track = f"（{certificate.track_name}）" if certificate.track_name else ""
    return open_badge_credential(
        credential_id=verification_url(certificate.serial),
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
    from awards.certificates.signing import did_key, public_key_b64, signing_key

    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": issuer_url(),
        "type": ["Profile"],
        "name": "赛务 Saiwu",
        "url": settings.SITE_URL,
        "publicKeyEd25519": public_key_b64(),
        "did": did_key(signing_key().public_key()),
    }


# --------------------------------------------------------------------------------------------
# ZIP of a contest's certificates, streamed


class _Chunks(io.RawIOBase):
    """A write-only, unseekable sink: zipfile writes into it, the response reads what piled up."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _zip_name(certificate: Certificate) -> str:
    name = _UNSAFE.sub("_", certificate.recipient_name)[:60]
    return f"{certificate.serial}_{certificate.recipient_role}_{name}.pdf"


def certificates_zip_stream(*, certificates: QuerySet[Certificate]) -> Iterator[bytes]:
    """A ZIP of the certificates' PDFs plus `manifest.csv`, yielded as it is built (PDFs are
    already compressed, so they are stored; memory stays at about one PDF)."""
    sink = _Chunks()
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["serial", "role", "name", "team", "award", "status", "sha256", "file"])
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.order_by("seq").iterator(chunk_size=200):
            if not certificate.pdf:
                continue
            name = _zip_name(certificate)
            with certificate.pdf.open("rb") as fh:
                archive.writestr(name, fh.read())
            writer.writerow(
                [
                    certificate.serial,
                    certificate.recipient_role,
                    certificate.recipient_name,
                    certificate.team_name,
                    certificate.award_name,
                    certificate.status,
                    certificate.sha256,
                    name,
                ]
            )
            yield sink.take()
        archive.writestr(
            "manifest.csv", ("\ufeff" + manifest.getvalue()).encode("utf-8"), zipfile.ZIP_DEFLATED
        )
    yield sink.take()


# --------------------------------------------------------------------------------------------
# Reads


def _certificate_qs() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("contest", "award__tier")


def certificates_mine(*, user) -> QuerySet[Certificate]:
    """The user's own certificates and their teams' team certificates."""
    if not (user and user.is_authenticated):
        return Certificate.objects.none()
    team_ids = TeamMember.objects.filter(user=user).values("team_id")
    return _certificate_qs().filter(
        Q(user=user) | Q(recipient_role=CertificateRole.TEAM, team_id__in=team_ids)
    )


def certificates_visible(*, user) -> QuerySet[Certificate]:
    """Downloadable by the user: their own and their team's, or all of contests they organise."""
    if not (user and user.is_authenticated):
        return Certificate.objects.none()
    team_ids = TeamMember.objects.filter(user=user).values("team_id")
    return _certificate_qs().filter(
        Q(user=user)
        | Q(recipient_role=CertificateRole.TEAM, team_id__in=team_ids)
        | Q(contest__in=contests_organised(user=user))
    )


def certificates_organised(*, user) -> QuerySet[Certificate]:
    return _certificate_qs().filter(contest__in=contests_organised(user=user))
