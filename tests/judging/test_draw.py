"""The reproducible draw: same seed and candidates give the same order, whatever their listing."""

import hashlib
import hmac
import random

import pytest

from judging.draw import draw_order, draw_pick, draw_seed_new


def test_same_seed_and_candidates_give_the_same_order_whatever_the_listing():
    seed = "5f2b9c0e1a7d4e3f8a6b2c1d0e9f8a7b"
    candidates = [str(n) for n in range(1, 41)]
    shuffled = candidates[:]
    random.Random(7).shuffle(shuffled)
    assert draw_order(seed, candidates) == draw_order(seed, shuffled)
    assert sorted(draw_order(seed, candidates)) == sorted(candidates)


def test_the_order_is_what_the_documented_recipe_gives():
    seed = draw_seed_new()
    candidates = ["expert-3", "expert-11", "expert-7"]
    recipe = sorted(
        candidates, key=lambda c: hmac.new(seed.encode(), c.encode(), hashlib.sha256).hexdigest()
    )
    assert draw_order(seed, candidates) == recipe


def test_another_seed_gives_another_order():
    candidates = [str(n) for n in range(30)]
    orders = {tuple(draw_order(draw_seed_new(), candidates)) for _ in range(5)}
    assert len(orders) == 5


def test_pick_takes_the_first_then_the_reserves():
    seed = "abc"
    candidates = [str(n) for n in range(10)]
    order = draw_order(seed, candidates)
    pick = draw_pick(seed, candidates, count=3, reserves=2)
    assert pick.picked == order[:3]
    assert pick.reserves == order[3:5]
    short = draw_pick(seed, candidates[:2], count=3, reserves=2)
    assert len(short.picked) == 2 and short.reserves == []


def test_bad_draws_are_refused():
    with pytest.raises(ValueError):
        draw_order("s", ["a", "a"])
    with pytest.raises(ValueError):
        draw_order("", ["a"])
    with pytest.raises(ValueError):
        draw_pick("s", ["a"], count=-1)
