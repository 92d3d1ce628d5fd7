"""Certificate signatures: canonical content, Ed25519 signing, and Open Badges 3.0 credentials.

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

Canonical form: JSON with sorted keys, no whitespace, UTF-8 (RFC 8785 JCS for the JSON we produce:
strings, integers, booleans, null, arrays, objects; floats are refused rather than serialised
differently from JCS).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
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

OB_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-jcs-2022"
_DEV_KEY_SALT = b"saiwu/certificate-signing/dev-key"
_MULTICODEC_ED25519_PUB = b"\xed\x01"
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
        "private key; see judging/certificate_signing.py)."
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


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64() -> str:
    """The public half of the signing key, base64 of the raw 32 bytes, for publishing."""
    return base64.b64encode(_public_bytes(signing_key().public_key())).decode("ascii")


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
# Base58 (Bitcoin alphabet) and did:key, for multibase proof values

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(_B58_ALPHABET)}


def base58btc_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rem = divmod(number, 58)
        digits.append(_B58_ALPHABET[rem])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    zeros = len(text) - len(text.lstrip("1"))
    number = 0
    for ch in text:
        if ch not in _B58_INDEX:
            raise ValueError(f"invalid base58 character {ch!r}")
        number = number * 58 + _B58_INDEX[ch]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def did_key(public_key: Ed25519PublicKey) -> str:
    """The did:key identifier of an Ed25519 public key (multicodec 0xed01, base58btc)."""
    return "did:key:z" + base58btc_encode(_MULTICODEC_ED25519_PUB + _public_bytes(public_key))


def _public_key_from_did_key(verification_method: str) -> Ed25519PublicKey:
    did = verification_method.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        raise ValueError("verificationMethod is not a base58btc did:key")
    raw = base58btc_decode(did[len("did:key:z") :])
    if len(raw) != 34 or not raw.startswith(_MULTICODEC_ED25519_PUB):
        raise ValueError("did:key is not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# --------------------------------------------------------------------------------------------
# Open Badges 3.0


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("Open Badge timestamps must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_badge_credential(
    *,
    credential_id: str,
    issuer_id: str,
    issuer_name: str,
    recipient_name: str,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria_narrative: str,
    valid_from: dt.datetime,
    credential_name: str | None = None,
    issuer_url: str | None = None,
) -> dict[str, Any]:
    """An Open Badges 3.0 `OpenBadgeCredential` for one certificate, signed with the platform key.

    What it is: the OB 3.0 JSON-LD data model (VC 2.0 and OB 3.0.3 contexts, issuer `Profile`,
    `validFrom`, `AchievementSubject` with an `Achievement` and its criteria; the recipient is
    identified by a plain-text name `IdentityObject`, since we hold no e-mail or DID for them),
    secured by an embedded `DataIntegrityProof` following the W3C `eddsa-jcs-2022` cryptosuite:
    Ed25519 over SHA-256(JCS(proof options + @context)) ‖ SHA-256(JCS(credential without proof)),
    `proofValue` multibase base58btc ('z…'). The verification method is the did:key of the
    platform's public key, so any verifier can check the signature offline.

    The proof reproduces the W3C eddsa-jcs-2022 test vectors (see the tests). What it is not: it
    has not been run through the 1EdTech conformance suite or a JSON-LD processor (a verifier that
    expands the contexts may flag terms we did not check); JCS is implemented here for the JSON
    this function produces (no floats); and nothing binds the did:key to `issuer_id` except that
    the issuer profile publishes the same key (`public_key_b64`). It is not an enveloped VC-JWT,
    and the RDF-canonicalising `eddsa-rdfc-2022` suite is not offered."""
    credential: dict[str, Any] = {
        "@context": list(OB_CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential_name or achievement_name,
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": recipient_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": achievement_name,
                "description": achievement_description,
                "criteria": {"narrative": criteria_narrative},
            },
        },
    }
    if issuer_url:
        credential["issuer"]["url"] = issuer_url
    key = signing_key()
    did = did_key(key.public_key())
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(valid_from),
        "verificationMethod": f"{did}#{did[len('did:key:') :]}",
        "proofPurpose": "assertionMethod",
    }
    credential["proof"] = eddsa_jcs_2022_proof(credential, options, key)
    return credential


def open_badge_verify(
    credential: dict[str, Any], *, public_key: Ed25519PublicKey | None = None
) -> bool:
    """Whether the credential's proof is valid *and* made with the platform's key (or
    `public_key`): a proof under some other did:key is sound cryptographically but not ours."""
    proof = credential.get("proof")
    if not isinstance(proof, dict):
        return False
    expected = public_key or signing_key().public_key()
    try:
        key = _public_key_from_did_key(str(proof.get("verificationMethod", "")))
    except ValueError:
        return False
    if _public_bytes(key) != _public_bytes(expected):
        return False
    return eddsa_jcs_2022_verify(credential, key)


# --------------------------------------------------------------------------------------------
# W3C Data Integrity, cryptosuite eddsa-jcs-2022 (VC Data Integrity EdDSA Cryptosuites v1.0 §3.3);
# checked against the W3C test vectors in tests/judging/test_certificate_signing.py.


def eddsa_jcs_2022_proof(
    document: dict[str, Any], options: dict[str, Any], key: Ed25519PrivateKey
) -> dict[str, Any]:
    """The proof for `document` (without a proof) under proof `options` (type, cryptosuite,
    created, verificationMethod, proofPurpose): the options plus the document's @context and a
    multibase base58btc `proofValue`."""
    proof = {**options, "@context": document["@context"]}
    signature = key.sign(_proof_hash_data(document, proof))
    proof["proofValue"] = "z" + base58btc_encode(signature)
    return proof


def eddsa_jcs_2022_verify(secured: dict[str, Any], key: Ed25519PublicKey) -> bool:
    """Whether `secured`'s eddsa-jcs-2022 proof verifies under `key`."""
    proof = secured.get("proof")
    if not isinstance(proof, dict):
        return False
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return False
    # A proof that names its @context must name the document's (the suite also allows a prefix of
    # it; documents with extra contexts are not ours, so that case is simply rejected).
    if "@context" in proof and proof["@context"] != secured.get("@context"):
        return False
    try:
        key.verify(base58btc_decode(value[1:]), _proof_hash_data(secured, proof))
    except (ValueError, TypeError, KeyError, InvalidSignature):
        return False
    return True


def _proof_hash_data(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof configuration (the proof without proofValue, with the
    document's @context) followed by SHA-256 of the canonical document without its proof."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return (
        hashlib.sha256(canonical_json(config)).digest()
        + hashlib.sha256(canonical_json(unsecured)).digest()
    )
