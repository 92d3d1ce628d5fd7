"""Revocation status of Open Badges: W3C Verifiable Credentials Bitstring Status List v1.0.

Every certificate holds one position (`statusListIndex`) in one of the platform's status lists;
its badge names that position (`credentialStatus`, a `BitstringStatusListEntry` with
`statusPurpose` revocation), and the list is published as a signed
`BitstringStatusListCredential` whose bit at that position is 1 once the certificate is revoked.
A verifier fetches the list (no account, no query that reveals which certificate it checks) and
reads the bit.

The bitstring is at least 131,072 bits (16 KiB), as the specification requires for herd privacy;
position 0 is the left-most (most significant) bit of the first byte; `encodedList` is the
multibase base64url (prefix "u", no padding) of its GZIP compression. Positions are drawn at
random by the service (`awards.services.certificate_status`), not in issue order, so a position
says nothing about when or for whom a certificate was issued.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
from collections.abc import Iterable
from typing import Any

from awards.certificates.badges import credential_sign, iso_timestamp

STATUS_LIST_SIZE = 131_072  # bits per list: the specification's minimum
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
STATUS_PURPOSE = "revocation"


def bitstring_encode(positions: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """The `encodedList` of a bitstring of `size` bits with `positions` set."""
    bits = bytearray(size // 8)
    for position in positions:
        if not 0 <= position < size:
            raise ValueError(f"position {position} outside the list of {size}")
        bits[position // 8] |= 0x80 >> (position % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def bitstring_decode(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (multibase base64url of GZIP)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_at(bits: bytes, position: int) -> bool:
    return bool(bits[position // 8] & (0x80 >> (position % 8)))


def status_list_entry(*, list_url: str, position: int) -> dict[str, Any]:
    """A badge's `credentialStatus`: where its revocation bit is."""
    return {
        "id": f"{list_url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(position),
        "statusListCredential": list_url,
    }


def status_list_credential(
    *,
    list_url: str,
    issuer: dict[str, Any],
    valid_from: dt.datetime,
    revoked: Iterable[int],
    ttl_ms: int = 300_000,
) -> dict[str, Any]:
    """The signed `BitstringStatusListCredential` at `list_url`, with the bits of `revoked`
    (positions within this list) set. Same inputs, same bytes (Ed25519 and GZIP with a fixed
    mtime are deterministic), so it can be cached and compared."""
    credential = {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": iso_timestamp(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": bitstring_encode(revoked),
            "ttl": ttl_ms,
        },
    }
    return credential_sign(credential, created=valid_from)
