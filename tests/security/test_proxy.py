"""Slow clients through the production proxy: Debian's nginx, started here with the committed
`deploy/nginx/saiwu.conf` (only the upstream address, the listen addresses and the file paths
substituted), in front of gunicorn started with the committed `config/gunicorn.conf.py`, debug
off, on the suite's database (PostgreSQL in CI; locally a file copy of the SQLite test database).

What these tests show:

- 50 sockets dribbling their request headers (one byte every half second) leave `/healthz`
  answering through nginx within 1 s, and nginx drops them when `client_header_timeout` (10 s)
  ends, however steadily they dribble. Bodies that dribble, or claim more than they send, never
  reach gunicorn either (nginx buffers whole bodies: `proxy_request_buffering on`).
- Straight at gunicorn, with no nginx in front, the same sockets take the site down. A sync worker
  reads the header of the connection it accepted until the header is complete, with no timeout of
  its own; meanwhile it neither serves nor heartbeats, so only the arbiter's `timeout` (60 s) ends
  it, by killing the worker, whose replacement accepts the next socket in the backlog. Measured
  here (2 cores, 4 workers, one header byte a second per socket): 1 socket leaves /healthz
  answering; 4 sockets leave it unanswered for 91 s (60 s, then the new workers' start); 50 sockets,
  not one answer in 75 s, and each new worker takes the next slow socket. gunicorn's `gthread`
  workers would not help (a thread reads a header to its end just the same). So `web` is never
  published in docker-compose, only nginx is; `test_gunicorn_alone_is_taken_down_by_slow_headers`
  keeps that claim honest.
- The client address that throttles count is the one nginx saw: a client cannot get round the
  login rate by writing its own `X-Forwarded-For`.

nginx must be installed (`apt-get install nginx-light`); without it these tests skip locally and
fail in CI (`CI` set), where `.ci/run` installs it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import ipaddress
import json
import os
import re
import select
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

# The marker makes pytest-django create the test database, which the server processes use.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "saiwu.conf"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
HOST = "localhost"
# One worker: the strictest case for slow clients (one held worker is the whole site), and the
# throttle counters of the test server live in that one process's memory.
WORKERS = 1
LOGIN_RATE = 5  # per minute and address, for the X-Forwarded-For test
DETACHED = {"stderr": subprocess.STDOUT, "start_new_session": True}  # logs in one file, own group


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found:
        return found
    message = "nginx is not installed (apt-get install nginx-light): the proxy tests need it"
    if os.environ.get("CI"):
        pytest.fail(message + "; .ci/run installs it")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The database the live server uses ------------------------------------------------------


def live_database_env(tmp: Path) -> dict[str, str]:
    """Environment that points a server process at the suite's test database: PostgreSQL's as it
    is; SQLite's (in memory, so not shareable) copied to a file with its tables."""
    from django.db import connection

    db = connection.settings_dict
    # Never a real database: only the one pytest-django made for the run.
    assert "memory" in db["NAME"] or Path(db["NAME"]).name.startswith("test"), db["NAME"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp / "live.sqlite3"
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return {"SQLITE_PATH": str(path)}
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    return {
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    }


# --- gunicorn -------------------------------------------------------------------------------


def production_env(tmp: Path, database: dict[str, str], **extra: str) -> dict[str, str]:
    """Debug off, behind one proxy, nothing inherited that would change the settings."""
    from awards.certificates.signing import generate_signing_key_b64

    dropped = ("DJANGO_", "PYTEST_", "CELERY_", "THROTTLE_", "REQUEST_", "ENTRY_FILE_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    for name in ("DATABASE_URL", "SQLITE_PATH", "CACHE_URL", "CERTIFICATE_SIGNING_KEY"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "proxy-test-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "SITE_URL": f"https://{HOST}",
            "CERTIFICATE_SIGNING_KEY": generate_signing_key_b64(),
            "DJANGO_NUM_PROXIES": "1",
            "MEDIA_ROOT": str(tmp / "media"),
            "THROTTLE_LOGIN": f"{LOGIN_RATE}/min",
            **database,
            **extra,
        }
    )
    return env


