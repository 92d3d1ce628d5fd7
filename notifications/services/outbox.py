"""The outbox: turning one domain event into its messages, one row per recipient and channel.

`event_raise` runs after the change that raised the event has committed (the receivers enqueue it
with `transaction.on_commit`, through the `notifications.event_raise` task), so a rolled-back
change notifies nobody. It loads the object again, asks the registry (`notifications.events`) who
is concerned, renders the message once per language and writes the rows with
`bulk_create(ignore_conflicts=True)` on the unique idempotency key: raising the same event twice,
or a task retried after a crash, finds the rows already there and adds none. The inbox copy is
delivered as it is written; e-mail and SMS rows are queued for `notifications.services.delivery`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from notifications.enums import Channel, Language, MessageStatus
from notifications.events import EVENTS, Event
from notifications.models import Message, NotificationProfile, Preference
from notifications.services.preference import preference_allows
from notifications.services.template import message_render
from notifications.tokens import unsubscribe_token

CHUNK = 2000


@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    mobile: str


def idempotency_key(*, event: str, obj: str, occurrence: str, recipient: str, channel: str) -> str:
    raw = "|".join((event, obj, occurrence, recipient, channel))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _recipients(event: Event, obj, data: dict) -> list[Recipient]:
    people = event.recipients(obj, data)
    if hasattr(people, "values_list"):
        rows = people.order_by().distinct().values_list("pk", "email", "mobile")
    else:
        rows = [(u.pk, u.email, u.mobile) for u in people]
    seen: set[int] = set()
    out = []
    for pk, email, mobile in rows:
        if pk not in seen:
            seen.add(pk)
            out.append(Recipient(pk, email or "", mobile or ""))
    for address in event.addresses(obj, data):
        is_email = "@" in address
        out.append(Recipient(None, address if is_email else "", "" if is_email else address))
    return out


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _choices(event: Event, user_ids: list[int]) -> tuple[set, dict]:
    """(the (user, channel) pairs switched off for this kind, each user's language). Both are
    read whole — the people who switched this kind off, the people who chose a language other
    than Chinese — and are few next to a big event's recipients."""
    wanted = set(user_ids)
    off = {
        (user_id, channel)
        for user_id, channel in Preference.objects.filter(
            kind=event.key, enabled=False
        ).values_list("user_id", "channel")
        if user_id in wanted
    }
    language = {
        user_id: lang
        for user_id, lang in NotificationProfile.objects.exclude(
            language=Language.ZH_HANS
        ).values_list("user_id", "language")
        if user_id in wanted
    }
    return off, language


def sms_template(event: str) -> tuple[str, list[str] | None]:
    """The provider's template code for `event` (settings NOTIFICATIONS_SMS_TEMPLATES: a code,
    or {"code", "params"}) and the context names it takes (None: every plain value)."""
    entry = getattr(settings, "NOTIFICATIONS_SMS_TEMPLATES", {}).get(event)
    if not entry:
        return "", None
    if isinstance(entry, str):
        return entry, None
    return entry.get("code", ""), entry.get("params")


def _sms_params(context: dict, names: list[str] | None) -> dict:
    keys = (
        names if names is not None else [k for k, v in context.items() if isinstance(v, str | int)]
    )
    return {k: str(context.get(k, ""))[:35] for k in keys}


def _absolute(link: str) -> str:
    if not link or link.startswith("http"):
        return link
    return getattr(settings, "SITE_URL", "").rstrip("/") + link


def unsubscribe_url(*, user_id: int, kind: str, api: bool = False) -> str:
    """The SPA's unsubscribe page for a person and a kind (the link in the e-mail), or the API
    address a mail client posts to for a one-click unsubscribe (RFC 8058)."""
    token = unsubscribe_token(user_id=user_id, kind=kind)
    path = "/api/notifications/unsubscribe/" if api else "/unsubscribe"
    return _absolute(f"{path}?token={token}")


def _email_body(body: str, *, link: str, language: str, event: Event, user_id) -> str:
    lines = [body.rstrip("\n")]
    if link:
        lines += ["", ("Open: " if language == Language.EN else "查看：") + _absolute(link)]
    if not event.essential and user_id:
        url = unsubscribe_url(user_id=user_id, kind=event.key)
        lines += [
            "",
            "--",
            ("Unsubscribe from these e-mails: " if language == Language.EN else "退订此类邮件：")
            + url,
        ]
    return "\n".join(lines) + "\n"


def event_raise(
    *, event: str, model: str, obj_id, data: dict | None = None, occurrence: str = ""
) -> int:
    """Write the messages of `event` about object `obj_id` of `model`; returns how many rows are
    new (0 when the object is gone or every message exists already). Enqueues the sending of the
    e-mail and SMS rows on commit."""
    spec = EVENTS[event]
    data = data or {}
    obj = apps.get_model(model).objects.filter(pk=obj_id).first()
    if obj is None:
        return 0
    recipients = _recipients(spec, obj, data)
    if not recipients:
        return 0
    contest_id = spec.contest(obj)
    context = spec.context(obj, data)
    link = spec.link(obj, data)
    rendered: dict[str, tuple[str, str]] = {}
    sms_code, sms_names = sms_template(event)
    off, language_of = _choices(spec, [r.user_id for r in recipients if r.user_id])
    now = timezone.now()
    obj_ref = f"{model}:{obj_id}"
    rows: list[tuple] = []
    for r in recipients:
        language = language_of.get(r.user_id, Language.ZH_HANS)
        if language not in rendered:
            rendered[language] = message_render(
                event=event, language=language, context=context, contest_id=contest_id
            )
        subject, body = rendered[language]
        for channel in spec.channels:
            if r.user_id and not preference_allows(
                essential=spec.essential,
                channel=channel,
                stored=False if (r.user_id, channel) in off else None,
            ):
                continue
            if channel == Channel.INBOX:
                if not r.user_id:
                    continue
                address, text = "", body
            elif channel == Channel.EMAIL:
                if not r.email:
                    continue
                address = r.email
                text = _email_body(
                    body, link=link, language=language, event=spec, user_id=r.user_id
                )
            else:
                if not r.mobile or not sms_code:
                    continue
                address, text = r.mobile, body
            inbox = channel == Channel.INBOX
            rows.append(
                (
                    event,
                    contest_id,
                    r.user_id,
                    address,
                    channel,
                    language,
                    subject,
                    text,
                    link,
                    sms_code if channel == Channel.SMS else "",
                    _sms_params(context, sms_names) if channel == Channel.SMS else {},
                    model,
                    str(obj_id),
                    MessageStatus.DELIVERED if inbox else MessageStatus.QUEUED,
                    0,
                    "",
                    "",
                    None if inbox else now,
                    idempotency_key(
                        event=event,
                        obj=obj_ref,
                        occurrence=occurrence,
                        recipient=str(r.user_id) if r.user_id else r.email or r.mobile,
                        channel=channel,
                    ),
                    now,
                    now if inbox else None,
                    None,
                )
            )
    created = messages_insert(rows)
    channels = {row[4] for row in rows if row[4] != Channel.INBOX}
    if created and channels:
        from notifications.tasks import messages_send_task

        for channel in sorted(channels):
            transaction.on_commit(lambda c=channel: messages_send_task.delay(c), robust=True)
    return created


# The columns of a new outbox row, in the order event_raise builds them.
COLUMNS = (
    "event",
    "contest_id",
    "recipient_id",
    "address",
    "channel",
    "language",
    "subject",
    "body",
    "link",
    "template_code",
    "params",
    "object_type",
    "object_id",
    "status",
    "attempts",
    "provider_reply",
    "provider_id",
    "next_attempt_at",
    "idempotency_key",
    "created_at",
    "sent_at",
    "read_at",
)
_KEY = COLUMNS.index("idempotency_key")
_PARAMS = COLUMNS.index("params")


def messages_insert(rows: list[tuple]) -> int:
    """Insert the rows whose idempotency key is new; returns how many were. On PostgreSQL the
    rows are copied into a temporary table (COPY) and moved with INSERT … ON CONFLICT DO
    NOTHING — a 公示 to 100,000 people is one statement, not 100 bulk INSERTs; elsewhere
    `bulk_create(ignore_conflicts=True)` in chunks."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _insert_copy(rows)
    created = 0
    for chunk in _chunks(rows):
        keys = [row[_KEY] for row in chunk]
        before = set(
            Message.objects.filter(idempotency_key__in=keys).values_list(
                "idempotency_key", flat=True
            )
        )
        Message.objects.bulk_create(
            [Message(**dict(zip(COLUMNS, row, strict=True))) for row in chunk],
            ignore_conflicts=True,
        )
        created += len(set(keys) - before)
    return created


def _insert_copy(rows: list[tuple]) -> int:
    table = connection.ops.quote_name(Message._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE notifications_incoming ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY notifications_incoming ({columns}) FROM STDIN") as copy:
            for row in rows:
                row = list(row)
                row[_PARAMS] = json.dumps(row[_PARAMS], ensure_ascii=False)
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM notifications_incoming "
            "ON CONFLICT (idempotency_key) DO NOTHING"
        )
        created = cursor.rowcount
        cursor.execute("DROP TABLE notifications_incoming")
    return created
