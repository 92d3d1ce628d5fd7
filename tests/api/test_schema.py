"""The OpenAPI schema and its docs page are served, and the schema validates without warnings."""

import subprocess
import sys

from django.conf import settings


def test_schema_served(api_client, db):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.0.3")


def test_schema_served_as_json(api_client, db):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/organisations/",
        "/api/contests/",
        "/api/tracks/",
        "/api/groups/",
        "/api/stages/",
        "/api/challenges/",
        "/api/teams/",
        "/api/invitations/",
        "/api/entries/",
        "/api/entry-files/{id}/download/",
        "/api/auth/login/",
    ]:
        assert path in paths


def test_docs_served(api_client, db):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_schema_validates_without_warnings(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "openapi.yaml"),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "openapi.yaml").read_text().startswith("openapi: 3.0.3")


def test_awards_propose_returns_a_plain_list_in_the_schema(api_client, db):
    """The view answers a JSON array of awards (never a page): the schema must say so."""
    response = api_client.get("/api/schema/", {"format": "json"})
    body = response.json()["paths"]["/api/awards/propose/"]["post"]["responses"]["201"]
    schema = body["content"]["application/json"]["schema"]
    assert schema["type"] == "array"
    assert schema["items"]["$ref"].endswith("/Award")
