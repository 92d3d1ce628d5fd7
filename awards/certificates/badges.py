"""Open Badges 3.0: a certificate as a verifiable credential, secured with a W3C Data Integrity
proof (cryptosuite eddsa-jcs-2022) by the platform's certificate signing key, its issuer named by
a did:key."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from awards.certificates.signing import (
    canonical_json,
    public_key_bytes,
    signing_key,
)

OB_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CRYPTOSUITE = "eddsa-jcs-2022"
_MULTICODEC_ED25519_PUB = b"\xed\x01"

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
    return "did:key:z" + base58btc_encode(_MULTICODEC_ED25519_PUB + public_key_bytes(public_key))


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
    credential_status: dict[str, Any] | None = None,
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
    and the RDF-canonicalising `eddsa-rdfc-2022` suite is not offered.

    `credential_status`: a `BitstringStatusListEntry` (`awards.certificates.status_list`), so a
    verifier learns from the issuer's status list whether the certificate was revoked."""
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
    if credential_status:
        credential["credentialStatus"] = credential_status
    return credential_sign(credential, created=valid_from)


def credential_sign(credential: dict[str, Any], *, created: dt.datetime) -> dict[str, Any]:
    """`credential` with an eddsa-jcs-2022 proof by the platform's key (its did:key)."""
    key = signing_key()
    did = did_key(key.public_key())
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": f"{did}#{did[len('did:key:') :]}",
        "proofPurpose": "assertionMethod",
    }
    credential["proof"] = eddsa_jcs_2022_proof(credential, options, key)
    return credential


def iso_timestamp(moment: dt.datetime) -> str:
    return _iso(moment)


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
    if public_key_bytes(key) != public_key_bytes(expected):
        return False
    return eddsa_jcs_2022_verify(credential, key)


# --------------------------------------------------------------------------------------------
# W3C Data Integrity, cryptosuite eddsa-jcs-2022 (VC Data Integrity EdDSA Cryptosuites v1.0 §3.3);
# checked against the W3C test vectors in tests/awards/test_certificate_signing.py.


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
