"""What awards does when judging tells it something (`judging.signals`), connected in
`AwardsConfig.ready`. Each receiver runs inside the sender's transaction."""

from __future__ import annotations


def snapshot_withdrawn_receive(sender, *, snapshot, reason, actor, **kwargs) -> None:
    """A correction withdrew `snapshot`: the awards proposed from it are stale."""
    from awards.services.correction import awards_mark_stale

    awards_mark_stale(snapshot=snapshot, reason=reason, actor=actor)
