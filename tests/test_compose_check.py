"""`.ci/compose_check.py` passes the real docker-compose.yml and fails broken copies of it."""

import copy
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
CHECKER = REPO / ".ci" / "compose_check.py"
NGINX_SITE = Path("deploy") / "nginx" / "saiwu.conf"


def run_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(CHECKER), str(path)],
        capture_output=True,
        text=True,
        timeout=180,
    )


def broken_copy(tmp_path: Path, change, site_change=None) -> Path:
    """The real file, anchors expanded, with `change` applied, written beside a .env.example and
    the nginx site configuration (with `site_change` applied to its text)."""
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
    # Anchors load as one shared object: give each service its own copy before changing one.
    compose["services"] = {k: copy.deepcopy(v) for k, v in compose["services"].items()}
    change(compose["services"])
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(compose, allow_unicode=True), encoding="utf-8")
    (tmp_path / ".env.example").write_text(
        (REPO / ".env.example").read_text(encoding="utf-8"), encoding="utf-8"
    )
    site = (REPO / NGINX_SITE).read_text(encoding="utf-8")
    (tmp_path / NGINX_SITE).parent.mkdir(parents=True)
    (tmp_path / NGINX_SITE).write_text(site_change(site) if site_change else site, "utf-8")
    return path


def test_compose_check_real_file_passes():
    result = run_check(REPO / "docker-compose.yml")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "docker-compose.yml is fine" in result.stdout


def test_compose_check_unchanged_copy_passes(tmp_path):
    result = run_check(broken_copy(tmp_path, lambda services: None))

    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_check_missing_command_fails(tmp_path):
    def drop_worker_command(services):
        del services["worker"]["command"]

    result = run_check(broken_copy(tmp_path, drop_worker_command))

    assert result.returncode == 1
    assert "FAIL  worker: no command" in result.stdout


def test_compose_check_mismatched_environment_fails(tmp_path):
    def drop_beat_variable(services):
        del services["beat"]["environment"]["SITE_URL"]

    result = run_check(broken_copy(tmp_path, drop_beat_variable))

    assert result.returncode == 1
    assert "FAIL  beat: environment differs from web's; lacks SITE_URL" in result.stdout


def test_compose_check_missing_production_secret_fails(tmp_path):
    def blank_secret_key(services):
        for name in ("migrate", "web", "worker", "beat"):
            services[name]["environment"]["DJANGO_SECRET_KEY"] = "${DJANGO_SECRET_KEY}"

    result = run_check(broken_copy(tmp_path, blank_secret_key))

    assert result.returncode == 1
    assert "FAIL  web: DJANGO_SECRET_KEY unset or possibly empty" in result.stdout


def test_compose_check_dependency_without_healthcheck_fails(tmp_path):
    def drop_redis_healthcheck(services):
        del services["redis"]["healthcheck"]

    result = run_check(broken_copy(tmp_path, drop_redis_healthcheck))

    assert result.returncode == 1
    assert "FAIL  worker: depends_on redis, which has no healthcheck" in result.stdout


def test_compose_check_undeclared_volume_fails(tmp_path):
    def rename_media_volume(services):
        services["web"]["volumes"] = ["uploads:/data/media"]

    result = run_check(broken_copy(tmp_path, rename_media_volume))

    assert result.returncode == 1
    assert "named volumes used but not declared under volumes: uploads" in result.stdout


def test_compose_check_published_web_fails(tmp_path):
    def publish_web(services):
        services["web"]["ports"] = ["8000:8000"]

    result = run_check(broken_copy(tmp_path, publish_web))

    assert result.returncode == 1
    assert "FAIL  web: publishes 8000:8000; put it behind the nginx service" in result.stdout


def test_compose_check_missing_proxy_fails(tmp_path):
    def drop_nginx(services):
        del services["nginx"]

    result = run_check(broken_copy(tmp_path, drop_nginx))

    assert result.returncode == 1
    assert "FAIL  no nginx service: gunicorn must not face clients directly" in result.stdout


def test_compose_check_proxy_without_request_buffering_fails(tmp_path):
    def unbuffered(site):
        return site.replace("proxy_request_buffering on;", "proxy_request_buffering off;").replace(
            "client_header_timeout 10s;", ""
        )

    result = run_check(broken_copy(tmp_path, lambda services: None, unbuffered))

    assert result.returncode == 1
    assert (
        "FAIL  nginx: site configuration lacks client_header_timeout, proxy_request_buffering on"
        in result.stdout
    )


def test_compose_check_proxy_upstream_must_be_a_service(tmp_path):
    def other_upstream(site):
        return site.replace("server web:8000;", "server app:8000;")

    result = run_check(broken_copy(tmp_path, lambda services: None, other_upstream))

    assert result.returncode == 1
    assert "FAIL  nginx: upstream [('app', '8000')] does not name a service" in result.stdout


def test_compose_check_no_proxy_count_fails(tmp_path):
    def no_proxies(services):
        for name in ("migrate", "web", "worker", "beat"):
            services[name]["environment"]["DJANGO_NUM_PROXIES"] = "0"

    result = run_check(broken_copy(tmp_path, no_proxies))

    assert result.returncode == 1
    assert "FAIL  web: DJANGO_NUM_PROXIES=0: behind nginx it must be at least 1" in result.stdout
