"""Certificate signatures: canonical content and Ed25519 signing (Open Badges 3.0 credentials are
in `awards.certificates.badges`).

A certificate is genuine when its *content* — the facts printed on it that never change after issue
(serial, recipient, role, team, award, contest, track, issue date, issuing bodies) — carries a valid
Ed25519 signature from the platform's key. Status (issued / revoked) is deliberately left out: a
revoked certificate keeps a valid signature, and the verification page reports the status from the
database.

Key: `settings.CERTIFICATE_SIGNING_KEY`, the base64 of a raw 32-byte Ed25519 private key.
Production must set it (generate one with
`python -c "from awards.certificates.signing import generate_signing_key_b64 as g; print(g())"`);
losing or changing it invalidates every signature issued so far. With the setting empty and DEBUG
on, a development key is derived from SECRET_KEY (HKDF-SHA256), so signatures survive restarts
without any setup; with DEBUG off an empty setting is an error.

PDF signatures (PAdES, `awards.certificates.pades`): the identity that signs certificate PDFs is
`settings.CERTIFICATE_PDF_SIGNING_CERT` and `CERTIFICATE_PDF_SIGNING_KEY` (each a PEM text, with
`\\n` for line breaks if it has to fit on one line, or the path of a PEM file; the certificate
may be followed by its chain; an encrypted key's password in
`CERTIFICATE_PDF_SIGNING_KEY_PASSWORD`). Left empty, the platform's own self-signed ECDSA P-256
certificate is used, derived from the Ed25519 key above, so every web and worker process on every
machine signs with the same certificate with nothing to share but that key; its common name is
`CERTIFICATE_PDF_SIGNER_NAME`. `CERTIFICATE_PDF_TRUSTED_CERTS` (PEM text or path) lists earlier
signing certificates whose PDFs verify-pdf still accepts after a change of identity.

Canonical form: JSON with sorted keys, no whitespace, UTF-8 (RFC 8785 JCS for the JSON we produce:
strings, integers, booleans, null, arrays, objects; floats are refused rather than serialised
differently from JCS).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_DEV_KEY_SALT = b"saiwu/certificate-signing/dev-key"
_MAX_SAFE_INT = 2**53 - 1

# --------------------------------------------------------------------------------------------
# Canonical JSON


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JCS) canonical UTF-8 bytes of `value`: keys sorted by UTF-16 code units, no
    whitespace, minimal string escapes. Floats and integers beyond ±2^53 are refused: JCS writes
    numbers as ECMAScript does, which Python's json module does not reproduce, and certificate
    content has no use for them."""
    return _jcs(value).encode("utf-8")


def _jcs(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        if abs(value) > _MAX_SAFE_INT:
            raise TypeError(f"Integer {value} is outside the range JCS can represent exactly")
        return str(value)
    if isinstance(value, str):
        # json.dumps escapes exactly what JCS escapes (", \, control characters, \b\f\n\r\t
        # in short form, others as \u00xx) when ensure_ascii is off.
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise TypeError(f"Object keys must be strings, got {key!r}")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(_jcs(k) + ":" + _jcs(value[k]) for k in keys) + "}"
    raise TypeError(f"{type(value).__name__} is not allowed in canonical JSON")


def certificate_content(
    *,
    serial: str,
    recipient_name: str,
    recipient_role: str,
    team_name: str,
    award_name: str,
    contest_name: str,
    track_name: str,
    issue_date: dt.date,
    issuing_bodies: list[str] | tuple[str, ...] = (),
) -> dict[str, Any]:
    """The signed facts of one certificate, as a JSON-ready dict. Status is not part of it."""
    return {
        "v": 1,
        "serial": serial,
        "recipient_name": recipient_name,
        "recipient_role": str(recipient_role),
        "team_name": team_name,
        "award_name": award_name,
        "contest_name": contest_name,
        "track_name": track_name,
        "issue_date": issue_date.isoformat(),
        "issuing_bodies": list(issuing_bodies),
    }


# --------------------------------------------------------------------------------------------
# Keys


def generate_signing_key_b64() -> str:
    """A new random private key in the format `CERTIFICATE_SIGNING_KEY` expects."""
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


def signing_key() -> Ed25519PrivateKey:
    """The platform's certificate signing key, from `settings.CERTIFICATE_SIGNING_KEY`.

    Empty setting: with DEBUG on, a deterministic development key derived from SECRET_KEY; with
    DEBUG off, ImproperlyConfigured (production must set the key)."""
    configured = getattr(settings, "CERTIFICATE_SIGNING_KEY", "") or ""
    if configured.strip():
        return _key_from_setting(configured.strip())
    if settings.DEBUG:
        return _dev_key(settings.SECRET_KEY)
    raise ImproperlyConfigured(
        "CERTIFICATE_SIGNING_KEY must be set when DEBUG is off (base64 of a raw 32-byte Ed25519 "
        "private key; see awards/certificates/signing.py)."
    )


@lru_cache(maxsize=4)
def _key_from_setting(value: str) -> Ed25519PrivateKey:
    try:
        raw = _b64decode(value)
    except ValueError as exc:
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY is not valid base64.") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"CERTIFICATE_SIGNING_KEY must decode to 32 bytes, got {len(raw)}."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


@lru_cache(maxsize=4)
def _dev_key(secret_key: str) -> Ed25519PrivateKey:
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=_DEV_KEY_SALT, info=b"ed25519 private key"
    ).derive(secret_key.encode("utf-8"))
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64() -> str:
    """The public half of the signing key, base64 of the raw 32 bytes, for publishing."""
    return base64.b64encode(public_key_bytes(signing_key().public_key())).decode("ascii")


