"""Reproducible random draws (抽签): the expert draw and the presentation order.

A draw is a pure function of a seed and a list of candidate keys. Each candidate's place is
HMAC-SHA256(seed, key) in hex; the candidates sorted by that value are the drawn order. The seed
comes from `secrets` when the draw is made and goes on the audit chain beside the candidate list,
so anyone holding both can redo the draw with a few lines in any language:

    sorted(candidates, key=lambda c: hmac.new(seed.encode(), c.encode(), "sha256").hexdigest())

The order does not depend on the order the candidates were listed in, and without the seed no one
can predict or steer it. No ORM here: callers pass strings (usually primary keys) and map back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

SEED_BYTES = 16


def draw_seed_new() -> str:
    """A fresh seed: 128 random bits in hex."""
    return secrets.token_hex(SEED_BYTES)


def draw_key(seed: str, candidate: str) -> str:
    """The candidate's place in the draw: HMAC-SHA256 of its key under the seed, in hex."""
    return hmac.new(seed.encode(), candidate.encode(), hashlib.sha256).hexdigest()


def draw_order(seed: str, candidates: Sequence[str]) -> list[str]:
    """Every candidate, in drawn order. Candidates must be distinct."""
    if len(set(candidates)) != len(candidates):
        raise ValueError("Draw candidates must be distinct.")
    if not seed:
        raise ValueError("A draw needs a seed.")
    return sorted(candidates, key=lambda c: (draw_key(seed, c), c))


@dataclass(frozen=True)
class DrawPick:
    picked: list[str]
    reserves: list[str]


def draw_pick(seed: str, candidates: Sequence[str], *, count: int, reserves: int = 0) -> DrawPick:
    """The first `count` of the drawn order, then the next `reserves` as reserves, in order.

    Fewer candidates than asked for gives what there is; the caller decides whether that is enough.
    """
    if count < 0 or reserves < 0:
        raise ValueError("Counts must not be negative.")
    order = draw_order(seed, candidates)
    return DrawPick(picked=order[:count], reserves=order[count : count + reserves])
