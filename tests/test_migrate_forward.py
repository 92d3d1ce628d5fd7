"""Migrating forward keeps the data.

A PostgreSQL database migrated and seeded (`seed_demo --small`) with the tree of BASE, then migrated
with the current tree, keeps every row of every table (the count per table is equal) and every
contest's audit chain still verifies. Runs against its own throwaway database on the server of
DATABASE_URL, not the Django test database; the BASE tree comes from `git archive`, so the working
tree is never touched.

Django's own bookkeeping tables are the one exception to "equal": a new migration adds a row to
django_migrations, and a model that moves to another app gets a content type and permissions under
its new label. For those tables no row may vanish (every primary key from before is still there),
but new rows are allowed and printed.
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

# The last commit before the awards app was split out of judging.
BASE = "34e72f53dfa3cddc9dfd80114041dc55ae52144d"

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
# Django bookkeeping: may gain rows when migrating forward, must not lose any.
BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}
AUDIT_MARK = "AUDIT_JSON "

AUDIT_SCRIPT = f"""
import json
from contest.models import Contest
from judging.models import AuditLog
from judging.services.audit import audit_verify

chains = {{}}
for contest_id in Contest.objects.order_by("pk").values_list("pk", flat=True):
    check = audit_verify(contest=contest_id)
    chains[str(contest_id)] = {{
        "ok": check.ok,
        "rows": check.rows,
        "first_bad_seq": check.first_bad_seq,
        "problem": check.problem,
    }}
result = {{"table": AuditLog._meta.db_table, "total": AuditLog.objects.count(), "chains": chains}}
print({AUDIT_MARK!r} + json.dumps(result))
"""


def _skip_or_fail(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the migrate-forward test, but {reason}")
    pytest.skip(reason)


def _text(value) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _output(stdout, stderr) -> str:
    return f"--- stdout ---\n{_text(stdout)[-8000:]}\n--- stderr ---\n{_text(stderr)[-8000:]}"


def _run(args: list[str], *, cwd: Path, env: dict, timeout: int, what: str):
    """Run a command, fail the test with its output when it fails or hangs; return (proc, seconds)."""
    started = time.monotonic()
    try:
        proc = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{what} timed out after {timeout} s\n{_output(exc.stdout, exc.stderr)}")
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        pytest.fail(f"{what} exited with {proc.returncode}\n{_output(proc.stdout, proc.stderr)}")
    return proc, elapsed


def _manage(cwd: Path, env: dict, *args: str, timeout: int, what: str):
    return _run([sys.executable, "manage.py", *args], cwd=cwd, env=env, timeout=timeout, what=what)


def _extract_base(dest: Path):
    """`git archive BASE | tar -x` into dest."""
    git = subprocess.Popen(
        ["git", "-C", str(ROOT), "archive", "--format=tar", BASE],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        tar = subprocess.run(
            ["tar", "-x", "-C", str(dest)],
            stdin=git.stdout,
            capture_output=True,
            timeout=300,
            check=False,
        )
    finally:
        git.stdout.close()
        git_err = git.stderr.read()
        git.stderr.close()
        git_rc = git.wait(timeout=60)
    assert git_rc == 0, f"git archive {BASE} exited with {git_rc}: {_text(git_err)}"
    assert tar.returncode == 0, (
        f"tar -x exited with {tar.returncode}\n{_output(tar.stdout, tar.stderr)}"
    )
    assert (dest / "manage.py").is_file(), f"no manage.py in the archive of {BASE}"


def _count_rows(conninfo: str) -> dict[str, int]:
    """Rows per table in the public schema."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                " ORDER BY table_name"
            )
        ]
        return {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
            ).fetchone()[0]
            for table in tables
        }


def _ids(conninfo: str, tables) -> dict[str, set]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        return {
            table: {
                row[0]
                for row in conn.execute(
                    sql.SQL("SELECT id FROM {}").format(sql.Identifier("public", table))
                )
            }
            for table in tables
        }


