"""Celery tasks of the notifications app: thin wrappers that take primitive values and call one
service. Beat runs `notifications.messages_send_due` every minute (the retries whose back-off
has passed) and `notifications.reminders_send` every 15 minutes (deadline and scoring reminders,
idempotent by key)."""

from celery import current_app, shared_task


@shared_task(name="notifications.event_raise", acks_late=True)
def event_raise_task(event: str, model: str, obj_id, data=None, occurrence: str = "") -> int:
    from notifications.services.outbox import event_raise

    return event_raise(event=event, model=model, obj_id=obj_id, data=data, occurrence=occurrence)


@shared_task(name="notifications.messages_send", bind=True, acks_late=True)
def messages_send_task(self, channel: str) -> dict:
    """Send a channel's due messages for up to NOTIFICATIONS_TIME_BUDGET seconds; if more are
    due, hand over to a fresh run (not when tasks run in-process: beat picks them up)."""
    from notifications.services.delivery import messages_send

    counts = messages_send(channel=channel)
    if counts["more"] and not current_app.conf.task_always_eager:
        messages_send_task.apply_async((channel,), countdown=0)
    return counts


@shared_task(name="notifications.messages_send_due")
def messages_send_due_task() -> list[str]:
    from django.utils import timezone

    from notifications.enums import Channel
    from notifications.services.delivery import messages_due

    due = [c for c in (Channel.EMAIL, Channel.SMS) if messages_due(c, timezone.now()).exists()]
    for channel in due:
        messages_send_task.delay(channel)
    return due


@shared_task(name="notifications.reminders_send")
def reminders_send_task() -> dict:
    from notifications.services.reminder import reminders_send

    return reminders_send()