class Gunicorn:
    """`gunicorn -c config/gunicorn.conf.py config.wsgi` on a free port, in its own session."""

    def __init__(self, tmp: Path, env: dict[str, str], workers: int = WORKERS):
        self.port = free_port()
        self.log_path = tmp / "gunicorn.log"
        self.log = open(self.log_path, "wb")  # noqa: SIM115
        args = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "config.wsgi"]
        args += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, **DETACHED)
        self.workers = workers

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(OSError):
                status, _, _ = plain_request(self.port, "GET", "/healthz", timeout=2)
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            time.sleep(0.2)
        pytest.fail(f"gunicorn not ready within {timeout} s:\n{self.output()}")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def output(self, since: int = 0) -> str:
        """The log (access lines included) from byte `since`, or its end when not given."""
        self.log.flush()
        text = self.log_path.read_bytes()[since:].decode(errors="replace")
        return text if since else text[-5000:]

    def log_size(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=10)
        self.log.close()


# --- nginx ----------------------------------------------------------------------------------


# Only where gunicorn is, where nginx listens and where its files are change; each must be found.
def nginx_site_config(
    *, upstream: str, http_port: int, https_port: int, certs: Path, static: Path, acme: Path
) -> str:
    text = NGINX_CONF.read_text(encoding="utf-8")
    replacements = [
        ("server web:8000;", f"server {upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/nginx/certs/", f"{certs}/"),
        ("/srv/saiwu/static/", f"{static}/"),
        ("/var/www/certbot", str(acme)),
    ]
    for old, new in replacements:
        assert old in text, f"{NGINX_CONF.name} no longer contains {old!r}: update this test"
        text = text.replace(old, new)
    return text


def self_signed_certificate(folder: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(HOST), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pem, pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(pem))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(pem, pkcs8, serialization.NoEncryption())
    )


