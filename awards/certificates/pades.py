"""PAdES signatures on certificate PDFs (ETSI EN 319 142-1 baseline B-B), made and checked with
pyHanko. Pure: identities, keys and bytes in, bytes out; the settings that choose the identity are
read in `awards.certificates.signing`.

What a reader sees: one certification signature (DocMDP, no changes permitted) over the whole
file, `/SubFilter /ETSI.CAdES.detached`, the signing certificate embedded. Adobe Reader, Foxit and
WPS list it in their signature panel as intact; it shows as valid once the issuer's certificate is
trusted (docs/developer/certificates.md), and any change to the file breaks it.

Why the signing is built the way it is (target: render + sign ≥85 certificates/s on one core;
`bench/certificates.py` prints the figures): pyHanko's `PdfSigner` writes the incremental update
(signature field, signature dictionary, DocMDP, byte range), about 2 ms for a certificate, but
its CMS assembly costs about 10 ms in asn1crypto, and without `bytes_reserved` it builds the CMS
twice to estimate its size. So pyHanko builds the CMS once per signing identity, for a marker
digest, and every document reuses it: the signed attributes of PAdES B-B (content type, message
digest, ESS signing-certificate-v2; no signing time, which PAdES puts in `/M`) differ between
documents only in the 32-byte digest, so the marker is replaced by the document's digest, the
attributes are signed with the key directly (ECDSA or RSA PKCS#1 v1.5) and the DER lengths around
the new signature value are re-encoded — about 30 µs. For an RSA key (deterministic signatures)
the result is byte for byte what pyHanko itself produces (tests/awards/test_certificate_pades.py);
keys of other types go through pyHanko unchanged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID

log = logging.getLogger(__name__)

FIELD_NAME = "SaiwuSignature"
DEFAULT_SIGNER_NAME = "赛务 Saiwu 证书签发 Certificate issuing"
DEFAULT_ORGANISATION = "赛务 Saiwu"
_DERIVE_SALT = b"saiwu/pdf-signing/p-256"
_NOT_BEFORE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
_NOT_AFTER = dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551

# Reasons a PDF's signature is not accepted (stable codes, shown by verify-pdf).
REASON_MISSING = "pdf_signature_missing"
REASON_BROKEN = "pdf_signature_broken"
REASON_MODIFIED = "pdf_modified_after_signing"
REASON_SIGNER_UNKNOWN = "pdf_signer_unknown"


# --------------------------------------------------------------------------------------------
# Signing identities


@dataclass(frozen=True)
class PdfSigningIdentity:
    """The certificate (with its chain, leaf first excluded) and key that sign certificate PDFs."""

    certificate: x509.Certificate
    key: Any  # an EC, RSA or Ed25519 private key of `cryptography`
    chain: tuple[x509.Certificate, ...] = field(default=())

    @cached_property
    def certificate_der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @cached_property
    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @cached_property
    def fingerprint_sha256(self) -> str:
        return hashlib.sha256(self.certificate_der).hexdigest()

    @property
    def subject_name(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


def identity_derived(
    seed: bytes, *, name: str = DEFAULT_SIGNER_NAME, organisation: str = DEFAULT_ORGANISATION
) -> PdfSigningIdentity:
    """A self-signed ECDSA P-256 identity derived from `seed` alone: every process on every
    machine that shares the seed (the platform's Ed25519 signing key) builds the same key and,
    byte for byte, the same certificate (fixed fields, RFC 6979 deterministic signature), so
    nothing has to be generated once and shared on disk."""
    material = HKDF(
        algorithm=hashes.SHA256(), length=48, salt=_DERIVE_SALT, info=b"ecdsa p-256 private key"
    ).derive(seed)
    scalar = int.from_bytes(material, "big") % (_P256_ORDER - 1) + 1
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    public_der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    serial = int.from_bytes(hashlib.sha256(b"serial:" + public_der).digest()[:16], "big") >> 1
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(serial | 1)
        .not_valid_before(_NOT_BEFORE)
        .not_valid_after(_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
    )
    return PdfSigningIdentity(certificate=certificate, key=key)


def identity_from_pem(
    certificates_pem: bytes, key_pem: bytes, *, password: bytes | None = None
) -> PdfSigningIdentity:
    """An organisation's own identity: its certificate (optionally followed by the chain up to
    its CA, in one PEM bundle) and the matching private key. ValueError when they do not match."""
    certificates = x509.load_pem_x509_certificates(certificates_pem)
    key = serialization.load_pem_private_key(key_pem, password=password)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for index, certificate in enumerate(certificates):
        mine = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if mine == public:
            chain = tuple(c for i, c in enumerate(certificates) if i != index)
            return PdfSigningIdentity(certificate=certificate, key=key, chain=chain)
    raise ValueError("No certificate in the bundle matches the private key")


def certificates_from_pem(pem: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem) if pem.strip() else []


# --------------------------------------------------------------------------------------------
# DER, just enough to re-wrap a CMS SignedData around a new signature value


def _tlv(buf: bytes, pos: int) -> tuple[int, int]:
    """(start of contents, end) of the DER element at `pos`."""
    length = buf[pos + 1]
    start = pos + 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(buf[start : start + n], "big")
        start += n
    return start, start + length


def _children(buf: bytes) -> list[bytes]:
    """The encoded elements inside the constructed element `buf`."""
    start, end = _tlv(buf, 0)
    out = []
    while start < end:
        _, child_end = _tlv(buf, start)
        out.append(buf[start:child_end])
        start = child_end
    return out


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(size))) + size + content


class _CmsTemplate:
    """A PAdES CMS SignedData made once by pyHanko for a marker digest, re-used per document."""

    MARKER = hashlib.sha256(b"saiwu cms template marker").digest()

    def __init__(self, cms_der: bytes, key: Any, mechanism: str):
        try:
            content_info = _children(cms_der)  # contentType, [0] SignedData
            self.content_type = content_info[0]
            self.signed_data = _children(_children(content_info[1])[0])
            signer_infos = _children(self.signed_data[-1])
            self.signer_info = _children(signer_infos[0]) if len(signer_infos) == 1 else []
        except IndexError as exc:
            raise ValueError("not a CMS ContentInfo with SignedData") from exc
        # version, sid, digestAlgorithm, [0] signedAttrs, signatureAlgorithm, signature
        if len(self.signer_info) != 6 or self.signer_info[3][0] != 0xA0:
            raise ValueError("unexpected SignerInfo shape (unsigned attributes?)")
        if self.signer_info[3].count(self.MARKER) != 1:
            raise ValueError("marker digest not found once in the signed attributes")
        self.key = key
        self.mechanism = mechanism
        self.size = len(cms_der)

    def sign(self, digest: bytes) -> bytes:
        attrs = self.signer_info[3].replace(self.MARKER, digest)
        to_sign = b"\x31" + attrs[1:]  # signed as a SET OF, stored as [0] IMPLICIT
        if self.mechanism == "ecdsa":
            signature = self.key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        else:
            signature = self.key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        signer_info = _der(
            0x30,
            b"".join(self.signer_info[:3]) + attrs + self.signer_info[4] + _der(0x04, signature),
        )
        signed_data = _der(0x30, b"".join(self.signed_data[:-1]) + _der(0x31, signer_info))
        return _der(0x30, self.content_type + _der(0xA0, signed_data))


# --------------------------------------------------------------------------------------------
# Signing


_loops = threading.local()


def _run(coro):
    """Run one of pyHanko's coroutines on this thread's own event loop (asyncio.run would build
    and tear down a loop for every document)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called from async code: keep out of its loop
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            return pool.submit(_run, coro).result()
    loop = getattr(_loops, "loop", None)
    if loop is None or loop.is_closed():
        loop = _loops.loop = asyncio.new_event_loop()
    return loop.run_until_complete(coro)


