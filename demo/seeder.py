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
* fixed demo logins (password ``demo12345``), printed by `demo_logins` (`demo.logins`).

Everything a service exists for goes through it (contest.services.*, judging.services.*,
awards.services.*), so its rules and the audit chain hold; the submitted reviews go in through the
bulk service `reviews_submit_bulk`. The plain rows of the crowd (organisations, people, teams,
members, entries and their plan files) go in with ``bulk_create``. Deterministic: a fixed random seed.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from contest.models import User
from demo import awards, challenges, contests, judging, teams
from demo.data import GIVEN, SURNAMES, uscc_make
from demo.logins import ADMIN_EMAIL, DEMO_DOMAIN, DEMO_PASSWORD, ORGANISER_EMAIL, demo_exists


@dataclass
class Sizes:
    teams: int
    judges: int
    challenge_teams: int

    @classmethod
    def for_mode(cls, small: bool) -> Sizes:
        return cls(teams=40, judges=6, challenge_teams=10) if small else cls(300, 20, 36)


@dataclass
class Built:
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    seconds: float = 0.0


class Seeder:
    """The state of one run: the random source, the sizes, and what each step built for the next."""

    def __init__(self, *, small: bool, out: Callable[[str], None]):
        self.sizes = Sizes.for_mode(small)
        self.small = small
        self.out = out
        self.rng = random.Random(20260517)
        self.now = timezone.now()
        self.password_hash = make_password(DEMO_PASSWORD)
        self.built = Built()
        self._uscc_n = 7_000
        self._person_n = 0
        self._used_names: set[str] = set()
        self._started = time.monotonic()

    # ---------------------------------------------------------------- utilities

    def step(self, message: str) -> None:
        self.out(f"[{time.monotonic() - self._started:5.1f}s] {message}")

    def skip(self, message: str) -> None:
        self.built.skipped.append(message)
        self.out(f"  · 跳过 skipped: {message}")

    def days(self, n: float) -> datetime.datetime:
        return self.now + datetime.timedelta(days=n)

    def next_uscc(self, prefix2: str, region: str) -> str:
        self._uscc_n += 1
        return uscc_make(prefix2, region, self._uscc_n * 7919)

    def person_name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def make_user(self, email: str, real_name: str, **extra) -> User:
        user = User(email=email, real_name=real_name, password=self.password_hash, **extra)
        user.save()
        return user

    def bulk_people(self, count: int, *, organisation=None, province="江苏") -> list[User]:
        users = []
        for _ in range(count):
            self._person_n += 1
            users.append(
                User(
                    email=f"p{self._person_n:05d}@{DEMO_DOMAIN}",
                    real_name=self.person_name(),
                    password=self.password_hash,
                    organisation=organisation,
                    province=province,
                )
            )
        return User.objects.bulk_create(users, batch_size=500)

    # ---------------------------------------------------------------- the run

    def run(self) -> Built:
        self.users()
        contests.data_elements(self)
        contests.organisations(self)
        teams.showcase_team(self)
        teams.bulk_teams(self)
        challenges.challenge_list(self)
        judging.judging(self)
        judging.assign(self)
        judging.reviews(self)
        awards.results_and_awards(self)
        self.built.seconds = time.monotonic() - self._started
        return self.built

    def users(self) -> None:
        self.step("演示账号 demo logins")
        self.admin = self.make_user(ADMIN_EMAIL, "平台管理员", is_staff=True, is_superuser=True)
        self.organiser = self.make_user(ORGANISER_EMAIL, "周组委", is_staff=True, province="江苏")


def seed_demo(*, small: bool = False, out: Callable[[str], None] = print) -> Built | None:
    """Build the demo; returns None (and builds nothing) when it exists already."""
    if demo_exists():
        out(f"演示数据已存在，未做任何修改 / The demo data exists already ({ORGANISER_EMAIL}).")
        return None
    seeder = Seeder(small=small, out=out)
    with transaction.atomic():
        built = seeder.run()
    return built
