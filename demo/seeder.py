"""The demo data set (`manage.py seed_demo`): plain functions, the management commands only wrap them.

What it builds, in one transaction (all or nothing):

* a national 数据要素× final and its Jiangsu sub-contest with the 14 tracks of 2025, three stages
  (形式审查, blind 初赛 online review, 决赛 roadshow), a few hundred organisation-led teams (joint
  entries too) with members and 初赛 entries carrying tags and a real PDF plan (`demo.contests`,
  `demo.teams`);
* a 揭榜挂帅 contest with 20+ challenges from six publishers, in every workflow status, and teams
  that took them (`demo.challenges`);
* judging on the 初赛: a rubric, judges on track panels and a whole-stage panel who signed the
  declaration, an automatic assignment (k=3), submitted reviews (one lenient and one harsh judge)
  (`demo.judging`); then results, promotion and recommendation, awards, the public notice and the
  certificates (`demo.awards`);
* fixed demo logins (password ``saiwu-demo-2026``), printed by `demo_logins` (`demo.logins`).

Everything a service exists for goes through it (contest.services.*, judging.services.*,
awards.services.*), so its rules and the audit chain hold; the submitted reviews go in through the
bulk service `reviews_submit_bulk`. The plain rows of the crowd (organisations, people, teams,
members, entries and their plan files) go in with ``bulk_create``. Deterministic: a fixed random seed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from demo import (
    agreements,
    awards,
    challenges,
    contests,
    experts,
    federation,
    judging,
    live_final,
    teams,
)
from demo.logins import ADMIN_EMAIL, ORGANISER_EMAIL, demo_exists
from demo.state import Built, DemoState


def users(seed: DemoState) -> None:
    seed.step("演示账号 demo logins")
    seed.admin = seed.make_user(ADMIN_EMAIL, "平台管理员", is_staff=True, is_superuser=True)
    seed.organiser = seed.make_user(ORGANISER_EMAIL, "周组委", is_staff=True, province="江苏")


def seed_demo(*, small: bool = False, out: Callable[[str], None] = print) -> Built | None:
    """Build the demo, in one transaction; returns None (and builds nothing) when it exists already."""
    if demo_exists():
        out(f"演示数据已存在，未做任何修改 / The demo data exists already ({ORGANISER_EMAIL}).")
        return None
    seed = DemoState(small=small, out=out)
    with transaction.atomic():
        users(seed)
        contests.data_elements(seed)
        federation.national_tracks(seed)
        contests.organisations(seed)
        teams.showcase_team(seed)
        teams.bulk_teams(seed)
        challenges.challenge_list(seed)
        judging.judging(seed)
        judging.assign(seed)
        judging.reviews(seed)
        awards.results_and_awards(seed)
        agreements.agreements(seed)
        experts.experts(seed)
        federation.federation(seed)
        live_final.live_final(seed)
    seed.built.seconds = seed.elapsed()
    return seed.built
