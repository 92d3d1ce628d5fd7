"""verify-pdf checks the file itself (its PAdES signature), not only the data embedded in it: a page
visibly altered and saved again, content appended, a file signed by someone else, a revoked
certificate each say so with a reason code; the issuer serves the signing certificate to trust;
a serial with a wrong check character is refused; a revoked badge is not handed out."""

import hashlib
import io

import pytest
from cryptography import x509
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen.canvas import Canvas

from awards.certificates.layout import CertificateLayout
from awards.certificates.metadata import PDF_META_CONTENT, PDF_META_SIGNATURE, pdf_info_append
from awards.certificates.pades import PadesSigner, identity_derived
from awards.certificates.signing import canonical_json, pdf_signing_identity
from awards.models import Certificate
from awards.services.certificate import certificate_signed_content
from tests.api.helpers import assert_error

VALID_FACTS = {"reason": "", "reason_zh": "", "reason_en": "", "pdf_signed": True}


def _verify(api_client, pdf: bytes):
    return api_client.post(
        "/api/certificates/verify-pdf/",
        {"file": SimpleUploadedFile("c.pdf", pdf)},
        format="multipart",
    )


@pytest.fixture
def own(issued, member):
    return issued[f"member:{member.real_name}"]


def _white_box_over_the_award(pdf: bytes) -> bytes:
    """What an editor does: the page drawn over (the award line hidden) and the file saved."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=CertificateLayout().page_size)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(250, 260, 340, 60, stroke=0, fill=1)
    canvas.showPage()
    canvas.save()
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    writer.pages[0].merge_page(PdfReader(buffer).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_genuine_pdf_is_valid_and_names_its_signer(api_client, own):
    response = _verify(api_client, own.pdf.open("rb").read())
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in VALID_FACTS} == VALID_FACTS
    assert (body["name"], body["valid"], body["status"]) == (own.recipient_name, True, "issued")
    identity = pdf_signing_identity()
    assert (body["signer"], body["signer_sha256"]) == (
        "赛务 Saiwu 证书签发 Certificate issuing",
        identity.fingerprint_sha256,
    )
    assert body["signed_at"] is not None


def test_visibly_altered_page_is_invalid(api_client, own):
    """The embedded data still verifies (what verify-pdf used to check alone); the file does not."""
    altered = _white_box_over_the_award(own.pdf.open("rb").read())
    assert str(PdfReader(io.BytesIO(altered)).metadata[PDF_META_SIGNATURE]) == own.signature
    body = _verify(api_client, altered).json()
    assert (body["valid"], body["reason"], body["pdf_signed"]) == (
        False,
        "pdf_signature_broken",
        False,
    )
    assert body["reason_en"] == (
        "The PDF's electronic signature is broken: the file was changed after it was issued."
    )
    assert body["reason_zh"] != ""


def test_content_appended_after_signing_is_invalid(api_client, own):
    pdf = own.pdf.open("rb").read()
    appended = pdf_info_append(pdf, {"/Note": "特等奖"})
    body = _verify(api_client, appended).json()
    assert (body["valid"], body["reason"]) == (False, "pdf_modified_after_signing")


def test_one_byte_changed_is_invalid(api_client, own):
    pdf = bytearray(own.pdf.open("rb").read())
    pdf[len(pdf) // 3] ^= 0x01
    body = _verify(api_client, bytes(pdf)).json()
    assert (body["valid"], body["reason"]) == (False, "pdf_signature_broken")


def test_pdf_signed_by_another_certificate_is_invalid(api_client, own):
    """Someone re-signs a genuine certificate's content with their own certificate."""
    unsigned = pdf_info_append(
        render_certificate_plain(own),
        {
            PDF_META_CONTENT: canonical_json(certificate_signed_content(own)).decode(),
            PDF_META_SIGNATURE: own.signature,
        },
    )
    forged = PadesSigner(identity_derived(b"forger" * 6), reason="x").sign(unsigned)
    body = _verify(api_client, forged).json()
    assert (body["valid"], body["reason"]) == (False, "pdf_signer_unknown")


def _render_data(certificate):
    from awards.certificates.layout import CertificateData

    return CertificateData(
        serial=certificate.serial,
        recipient_name=certificate.recipient_name,
        recipient_role=certificate.recipient_role,
        team_name=certificate.team_name,
        award_name=certificate.award_name,
        contest_name=certificate.contest_name,
        track_name=certificate.track_name,
        issue_date=certificate.issue_date,
        verification_url=f"https://saiwu.example.cn/verify/{certificate.serial}",
    )


def test_revoked_certificate_pdf_says_revoked(api_client, client_for, organiser, own):
    before = own.pdf.open("rb").read()  # downloaded before the revocation
    response = client_for(organiser).post(
        f"/api/certificates/{own.pk}/revoke/", {"reason": "获奖资格被取消"}
    )
    assert response.status_code == 200, response.content
    body = _verify(api_client, before).json()
    assert (body["valid"], body["reason"], body["pdf_signed"], body["status"]) == (
        False,
        "certificate_revoked",
        True,
        "revoked",
    )


