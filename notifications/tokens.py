"""The signed token of an unsubscribe link: one person, one kind of message, the e-mail channel.

Signed with the project's secret (django.core.signing, its own salt), so a link cannot be forged
for someone else, and without a database row. It expires after NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE
seconds (default 180 days)."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=False)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a forged, altered or expired token."""
    max_age = getattr(settings, "NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE", 180 * 24 * 3600)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or "k" not in data:
        return None
    return data["u"], str(data["k"])
