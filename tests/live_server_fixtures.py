"""A real ASGI server in a subprocess for the live final's tests: gunicorn with its asyncio
worker on `config.asgi` (what `make serve` runs), on the suite's test database, the in-memory
channel layer (one worker) unless `redis_url` is given. Plus small HTTP and WebSocket clients."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_env(tmp: Path) -> dict[str, str]:
    """The suite's test database for another process (SQLite's in-memory one copied to a file)."""
    from django.db import connection

    db = connection.settings_dict
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


def server_env(
    tmp: Path, database: dict[str, str], redis_url: str = "", debug: bool = True
) -> dict[str, str]:
    """The server's environment; `debug=False` runs it as production does (bench/live_final.py),
    with the secret key of this process's environment."""
    secret = os.environ.get("DJANGO_SECRET_KEY", "")
    dropped = ("DJANGO_", "PYTEST_", "CELERY_", "THROTTLE_", "CHANNEL_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    for name in ("DATABASE_URL", "SQLITE_PATH", "CACHE_URL"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MEDIA_ROOT": str(tmp / "media"),
            "LOG_LEVEL": "WARNING",
            **database,
        }
    )
    if not debug:
        env.update({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secret, "SECURE_SSL_REDIRECT": "0"})
    if redis_url:
        env["CHANNEL_REDIS_URL"] = redis_url
    return env


class LiveServer:
    """`gunicorn -c config/gunicorn.conf.py config.asgi:application -k asgi` on a free port (with
    `wsgi=True`: `config.wsgi` on sync workers, as docker-compose's `web` serves HTTP)."""

    def __init__(self, tmp: Path, env: dict[str, str], workers: int = 1, wsgi: bool = False):
        self.port = free_port()
        self.log_path = tmp / f"live-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py")]
        if wsgi:
            args += ["config.wsgi", "--max-requests", "0"]
        else:
            args += ["config.asgi:application", "-k", "asgi", "--max-requests", "0"]
        args += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        args += ["--access-logfile", "/dev/null"]
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited {self.process.returncode}:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"server not ready within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()


def http(server: LiveServer, method: str, path: str, body=None, token: str | None = None):
    """(status, JSON body) of one request."""
    headers = {"Content-Type": "application/json", "Accept-Language": "zh-hans"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, _body(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, _body(refused.read())


def _body(raw: bytes):
    try:
        return json.loads(raw or b"null")
    except ValueError:  # Django's debug page: its summary is enough
        text = raw.decode(errors="replace")
        start = text.find('<pre class="exception_value">')
        return text[start : start + 600] if start >= 0 else text[:600]


def token_for(user) -> str:
    from knox.models import AuthToken

    return AuthToken.objects.create(user)[1]
