"""PAdES signatures on certificate PDFs: the platform's derived identity (the same certificate on
every machine), an organisation's own identity from the settings, the CMS template that makes
signing fast (byte for byte what pyHanko makes), pyHanko's and Poppler's validation of the result,
and that any change to the file breaks the signature."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from pypdf import PdfReader

from awards.certificates.layout import CertificateData, CertificateLayout
from awards.certificates.metadata import pdf_info_append
from awards.certificates.pades import (
    FIELD_NAME,
    PadesSigner,
    _CmsTemplate,
    _run,
    identity_derived,
    identity_from_pem,
    pades_check,
)
from awards.certificates.render import render_certificate
from awards.certificates.signing import (
    generate_signing_key_b64,
    pdf_accepted_certificates,
    pdf_signer,
    pdf_signing_identity,
)

REASON = "颁发获奖证书 Award certificate issued"


def _data(**overrides) -> CertificateData:
    values = {
        "serial": "SJYS2026-7K3QX9M2TDH",
        "recipient_name": "李四",
        "recipient_role": "member",
        "team_name": "星火团队",
        "award_name": "一等奖",
        "contest_name": "数据要素×大赛江苏分赛",
        "track_name": "",
        "issue_date": dt.date(2026, 11, 21),
        "verification_url": "https://saiwu.example.cn/verify/SJYS2026-7K3QX9M2TDH",
        "issuing_bodies": ("大赛组织委员会",),
    }
    values.update(overrides)
    return CertificateData(**values)


@pytest.fixture(scope="module")
def identity():
    return identity_derived(b"\x07" * 32)


@pytest.fixture(scope="module")
def signer(identity):
    return PadesSigner(identity, reason=REASON, location="https://saiwu.example.cn")


@pytest.fixture(scope="module")
def unsigned():
    return pdf_info_append(
        render_certificate(CertificateLayout(), _data()), {"/SaiwuCertificate": "{}"}
    )


@pytest.fixture(scope="module")
def signed(signer, unsigned):
    return signer.sign(unsigned)


def _organisation_identity(tmp_path=None):
    """An organisation's RSA certificate issued by its own CA, as PEM: (bundle, key, CA)."""
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "江苏省数据局 CA")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(11)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "江苏省数据局证书签发")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(12)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    bundle = leaf.public_bytes(pem) + ca.public_bytes(pem)
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return bundle, key_pem, ca


# --------------------------------------------------------------------------------------------
# The platform's own identity


def test_derived_identity_is_the_same_everywhere(identity):
    again = identity_derived(b"\x07" * 32)
    assert again.certificate_der == identity.certificate_der
    assert again.key.private_numbers() == identity.key.private_numbers()
    assert identity_derived(b"\x08" * 32).fingerprint_sha256 != identity.fingerprint_sha256


def test_derived_identity_is_a_self_signed_p256_signing_certificate(identity):
    cert = identity.certificate
    assert isinstance(identity.key.curve, ec.SECP256R1)
    assert cert.issuer == cert.subject
    assert identity.subject_name == "赛务 Saiwu 证书签发 Certificate issuing"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.digital_signature, usage.content_commitment, usage.key_cert_sign) == (
        True,
        True,
        False,
    )
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert (cert.not_valid_before_utc.year, cert.not_valid_after_utc.year) == (2025, 2049)
    cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))


def test_identity_from_settings_follows_the_ed25519_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.CERTIFICATE_PDF_SIGNING_CERT = ""
    settings.CERTIFICATE_PDF_SIGNING_KEY = ""
    first = pdf_signing_identity()
    assert pdf_signing_identity().certificate_der == first.certificate_der
    settings.CERTIFICATE_PDF_SIGNER_NAME = "江苏省数据要素大赛证书签发"
    renamed = pdf_signing_identity()
    assert renamed.subject_name == "江苏省数据要素大赛证书签发"
    assert renamed.key.private_numbers() == first.key.private_numbers()
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    assert pdf_signing_identity().fingerprint_sha256 != renamed.fingerprint_sha256


# --------------------------------------------------------------------------------------------
# An organisation's own identity


