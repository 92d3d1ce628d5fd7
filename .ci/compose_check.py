"""Check docker-compose.yml for the mistakes that only show up on the production host.

    python .ci/compose_check.py docker-compose.yml

Checks, without a Docker engine: every service has an image or a build; web, worker and beat have
the right command; the app services (web, worker, beat and any other service built from the same
image, such as `migrate`) share exactly the same environment keys; each of them sets the
variables settings needs in production (DJANGO_SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL, and
DJANGO_DEBUG off), in a way that cannot come out empty; web has a healthcheck; every depends_on
target exists and is waited for properly (healthy, or a one-shot that completed); named volumes
are declared; `.env.example` documents every variable config/ reads. Then, if docker-compose is
installed, `docker-compose config -q` validates the file against the Compose schema.

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
