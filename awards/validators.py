"""Checks on values the awards services take, shared by them."""

from __future__ import annotations

from awards.errors import error


def reason_check(reason: str) -> str:
    """The reason, stripped; a change to the award list or a revocation always gives one."""
    reason = (reason or "").strip()
    if not reason:
        raise error("reason_required", fields={"reason": ["reason_required"]})
    return reason