class PadesSigner:
    """Signs PDFs with one identity. Build once per process (the pyHanko objects and the CMS
    template are reused) and call `sign` for each document."""

    def __init__(self, identity: PdfSigningIdentity, *, reason: str, location: str = ""):
        from asn1crypto import cms
        from asn1crypto import keys as asn1_keys
        from asn1crypto import x509 as asn1_x509
        from pyhanko.sign import fields, signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        self.identity = identity
        signing_cert = asn1_x509.Certificate.load(identity.certificate_der)
        chain = [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in identity.chain
        ]
        key_info = asn1_keys.PrivateKeyInfo.load(
            identity.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        # The signer's own certificate is added by pyHanko; in the registry too, it would be
        # embedded twice.
        registry = SimpleCertificateStore.from_certs(chain)
        kinds = {ec.EllipticCurvePrivateKey: "ecdsa", rsa.RSAPrivateKey: "rsa"}
        kind = next((v for k, v in kinds.items() if isinstance(identity.key, k)), None)
        holder = self

        class TemplateSigner(signers.SimpleSigner):
            """pyHanko's signer, but the CMS of every document after the first is the first
            one's with the digest and signature value replaced (see the module docstring)."""

            async def async_sign(self, data_digest, digest_algorithm, *args, **kwargs):
                plain = (
                    not args
                    and kwargs.get("use_pades")
                    and not kwargs.get("dry_run")
                    and not kwargs.get("timestamper")
                    and digest_algorithm == "sha256"
                    and kind is not None
                )
                if not plain:
                    return await super().async_sign(data_digest, digest_algorithm, *args, **kwargs)
                if holder.template is None:
                    reference = await super().async_sign(
                        _CmsTemplate.MARKER, digest_algorithm, **kwargs
                    )
                    holder.template = _CmsTemplate(reference.dump(), identity.key, kind)
                return cms.ContentInfo.load(holder.template.sign(data_digest))

        self.template: _CmsTemplate | None = None
        signer = TemplateSigner(
            signing_cert=signing_cert, signing_key=key_info, cert_registry=registry
        )
        if (
            kind == "rsa"
            and signer.get_signature_mechanism_for_digest("sha256")["algorithm"].native
            != "sha256_rsa"
        ):
            kind = None  # RSASSA-PSS: randomised, left to pyHanko
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=reason,
            location=location or None,
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        )
        self._pdf_signer = signers.PdfSigner(meta, signer=signer)
        # Room for the CMS in hex digits: the certificates, the signed attributes, the signature
        # value (at most 512 bytes, RSA-4096).
        certs = len(identity.certificate_der) + sum(len(c.dump()) for c in chain)
        self._reserved = 2 * ((certs + 1536 + 255) // 256 * 256)

    def sign(self, pdf: bytes) -> bytes:
        """`pdf` with the signature appended as an incremental update (the rendered bytes stay
        as they were; the signature's byte range covers them and the update)."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        out = io.BytesIO()
        _run(self._pdf_signer.async_sign_pdf(writer, bytes_reserved=self._reserved, output=out))
        return out.getvalue()


# --------------------------------------------------------------------------------------------
# Checking


@dataclass(frozen=True)
class PdfSignatureCheck:
    """The outcome of `pades_check`: `reason` is empty when the signature is intact, covers the
    whole file and was made by an accepted certificate."""

    reason: str
    signer_name: str = ""
    signer_sha256: str = ""
    signed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.reason


def _contents_canonical(data: bytes, byte_range: list[int]) -> bool:
    """The one gap the byte range leaves is the signature's /Contents: it must hold exactly the
    hex of a DER object followed by zero padding, as written, so that no byte of the file can
    change unnoticed (the digest cannot cover this gap, and readers ignore the padding)."""
    gap = data[byte_range[1] : byte_range[2]]
    if len(gap) < 2 or gap[:1] != b"<" or gap[-1:] != b">":
        return False
    hex_text = gap[1:-1]
    try:
        raw = bytes.fromhex(hex_text.decode("ascii"))
        _, end = _tlv(raw, 0)
    except (ValueError, IndexError, UnicodeDecodeError):
        return False
    if raw[end:].strip(b"\0"):
        return False
    return hex_text in (raw.hex().encode(), raw.hex().upper().encode())


def pades_check(data: bytes, *, accepted: list[x509.Certificate]) -> PdfSignatureCheck:
    """Validate the PDF's signature with pyHanko: exactly one signature, cryptographically intact,
    covering the whole file (nothing appended after signing) with nothing hidden in the gap, and
    made with one of the `accepted` certificates (used as the trust anchors). Never raises for a
    hostile file: anything pyHanko cannot read counts as a broken signature."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001  hostile or damaged file
        log.info("PDF signature: unreadable file", exc_info=True)
        return PdfSignatureCheck(REASON_BROKEN)
    if not signatures:
        return PdfSignatureCheck(REASON_MISSING)
    if len(signatures) > 1:
        return PdfSignatureCheck(REASON_MODIFIED)
    signature = signatures[0]
    anchors = [
        asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in accepted
    ]
    try:
        byte_range = [int(v) for v in signature.sig_object["/ByteRange"]]
        if len(byte_range) != 4 or not _contents_canonical(data, byte_range):
            return PdfSignatureCheck(REASON_BROKEN)
        context = ValidationContext(trust_roots=anchors, allow_fetching=False)
        status = _run(
            async_validate_pdf_signature(
                signature, signer_validation_context=context, skip_diff=True
            )
        )
    except Exception:  # noqa: BLE001  pyHanko's errors, or a hostile file's
        log.info("PDF signature: validation failed", exc_info=True)
        return PdfSignatureCheck(REASON_BROKEN)
    signer = status.signing_cert
    signer_der = signer.dump() if signer is not None else b""
    facts = {
        "signer_name": signer.subject.native.get("common_name", "") if signer is not None else "",
        "signer_sha256": hashlib.sha256(signer_der).hexdigest() if signer_der else "",
        "signed_at": status.signer_reported_dt,
    }
    if not (status.intact and status.valid):
        return PdfSignatureCheck(REASON_BROKEN, **facts)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return PdfSignatureCheck(REASON_MODIFIED, **facts)
    accepted_der = {c.public_bytes(serialization.Encoding.DER) for c in accepted}
    if signer_der not in accepted_der or not status.trusted:
        return PdfSignatureCheck(REASON_SIGNER_UNKNOWN, **facts)
    return PdfSignatureCheck("", **facts)