def test_organisation_identity_as_pem_text_and_as_paths(settings, tmp_path):
    bundle, key_pem, ca = _organisation_identity()
    settings.CERTIFICATE_PDF_SIGNING_CERT = bundle.decode().replace("\n", "\\n")
    settings.CERTIFICATE_PDF_SIGNING_KEY = key_pem.decode()
    from_text = pdf_signing_identity()
    assert from_text.subject_name == "江苏省数据局证书签发"
    assert from_text.chain == (ca,)
    (tmp_path / "cert.pem").write_bytes(bundle)
    (tmp_path / "key.pem").write_bytes(key_pem)
    settings.CERTIFICATE_PDF_SIGNING_CERT = str(tmp_path / "cert.pem")
    settings.CERTIFICATE_PDF_SIGNING_KEY = str(tmp_path / "key.pem")
    assert pdf_signing_identity().certificate_der == from_text.certificate_der
    assert pdf_accepted_certificates() == [from_text.certificate]


def test_organisation_identity_signs_with_its_chain(settings, unsigned):
    bundle, key_pem, ca = _organisation_identity()
    settings.CERTIFICATE_PDF_SIGNING_CERT = bundle.decode()
    settings.CERTIFICATE_PDF_SIGNING_KEY = key_pem.decode()
    signed = pdf_signer().sign(unsigned)
    check = pades_check(signed, accepted=pdf_accepted_certificates())
    assert (check.reason, check.signer_name) == ("", "江苏省数据局证书签发")


def test_signing_settings_must_come_together(settings):
    bundle, key_pem, _ = _organisation_identity()
    settings.CERTIFICATE_PDF_SIGNING_CERT = bundle.decode()
    settings.CERTIFICATE_PDF_SIGNING_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="set together"):
        pdf_signing_identity()


def test_signing_key_must_match_the_certificate(settings):
    bundle, _, _ = _organisation_identity()
    _, other_key, _ = _organisation_identity()
    settings.CERTIFICATE_PDF_SIGNING_CERT = bundle.decode()
    settings.CERTIFICATE_PDF_SIGNING_KEY = other_key.decode()
    with pytest.raises(ImproperlyConfigured, match="No certificate in the bundle matches"):
        pdf_signing_identity()


def test_signing_setting_path_missing_is_a_clear_error(settings, tmp_path):
    settings.CERTIFICATE_PDF_SIGNING_CERT = str(tmp_path / "missing.pem")
    settings.CERTIFICATE_PDF_SIGNING_KEY = str(tmp_path / "missing.key")
    with pytest.raises(ImproperlyConfigured, match="CERTIFICATE_PDF_SIGNING_CERT: cannot read"):
        pdf_signing_identity()


# --------------------------------------------------------------------------------------------
# The CMS template


def test_template_cms_is_byte_for_byte_pyhankos(unsigned):
    """RSA PKCS#1 v1.5 signatures are deterministic, so the template's CMS for a digest can be
    compared with the one pyHanko itself builds for that digest."""
    from pyhanko.sign import signers

    bundle, key_pem, _ = _organisation_identity()
    organisation = identity_from_pem(bundle, key_pem)
    fast = PadesSigner(organisation, reason=REASON)
    fast.sign(unsigned)  # the first document builds the template
    assert fast.template is not None and fast.template.mechanism == "rsa"
    reference = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(organisation.certificate_der),
        signing_key=fast._pdf_signer.signer.signing_key,
        cert_registry=fast._pdf_signer.signer.cert_registry,
    )
    digest = bytes(range(32))
    expected = _run(reference.async_sign(digest, "sha256", use_pades=True)).dump()
    assert fast.template.sign(digest) == expected


def test_template_needs_the_marker_once():
    with pytest.raises(ValueError):
        _CmsTemplate(b"\x30\x03\x06\x01\x00", key=None, mechanism="ecdsa")


# --------------------------------------------------------------------------------------------
# The signed PDF


def test_signed_pdf_validates_with_pyhanko(identity, signed):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(signed))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(identity.certificate_der)], allow_fetching=False
    )
    status = _run(async_validate_pdf_signature(signature, signer_validation_context=context))
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.field_name == FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == REASON
    assert str(reader.root["/Perms"]["/DocMDP"].get_object()["/Type"]) == "/Sig"  # certifies
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.dump() == identity.certificate_der


