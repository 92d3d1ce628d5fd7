"""Bounded bodies (issue 10, What 1 and 3, and the Must-show "a 50 MB body → 413 within 1 s without
the worker's memory growing by more than 20 MB").

From outside, against gunicorn started with `config/gunicorn.conf.py` (debug off), straight and
through nginx started with `deploy/nginx/saiwu.conf` (the harness of tests/security/test_proxy.py):
a 50 MB JSON, form or multipart body to the login is refused with 413 within 1 s and the worker's
resident memory (`VmRSS` in /proc/<pid>/status) grows by less than 20 MB; a chunked body with no
length is refused (411 from gunicorn, 413 from nginx once past 2 MiB); a body that claims less than
it sends is read no further than it claims. Upload routes keep their larger limits, and the routes
that take files are the same in the URLconf, in settings and in nginx's configuration.

Inside the process, with the Django test client: the limit follows the route and the body's type,
and the per-kind upload limits come from the environment and reach the client through
`/api/config/`.
"""

from __future__ import annotations

import json
import re
import select
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import MultiPartParser

from contest.models import EntryFile
from tests.api.helpers import PDF_BYTES, assert_error, row_counts, upload
from tests.factories.contest import EntryFactory
from tests.security.test_proxy import (
    HOST,
    NGINX_CONF,
    ROOT,
    nginx_binary,
    plain_request,
    serving,
    tcp_connect,
    tls_connect,
)

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
FIFTY_MB = 50 * 1000 * 1000


# --- Inside the process ---------------------------------------------------------------------


def _login_multipart(size: int):
    return Client().post(
        "/api/auth/login/",
        {"login": "a@example.com", "password": "x" * size},  # multipart: the test client's default
    )


