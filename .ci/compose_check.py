"""Check docker-compose.yml for the mistakes that only show up on the production host.

    python .ci/compose_check.py docker-compose.yml

Checks, without a Docker engine: every service has an image or a build; web, worker and beat have
the right command; the app services (web, worker, beat and any other service built from the same
image, such as `migrate`) share exactly the same environment keys; each of them sets the
variables settings needs in production (DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, and
DJANGO_DEBUG off), in a way that cannot come out empty; web has a healthcheck; every depends_on
target exists and is waited for properly (healthy, or a one-shot that completed); named volumes
are declared; `.env.example` documents every variable config/ reads. The proxy: an `nginx`
service publishes the ports and web publishes none; nginx mounts a site configuration that is in
the repository, names web as its upstream and sets the timeouts, size limits, buffering and
forwarded headers that keep slow clients off gunicorn; the app services say how many proxies
are in front (DJANGO_NUM_PROXIES ≥ 1). Then, if docker-compose is installed,
`docker-compose config -q` validates the file against the Compose schema.

Prints each check; exits 1, with the reasons, on any problem.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_IN_PRODUCTION = ("DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL")
COMMAND_WORDS = {
    "web": ("gunicorn", "config.wsgi"),
    "worker": ("celery", "worker"),
    "beat": ("celery", "beat"),
}
ENV_CALL = re.compile(r"\benv_(?:str|bool|int|list)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")
# A value that is nothing but one ${...} reference: it may come out empty unless it is ${X:?msg}
# or has a non-empty default.
WHOLE_REF = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>\w+)")
REQUIRED_REF = re.compile(r"\$\{(\w+):?\?")
FALSE_WORDS = {"0", "false", "no", "off"}
PROXY_SERVICE = "nginx"
# What deploy/nginx/saiwu.conf must say for slow clients never to reach a gunicorn worker.
PROXY_DIRECTIVES = {
    "client_header_timeout": r"client_header_timeout\s+\d+s?;",
    "client_body_timeout": r"client_body_timeout\s+\d+s?;",
    "send_timeout": r"send_timeout\s+\d+s?;",
    "keepalive_timeout": r"keepalive_timeout\s+\d+s?;",
    "client_max_body_size": r"client_max_body_size\s+\d+[km]?;",
    "large_client_header_buffers": r"large_client_header_buffers\s+\d+\s+\d+k;",
    "proxy_request_buffering on": r"proxy_request_buffering\s+on;",
    "proxy_buffering on": r"proxy_buffering\s+on;",
    "X-Forwarded-For": r"proxy_set_header\s+X-Forwarded-For\s+\$proxy_add_x_forwarded_for;",
    "X-Forwarded-Proto": r"proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;",
}


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def ok(self, message: str) -> None:
        print(f"  ok    {message}")

    def fail(self, message: str) -> None:
        self.problems.append(message)
        print(f"  FAIL  {message}")

    def note(self, message: str) -> None:
        print(f"  note  {message}")

    def check(self, condition: bool, good: str, bad: str) -> bool:
        (self.ok if condition else self.fail)(good if condition else bad)
        return condition


def settings_env_names() -> list[str]:
    """Every variable name config/ reads through the config.env helpers."""
    names: set[str] = set()
    for path in sorted((REPO / "config").glob("*.py")):
        if path.name != "env.py":
            names.update(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def service_env(name: str, service: dict, base: Path, report: Report) -> dict[str, str | None]:
    """The service's environment as a dict: `environment` (mapping or list) plus env_file keys."""
    env: dict[str, str | None] = {}
    env_files = service.get("env_file") or []
    for entry in [env_files] if isinstance(env_files, str | dict) else env_files:
        file_name = entry["path"] if isinstance(entry, dict) else entry
        path = base / file_name
        if path.exists():
            env.update(read_env_file(path))
        else:
            report.note(f"{name}: env_file {file_name} is not here; its keys are not checked")
    raw = service.get("environment") or {}
    if isinstance(raw, dict):
        env.update({k: None if v is None else str(v) for k, v in raw.items()})
    else:
        for item in raw:
            key, sep, value = str(item).partition("=")
            env[key] = value if sep else None
    return env