def test_signed_pdf_keeps_rendered_bytes_and_metadata(unsigned, signed):
    assert signed.startswith(unsigned)  # an incremental update
    metadata = PdfReader(io.BytesIO(signed)).metadata
    assert (metadata["/SaiwuCertificate"], metadata["/Title"]) == (
        "{}",
        "荣誉证书 SJYS2026-7K3QX9M2TDH 李四",
    )


def test_check_accepts_our_signature(identity, signed):
    check = pades_check(signed, accepted=[identity.certificate])
    assert (check.reason, check.signer_name, check.signer_sha256) == (
        "",
        "赛务 Saiwu 证书签发 Certificate issuing",
        identity.fingerprint_sha256,
    )
    assert check.signed_at is not None


def test_check_unsigned_pdf_is_missing(identity, unsigned):
    assert pades_check(unsigned, accepted=[identity.certificate]).reason == "pdf_signature_missing"


def test_check_other_signer_is_unknown(signed):
    other = identity_derived(b"\x09" * 32)
    assert pades_check(signed, accepted=[other.certificate]).reason == "pdf_signer_unknown"


def test_check_appended_bytes_is_modified(identity, signed):
    check = pades_check(signed + b"\n% appended\n", accepted=[identity.certificate])
    assert check.reason == "pdf_modified_after_signing"


def test_check_incremental_update_is_modified(identity, signed):
    """A page drawn over in an incremental update (what a forger would do to keep the old
    signature) leaves the signed revision intact, but no longer the whole file."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    overlay = generic.StreamObject(stream_data=b"BT /F1 40 Tf 300 300 Td (3) Tj ET")
    page["/Contents"] = generic.ArrayObject([page["/Contents"], writer.add_object(overlay)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    check = pades_check(out.getvalue(), accepted=[identity.certificate])
    assert check.reason == "pdf_modified_after_signing"


def test_any_byte_change_breaks_the_signature(identity, signed):
    """Every 211th byte of the file, and every byte of the signature dictionary, flipped one at
    a time: not one of the altered files passes."""
    start = signed.rindex(b"/ByteRange")
    positions = sorted(set(range(0, len(signed), 211)) | set(range(start - 60, start + 160)))
    passed = []
    for position in positions:
        altered = bytearray(signed)
        altered[position] ^= 0x01
        if pades_check(bytes(altered), accepted=[identity.certificate]).ok:
            passed.append(position)
    assert passed == []


def test_padding_inside_the_signature_value_is_checked(identity, signed):
    """The byte range cannot cover the /Contents gap; a change in its zero padding is caught by
    the check of the gap itself."""
    position = signed.rindex(b"0000>") + 1
    altered = signed[:position] + b"1" + signed[position + 1 :]
    assert pades_check(altered, accepted=[identity.certificate]).reason == "pdf_signature_broken"


def test_garbage_is_a_broken_signature_not_an_error(identity):
    assert pades_check(b"%PDF-1.7\n garbage", accepted=[identity.certificate]).reason in (
        "pdf_signature_broken",
        "pdf_signature_missing",
    )


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="Poppler's pdfsig is not installed")
def test_poppler_sees_a_valid_signature_and_a_broken_one(tmp_path, signed):
    """A second, independent implementation (Poppler with NSS, what many Linux readers use)."""
    good = tmp_path / "good.pdf"
    good.write_bytes(signed)
    report = subprocess.run(["pdfsig", str(good)], capture_output=True, text=True, check=False)
    assert (
        "Signer Certificate Common Name: 赛务 Saiwu 证书签发 Certificate issuing" in report.stdout
    )
    assert "Signature Type: ETSI.CAdES.detached" in report.stdout
    assert "Total document signed" in report.stdout
    assert "Signature Validation: Signature is Valid." in report.stdout
    bad = tmp_path / "bad.pdf"
    altered = bytearray(signed)
    altered[2000] ^= 0x01
    bad.write_bytes(bytes(altered))
    report = subprocess.run(["pdfsig", str(bad)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Digest Mismatch." in report.stdout
