"""Fixtures shared by the whole suite: eager Celery, fast passwords, API clients, and one person per
role in one contest (organiser, publisher, captain, member, advisor, stranger, admin)."""

import os

import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app
from contest.enums import ContestRoleKind, MemberRole
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Tasks run in-process in tests, except the one test that starts a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # shared_task resolves to the current app: a test that built a client app must not leave it
    # current, or later tasks would go to the broker instead of running here.
    celery_app.set_current()
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for():
    """An API client logged in as the given user (force_authenticate: no password hashing cost)."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def contest(db):
    return ContestFactory()


@pytest.fixture
def stage(contest):
    return StageFactory(contest=contest, order=1)


@pytest.fixture
def organiser(contest):
    user = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=user, role=ContestRoleKind.ORGANISER)
    return user


@pytest.fixture
def publisher_org(db):
    return OrganisationFactory(name="发榜单位有限公司")


@pytest.fixture
def publisher(contest, publisher_org):
    user = UserFactory(real_name="发榜方联系人", organisation=publisher_org)
    ContestRoleFactory(
        contest=contest, user=user, role=ContestRoleKind.PUBLISHER, organisation=publisher_org
    )
    return user


@pytest.fixture
def captain(db):
    return UserFactory(real_name="队长张三")


@pytest.fixture
def team(contest, captain):
    return TeamFactory(contest=contest, captain=captain, name="星火团队")


@pytest.fixture
def member(team):
    return TeamMemberFactory(team=team, role=MemberRole.MEMBER, user=UserFactory()).user


@pytest.fixture
def advisor(team):
    return TeamMemberFactory(team=team, role=MemberRole.ADVISOR, user=UserFactory()).user


@pytest.fixture
def stranger(db):
    return UserFactory(real_name="路人")


@pytest.fixture
def admin(db):
    return UserFactory(real_name="平台管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def other_contest(db):
    return ContestFactory()


@pytest.fixture
def other_organiser(other_contest):
    user = UserFactory(real_name="另一赛事组委会")
    ContestRoleFactory(contest=other_contest, user=user, role=ContestRoleKind.ORGANISER)
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and login lockouts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hash test passwords cheaply; the login tests still go through the real backend."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def postgres(transactional_db):
    """The race tests: real concurrent transactions need PostgreSQL (SQLite serialises writers);
    skipped elsewhere, and a failure in CI, which must run them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        reason = (
            "races need PostgreSQL (SQLite serialises writers); "
            "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the race tests, but {reason}")
        pytest.skip(reason)