def never_empty(value: str | None) -> bool:
    """True when the value cannot end up empty after docker-compose interpolates it."""
    if value is None or value.strip() == "":
        return False
    match = WHOLE_REF.fullmatch(value.strip())
    if not match:
        return True  # literal text, possibly around references: never empty
    if match.group("bare"):
        return False
    op, arg = match.group("op"), match.group("arg") or ""
    return op == ":?" or (op == ":-" and arg != "")


def command_text(service: dict) -> str:
    command = service.get("command")
    if command is None:
        return ""
    return " ".join(map(str, command)) if isinstance(command, list) else str(command)


def named_volumes(service: dict) -> list[str]:
    names = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            source = volume.get("source") if volume.get("type", "volume") == "volume" else None
        else:
            source = str(volume).split(":")[0] if ":" in str(volume) else None
        if source and not source.startswith(("/", ".", "~", "$")):
            names.append(source)
    return names


def depends_on(service: dict) -> dict[str, str | None]:
    raw = service.get("depends_on") or {}
    if isinstance(raw, list):
        return {name: None for name in raw}
    return {name: (spec or {}).get("condition") for name, spec in raw.items()}


def has_healthcheck(service: dict) -> bool:
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable") and bool(check.get("test"))


def check_structure(compose: dict, base: Path, report: Report) -> None:
    services = compose.get("services")
    if not isinstance(services, dict) or not services:
        report.fail("no services defined")
        return
    report.ok(f"services: {', '.join(services)}")

    for name, service in services.items():
        report.check(
            bool(service.get("image") or service.get("build")),
            f"{name}: has {'build' if service.get('build') else 'image'}",
            f"{name}: has neither image nor build",
        )

    missing = [name for name in APP_SERVICES if name not in services]
    if not report.check(
        not missing,
        f"app services present: {', '.join(APP_SERVICES)}",
        f"app services missing: {', '.join(missing)}",
    ):
        return

    for name in APP_SERVICES:
        text = command_text(services[name])
        words = COMMAND_WORDS[name]
        if not text:
            report.fail(f"{name}: no command (expected one running {' '.join(words)})")
        else:
            report.check(
                all(word in text for word in words),
                f"{name}: command runs {' '.join(words)}",
                f"{name}: command {text!r} does not run {' '.join(words)}",
            )

    # The app services: web, worker, beat and anything else built from the same image (migrate).
    web = services["web"]
    app = list(APP_SERVICES) + [
        name
        for name, service in services.items()
        if name not in APP_SERVICES
        and (
            (web.get("build") and service.get("build") == web.get("build"))
            or (web.get("image") and service.get("image") == web.get("image"))
        )
    ]
    envs = {name: service_env(name, services[name], base, report) for name in app}
    reference = set(envs["web"])
    for name in app[1:]:
        keys = set(envs[name])
        lacks, extra = sorted(reference - keys), sorted(keys - reference)
        report.check(
            not lacks and not extra,
            f"{name}: same {len(keys)} environment keys as web",
            f"{name}: environment differs from web's"
            + (f"; lacks {', '.join(lacks)}" if lacks else "")
            + (f"; has extra {', '.join(extra)}" if extra else ""),
        )

    read = settings_env_names()
    report.ok(f"config/ reads {len(read)} variables: {', '.join(read)}")
    required = [name for name in REQUIRED_IN_PRODUCTION if name in read]
    for name in app:
        env = envs[name]
        unset = [var for var in required if not never_empty(env.get(var))]
        report.check(
            not unset,
            f"{name}: sets {', '.join(required)}",
            f"{name}: {', '.join(unset)} unset or possibly empty "
            "(give a value, or ${VAR:?message} so docker-compose refuses to start without it)",
        )
        debug = (env.get("DJANGO_DEBUG") or "").strip().lower()
        report.check(
            debug in FALSE_WORDS,
            f"{name}: DJANGO_DEBUG={debug}",
            f"{name}: DJANGO_DEBUG must be set to 0 (settings default to debug on)",
        )
    defaults = [var for var in read if var not in reference]
    if defaults:
        report.note(f"app services leave at their defaults: {', '.join(defaults)}")

    report.check(
        has_healthcheck(web),
        "web: has a healthcheck",
        "web: no healthcheck",
    )

    for name, service in services.items():
        for target, condition in depends_on(service).items():
            if target not in services:
                report.fail(f"{name}: depends_on {target}, which is not a service")
            elif condition == "service_completed_successfully":
                one_shot = str(services[target].get("restart", "no")) in {"no", "False"}
                report.check(
                    one_shot,
                    f"{name}: waits for one-shot {target} to complete",
                    f"{name}: waits for {target} to complete, but {target} restarts "
                    f"(restart: {services[target].get('restart')})",
                )
            elif not has_healthcheck(services[target]):
                report.fail(f"{name}: depends_on {target}, which has no healthcheck")
            else:
                report.check(
                    condition == "service_healthy",
                    f"{name}: waits for {target} to be healthy",
                    f"{name}: depends_on {target} without condition: service_healthy",
                )

    declared = set((compose.get("volumes") or {}).keys())
    used = {v for service in services.values() for v in named_volumes(service)}
    undeclared = sorted(used - declared)
    report.check(
        not undeclared,
        f"named volumes declared: {', '.join(sorted(used)) or 'none used'}",
        f"named volumes used but not declared under volumes: {', '.join(undeclared)}",
    )
    if declared - used:
        report.note(f"volumes declared but unused: {', '.join(sorted(declared - used))}")

    example = base / ".env.example"
    if not example.exists():
        example = REPO / ".env.example"
    if example.exists():
        documented = set(
            re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example.read_text("utf-8"), re.MULTILINE)
        )
        undocumented = [var for var in read if var not in documented]
        report.check(
            not undocumented,
            f"{example.name} documents every variable config/ reads",
            f"{example.name} does not document: {', '.join(undocumented)}",
        )
    else:
        report.fail(".env.example not found")


