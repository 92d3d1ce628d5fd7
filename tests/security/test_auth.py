"""Issue 10, What 4, 5 and the settings of 8, through the API: the login lockout and the throttles,
tokens that end, CSRF on the session login, password strength, and the production settings
(CSP, HSTS, SSL redirect, `check --deploy`, no start without the certificate signing key)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from api import throttling
from config.env import BASE_DIR
from contest.models import User
from tests.api.helpers import assert_error
from tests.factories.contest import UserFactory

PASSWORD = "pass-1234"  # the factories' password (set directly, not through the validators)


@pytest.fixture
def person(db):
    return UserFactory(email="li.ming@example.com", mobile="13812345678", real_name="李明")


@pytest.fixture
def clock(monkeypatch):
    """The lockout's clock, moved by hand instead of waiting 15 minutes."""
    now = [time.time()]
    monkeypatch.setattr(throttling.time, "time", lambda: now[0])
    return now


def _login(client, login, password):
    return client.post("/api/auth/login/", {"login": login, "password": password})


def _rate(settings, scope, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            scope: rate,
        },
    }


# Login lockout --------------------------------------------------------------------------------


def test_brute_force_locks_the_account_and_the_right_password_is_refused(api_client, person, clock):
    limit = django_settings.LOGIN_FAILURES_MAX
    for _ in range(limit):
        assert_error(
            _login(api_client, "li.ming@example.com", "wrong-guess"), 400, "invalid_credentials"
        )

    tokens_before = AuthToken.objects.count()
    response = _login(api_client, "li.ming@example.com", PASSWORD)
    body = assert_error(response, 429, "throttled")
    assert body["message_en"] == "Too many requests; try again later."
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= django_settings.LOGIN_LOCKOUT_SECONDS
    # The same account by its other identifier, in another case, is the same lock.
    assert_error(_login(api_client, "LI.MING@example.com", PASSWORD), 429, "throttled")
    assert AuthToken.objects.count() == tokens_before

    clock[0] += django_settings.LOGIN_LOCKOUT_SECONDS - 5
    assert_error(_login(api_client, "li.ming@example.com", PASSWORD), 429, "throttled")

    clock[0] += 10  # the lockout is over
    response = _login(api_client, "li.ming@example.com", PASSWORD)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == person.pk
    assert AuthToken.objects.count() == tokens_before + 1


def test_failures_below_the_limit_then_success_start_the_count_again(api_client, person, clock):
    limit = django_settings.LOGIN_FAILURES_MAX
    for _ in range(limit - 1):
        assert_error(_login(api_client, "li.ming@example.com", "wrong"), 400, "invalid_credentials")
    assert _login(api_client, "li.ming@example.com", PASSWORD).status_code == 200
    for _ in range(limit - 1):
        assert_error(_login(api_client, "li.ming@example.com", "wrong"), 400, "invalid_credentials")
    assert _login(api_client, "li.ming@example.com", PASSWORD).status_code == 200


def test_one_address_trying_many_accounts_is_locked(api_client, person, settings, clock):
    settings.LOGIN_ADDRESS_FAILURES_MAX = 6
    for n in range(6):
        assert_error(
            _login(api_client, f"guess{n}@example.com", "wrong"), 400, "invalid_credentials"
        )
    response = _login(api_client, "li.ming@example.com", PASSWORD)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    # Another address is not locked (the account had no failure of its own).
    other = APIClient(REMOTE_ADDR="203.0.113.9")
    assert _login(other, "li.ming@example.com", PASSWORD).status_code == 200


def test_login_rate_per_address(api_client, person, settings):
    _rate(settings, "login", "3/min")
    for _ in range(3):
        assert _login(api_client, "li.ming@example.com", PASSWORD).status_code == 200
    response = _login(api_client, "li.ming@example.com", PASSWORD)
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


# Throttles on sign-up, verification, objections, uploads ------------------------------------