def _drop_database(server: str, name: str):
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.mark.migrate_forward
def test_migrate_forward_from_base_keeps_rows_and_audit_chain(tmp_path):
    database_url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(database_url)
    if parts.scheme not in POSTGRES_SCHEMES:
        _skip_or_fail(
            "DATABASE_URL is not a PostgreSQL URL (set e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test)"
        )
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "cat-file", "-e", f"{BASE}^{{commit}}"],
            capture_output=True,
            timeout=30,
            check=False,
        )
        has_base = found.returncode == 0
    except (OSError, subprocess.SubprocessError):
        has_base = False
    if not has_base:
        _skip_or_fail(
            f"git cannot find the base commit {BASE} in {ROOT} "
            "(a shallow clone? fetch the full history)"
        )

    libpq_url = parts._replace(scheme="postgresql").geturl()
    server = make_conninfo(libpq_url, dbname="postgres")
    name = f"saiwu_forward_{os.getpid()}_{secrets.token_hex(4)}"
    conninfo = make_conninfo(libpq_url, dbname=name)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "AWS_STORAGE_BUCKET_NAME"}
        and key not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DATABASE_URL=parts._replace(path=f"/{name}").geturl(),
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    base_tree = tmp_path / "base"
    base_tree.mkdir()
    timings: dict[str, float] = {}

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        started = time.monotonic()
        _extract_base(base_tree)
        timings["git archive"] = time.monotonic() - started

        _, timings["migrate at BASE"] = _manage(
            base_tree, env, "migrate", "--noinput", timeout=600, what="migrate at BASE"
        )
        _, timings["seed_demo --small at BASE"] = _manage(
            base_tree, env, "seed_demo", "--small", timeout=900, what="seed_demo at BASE"
        )
        before = _count_rows(conninfo)
        before_ids = _ids(conninfo, BOOKKEEPING & before.keys())

        forward, timings["migrate forward"] = _manage(
            ROOT, env, "migrate", "--noinput", timeout=600, what="migrate with the current tree"
        )
        after = _count_rows(conninfo)
        after_ids = _ids(conninfo, BOOKKEEPING & after.keys())

        print(f"\nmigrate forward output:\n{forward.stdout.strip()}")
        new_tables = sorted(after.keys() - before.keys())
        print(f"tables new after migrating forward: {new_tables or 'none'}")
        for table in new_tables:
            print(f"  {table}: {after[table]} rows")

        # The one table a migration fills on purpose: awards 0005 preloads the working-day
        # calendar with China's official days (the seeded demo entered none).
        from awards.services.calendar import calendar_official_days

        preloaded = {"judging_calendarday": before.get("judging_calendarday", 0)}
        preloaded["judging_calendarday"] += len(calendar_official_days())
        changed = {
            table: (count, after.get(table))
            for table, count in before.items()
            if table not in BOOKKEEPING and after.get(table) != preloaded.get(table, count)
        }
        assert not changed, (
            f"{len(changed)} table(s) changed row count when migrating forward from {BASE[:12]}:\n"
            + "\n".join(
                f"  {table}: before={was} after={'table gone' if now is None else now}"
                for table, (was, now) in sorted(changed.items())
            )
            + f"\n{_output(forward.stdout, forward.stderr)}"
        )
        for table in sorted(BOOKKEEPING & before.keys()):
            lost = before_ids[table] - after_ids.get(table, set())
            assert not lost, (
                f"{table} lost {len(lost)} row(s) when migrating forward "
                f"(ids {sorted(lost)[:20]}): before={before[table]} after={after.get(table)}"
            )
            if after[table] != before[table]:
                print(f"  {table} (bookkeeping): {before[table]} -> {after[table]} rows")

        _, timings["migrate --check"] = _manage(
            ROOT,
            env,
            "migrate",
            "--check",
            "--noinput",
            timeout=300,
            what="migrate --check with the current tree (unapplied migrations left?)",
        )

        audit, timings["audit_verify"] = _manage(
            ROOT, env, "shell", "-c", AUDIT_SCRIPT, timeout=300, what="audit_verify"
        )
        lines = [line for line in audit.stdout.splitlines() if line.startswith(AUDIT_MARK)]
        assert lines, f"the audit script printed no result\n{_output(audit.stdout, audit.stderr)}"
        result = json.loads(lines[-1][len(AUDIT_MARK) :])
        chains = result["chains"]
        broken = {contest: check for contest, check in chains.items() if not check["ok"]}
        assert chains, "no contest after seeding: nothing to verify"
        assert not broken, f"audit chain broken after migrating forward: {broken}"
        assert result["total"] > 0, "no audit rows after seeding: the chain check proves nothing"
        verified = sum(check["rows"] for check in chains.values())
        assert verified == result["total"], (
            f"chains verified {verified} rows but {result['table']} holds {result['total']}"
        )
        assert result["total"] == before.get(result["table"]), (
            f"{result['table']} held {before.get(result['table'])} rows at BASE, "
            f"{result['total']} now"
        )

        total_rows = sum(before.values())
        print(
            f"compared {len(before)} tables, {total_rows} rows; "
            f"{len(chains)} audit chains, {result['total']} audit rows verified"
        )
        print("timings: " + ", ".join(f"{step} {secs:.1f} s" for step, secs in timings.items()))
    finally:
        _drop_database(server, name)
