"""Bad input from outside is a JSON 4xx with the error envelope, never a 500, and changes nothing:
ids in paths, query parameters, control characters, nesting depth, body size, e-mail length and
scores (issue 10, What 1)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from contest.models import User
from judging.models import Review, ReviewScore
from tests.factories.judging import build_world

ENVELOPE = {"code", "message", "message_zh", "message_en", "fields", "details"}

ROUTER_PREFIXES = [
    "organisations",
    "contests",
    "tracks",
    "groups",
    "stages",
    "challenges",
    "teams",
    "entries",
    "judge/panels",
    "judge/assignments",
    "rubrics",
    "panel-memberships",
    "reviews",
    "audit-log",
    "award-tiers",
    "awards",
    "notices",
    "objections",
    "calendar-days",
    "certificate-batches",
    "certificates",
]


def envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == ENVELOPE
    assert body["code"] == code
    return body


@pytest.mark.parametrize("prefix", ROUTER_PREFIXES)
@pytest.mark.parametrize("bad", ["AAA", "1x", "%C2%B2", "%D9%A5", "-1"])
def test_router_id_not_digits_is_404_envelope(db, prefix, bad, settings):
    settings.DEBUG = True  # no technical 404 page either
    response = Client().get(f"/api/{prefix}/{bad}/")
    body = envelope(response, 404, "not_found")
    assert body["message_en"] == "Not found."


def test_router_id_not_digits_is_404_for_an_organiser(client_for, organiser, contest):
    client = client_for(organiser)
    for path in (
        "/api/contests/AAA/",
        f"/api/contests/{contest.pk}x/publish/",
        "/api/notices/AAA/",
        "/api/teams/AAA/members/1/",
    ):
        envelope(client.get(path), 404, "not_found")
    envelope(client.delete("/api/contests/AAA/"), 404, "not_found")
    assert type(contest).objects.filter(pk=contest.pk).exists() is True


def test_router_id_out_of_bigint_range_is_404(db):
    envelope(Client().get(f"/api/notices/{2**63}/"), 404, "not_found")
    envelope(Client().get("/api/contests/99999999999999999999999/"), 404, "not_found")


@pytest.mark.parametrize(
    "path, name, low, high",
    [
        ("/api/calendar-days/?year=10000", "year", 1, 9999),
        ("/api/calendar-days/?year=0", "year", 1, 9999),
        (f"/api/calendar-days/?year={2**63}", "year", 1, 9999),
        ("/api/calendar-days/?year=%C2%B2", "year", 1, 9999),
        ("/api/notices/?contest=%C2%B2", "contest", 1, 2**63 - 1),
        ("/api/notices/?contest=%D9%A5", "contest", 1, 2**63 - 1),
        ("/api/notices/?contest=%EF%BC%95", "contest", 1, 2**63 - 1),
        (f"/api/notices/?contest={2**63}", "contest", 1, 2**63 - 1),
        ("/api/notices/?contest=+5", "contest", 1, 2**63 - 1),
        ("/api/objections/?notice=1.5", "notice", 1, 2**63 - 1),
        ("/api/certificates/?contest=-3", "contest", 1, 2**63 - 1),
    ],
)
def test_query_int_malformed_is_400(client_for, organiser, path, name, low, high):
    body = envelope(client_for(organiser).get(path), 400, "query_param_invalid")
    assert body["message_en"] == (
        f"The query parameter '{name}' must be a whole number from {low} to {high}."
    )
    assert body["fields"] == {name: ["query_param_invalid"]}


def test_query_int_stage_unicode_digit_for_a_judge(db, client_for):
    w = build_world()
    client = client_for(w.judge)
    envelope(client.get("/api/judge/assignments/?stage=%D9%A5"), 400, "query_param_invalid")
    ok = client.get(f"/api/judge/assignments/?stage={w.stage.pk}")
    assert ok.status_code == 200


def test_query_int_valid_year_still_filters(db):
    assert Client().get("/api/calendar-days/?year=2026").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/certificates/verify/%00/",
        "/api/certificates/verify/AB%01CD/",
        "/api/invitations/%00/",
        "/api/users/search/?q=%00",
        "/api/notices/?status=%00",
        "/api/objections/?status=a%00b",
        "/api/challenges/?status=%1F",
        "/api/contests/?search=%7F",
    ],
)
def test_control_character_in_path_or_query_is_400(client_for, organiser, path):
    body = envelope(client_for(organiser).get(path), 400, "control_character")
    assert body["message_en"] == "The request contains control characters, which are not allowed."


def _register(client, payload: str, **extra):
    return client.post(
        "/api/auth/register/", data=payload, content_type="application/json", **extra
    )


def test_json_control_character_in_string_is_400(db):
    before = User.objects.count()
    for name in ("王\u0000芳", "王\u0007芳", "王\u001b芳"):
        payload = json.dumps(
            {"real_name": name, "email": "wang@example.com", "password": "Lanzhou-2026-x"}
        )
        body = envelope(_register(Client(), payload), 400, "control_character")
        assert body["message_en"] == (
            "The request contains control characters, which are not allowed."
        )
    key_nul = '{"real_name\\u0000": "王芳", "email": "wang@example.com"}'
    envelope(_register(Client(), key_nul), 400, "control_character")
    assert User.objects.count() == before


def test_json_tab_and_newline_in_string_pass_the_parser(db):
    payload = json.dumps({"real_name": "王\t芳\n", "email": "wang@example.com", "password": "x"})
    assert _register(Client(), payload).json()["code"] != "control_character"


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_json_nested_too_deep_is_400(db, depth):
    before = User.objects.count()
    body = envelope(_register(Client(), "[" * depth + "]" * depth), 400, "nesting_too_deep")
    assert body["message_en"] == "The JSON body is nested too deep."
    unclosed = '{"a":' * depth
    envelope(_register(Client(), unclosed), 400, "nesting_too_deep")
    assert User.objects.count() == before


def test_json_brackets_inside_strings_do_not_count(db):
    payload = json.dumps({"real_name": "[" * 5000, "email": "a@example.com", "password": "x"})
    assert _register(Client(), payload).json()["code"] != "nesting_too_deep"


def test_json_number_overflow_is_400(db):
    envelope(_register(Client(), '{"real_name": 1e400}'), 400, "parse_error")
    envelope(_register(Client(), '{"real_name": NaN}'), 400, "parse_error")


def test_body_over_limit_is_413_before_parsing(db, settings):
    before = User.objects.count()
    limit = settings.REQUEST_BODY_MAX_BYTES
    payload = json.dumps({"account": "a@example.com", "password": "x" * limit})
    response = Client().post("/api/auth/login/", data=payload, content_type="application/json")
    body = envelope(response, 413, "request_too_large")
    assert body["message_en"] == (
        f"The request body is too large: {len(payload)} bytes; the limit is {limit} bytes."
    )
    assert body["details"] == {"size": len(payload), "limit": limit}
    big = json.dumps({"real_name": "王" * limit, "email": "w@example.com", "password": "x"})
    envelope(_register(Client(), big), 413, "request_too_large")
    assert User.objects.count() == before


def test_body_limit_comes_from_settings(db, settings):
    settings.REQUEST_BODY_MAX_BYTES = 100
    payload = json.dumps({"account": "a@example.com", "password": "x" * 100})
    response = Client().post("/api/auth/login/", data=payload, content_type="application/json")
    assert envelope(response, 413, "request_too_large")["details"]["limit"] == 100


def test_content_length_not_a_number_is_400(db):
    response = Client().post(
        "/api/auth/login/", data="{}", content_type="application/json", CONTENT_LENGTH="1e9"
    )
    envelope(response, 400, "content_length_invalid")


def test_register_email_over_254_characters_is_400(db):
    before = User.objects.count()
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".cn"
    assert len(email) > 254
    payload = json.dumps({"real_name": "王芳", "email": email, "password": "Lanzhou-2026-x"})
    body = envelope(_register(Client(), payload), 400, "invalid")
    assert list(body["fields"]) == ["email"]
    assert User.objects.count() == before


NOT_PLAIN = [
    "1_0",
    "٥",
    "５",
    "1e-999999999",
    "1E1",
    "4." + "9" * 39,
    "+5",
    "5.",
    ".5",
    "NaN",
    "Infinity",
    "0x5",
]


@pytest.mark.parametrize("raw", NOT_PLAIN)
def test_score_not_plain_decimal_is_400_never_stored(db, client_for, raw):
    w = build_world()
    client = client_for(w.judge)
    before = (Review.objects.count(), ReviewScore.objects.count())
    for method, path in (
        ("put", f"/api/judge/assignments/{w.assignment.pk}/review/"),
        ("post", f"/api/judge/assignments/{w.assignment.pk}/submit/"),
    ):
        scores = {"impact": raw, "novelty": "8", "data_value": "15"}
        response = getattr(client, method)(path, {"scores": scores}, format="json")
        body = envelope(response, 400, "score_not_a_number")
        assert body["message_en"] == (
            "'应用成效' must be a plain number in digits, such as 7 or 7.5."
        )
        assert body["fields"]["impact"] == ["score_not_a_number"]
    assert (Review.objects.count(), ReviewScore.objects.count()) == before


def test_score_finer_than_step_is_400(db, client_for):
    w = build_world()
    client = client_for(w.judge)
    before = ReviewScore.objects.count()
    response = client.put(
        f"/api/judge/assignments/{w.assignment.pk}/review/",
        {"scores": {"impact": "4.999999999999"}},
        format="json",
    )
    body = envelope(response, 400, "score_step_invalid")
    assert body["message_zh"] == "“应用成效”的分数须为 0.50 的整数倍。"
    assert ReviewScore.objects.count() == before


@pytest.mark.parametrize(
    "raw, stored", [("9.5", "9.50"), (9.5, "9.50"), (7, "7.00"), ("10", "10.00")]
)
def test_score_plain_decimal_is_stored(db, client_for, raw, stored):
    w = build_world()
    response = client_for(w.judge).put(
        f"/api/judge/assignments/{w.assignment.pk}/review/",
        {"scores": {"impact": raw}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert str(ReviewScore.objects.get(review__assignment=w.assignment).value) == stored


@pytest.mark.parametrize("raw", [True, [5], {"v": 5}])
def test_score_not_a_scalar_is_refused_by_the_serializer(db, client_for, raw):
    w = build_world()
    before = (Review.objects.count(), ReviewScore.objects.count())
    response = client_for(w.judge).put(
        f"/api/judge/assignments/{w.assignment.pk}/review/",
        {"scores": {"impact": raw}},
        format="json",
    )
    # the criterion's own field (api/exceptions._flatten_fields), which the score form shows
    assert list(envelope(response, 400, "invalid")["fields"]) == ["scores.impact"]
    assert (Review.objects.count(), ReviewScore.objects.count()) == before


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/challenges/?contest=%D9%A5", "contest"),
        ("/api/challenges/?track=%C2%B2", "track"),
        (f"/api/challenges/?contest={2**63}", "contest"),
        ("/api/challenges/?prize_min=1e999999999", "prize_min"),
        ("/api/challenges/?prize_max=%EF%BC%95", "prize_max"),
        ("/api/contests/?parent=%EF%BC%95", "parent"),
        (f"/api/contests/?year={2**63}", "year"),
        ("/api/teams/?contest=%C2%B2", "contest"),
        ("/api/entries/?contest=%D9%A5", "contest"),
    ],
)
def test_filter_param_malformed_is_400(client_for, organiser, path, name):
    body = envelope(client_for(organiser).get(path), 400, "query_param_invalid")
    assert body["fields"] == {name: ["query_param_invalid"]}


def test_filter_param_valid_still_filters(client_for, organiser, contest):
    response = client_for(organiser).get(f"/api/challenges/?contest={contest.pk}&prize_min=10.5")
    assert response.status_code == 200
