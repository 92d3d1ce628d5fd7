"""config.sqlite: the writers of one process queue on the process's lock before SQLite's own, and
every way a transaction ends gives the lock back; the embedded database runs in WAL mode.

Each wrapper here is a connection of its own to a file database (the suite's test database is in
memory, which takes no lock), driven through the calls `transaction.atomic` makes: BEGIN
IMMEDIATE under autocommit, then commit, rollback or close."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from config.sqlite.base import _writer_lock

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def database(tmp_path, django_db_blocker):
    path = tmp_path / "writers.sqlite3"
    with django_db_blocker.unblock():
        first = _wrapper(path)
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE score (judge integer)")
        first.close()
        yield path


def _wrapper(path, timeout: float = 5):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "config.sqlite",
                "NAME": str(path),
                "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
            }
        }
    )
    connection = handler["default"]
    connection.ensure_connection()  # as `transaction.atomic` does before its BEGIN
    return connection


def _write(connection, judge: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO score (judge) VALUES (%s)", [judge])


def _judges(path) -> list[int]:
    reader = _wrapper(path)
    with reader.cursor() as cursor:
        cursor.execute("SELECT judge FROM score ORDER BY judge")
        found = [row[0] for row in cursor.fetchall()]
    reader.close()
    return found


def test_a_writer_waits_on_the_process_lock_and_goes_in_when_the_one_before_commits(database):
    lock = _writer_lock(str(database))
    began, go_on = threading.Event(), threading.Event()
    committed_at = []

    def first_writer():
        connection = _wrapper(database)
        connection._start_transaction_under_autocommit()
        _write(connection, 1)
        began.set()
        go_on.wait(10)
        connection.commit()
        committed_at.append(time.monotonic())
        connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert began.wait(10)
    assert lock.locked()  # held by the first writer's open transaction
    second = _wrapper(database)
    threading.Timer(0.2, go_on.set).start()
    second._start_transaction_under_autocommit()  # waits for the first writer's commit
    entered_at = time.monotonic()
    _write(second, 2)
    second.commit()
    second.close()
    thread.join(10)
    assert committed_at and entered_at >= committed_at[0]
    assert not lock.locked()
    assert _judges(database) == [1, 2]


def test_a_writer_that_waits_longer_than_the_timeout_is_refused_and_writes_nothing(database):
    holder = _wrapper(database)
    holder._start_transaction_under_autocommit()
    _write(holder, 1)
    late = _wrapper(database, timeout=0.2)
    with pytest.raises(OperationalError, match="database is locked"):
        late._start_transaction_under_autocommit()
    holder.commit()
    holder.close()
    # the refused writer holds nothing: the next transaction begins at once
    assert not _writer_lock(str(database)).locked()
    late._start_transaction_under_autocommit()
    late.commit()
    late.close()
    assert _judges(database) == [1]


@pytest.mark.parametrize("end", ["rollback", "close"])
def test_a_rollback_or_a_closed_connection_gives_the_lock_back(database, end):
    connection = _wrapper(database)
    connection._start_transaction_under_autocommit()
    _write(connection, 1)
    assert _writer_lock(str(database)).locked()
    getattr(connection, end)()
    assert not _writer_lock(str(database)).locked()
    assert _judges(database) == []
    connection.close()


def test_an_in_memory_database_takes_no_lock(django_db_blocker):
    with django_db_blocker.unblock():
        connection = _wrapper(":memory:")
        connection._start_transaction_under_autocommit()
        assert not _writer_lock(":memory:").locked()
        connection.commit()
        connection.close()


def test_the_embedded_database_is_in_wal_mode(tmp_path):
    """config/settings.py without DATABASE_URL: a file database, WAL (reads neither wait for
    the writer nor hold its commit back)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        SQLITE_PATH=str(tmp_path / "embedded.sqlite3"), DJANGO_SETTINGS_MODULE="config.settings"
    )
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(connection.vendor, c.fetchone()[0])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["sqlite", "wal"]
