"""The state of one `seed_demo` run, handed from builder to builder: the random source, the sizes,
the shared helpers (people, USCCs, progress lines), and what each step built for the next."""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from contest.models import User
from demo.data import GIVEN, SURNAMES, uscc_make
from demo.logins import DEMO_DOMAIN, DEMO_PASSWORD


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


class DemoState:
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

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def step(self, message: str) -> None:
        self.out(f"[{self.elapsed():5.1f}s] {message}")

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