class Nginx:
    """Debian's nginx in the foreground with a temporary prefix, the committed site config
    included in a minimal `http { }` as the nginx image's own nginx.conf does."""

    def __init__(self, tmp: Path, upstream_port: int):
        binary = nginx_binary()
        self.prefix = tmp / "nginx"
        for folder in ("logs", "temp", "static", "acme"):
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        self_signed_certificate(self.prefix / "certs")
        (self.prefix / "static" / "hello.css").write_text("body { color: #333; }\n" * 200)
        self.http_port, self.https_port = free_port(), free_port()
        site = nginx_site_config(
            upstream=f"127.0.0.1:{upstream_port}",
            http_port=self.http_port,
            https_port=self.https_port,
            certs=self.prefix / "certs",
            static=self.prefix / "static",
            acme=self.prefix / "acme",
        )
        (self.prefix / "saiwu.conf").write_text(site, encoding="utf-8")
        temp = self.prefix / "temp"
        mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        (self.prefix / "nginx.conf").write_text(
            # Workers run as root only when the test does (they must read the 0700 temp folders).
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"""daemon off;
worker_processes 1;
pid {self.prefix}/nginx.pid;
error_log {self.prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log {self.prefix}/logs/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {self.prefix}/saiwu.conf;
}}
""",
            encoding="utf-8",
        )
        self.log = open(self.prefix / "logs" / "stderr.log", "wb")  # noqa: SIM115
        args = [binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")]
        self.process = subprocess.Popen(args, stdout=self.log, **DETACHED)

    def wait_ready(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"nginx exited {self.process.returncode}:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"nginx not listening within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        parts = []
        for name in ("stderr.log", "error.log"):
            path = self.prefix / "logs" / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-3000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


@contextlib.contextmanager
def serving(tmp: Path, **env: str):
    """gunicorn behind nginx, both from the committed configuration, for as long as the block."""
    gunicorn = Gunicorn(tmp, production_env(tmp, live_database_env(tmp), **env))
    nginx = None
    try:
        gunicorn.wait_ready()
        nginx = Nginx(tmp, gunicorn.port)
        nginx.wait_ready()
        yield SimpleNamespace(gunicorn=gunicorn, nginx=nginx)
    finally:
        if nginx is not None:
            nginx.stop()
        gunicorn.stop()
        # The server committed its writes to the shared PostgreSQL test database: django-axes
        # recorded the failed logins, which would lock later tests' admin logins out.
        from axes.models import AccessAttempt, AccessFailureLog

        AccessAttempt.objects.all().delete()
        AccessFailureLog.objects.all().delete()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory):
    nginx_binary()
    with django_db_blocker.unblock(), serving(tmp_path_factory.mktemp("stack")) as running:
        yield running


# --- Clients --------------------------------------------------------------------------------


def tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's own self-signed certificate
    return context


def _request(connection, method, path, body, headers):
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def https_request(port, method, path, *, body=None, headers=None, timeout=5.0):
    """(status, headers, body) through nginx's HTTPS port."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", port, timeout=timeout, context=tls_context()
    )
    return _request(connection, method, path, body, headers)


def plain_request(port, method, path, *, body=None, headers=None, timeout=5.0):
    """(status, headers, body) over plain HTTP (gunicorn directly, or nginx's port 80)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    return _request(connection, method, path, body, headers)


class Dribblers:
    """`count` sockets that each send the start of a request, then one more byte every `every`
    seconds from one background thread, never finishing; `open_count()` says how many the server
    has not closed yet, `lifetimes()` how long each closed one lived."""

    def __init__(self, connect, count: int, start: bytes, drip: bytes, every: float = 0.5):
        self.sockets, self.opened = [], []
        for _ in range(count):
            self.sockets.append(connect())
            self.sockets[-1].sendall(start)
            self.opened.append(time.monotonic())
        self.drip, self.every = drip, every
        self.closed: dict[int, float] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        position = 0
        while not self.stopped.wait(self.every):
            byte = self.drip[position % len(self.drip) : position % len(self.drip) + 1]
            position += 1
            for index, sock in enumerate(self.sockets):
                if index not in self.closed and not self._alive(sock, byte):
                    self.closed[index] = time.monotonic()

    @staticmethod
    def _alive(sock, byte: bytes) -> bool:
        """Send the next byte; the server has closed the socket (or answered, which ends the
        request just the same) when it becomes readable."""
        try:
            if byte:
                sock.sendall(byte)
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return True
            sock.settimeout(0)
            try:
                sock.recv(4096)  # an answer or the end: either way the request is over
            except (BlockingIOError, ssl.SSLWantReadError):
                return True  # TLS housekeeping (a session ticket), no data: nothing decided yet
            finally:
                sock.settimeout(5)
            return False
        except OSError:
            return False

    def open_count(self) -> int:
        return len(self.sockets) - len(self.closed)

    def lifetimes(self) -> list[float]:
        return [at - self.opened[index] for index, at in self.closed.items()]

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def tcp_connect(port: int):
    return lambda: socket.create_connection(("127.0.0.1", port), timeout=5)


def tls_connect(port: int):
    return lambda: tls_context().wrap_socket(tcp_connect(port)(), server_hostname=HOST)


def healthz_latencies(request, rounds: int, pause: float = 0.25) -> list[float]:
    """Time `rounds` fresh `/healthz` requests; a request with no answer within 1 s counts as
    `inf` (it failed the bound)."""
    seen = []
    for _ in range(rounds):
        started = time.monotonic()
        try:
            status, _, body = request("GET", "/healthz", timeout=1.0)
            ok = status == 200 and json.loads(body) == {"status": "ok"}
            seen.append(time.monotonic() - started if ok else float("inf"))
        except (OSError, http.client.HTTPException):
            seen.append(float("inf"))
        time.sleep(pause)
    return seen


SLOW_HEADER_START = b"GET /api/contests/ HTTP/1.1\r\nHost: localhost\r\n"
SLOW_HEADER_DRIP = b"X-Slow-Header: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"


# --- The tests ------------------------------------------------------------------------------


def test_fifty_slow_header_sockets_leave_healthz_answering_through_nginx(stack):
    def through_nginx(method, path, timeout):
        return https_request(stack.nginx.https_port, method, path, timeout=timeout)

    assert healthz_latencies(through_nginx, 1, pause=0)[0] < 1.0
    logged = stack.gunicorn.log_size()
    dribblers = Dribblers(
        tls_connect(stack.nginx.https_port), 50, SLOW_HEADER_START, SLOW_HEADER_DRIP
    )
    try:
        latencies = healthz_latencies(through_nginx, rounds=16)  # about 5 s of dribbling
        ms = sorted(x * 1000 for x in latencies)
        print(
            f"\n/healthz with 50 slow-header sockets: median {ms[len(ms) // 2]:.0f} ms, max {ms[-1]:.0f} ms"
        )
        assert max(latencies) < 1.0, latencies
        # client_header_timeout (10 s from the connection) ends them however steadily they drip,
        # and nothing ends them sooner: every one was still dribbling while /healthz answered.
        deadline = time.monotonic() + 15
        while dribblers.open_count() and time.monotonic() < deadline:
            time.sleep(0.25)
        assert dribblers.open_count() == 0
        lifetimes = dribblers.lifetimes()
        assert min(lifetimes) > 8.5 and max(lifetimes) < 12.5, lifetimes
    finally:
        dribblers.stop()
    assert '"GET /api/contests/' not in stack.gunicorn.output(since=logged)  # none reached it
    assert healthz_latencies(through_nginx, 1, pause=0)[0] < 1.0


def test_slow_and_lying_bodies_never_reach_gunicorn(stack):
    """Bodies that dribble, or promise more than they send, are nginx's to wait for."""

    def through_nginx(method, path, timeout):
        return https_request(stack.nginx.https_port, method, path, timeout=timeout)

    start = (
        b"POST /api/auth/login/ HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"
    )
    logged = stack.gunicorn.log_size()
    dribblers = Dribblers(tls_connect(stack.nginx.https_port), 50, start, b' "a": 1,')
    liars = Dribblers(tls_connect(stack.nginx.https_port), 10, start, b"", every=3600)
    try:
        latencies = healthz_latencies(through_nginx, rounds=12)
        assert max(latencies) < 1.0, latencies
        assert dribblers.open_count() == 50 and liars.open_count() == 10
    finally:
        dribblers.stop()
        liars.stop()
    assert '"POST /api/auth/login/' not in stack.gunicorn.output(since=logged)


def test_gunicorn_alone_is_taken_down_by_slow_headers(stack):
    """Why nginx is in front: the same sockets straight at gunicorn leave /healthz unanswered."""

    def direct(method, path, timeout):
        return plain_request(stack.gunicorn.port, method, path, timeout=timeout)

    assert healthz_latencies(direct, 1, pause=0)[0] < 1.0
    dribblers = Dribblers(tcp_connect(stack.gunicorn.port), 50, SLOW_HEADER_START, SLOW_HEADER_DRIP)
    try:
        latencies = healthz_latencies(direct, rounds=4)
    finally:
        dribblers.stop()
    assert latencies == [float("inf")] * 4
    # Once the sockets are gone the worker reads the end of its request and serves again.
    deadline = time.monotonic() + 10
    while healthz_latencies(direct, 1, pause=0)[0] >= 1.0:
        assert time.monotonic() < deadline, stack.gunicorn.output()


def test_client_cannot_choose_its_address_with_x_forwarded_for(stack):
    """The login rate counts per address; a new made-up X-Forwarded-For on every attempt is still
    the same client, because the app takes the entry nginx appended (DJANGO_NUM_PROXIES=1)."""
    _, headers, body = https_request(stack.nginx.https_port, "GET", "/api/auth/csrf/")
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    csrf = {
        "Cookie": f"csrftoken={cookie}",
        "X-CSRFToken": json.loads(body)["csrftoken"],
        "Origin": f"https://{HOST}",
        "Referer": f"https://{HOST}/login",
    }
    statuses, codes = [], []
    for attempt in range(LOGIN_RATE + 2):
        status, headers, body = https_request(
            stack.nginx.https_port,
            "POST",
            "/api/auth/login/",
            body=json.dumps({"login": f"nobody{attempt}@example.com", "password": "wrong-pass"}),
            headers={
                "Content-Type": "application/json",
                "X-Forwarded-For": f"198.51.100.{attempt + 1}",
                **csrf,
            },
        )
        statuses.append(status)
        codes.append(json.loads(body)["code"])
    assert statuses == [400] * LOGIN_RATE + [429, 429], codes
    assert int(headers["Retry-After"]) > 0
    assert json.loads(body)["code"] == "throttled"


def test_plain_http_is_redirected_and_https_carries_the_security_headers(stack):
    status, headers, _ = plain_request(stack.nginx.http_port, "GET", "/api/contests/?page=2")
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/api/contests/?page=2"
    status, headers, _ = https_request(stack.nginx.https_port, "GET", "/api/auth/csrf/")
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "nginx/" not in headers.get("Server", "")  # server_tokens off
    # The request counted as HTTPS (X-Forwarded-Proto from nginx): secure cookies, no redirect.
    assert re.search(r"csrftoken=[^;]+;.*Secure", headers["Set-Cookie"])


def test_static_files_served_by_nginx_compressed(stack):
    status, headers, body = https_request(
        stack.nginx.https_port, "GET", "/static/hello.css", headers={"Accept-Encoding": "gzip"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "max-age=604800"
    assert len(body) < 4400  # 4,400 bytes of CSS, compressed