def test_pdf_issued_before_signing_is_valid_only_as_stored(api_client, own):
    """A certificate issued before PDFs were PAdES-signed: byte for byte the stored file is valid;
    the same file altered has nothing to prove it genuine."""
    unsigned = pdf_info_append(
        render_certificate_plain(own),
        {
            PDF_META_CONTENT: canonical_json(certificate_signed_content(own)).decode(),
            PDF_META_SIGNATURE: own.signature,
        },
    )
    Certificate.objects.filter(pk=own.pk).update(sha256=hashlib.sha256(unsigned).hexdigest())
    body = _verify(api_client, unsigned).json()
    assert (body["valid"], body["reason"], body["pdf_signed"]) == (True, "", False)
    altered = _white_box_over_the_award(unsigned)
    body = _verify(api_client, altered).json()
    assert (body["valid"], body["reason"]) == (False, "pdf_signature_missing")


def render_certificate_plain(certificate) -> bytes:
    from awards.certificates.render import render_certificate

    return render_certificate(CertificateLayout(), _render_data(certificate))


# --------------------------------------------------------------------------------------------
# The issuer's certificate, to trust it in a PDF reader


def test_issuer_profile_carries_the_pdf_signing_certificate(api_client, db):
    body = api_client.get("/api/certificates/issuer/").json()
    identity = pdf_signing_identity()
    pdf = body["pdfSigningCertificate"]
    assert (pdf["subject"], pdf["sha256"], pdf["selfSigned"], pdf["validUntil"]) == (
        "赛务 Saiwu 证书签发 Certificate issuing",
        identity.fingerprint_sha256,
        True,
        "2049-12-31T23:59:59Z",
    )
    assert x509.load_pem_x509_certificate(pdf["pem"].encode()) == identity.certificate
    assert pdf["download"]["der"] == (
        "https://saiwu.example.cn/api/certificates/issuer/?download=der"
    )


def test_issuer_certificate_downloads_as_der_and_pem(api_client, db):
    identity = pdf_signing_identity()
    der = api_client.get("/api/certificates/issuer/?download=der")
    assert (der.status_code, der["Content-Type"]) == (200, "application/pkix-cert")
    assert der["Content-Disposition"] == 'attachment; filename="saiwu-issuer.cer"'
    assert x509.load_der_x509_certificate(der.content) == identity.certificate
    pem = api_client.get("/api/certificates/issuer/?download=pem")
    assert (pem.status_code, pem["Content-Type"]) == (200, "application/x-pem-file")
    assert x509.load_pem_x509_certificate(pem.content) == identity.certificate


def test_issuer_certificate_unknown_download_refused(api_client, db):
    body = assert_error(
        api_client.get("/api/certificates/issuer/?download=p12"), 400, "issuer_download_invalid"
    )
    assert body["fields"] == {"download": ["issuer_download_invalid"]}


# --------------------------------------------------------------------------------------------
# Serials and badges


def test_verify_mistyped_serial_is_400(api_client, own):
    wrong = own.serial[:-1] + ("0" if own.serial[-1] != "0" else "1")
    body = assert_error(
        api_client.get(f"/api/certificates/verify/{wrong}/"), 400, "serial_mistyped"
    )
    assert body["message_en"] == (
        "The serial's check character does not match: it was probably mistyped. Check it again."
    )


def test_verify_serial_typed_in_lower_case(api_client, own):
    body = api_client.get(f"/api/certificates/verify/{own.serial.lower()}/").json()
    assert (body["name"], body["valid"]) == (own.recipient_name, True)


def test_revoked_badge_download_refused(client_for, organiser, member, own):
    assert client_for(member).get(f"/api/certificates/{own.pk}/badge/").status_code == 200
    client_for(organiser).post(f"/api/certificates/{own.pk}/revoke/", {"reason": "资格被取消"})
    rows = Certificate.objects.count()
    body = assert_error(
        client_for(member).get(f"/api/certificates/{own.pk}/badge/"),
        409,
        "certificate_badge_revoked",
    )
    assert body["message_en"].startswith("This certificate was revoked")
    assert Certificate.objects.count() == rows


def test_badge_carries_credential_status(client_for, member, own):
    credential = client_for(member).get(f"/api/certificates/{own.pk}/badge/").json()
    status = credential["credentialStatus"]
    own.refresh_from_db()
    assert (status["type"], status["statusPurpose"], status["statusListIndex"]) == (
        "BitstringStatusListEntry",
        "revocation",
        str(own.status_list_index % 131_072),
    )
    assert status["statusListCredential"] == (
        f"https://saiwu.example.cn/api/certificates/status/{own.status_list_index // 131_072}/"
    )
