"""Django's SQLite backend, with the writers of one process queued on a lock of the process.

SQLite lets one transaction write at a time. With `transaction_mode` IMMEDIATE (config/settings.py)
each transaction takes the database's write lock when it begins, and one that finds it taken
polls: Python's sqlite3 sleeps 1, 2, 5 … then 100 ms between tries until `timeout`. Under a
steady stream of short writes (the live final: four judges' submits at a time, in as many
request threads of one ASGI process) a poller keeps waking to find another writer in, and a
submit of 20 ms waited up to 1.2 s (bench/live_final.py on SQLite). Here the transactions of one
process wait on a `threading.Lock` before their BEGIN: a waiting thread is woken the moment the
writer before it ends. Other processes (a management command, a second server) still meet
through SQLite's own lock, as before, and so do the threads of an in-memory database (the
tests'), which takes no lock of the process.
"""

from __future__ import annotations

import threading

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _writer_lock(name: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_writer_lock = False

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db():
            timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
            if not _writer_lock(str(self.settings_dict["NAME"])).acquire(timeout=timeout):
                # what SQLite itself raises after `timeout`
                raise OperationalError("database is locked")
            self._holds_writer_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._writer_lock_release()
            raise

    def _writer_lock_release(self) -> None:
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            _writer_lock(str(self.settings_dict["NAME"])).release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._writer_lock_release()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._writer_lock_release()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._writer_lock_release()
