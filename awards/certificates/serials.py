"""Certificate serials (证书编号): `<PREFIX><year>-<10 random characters><check character>`, e.g.
`SJYS2026-7K3QX9M2TDH`.

* The random part is 10 characters of Crockford's base32 alphabet (no I, L, O, U, so nothing
  reads as another character) drawn with `secrets`: 50 bits, so serials cannot be enumerated —
  300 guesses find nothing, where the former sequential `…2026-000001, 000002…` gave every winner
  away.
* The check character is ISO/IEC 7064 MOD 37,36 over the prefix, the year and the random part
  (the hyphen left out); it catches every single wrong character and every swap of two adjacent
  characters. A serial whose check character does not match is refused before any database
  lookup. The random part is redrawn (costing 0.17 bits) until the check character is itself in
  the Crockford alphabet, so the whole part after the hyphen can be read back leniently: O as 0,
  I and L as 1, lower case as upper case.
* Serials issued before this format (`<PREFIX><year>-<6+ digits>`) stay valid: they are
  recognised by their shape and looked up as before.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ISO_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RANDOM_LENGTH = 10
_ISO_VALUE = {ch: i for i, ch in enumerate(ISO_ALPHABET)}
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

_CURRENT = re.compile(rf"([A-Z0-9]{{1,24}})-([{CROCKFORD}]{{{RANDOM_LENGTH}}})([{CROCKFORD}])")
_LEGACY = re.compile(r"[A-Z0-9]{1,24}-[0-9]{6,9}")

SERIAL_CURRENT = "current"
SERIAL_LEGACY = "legacy"
SERIAL_MISTYPED = "mistyped"
SERIAL_MALFORMED = "malformed"


def iso7064_mod37_36(text: str) -> str:
    """The ISO/IEC 7064 MOD 37,36 check character of `text` (digits and upper-case letters)."""
    m = 36
    p = m
    for ch in text:
        s = (p + _ISO_VALUE[ch]) % m or m
        p = s * 2 % (m + 1)
    return ISO_ALPHABET[(m + 1 - p) % m]


def iso7064_mod37_36_valid(text: str) -> bool:
    """Whether the last character of `text` is the MOD 37,36 check of the rest."""
    return (
        len(text) > 1
        and all(ch in _ISO_VALUE for ch in text)
        and (iso7064_mod37_36(text[:-1]) == text[-1])
    )


def serial_new(prefix_year: str) -> str:
    """A fresh serial under `prefix_year` (e.g. `SJYS2026`): random part and check character."""
    prefix_year = prefix_year.upper()
    if not re.fullmatch(r"[A-Z0-9]{1,24}", prefix_year):
        raise ValueError(f"Serial prefix {prefix_year!r} must be 1 to 24 letters or digits")
    while True:
        body = "".join(secrets.choice(CROCKFORD) for _ in range(RANDOM_LENGTH))
        check = iso7064_mod37_36(prefix_year + body)
        if check in CROCKFORD:
            return f"{prefix_year}-{body}{check}"


@dataclass(frozen=True)
class ParsedSerial:
    serial: str  # normalised: upper case, the part after the hyphen read leniently
    kind: str  # SERIAL_CURRENT, SERIAL_LEGACY, SERIAL_MISTYPED or SERIAL_MALFORMED

    @property
    def may_exist(self) -> bool:
        """Worth a database lookup: a well-formed current serial or a legacy one."""
        return self.kind in (SERIAL_CURRENT, SERIAL_LEGACY)


def serial_parse(text: str) -> ParsedSerial:
    """Classify what someone typed or scanned, without touching the database."""
    value = (text or "").strip().upper()
    if len(value) > 40:
        return ParsedSerial(value[:40], SERIAL_MALFORMED)
    if _LEGACY.fullmatch(value):
        return ParsedSerial(value, SERIAL_LEGACY)
    head, sep, tail = value.rpartition("-")
    if sep:
        value = f"{head}-{tail.translate(_READ_AS)}"
    match = _CURRENT.fullmatch(value)
    if not match:
        return ParsedSerial(value, SERIAL_MALFORMED)
    prefix_year, body, check = match.groups()
    if iso7064_mod37_36(prefix_year + body) != check:
        return ParsedSerial(value, SERIAL_MISTYPED)
    return ParsedSerial(value, SERIAL_CURRENT)
