import pytest
from rest_framework.test import APIClient

from config.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_celery(settings, tmp_path):
    """Tasks run in-process in tests, except the one test that starts a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
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
