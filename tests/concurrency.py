"""Running requests or service calls at the same moment, for the race tests (PostgreSQL only:
the `postgres` fixture in tests/conftest.py skips them on SQLite and fails them in CI)."""

from __future__ import annotations

import threading

from django.db import connections


def concurrently(calls: list) -> list:
    """Run each zero-argument callable in its own thread at the same moment; their results (or
    the exception each raised, for the assertions to report)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertions
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
