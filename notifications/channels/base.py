"""What a channel's sender answers for one message: sent (with the provider's id and reply),
a temporary failure (retry later) or a permanent one (the address is refused: bounced)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendResult:
    ok: bool
    reply: str = ""
    provider_id: str = ""
    permanent: bool = False  # a refusal that no retry will change (bad number, refused address)


class SendError(Exception):
    """A transport failure (connection refused, timeout): always temporary."""