def mounted_files(service: dict, base: Path) -> list[tuple[Path, str]]:
    """(host path, container path) of each bind mount of a file or folder under `base`."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            source, target = volume.get("source", ""), volume.get("target", "")
        else:
            parts = str(volume).split(":")
            source, target = (parts[0], parts[1]) if len(parts) > 1 else ("", "")
        if source.startswith("./"):
            mounts.append((base / source, target))
    return mounts


def check_proxy(compose: dict, base: Path, report: Report) -> None:
    services = compose.get("services") or {}
    web = services.get("web") or {}
    report.check(
        not web.get("ports"),
        "web: not published (only the proxy is)",
        f"web: publishes {', '.join(map(str, web.get('ports') or []))}; put it behind the "
        f"{PROXY_SERVICE} service, which alone publishes ports",
    )
    proxy = services.get(PROXY_SERVICE)
    if not report.check(
        proxy is not None,
        f"{PROXY_SERVICE}: the reverse proxy is a service",
        f"no {PROXY_SERVICE} service: gunicorn must not face clients directly",
    ):
        return
    report.check(
        str(proxy.get("image", "")).startswith("nginx"),
        f"{PROXY_SERVICE}: image {proxy.get('image')}",
        f"{PROXY_SERVICE}: image {proxy.get('image')!r} is not nginx",
    )
    report.check(
        bool(proxy.get("ports")),
        f"{PROXY_SERVICE}: publishes {', '.join(map(str, proxy.get('ports') or []))}",
        f"{PROXY_SERVICE}: publishes no ports",
    )
    report.check(
        depends_on(proxy).get("web") == "service_healthy",
        f"{PROXY_SERVICE}: starts once web is healthy",
        f"{PROXY_SERVICE}: does not wait for web to be healthy",
    )
    sites = [
        path
        for path, target in mounted_files(proxy, base)
        if target.startswith("/etc/nginx/conf.d/") and target.endswith(".conf")
    ]
    if not report.check(
        bool(sites) and all(path.is_file() for path in sites),
        f"{PROXY_SERVICE}: site configuration {', '.join(p.name for p in sites)} mounted from "
        "the repository",
        f"{PROXY_SERVICE}: no site configuration file from the repository mounted into "
        "/etc/nginx/conf.d/ (or it is missing)",
    ):
        return
    text = "\n".join(path.read_text(encoding="utf-8") for path in sites)
    text = re.sub(r"#[^\n]*", "", text)
    missing = [name for name, pattern in PROXY_DIRECTIVES.items() if not re.search(pattern, text)]
    report.check(
        not missing,
        f"{PROXY_SERVICE}: sets {', '.join(PROXY_DIRECTIVES)}",
        f"{PROXY_SERVICE}: site configuration lacks {', '.join(missing)}",
    )
    upstreams = re.findall(r"\bserver\s+([\w.-]+):(\d+)\s*;", text)
    report.check(
        bool(upstreams) and all(host in services for host, _ in upstreams),
        f"{PROXY_SERVICE}: upstream {', '.join(f'{h}:{p}' for h, p in upstreams)}",
        f"{PROXY_SERVICE}: upstream {upstreams or 'missing'} does not name a service",
    )
    proxies = str((web.get("environment") or {}).get("DJANGO_NUM_PROXIES", "") or "")
    match = WHOLE_REF.fullmatch(proxies.strip()) if proxies.strip() else None
    value = (match.group("arg") or "") if match and match.group("op") == ":-" else proxies.strip()
    report.check(
        value.isdigit() and int(value) >= 1,
        f"web: DJANGO_NUM_PROXIES={proxies} (the client address comes from X-Forwarded-For)",
        f"web: DJANGO_NUM_PROXIES={proxies or 'unset'}: behind {PROXY_SERVICE} it must be at "
        "least 1, else every client counts as the proxy's address",
    )


def check_with_docker_compose(path: Path, report: Report) -> None:
    binary = shutil.which("docker-compose") or (
        "/usr/bin/docker-compose" if Path("/usr/bin/docker-compose").exists() else None
    )
    if not binary:
        report.note("docker-compose not installed: schema validation skipped")
        return
    # ${VAR:?msg} makes `config` fail when VAR is unset, as it should on a real host; here only the
    # file is being validated, so such variables get a placeholder unless the environment has them.
    env = dict(os.environ)
    placeholders = sorted(
        {v for v in REQUIRED_REF.findall(path.read_text("utf-8")) if v not in env}
    )
    env.update(dict.fromkeys(placeholders, "compose-check-placeholder"))
    result = subprocess.run(
        [binary, "-f", path.name, "config", "-q"],
        cwd=path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    shown = f" (placeholders for {', '.join(placeholders)})" if placeholders else ""
    report.check(
        result.returncode == 0,
        f"docker-compose config -q{shown}",
        f"docker-compose config -q exited {result.returncode}: "
        + (result.stderr or result.stdout).strip(),
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: compose_check.py docker-compose.yml", file=sys.stderr)
        return 2
    path = Path(argv[1]).resolve()
    print(f"compose-check: {path}")
    report = Report()
    try:
        compose = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        report.fail(f"cannot read {path.name}: {exc}")
        compose = None
    if isinstance(compose, dict):
        report.ok("parsed as YAML")
        check_structure(compose, path.parent, report)
        check_proxy(compose, path.parent, report)
        check_with_docker_compose(path, report)
    elif compose is not None:
        report.fail(f"{path.name} is not a mapping")
    if report.problems:
        print(f"compose-check: {len(report.problems)} problem(s) in {path.name}")
        return 1
    print(f"compose-check: {path.name} is fine")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
