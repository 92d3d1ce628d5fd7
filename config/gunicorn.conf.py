"""gunicorn settings for Saiwu: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Used by docker-compose (service `web`), the Dockerfile's default command and `make serve`; a
command-line option (`--bind`, `--workers`) overrides the value here.

Sync workers, behind nginx (deploy/nginx/saiwu.conf). A sync worker serves one request at a time
and waits on whoever it reads from: facing the internet, a client that dribbles its headers or its
body holds a worker for as long as `timeout` allows, and a handful of such sockets takes every
worker (tests/security/test_proxy.py measures it). nginx reads each request whole before passing
it on (headers within `client_header_timeout`, the body buffered, `proxy_request_buffering on`)
and takes responses as fast as gunicorn writes them (`proxy_buffering on`), so a worker only ever
waits on the application. That is why gunicorn is never published directly in production.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# gunicorn runs this file before the application is imported; config.env is the one helper that
# reads the environment, documented in .env.example.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.env import env_int, env_str  # noqa: E402

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
# About 2 × CPU cores + 1; each sync worker is one request at a time.
workers = env_int("WEB_CONCURRENCY", 4)
worker_class = "sync"
# A request running longer than this is aborted and its worker replaced. nginx's
# proxy_read_timeout is longer, so the client gets gunicorn's answer, not nginx's 504.
timeout = env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Workers are replaced after this many requests (plus jitter, so they do not all restart at once):
# a slow leak in a library cannot grow a worker without bound.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = 200

# Request line and headers: no larger than nginx lets through (large_client_header_buffers 4 8k).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# The heartbeat file of each worker: in memory, not on the container's overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn (27) opens a control socket at one path per user ($HOME/.gunicorn/gunicorn.ctl): the app
# user's home in the image is not writable, and two servers on one host (the test suite runs
# several) would take each other's. Nothing here uses it.
control_socket_disable = True

accesslog = "-"
# The client (as nginx saw it, first field) before the peer (nginx itself), and the time in ms.
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)
