"""The SPA's page: marked for a logged-in session only, so anonymous pages never ask /api/auth/me/
(which would answer 401 and log a console error on every public page)."""

import pytest

from config.views import SESSION_META
from tests.factories.contest import UserFactory

pytestmark = pytest.mark.django_db

INDEX = (
    '<!doctype html>\n<html lang="zh-CN">\n  <head>\n    <title>赛务</title>\n  </head>\n</html>\n'
)


@pytest.fixture
def built(settings, tmp_path):
    (tmp_path / "index.html").write_text(INDEX, encoding="utf-8")
    settings.FRONTEND_DIST = tmp_path


def test_spa_index_anonymous_has_no_session_mark(client, built):
    response = client.get("/contests")
    assert response.status_code == 200
    assert SESSION_META not in response.content.decode()
    assert response.content.decode() == INDEX
    assert "Cookie" in response["Vary"]
    assert response["Cache-Control"] == "no-cache"


def test_spa_index_logged_in_session_is_marked(client, built):
    client.force_login(UserFactory())
    html = client.get("/verify").content.decode()
    assert html.count(SESSION_META) == 1
    assert html.index(SESSION_META) > html.index("<head>")