def _b64decode(value: str) -> bytes:
    """Standard or URL-safe base64, padding optional."""
    value = value.strip().replace("-", "+").replace("_", "/")
    value += "=" * (-len(value) % 4)
    try:
        return base64.b64decode(value, validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError("invalid base64") from exc


# --------------------------------------------------------------------------------------------
# Certificate signatures


def certificate_sign(content: dict[str, Any]) -> str:
    """Ed25519 signature over the canonical JSON of `content`, base64url without padding."""
    signature = signing_key().sign(canonical_json(content))
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def certificate_verify(
    content: dict[str, Any], signature: str, *, public_key: Ed25519PublicKey | None = None
) -> bool:
    """Whether `signature` (as made by `certificate_sign`) matches `content` under the platform's
    key, or under `public_key` when given. A malformed signature is simply not valid."""
    key = public_key or signing_key().public_key()
    try:
        raw = _b64decode(signature)
        key.verify(raw, canonical_json(content))
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


# --------------------------------------------------------------------------------------------
# PDF signatures (PAdES): the signing identity from the settings


def _pem_setting(name: str) -> bytes:
    """A PEM setting's bytes: the PEM text itself (escaped `\\n` allowed) or a file's path."""
    value = str(getattr(settings, name, "") or "").strip()
    if not value:
        return b""
    if "-----BEGIN" in value:
        return value.replace("\\n", "\n").encode("ascii")
    try:
        with open(value, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}: cannot read {value!r} ({exc.strerror}).") from exc


def pdf_signing_identity():
    """The certificate and key that sign certificate PDFs (see the module docstring)."""
    from awards.certificates.pades import DEFAULT_SIGNER_NAME

    cert = _pem_setting("CERTIFICATE_PDF_SIGNING_CERT")
    key = _pem_setting("CERTIFICATE_PDF_SIGNING_KEY")
    if cert or key:
        if not (cert and key):
            raise ImproperlyConfigured(
                "CERTIFICATE_PDF_SIGNING_CERT and CERTIFICATE_PDF_SIGNING_KEY are set together "
                "(or both left empty for the platform's own certificate)."
            )
        password = str(getattr(settings, "CERTIFICATE_PDF_SIGNING_KEY_PASSWORD", "") or "")
        return _identity_from_pem(cert, key, password)
    name = str(getattr(settings, "CERTIFICATE_PDF_SIGNER_NAME", "") or DEFAULT_SIGNER_NAME)
    seed = signing_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return _identity_derived(seed, name)


@lru_cache(maxsize=4)
def _identity_from_pem(cert: bytes, key: bytes, password: str):
    from awards.certificates.pades import identity_from_pem

    try:
        return identity_from_pem(cert, key, password=password.encode() if password else None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            f"CERTIFICATE_PDF_SIGNING_CERT / CERTIFICATE_PDF_SIGNING_KEY: {exc}"
        ) from exc


@lru_cache(maxsize=4)
def _identity_derived(seed: bytes, name: str):
    from awards.certificates.pades import identity_derived

    return identity_derived(seed, name=name)


_pdf_signers: dict[tuple[str, str], object] = {}


def pdf_signer():
    """The process's `PadesSigner` for the current identity (built once: its CMS template and
    pyHanko objects are reused by every document)."""
    from awards.certificates.pades import PadesSigner

    identity = pdf_signing_identity()
    location = str(getattr(settings, "SITE_URL", "") or "")
    key = (identity.fingerprint_sha256, location)
    signer = _pdf_signers.get(key)
    if signer is None:
        signer = _pdf_signers[key] = PadesSigner(
            identity, reason="颁发获奖证书 Award certificate issued", location=location
        )
    return signer


def pdf_accepted_certificates() -> list:
    """Certificates whose signatures verify-pdf accepts: the current identity's, then the
    earlier ones of CERTIFICATE_PDF_TRUSTED_CERTS."""
    from awards.certificates.pades import certificates_from_pem

    extra = _pem_setting("CERTIFICATE_PDF_TRUSTED_CERTS")
    try:
        earlier = certificates_from_pem(extra)
    except ValueError as exc:
        raise ImproperlyConfigured(f"CERTIFICATE_PDF_TRUSTED_CERTS: {exc}") from exc
    return [pdf_signing_identity().certificate, *earlier]
