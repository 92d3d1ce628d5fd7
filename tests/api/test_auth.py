"""Sign-up and log-in by email or mobile, tokens, and the CSRF-checked session the SPA uses."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from contest.models import User
from tests.api.helpers import assert_error, row_counts
from tests.factories.contest import UserFactory

PASSWORD = "pass-1234"


@pytest.fixture
def person(db):
    return UserFactory(email="li.ming@example.com", mobile="13812345678", real_name="李明")


# Register -----------------------------------------------------------------------------------


def test_register_with_email(api_client, db):
    response = api_client.post(
        "/api/auth/register/",
        {"real_name": "王芳", "email": "Wang.Fang@Example.com", "password": "Lanzhou-2026"},
    )
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(pk=body["user"]["id"])
    assert (user.email, user.mobile, user.real_name) == ("wang.fang@example.com", None, "王芳")
    assert user.check_password("Lanzhou-2026") is True
    assert AuthToken.objects.get(user=user).token_key == body["token"][:15]
    assert api_client.get("/api/auth/me/").json()["id"] == user.pk  # the session is live


def test_register_with_mobile_only(api_client, db):
    response = api_client.post(
        "/api/auth/register/",
        {"real_name": "陈强", "mobile": "13900001111", "password": "Lanzhou-2026"},
    )
    assert response.status_code == 201
    assert response.json()["user"]["mobile"] == "13900001111"


def test_register_without_email_or_mobile(api_client, db):
    before = row_counts()
    response = api_client.post(
        "/api/auth/register/", {"real_name": "无名", "password": "Lanzhou-2026"}
    )
    body = assert_error(response, 400, "email_or_mobile_required")
    assert body["fields"] == {"email": ["email_or_mobile_required"]}
    assert row_counts() == before


@pytest.mark.parametrize(
    "payload",
    [{"email": "LI.MING@example.com"}, {"mobile": "13812345678"}],
    ids=["same-email-other-case", "same-mobile"],
)
def test_register_account_exists(api_client, person, payload):
    before = row_counts()
    response = api_client.post(
        "/api/auth/register/", {"real_name": "李明", "password": "Lanzhou-2026", **payload}
    )
    assert_error(response, 409, "account_exists")
    assert row_counts() == before


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"email": "a@example.com", "password": "short"}, "password", "password_too_weak"),
        ({"email": "a@example.com", "password": "password123"}, "password", "password_too_weak"),
        ({"mobile": "2381234567", "password": "Lanzhou-2026"}, "mobile", "invalid"),
        ({"email": "not-an-email", "password": "Lanzhou-2026"}, "email", "invalid"),
    ],
    ids=["short-password", "common-password", "bad-mobile", "bad-email"],
)
def test_register_invalid_input(api_client, db, payload, field, code):
    before = row_counts()
    body = assert_error(
        api_client.post("/api/auth/register/", {"real_name": "某人", **payload}), 400, code
    )
    assert list(body["fields"]) == [field]
    assert row_counts() == before


# Log in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("login", ["li.ming@example.com", "LI.MING@EXAMPLE.COM", "13812345678"])
def test_login_by_email_or_mobile(api_client, person, login):
    response = api_client.post("/api/auth/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert (body["user"]["id"], body["user"]["real_name"]) == (person.pk, "李明")
    assert AuthToken.objects.get(user=person).token_key == body["token"][:15]


def test_login_wrong_password(api_client, person):
    response = api_client.post(
        "/api/auth/login/", {"login": "13812345678", "password": "wrong-pass"}
    )
    body = assert_error(response, 400, "invalid_credentials")
    assert (body["message_zh"], body["message_en"]) == (
        "账号或密码错误。",
        "Wrong account or password.",
    )
    assert AuthToken.objects.count() == 0


def test_login_unknown_account(api_client, db):
    response = api_client.post("/api/auth/login/", {"login": "13000000000", "password": PASSWORD})
    assert_error(response, 400, "invalid_credentials")


def test_login_inactive_user(api_client, person):
    person.is_active = False
    person.save()
    response = api_client.post(
        "/api/auth/login/", {"login": "li.ming@example.com", "password": PASSWORD}
    )
    assert_error(response, 400, "invalid_credentials")


def test_login_token_authenticates(api_client, person):
    token = api_client.post(
        "/api/auth/login/", {"login": "13812345678", "password": PASSWORD}
    ).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/auth/me/").json()["email"] == "li.ming@example.com"


def test_me_anonymous(api_client, db):
    assert_error(api_client.get("/api/auth/me/"), 401, "not_authenticated")


def test_me_lists_contest_roles(client_for, organiser, contest):
    roles = client_for(organiser).get("/api/auth/me/").json()["roles"]
    assert roles == [{"contest": contest.pk, "role": "organiser", "organisation": None}]


# Session with CSRF --------------------------------------------------------------------------


def test_session_login_csrf_enforced(person):
    client = APIClient(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf/").json()["csrftoken"]
    response = client.post(
        "/api/auth/login/",
        {"login": "li.ming@example.com", "password": PASSWORD},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200
    assert client.get("/api/auth/me/").json()["id"] == person.pk

    payload = {
        "name": "测试单位",
        "kind": "enterprise",
        "uscc": "914403001922038216",
        "province": "广东",
    }
    before = row_counts()
    refused = client.post("/api/organisations/", payload)
    body = assert_error(refused, 403, "permission_denied")
    assert body["message_en"] == "You do not have permission to do this."
    assert row_counts() == before

    # Logging in rotates the token: the SPA reads the new one from the cookie.
    fresh = client.cookies["csrftoken"].value
    accepted = client.post("/api/organisations/", payload, HTTP_X_CSRFTOKEN=fresh)
    assert accepted.status_code == 201

    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=fresh).status_code == 204
    assert_error(client.get("/api/auth/me/"), 401, "not_authenticated")


# A user's own organisation and citizen ID number (PATCH /api/auth/me/)


def _valid_uscc() -> str:
    from tests.factories.contest import make_uscc

    return make_uscc()


@pytest.mark.django_db
def test_me_states_a_new_organisation_by_name_and_uscc(client_for):
    from contest.models import Organisation
    from tests.factories.contest import UserFactory

    user = UserFactory()
    uscc = _valid_uscc()
    response = client_for(user).patch(
        "/api/auth/me/",
        {
            "new_organisation": {
                "name": "杭州数智科技有限公司",
                "kind": Organisation._meta.get_field("kind").choices[0][0],
                "uscc": uscc,
                "province": "浙江",
            }
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    org = Organisation.objects.get(uscc=uscc)
    assert (response.json()["organisation"], response.json()["organisation_name"]) == (
        org.pk,
        "杭州数智科技有限公司",
    )
    user.refresh_from_db()
    assert user.organisation_id == org.pk and user.organisation_stated_at is not None


@pytest.mark.django_db
def test_me_new_organisation_with_bad_uscc_refused_and_nothing_changed(client_for):
    from contest.models import Organisation
    from tests.factories.contest import UserFactory

    user = UserFactory()
    uscc = _valid_uscc()
    bad = uscc[:-1] + ("1" if uscc[-1] != "1" else "2")
    before = Organisation.objects.count()
    response = client_for(user).patch(
        "/api/auth/me/",
        {
            "new_organisation": {
                "name": "错误代码公司",
                "kind": Organisation._meta.get_field("kind").choices[0][0],
                "uscc": bad,
                "province": "浙江",
            },
            "id_number": "",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_uscc"
    assert response.json()["message_en"] == (
        "Invalid unified social credit code (18 characters with a GB 32100-2015 check character)."
    )
    assert (
        response.json()["message_zh"]
        == "统一社会信用代码无效（应为18位，且校验码符合 GB 32100-2015）"
    )
    assert Organisation.objects.count() == before
    user.refresh_from_db()
    assert (user.organisation_id, user.organisation_stated_at) == (None, None)


@pytest.mark.django_db
def test_me_existing_organisation_and_then_none(client_for):
    from tests.factories.contest import OrganisationFactory, UserFactory

    user = UserFactory()
    org = OrganisationFactory()
    client = client_for(user)
    assert (
        client.patch("/api/auth/me/", {"organisation": org.pk}, format="json").json()[
            "organisation"
        ]
        == org.pk
    )
    cleared = client.patch("/api/auth/me/", {"organisation_none": True}, format="json")
    assert cleared.status_code == 200
    assert (cleared.json()["organisation"], cleared.json()["organisation_stated"]) == (None, True)


@pytest.mark.django_db
def test_me_two_organisation_choices_refused_and_nothing_changed(client_for):
    from tests.factories.contest import OrganisationFactory, UserFactory

    user = UserFactory()
    org = OrganisationFactory()
    response = client_for(user).patch(
        "/api/auth/me/", {"organisation": org.pk, "organisation_none": True}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "organisation_choice_invalid"
    assert response.json()["message_en"] == (
        "State one of: an organisation, a new organisation (name and USCC), or none."
    )
    user.refresh_from_db()
    assert (user.organisation_id, user.organisation_stated_at) == (None, None)


@pytest.mark.django_db
def test_me_id_number_checked(client_for):
    from contest.identity import id_number_check_character
    from tests.factories.contest import UserFactory

    user = UserFactory()
    first17 = "11010519491231002"
    good = first17 + id_number_check_character(first17)
    bad = first17 + ("0" if good[-1] != "0" else "1")
    client = client_for(user)
    refused = client.patch("/api/auth/me/", {"id_number": bad}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_id_number"
    user.refresh_from_db()
    assert user.id_number == ""
    accepted = client.patch("/api/auth/me/", {"id_number": good.lower()}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["id_number"] == good.upper()


def test_me_states_no_organisation_over_a_session_login(person):
    """Over a real session (request.user is Django's lazy user, not a User) the change holds."""
    from django.test import Client

    client = Client(enforce_csrf_checks=False)
    assert client.login(username="li.ming@example.com", password=PASSWORD)

    response = client.patch(
        "/api/auth/me/", {"organisation_none": True}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["organisation_stated"] is True
    person.refresh_from_db()
    assert (person.organisation_id, person.organisation_stated_at is not None) == (None, True)