def test_sign_up_is_throttled(api_client, db, settings):
    _rate(settings, "register", "2/hour")
    for n in range(2):
        response = api_client.post(
            "/api/auth/register/",
            {"real_name": "王芳", "email": f"wang{n}@example.com", "password": "Lanzhou-2026"},
        )
        assert response.status_code == 201, response.content
    users_before = User.objects.count()
    response = api_client.post(
        "/api/auth/register/",
        {"real_name": "王芳", "email": "wang9@example.com", "password": "Lanzhou-2026"},
    )
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert User.objects.count() == users_before


def test_certificate_verification_is_throttled(api_client, db, settings):
    _rate(settings, "verify", "3/min")
    for n in range(3):
        assert api_client.get(f"/api/certificates/verify/NOPE-{n}/").status_code != 429
    response = api_client.get("/api/certificates/verify/NOPE-9/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_scoped_throttle_counts_only_the_named_actions(settings):
    """Objections (create) and uploads (an entry's files) name their scope; reads never count."""
    from api.views.entry import EntryViewSet
    from api.views.notice import ObjectionViewSet

    assert ObjectionViewSet.throttle_scopes == {"create": "objection"}
    assert EntryViewSet.throttle_scopes == {"files": "upload"}
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"objection", "upload", "verify", "login", "register"} <= set(rates)


def test_objection_filing_is_throttled(client_for, db, settings):
    _rate(settings, "objection", "2/hour")
    user = UserFactory()
    client = client_for(user)
    statuses = [
        client.post("/api/objections/", {}, format="multipart").status_code for _ in range(3)
    ]
    assert 429 not in statuses[:2] and statuses[2] == 429
    assert client.get("/api/objections/").status_code != 429  # reading is not counted


# Tokens that end ------------------------------------------------------------------------------


def test_token_after_logout_is_refused(person):
    phone = APIClient()
    token = _login(phone, "li.ming@example.com", PASSWORD).json()["token"]
    laptop = APIClient()
    other_token = _login(laptop, "13812345678", PASSWORD).json()["token"]
    assert token != other_token  # one token per login

    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert bearer.get("/api/auth/me/").status_code == 200
    assert bearer.post("/api/auth/logout/").status_code == 204

    assert_error(bearer.get("/api/auth/me/"), 401, "authentication_failed")
    still = APIClient()
    still.credentials(HTTP_AUTHORIZATION=f"Token {other_token}")
    assert still.get("/api/auth/me/").json()["id"] == person.pk  # the other device stays in
    assert AuthToken.objects.filter(user=person).count() == 1


def test_two_logins_two_tokens_listed_and_one_revoked(person):
    first = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    second = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")

    listed = client.get("/api/auth/tokens/").json()
    assert sorted(t["id"] for t in listed) == sorted([first[:15], second[:15]])
    assert {t["id"]: t["current"] for t in listed} == {first[:15]: True, second[:15]: False}
    for row in listed:
        assert row["expiry"] is not None and row["created"] is not None

    assert client.delete(f"/api/auth/tokens/{second[:15]}/").status_code == 204
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert_error(revoked.get("/api/auth/me/"), 401, "authentication_failed")
    assert [t["id"] for t in client.get("/api/auth/tokens/").json()] == [first[:15]]


def test_another_users_token_cannot_be_revoked(person):
    stranger = UserFactory(email="stranger@example.com")
    theirs = _login(APIClient(), "stranger@example.com", PASSWORD).json()["token"]
    mine = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {mine}")
    before = AuthToken.objects.count()
    assert_error(client.delete(f"/api/auth/tokens/{theirs[:15]}/"), 404, "not_found")
    assert AuthToken.objects.count() == before
    assert AuthToken.objects.filter(user=stranger).count() == 1
    assert_error(APIClient().get("/api/auth/tokens/"), 401, "not_authenticated")


def test_logout_everywhere_revokes_every_token(person):
    tokens = [
        _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"] for _ in range(3)
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens[0]}")
    assert client.delete("/api/auth/tokens/").status_code == 204
    assert AuthToken.objects.filter(user=person).count() == 0
    for token in tokens:
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert other.get("/api/auth/me/").status_code == 401


