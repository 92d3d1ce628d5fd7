"""Writes that invalidate cached public reads (`api.caching`).

Every database connection gets an execute wrapper that looks at each statement the ORM (or
anyone's `cursor.execute`) sends: an INSERT, UPDATE, DELETE or TRUNCATE on a table some cached
read depends on marks that table, and when the transaction commits (at once in autocommit) the
marked tables get new generation tokens, so every entry built from them stops matching.

Statements rather than `post_save`/`post_delete` receivers: signals miss `QuerySet.update()`,
`bulk_create()`, `bulk_update()` and raw SQL, which the services use for bulk transitions
(publishing a challenge list, moving a batch of awards into a notice). A savepoint rolled back
leaves its tables marked: the next commit renews their tokens too, which costs a miss, never a
stale answer.
"""

from __future__ import annotations

import logging
import re

from django.db import transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from api.caching import generations_bump, watched_tables

logger = logging.getLogger(__name__)

WRITE = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?',
    re.IGNORECASE,
)
FIRST = frozenset("IUDTiudt \n\t")
PENDING = "_public_cache_pending"


def _flush(connection) -> None:
    tables = getattr(connection, PENDING, None)
    if not tables:
        return
    setattr(connection, PENDING, set())
    try:
        generations_bump(tables)
    except Exception:
        logger.exception("public cache: could not invalidate %s", sorted(tables))


class WriteWatch:
    """The execute wrapper: run the statement, then mark the table it wrote."""

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql and sql[0] in FIRST:
            match = WRITE.match(sql)
            if match and match.group(1) in watched_tables():
                connection = context["connection"]
                pending = getattr(connection, PENDING, None)
                if pending is None:
                    pending = set()
                    setattr(connection, PENDING, pending)
                pending.add(match.group(1))
                # One callback per statement: after a rollback the earlier ones are gone, so a
                # callback is registered for every write; the first to run flushes them all.
                transaction.on_commit(lambda: _flush(connection), using=connection.alias)
        return result


WATCH = WriteWatch()


@receiver(connection_created, dispatch_uid="api.receivers.write_watch")
def write_watch_install(sender, connection, **kwargs):
    # First in the list: `connection.execute_wrapper()` pops the last one when it exits.
    if not any(isinstance(w, WriteWatch) for w in connection.execute_wrappers):
        connection.execute_wrappers.insert(0, WATCH)