def test_multipart_body_outside_an_upload_route_gets_the_body_limit(settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    body = assert_error(_login_multipart(2000), 413, "request_too_large")
    assert body["details"]["limit"] == 1000
    assert body["message_zh"] == f"请求内容过大：{body['details']['size']} 字节，上限 1000 字节。"


@pytest.fixture
def entry(team, stage):
    return EntryFactory(team=team, stage=stage, title="城市数据融合平台")


def _padded_pdf(size: int) -> bytes:
    """A valid PDF of `size` bytes: comment lines after the header."""
    head, rest = PDF_BYTES.split(b"\n", 1)
    padding = b"%" + b"p" * 78 + b"\n"
    count = (size - len(PDF_BYTES)) // len(padding)
    pdf = head + b"\n" + padding * count + rest
    return pdf + b"%" * (size - len(pdf))


def test_upload_route_keeps_its_larger_limit(client_for, captain, entry, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    pdf = _padded_pdf(5000)
    response = client_for(captain).post(
        f"/api/entries/{entry.pk}/files/",
        {"kind": "plan", "file": upload("plan.pdf", pdf)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert EntryFile.objects.get().size == 5000
    # JSON to the same route is not an upload: the body limit holds.
    response = client_for(captain).post(
        f"/api/entries/{entry.pk}/files/", {"kind": "plan", "note": "x" * 2000}, format="json"
    )
    assert assert_error(response, 413, "request_too_large")["details"]["limit"] == 1000


def test_upload_route_limit_refuses_before_reading(client_for, captain, entry, settings):
    settings.REQUEST_UPLOAD_ROUTES = [(r"^/api/entries/\d+/files/$", 3000)]
    before = row_counts()
    response = client_for(captain).post(
        f"/api/entries/{entry.pk}/files/",
        {"kind": "plan", "file": upload("plan.pdf", _padded_pdf(5000))},
        format="multipart",
    )
    body = assert_error(response, 413, "request_too_large")
    assert body["details"]["limit"] == 3000
    assert row_counts() == before


def test_chunked_body_without_length_is_411(db):
    response = Client().generic(
        "POST",
        "/api/auth/login/",
        b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        CONTENT_LENGTH="",
    )
    body = assert_error(response, 411, "content_length_required")
    assert body["message_en"] == (
        "A Content-Length header is required; chunked request bodies are not accepted."
    )
    assert response["Connection"] == "close"


def test_client_config_gives_every_upload_limit(api_client, settings):
    settings.ENTRY_FILE_MAX_BYTES = 7 * MiB
    settings.ENTRY_FILE_MAX_BYTES_BY_KIND = {"video": 300 * MiB, "slides": 20 * MiB}
    settings.OBJECTION_FILE_MAX_BYTES = 3 * MiB
    settings.CERTIFICATE_IMAGE_MAX_BYTES = 4 * MiB
    body = api_client.get("/api/config/").json()
    assert body["entry_file_max_bytes"] == 7 * MiB
    assert body["entry_file_max_bytes_by_kind"] == {
        "plan": 7 * MiB,
        "slides": 20 * MiB,
        "video": 300 * MiB,
        "data_description": 7 * MiB,
        "other": 7 * MiB,
    }
    assert body["objection_file_max_bytes"] == 3 * MiB
    assert body["certificate_image_max_bytes"] == 4 * MiB


SETTINGS_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({'kinds': s.ENTRY_FILE_MAX_BYTES_BY_KIND, 'upload': s.REQUEST_UPLOAD_MAX_BYTES,"
    " 'routes': dict(s.REQUEST_UPLOAD_ROUTES), 'objection': s.OBJECTION_FILE_MAX_BYTES}))"
)


def _settings_with(env: dict[str, str]) -> dict:
    import os

    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "ENTRY_FILE_", "REQUEST_", "OBJECTION_", "CERTIFICATE_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_per_kind_limits_come_from_the_environment():
    default = _settings_with({})
    assert default["kinds"] == {"video": 500 * MiB}
    assert default["upload"] == 501 * MiB
    assert default["routes"][r"^/api/entries/\d+/files/$"] == 501 * MiB
    assert default["routes"][r"^/api/objections/$"] == 10 * 10 * MiB + MiB
    changed = _settings_with(
        {
            "ENTRY_FILE_MAX_BYTES_VIDEO": str(800 * MiB),
            "ENTRY_FILE_MAX_BYTES_PLAN": str(20 * MiB),
            "OBJECTION_FILE_MAX_BYTES": str(2 * MiB),
        }
    )
    assert changed["kinds"] == {"plan": 20 * MiB, "video": 800 * MiB}
    assert changed["upload"] == 801 * MiB
    assert changed["routes"][r"^/api/objections/$"] == 10 * 2 * MiB + MiB


# --- The routes that take files: URLconf, settings and nginx agree ----------------------------


def _routes(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _sample_path(pattern: str) -> str:
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", pattern)
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _takes_files(callback) -> bool:
    """A view (or viewset action) that declares MultiPartParser itself; the default parsers,
    which every view has, do not make a route an upload route."""
    view = getattr(callback, "cls", None)
    if view is None:
        return False
    own = next(
        (
            klass.__dict__["parser_classes"]
            for klass in view.__mro__
            if klass.__module__.startswith("api.") and "parser_classes" in klass.__dict__
        ),
        None,
    )
    actions = getattr(callback, "actions", None)
    if actions is None:  # an APIView: its own parsers, if it has any
        return bool(own) and MultiPartParser in own
    for method, name in actions.items():  # a viewset route: the actions that take a body
        if method in ("post", "put", "patch"):
            handler = getattr(view, name, None)
            parsers = getattr(handler, "kwargs", {}).get("parser_classes", own)
            if parsers and MultiPartParser in parsers:
                return True
    return False


def _api_routes() -> tuple[list[str], list[str]]:
    uploads, others = [], []
    for pattern, callback in _routes(get_resolver().url_patterns):
        if not pattern.startswith("api/") or "format" in pattern or ".*" in pattern:
            continue
        (uploads if _takes_files(callback) else others).append(_sample_path(pattern))
    return sorted(set(uploads)), sorted(set(others) - set(uploads))


def _nginx_upload_location() -> tuple[re.Pattern, str]:
    text = NGINX_CONF.read_text(encoding="utf-8")
    match = re.search(r"location ~ (\S+) \{([^}]*)\}", text)
    assert match, "the upload location is missing from saiwu.conf"
    return re.compile(match.group(1)), match.group(2)


def _nginx_size(text: str) -> int:
    value = re.search(r"client_max_body_size (\d+)([km]?);", text)
    return int(value.group(1)) * {"": 1, "k": 1024, "m": MiB}[value.group(2)]


ADMIN_UPLOAD_PATHS = ["/admin/contest/entryfile/add/", "/admin/contest/entryfile/1/change/"]


def test_routes_that_take_files_are_upload_routes_in_settings_and_nginx():
    uploads, others = _api_routes()
    assert "/api/entries/1/files/" in uploads and "/api/objections/" in uploads
    assert len(others) > 50
    routes = [re.compile(path) for path, _ in django_settings.REQUEST_UPLOAD_ROUTES]
    nginx, _ = _nginx_upload_location()
    for path in uploads + ADMIN_UPLOAD_PATHS:
        assert any(route.match(path) for route in routes), f"{path} is not in REQUEST_UPLOAD_ROUTES"
        assert nginx.match(path), f"{path} is not in nginx's upload location"
    for path in others + ["/admin/login/", "/api/auth/login/"]:
        assert not any(route.match(path) for route in routes), f"{path} is an upload route"
        assert not nginx.match(path), f"{path} is in nginx's upload location"


def test_nginx_sizes_match_the_settings():
    text = NGINX_CONF.read_text(encoding="utf-8")
    server_level = text.split("location ~")[0].split("listen 443 ssl;")[1]
    assert _nginx_size(server_level) == django_settings.REQUEST_BODY_MAX_BYTES
    _, upload_block = _nginx_upload_location()
    assert _nginx_size(upload_block) >= django_settings.REQUEST_UPLOAD_MAX_BYTES
    assert max(limit for _, limit in django_settings.REQUEST_UPLOAD_ROUTES) <= _nginx_size(
        upload_block
    )


# --- From outside: gunicorn, straight and through nginx ------------------------------------


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, tmp_path_factory):
    nginx_binary()
    with django_db_blocker.unblock(), serving(tmp_path_factory.mktemp("bodies")) as running:
        yield running


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))


def send_and_answer(connect, head: bytes, body_chunks, *, timeout: float = 5.0):
    """Send `head`, then the body chunk by chunk, as fast as the server takes it, while watching
    for an answer; stop sending once one arrives. Returns (status, headers, body, seconds from the
    first byte sent to the whole answer read)."""
    sock = connect()
    started = time.monotonic()
    sock.settimeout(timeout)
    sock.sendall(head)
    data = b""
    for chunk in body_chunks:
        if select.select([sock], [], [], 0)[0]:
            sock.settimeout(0)
            try:
                data = sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError):
                data = b"?"  # TLS housekeeping (a session ticket), not an answer
            except OSError:
                break
            finally:
                sock.settimeout(timeout)
            if data != b"?":
                break  # an answer, or the end
            data = b""
        try:
            sock.settimeout(0.2)
            sock.sendall(chunk)
        except (TimeoutError, ssl.SSLWantWriteError):
            break  # the server stopped reading: its answer is on the way
        except OSError:
            break  # closed on us: whatever it answered is still in our buffer
    sock.settimeout(timeout)
    while b"\r\n\r\n" not in data or len(data) < _expected_length(data):
        try:
            part = sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError):
            break
        if not part:
            break
        data += part
    elapsed = time.monotonic() - started
    sock.close()
    head_text, _, content = data.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    assert lines and lines[0].startswith("HTTP/1."), data[:300]
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, content, elapsed


def _expected_length(data: bytes) -> int:
    head, sep, _ = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    return len(head) + len(sep) + (int(match.group(1)) if match else 0)


def chunks(total: int, size: int = 256 * 1024, fill: bytes = b"a"):
    block = fill * size
    sent = 0
    while sent < total:
        part = block[: min(size, total - sent)]
        sent += len(part)
        yield part


def request_head(path: str, content_type: str, length: int | None, **extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", f"Content-Type: {content_type}"]
    if length is None:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


BODY_KINDS = {
    "json": "application/json",
    "form": "application/x-www-form-urlencoded",
    "multipart": "multipart/form-data; boundary=xyz",
}


def _warm(live) -> int:
    """One refused and one ordinary request first (imports, caches), then the worker's RSS."""
    (pid,) = live.gunicorn.worker_pids()
    send_and_answer(
        tcp_connect(live.gunicorn.port),
        request_head("/api/auth/login/", "application/json", 3 * MiB, X_Forwarded_Proto="https"),
        chunks(64 * 1024),
    )
    status, _, _ = plain_request(
        live.gunicorn.port, "GET", "/api/contests/", headers={"X-Forwarded-Proto": "https"}
    )
    assert status == 200
    return pid


@pytest.mark.parametrize("kind", list(BODY_KINDS))
def test_fifty_megabytes_straight_at_gunicorn_is_413_within_a_second(live, kind):
    pid = _warm(live)
    before = rss_kib(pid)
    status, headers, body, elapsed = send_and_answer(
        tcp_connect(live.gunicorn.port),
        request_head("/api/auth/login/", BODY_KINDS[kind], FIFTY_MB, X_Forwarded_Proto="https"),
        chunks(FIFTY_MB),
    )
    growth_mib = (rss_kib(pid) - before) / 1024
    # The figures (pytest -s): what the closing note of the hardening issue reports.
    print(
        f"\n50 MB {kind} at gunicorn: {status} in {elapsed * 1000:.1f} ms, RSS {growth_mib:+.2f} MiB"
    )
    assert status == 413
    assert json.loads(body)["code"] == "request_too_large"
    assert json.loads(body)["details"] == {"size": FIFTY_MB, "limit": 2 * MiB}
    assert elapsed < 1.0
    assert growth_mib < 20, f"worker grew {growth_mib:.1f} MiB"
    assert live.gunicorn.worker_pids() == [pid]  # the same worker, alive


@pytest.mark.parametrize("kind", list(BODY_KINDS))
def test_fifty_megabytes_through_nginx_is_413_within_a_second(live, kind):
    pid = _warm(live)
    before = rss_kib(pid)
    status, headers, body, elapsed = send_and_answer(
        tls_connect(live.nginx.https_port),
        request_head("/api/auth/login/", BODY_KINDS[kind], FIFTY_MB),
        chunks(FIFTY_MB),
    )
    growth_mib = (rss_kib(pid) - before) / 1024
    print(
        f"\n50 MB {kind} via nginx: {status} in {elapsed * 1000:.1f} ms, RSS {growth_mib:+.2f} MiB"
    )
    assert status == 413
    assert headers["content-type"] == "application/json"
    refused = json.loads(body)
    assert refused["code"] == "request_too_large"
    assert refused["message_zh"] == "请求内容过大。"
    assert refused["message_en"] == "The request body is too large."
    assert elapsed < 1.0
    assert growth_mib < 20


def test_chunked_fifty_megabytes_refused_straight_and_through_nginx(live):
    pid = _warm(live)
    before = rss_kib(pid)

    def chunked(total):
        for part in chunks(total):
            yield f"{len(part):x}\r\n".encode() + part + b"\r\n"
        yield b"0\r\n\r\n"

    status, _, body, elapsed = send_and_answer(
        tcp_connect(live.gunicorn.port),
        request_head("/api/auth/login/", "application/json", None, X_Forwarded_Proto="https"),
        chunked(FIFTY_MB),
    )
    assert (status, json.loads(body)["code"]) == (411, "content_length_required")
    assert elapsed < 1.0
    status, _, body, elapsed = send_and_answer(
        tls_connect(live.nginx.https_port),
        request_head("/api/auth/login/", "application/json", None),
        chunked(FIFTY_MB),
    )
    # nginx reads a chunked body up to client_max_body_size (2 MiB), then refuses it.
    assert (status, json.loads(body)["code"]) == (413, "request_too_large")
    assert elapsed < 1.0
    assert (rss_kib(pid) - before) / 1024 < 20


def test_body_longer_than_its_content_length_is_read_no_further(live):
    """Content-Length says 9 bytes (an empty multipart form), 50 MB follow: the public PDF check
    parses those 9 bytes, finds no file, and answers."""
    pid = _warm(live)
    before = rss_kib(pid)
    empty_form = b"--xyz--\r\n"
    status, _, body, elapsed = send_and_answer(
        tcp_connect(live.gunicorn.port),
        request_head(
            "/api/certificates/verify-pdf/",
            BODY_KINDS["multipart"],
            len(empty_form),
            X_Forwarded_Proto="https",
        ),
        [empty_form, *chunks(FIFTY_MB)],
    )
    refused = json.loads(body)
    assert (status, refused["code"], list(refused["fields"])) == (400, "invalid", ["file"])
    assert elapsed < 1.0
    assert (rss_kib(pid) - before) / 1024 < 20


def test_upload_route_takes_more_than_the_body_limit_through_nginx(live):
    """3 MiB of multipart: past nginx on an upload route (the app answers; anonymous, so 401),
    nginx's 413 on the login."""
    size = 3 * MiB
    head = request_head("/api/entries/1/files/", BODY_KINDS["multipart"], size)
    status, _, body, _ = send_and_answer(tls_connect(live.nginx.https_port), head, chunks(size))
    assert status == 401, body[:300]
    head = request_head("/api/auth/login/", BODY_KINDS["multipart"], size)
    status, _, body, _ = send_and_answer(tls_connect(live.nginx.https_port), head, chunks(size))
    assert (status, json.loads(body)["code"]) == (413, "request_too_large")