def test_token_expires(person):
    token = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    row = AuthToken.objects.get(user=person)
    ttl = django_settings.REST_KNOX["TOKEN_TTL"]
    assert abs((row.expiry - row.created) - ttl) < timedelta(seconds=5)
    AuthToken.objects.filter(pk=row.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert_error(client.get("/api/auth/me/"), 401, "authentication_failed")


def test_expired_tokens_are_deleted_at_login_and_hourly(person):
    from api.tasks import auth_tokens_expired_delete_task

    stale = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    stranger = UserFactory(email="stranger@example.com")
    _login(APIClient(), "stranger@example.com", PASSWORD)
    past = timezone.now() - timedelta(seconds=1)
    AuthToken.objects.update(expiry=past)  # both users' tokens have lapsed

    fresh = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    # the login took this user's lapsed token away, not the other user's
    assert [t.token_key for t in AuthToken.objects.filter(user=person)] == [fresh[:15]]
    assert AuthToken.objects.filter(user=stranger).count() == 1
    assert auth_tokens_expired_delete_task() == 1
    assert not AuthToken.objects.filter(user=stranger).exists()
    old = APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {stale}")
    assert_error(old.get("/api/auth/me/"), 401, "authentication_failed")


def test_a_token_request_reads_the_token_once(person, django_assert_max_num_queries):
    """One query authenticates (the token and its user): the user's other tokens are not read on
    every request."""
    from api.authentication import TokenAuthentication

    for _ in range(3):
        _login(APIClient(), "li.ming@example.com", PASSWORD)
    token = _login(APIClient(), "li.ming@example.com", PASSWORD).json()["token"]
    with django_assert_max_num_queries(1):
        user, _row = TokenAuthentication().authenticate_credentials(token.encode())
    assert user == person


# CSRF on the session login ----------------------------------------------------------------


def test_session_login_needs_the_csrf_token(person):
    browser = APIClient(enforce_csrf_checks=True)
    response = _login(browser, "li.ming@example.com", PASSWORD)
    assert_error(response, 403, "permission_denied")
    assert AuthToken.objects.count() == 0
    assert "sessionid" not in response.cookies

    csrf = browser.get("/api/auth/csrf/").json()["csrftoken"]
    response = browser.post(
        "/api/auth/login/",
        {"login": "li.ming@example.com", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200, response.content
    assert browser.get("/api/auth/me/").json()["id"] == person.pk


def test_sign_up_needs_the_csrf_token(db):
    browser = APIClient(enforce_csrf_checks=True)
    before = User.objects.count()
    response = browser.post(
        "/api/auth/register/",
        {"real_name": "王芳", "email": "wang@example.com", "password": "Lanzhou-2026"},
    )
    assert_error(response, 403, "permission_denied")
    assert User.objects.count() == before


# Password strength ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"email": "zs@example.com", "password": "zhangsan"}, "password_too_short"),
        ({"email": "zs@example.com", "password": "password1234"}, "password_too_common"),
        ({"email": "zs@example.com", "password": "4839201756"}, "password_entirely_numeric"),
        ({"email": "zhangsan2026@example.com", "password": "zhangsan2026"}, "password_too_similar"),
    ],
    ids=["short", "common", "numeric", "like-the-email"],
)
def test_weak_password_refused(api_client, db, payload, reason):
    before = User.objects.count()
    response = api_client.post("/api/auth/register/", {"real_name": "张三", **payload})
    body = assert_error(response, 400, "password_too_weak")
    assert body["message_en"] == (
        "Choose a stronger password: at least 10 characters, not common, not like your name or email."
    )
    assert reason in body["details"]["reasons"]
    assert body["fields"]["password"]
    assert User.objects.count() == before


def test_strong_password_accepted(api_client, db):
    response = api_client.post(
        "/api/auth/register/",
        {"real_name": "张三", "email": "zs@example.com", "password": "Lanzhou-Qinghai-77"},
    )
    assert response.status_code == 201, response.content


# Admin login (django-axes) ----------------------------------------------------------------


def test_admin_login_is_locked_after_failures(db):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    browser = Client()
    statuses = [
        browser.post(
            "/admin/login/?next=/admin/", {"username": admin.email, "password": "wrong"}
        ).status_code
        for _ in range(django_settings.AXES_FAILURE_LIMIT)
    ]
    # The form again with its error, until the failure that reaches the limit locks the account.
    assert statuses == [200] * (django_settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = browser.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in browser.session


def test_admin_login_still_works(db):
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    browser = Client()
    response = browser.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert browser.session["_auth_user_id"] == str(admin.pk)


# Production settings (a fresh process with debug off) -------------------------------------

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 30 + "-production-test-secret-key-Zq8pLw3Vn7Rt5Yb2",
    "DJANGO_ALLOWED_HOSTS": "saiwu.example.cn,testserver",
    "SITE_URL": "https://saiwu.example.cn",
    "CERTIFICATE_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "CACHE_URL": "redis://127.0.0.1:6379/9",
}


def _run(code: str, env: dict, tmp_path) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    base.pop("CERTIFICATE_SIGNING_KEY", None)
    base.pop("CACHE_URL", None)
    full = {
        **base,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_has_no_warnings(tmp_path):
    result = _run(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        PRODUCTION_ENV,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_startup_fails_without_the_signing_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "CERTIFICATE_SIGNING_KEY"}
    result = _run("import django; django.setup()", env, tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CERTIFICATE_SIGNING_KEY" in result.stderr
    # With debug on the same environment starts (a development key is derived).
    result = _run("import django; django.setup()", {**env, "DJANGO_DEBUG": "1"}, tmp_path)
    assert result.returncode == 0, result.stderr


HEADERS_PROBE = """
import json, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
secure = client.get("/api/auth/csrf/", secure=True, HTTP_HOST="saiwu.example.cn")
plain = client.get("/api/auth/csrf/", HTTP_HOST="saiwu.example.cn")
print(json.dumps({
    "status": secure.status_code,
    "csp": secure.get("Content-Security-Policy"),
    "hsts": secure.get("Strict-Transport-Security"),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "cookie_secure": bool(secure.cookies["csrftoken"]["secure"]),
}))
"""


def test_csp_hsts_and_ssl_redirect_with_debug_off(tmp_path):
    import json

    # Behind the proxy: the request counts as HTTPS when nginx says so.
    result = _run(HEADERS_PROBE, PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    csp = dict(part.strip().split(" ", 1) for part in seen["csp"].split(";") if part.strip())
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert "http" not in seen["csp"]  # no CDN anywhere
    assert "unsafe-inline" not in seen["csp"] and "unsafe-eval" not in seen["csp"]
    assert seen["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in seen["hsts"]
    assert seen["plain_status"] == 301
    assert seen["plain_location"] == "https://saiwu.example.cn/api/auth/csrf/"
    assert seen["cookie_secure"] is True


def test_proxy_header_marks_the_request_secure(tmp_path):
    code = HEADERS_PROBE.replace(
        'plain = client.get("/api/auth/csrf/", HTTP_HOST="saiwu.example.cn")',
        'plain = client.get("/api/auth/csrf/", HTTP_HOST="saiwu.example.cn",'
        ' HTTP_X_FORWARDED_PROTO="https")',
    )
    result = _run(code, PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain_status"] == 200  # no redirect: nginx terminated TLS


def test_no_page_may_load_from_another_host(db):
    """The SPA and the API docs (Swagger UI from drf-spectacular-sidecar's static files) load
    nothing from a CDN: their policies name no other host."""
    browser = Client()
    for path in ("/api/docs/", "/"):
        response = browser.get(path)
        assert "Content-Security-Policy" in response, path
        assert "http" not in response["Content-Security-Policy"], path
