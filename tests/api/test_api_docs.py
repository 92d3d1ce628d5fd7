"""/api/docs/ works offline: Swagger UI comes from our own static files (drf-spectacular-sidecar),
never a CDN, and the site's Content-Security-Policy allows everything the page loads."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import drf_spectacular_sidecar
import pytest

SIDECAR_STATIC = Path(drf_spectacular_sidecar.__file__).parent / "static"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _static_served(settings):
    """The sidecar is an installed app (its static files are collected and found), and WhiteNoise
    serves them from the finders as in development."""
    if "drf_spectacular_sidecar" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "drf_spectacular_sidecar"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def _policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def _references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_docs_page_loads_only_our_files(db, client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    references = _references(html)
    assert sorted(Path(r.split("?")[0]).name for r in references) == [
        "docs",  # the init script: this same URL with ?script
        "favicon-32x32.png",
        "swagger-ui-bundle.js",
        "swagger-ui-standalone-preset.js",
        "swagger-ui.css",
    ]
    for reference in references:
        assert reference.startswith("/") and not reference.startswith("//"), reference
        assert "cdn" not in reference and "://" not in reference
    for reference in references:
        served = client.get(reference.replace("&amp;", "&"))
        assert served.status_code == 200, reference
        body = b"".join(served.streaming_content) if served.streaming else served.content
        if reference.startswith("/static/"):
            source = SIDECAR_STATIC / reference.removeprefix("/static/")
            assert body == source.read_bytes(), reference


def test_docs_init_script_served_as_javascript(db, client):
    html = client.get("/api/docs/").content.decode()
    (script,) = [r for r in _references(html) if "script" in r.split("?", 1)[-1]]
    response = client.get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    assert '"/api/schema/"' in response.content.decode()


def test_docs_page_allowed_by_csp(db, client):
    response = client.get("/api/docs/")
    policy = _policy(response)
    html = response.content.decode()
    assert "https://cdn.jsdelivr.net" not in response["Content-Security-Policy"]
    assert policy["script-src"] == ["'self'"]
    # No inline script: every <script> has a src on this origin.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    # The page's inline <style> is allowed by its hash, and nothing else inline.
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    assert len(styles) == 1
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert policy["style-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_other_pages_policy_unchanged(db, client):
    """The hash is added to the docs page only."""
    response = client.get("/api/config/")
    assert _policy(response)["style-src"] == ["'self'"]


def test_schema_still_served(db, client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"Saiwu" in response.content


@pytest.mark.browser
def test_docs_render_offline_in_chromium(live_server):
    """Chromium with every request off this machine refused: Swagger UI renders the schema and
    the console shows no CSP violation."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium")
    from playwright.sync_api import sync_playwright

    origin = live_server.url
    refused, console = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)

            def route(r):
                if r.request.url.startswith(origin):
                    return r.continue_()
                refused.append(r.request.url)
                return r.abort()

            page.route("**/*", route)
            page.goto(f"{origin}/api/docs/")
            page.wait_for_selector(".swagger-ui .info .title", timeout=60_000)
            title = page.inner_text(".swagger-ui .info .title")
            page.wait_for_selector(".swagger-ui .opblock", timeout=60_000)
            operations = page.locator(".swagger-ui .opblock").count()
        finally:
            browser.close()
    assert "Saiwu" in title
    assert operations > 0
    assert refused == []
    assert [m for m in console if "Content Security Policy" in m] == []
