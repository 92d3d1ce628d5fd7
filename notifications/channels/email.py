"""E-mail through Django's e-mail backends (EMAIL_BACKEND: console on a development machine,
SMTP configured from the environment in production). One connection serves a whole batch."""

from __future__ import annotations

import contextlib
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from notifications.channels.base import SendResult


class EmailSender:
    def __init__(self):
        self.connection = get_connection(fail_silently=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # A broken connection at close changes no message's result.
        with contextlib.suppress(Exception):
            self.connection.close()

    def send(self, message) -> SendResult:
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=getattr(settings, "NOTIFICATIONS_FROM_EMAIL", None)
            or settings.DEFAULT_FROM_EMAIL,
            to=[message.address],
            headers=_headers(message),
        )
        try:
            # Opens the connection if it is closed (first message, or after a reset); a server
            # that cannot be reached is a temporary failure of this message, retried later.
            self.connection.open()
            self.connection.send_messages([mail])
        except smtplib.SMTPRecipientsRefused as exc:
            # 5xx for the address: refused for good (a bounce); 4xx: greylisted, try later.
            permanent = all(code >= 500 for code, _ in exc.recipients.values())
            self._reset()
            return SendResult(False, reply=_reply(exc.recipients), permanent=permanent)
        except smtplib.SMTPResponseException as exc:
            text = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            # 5xx: the server refuses for good; 4xx: try again later.
            self._reset()
            return SendResult(False, reply=text, permanent=500 <= exc.smtp_code < 600)
        except (smtplib.SMTPException, OSError) as exc:
            self._reset()
            return SendResult(False, reply=f"{type(exc).__name__}: {exc}")
        return SendResult(True, reply="250 accepted")

    def _reset(self) -> None:
        """Drop a connection left in an unknown state; the next message opens a new one."""
        with contextlib.suppress(Exception):
            self.connection.close()


def _headers(message) -> dict:
    headers = {"X-Saiwu-Message": str(message.pk), "X-Saiwu-Event": message.event}
    from notifications.events import EVENTS

    event = EVENTS.get(message.event)
    if event is not None and not event.essential and message.recipient_id:
        from notifications.services.outbox import unsubscribe_url

        url = unsubscribe_url(user_id=message.recipient_id, kind=event.key, api=True)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reply(recipients: dict) -> str:
    return "; ".join(f"{addr}: {code} {_text(text)}" for addr, (code, text) in recipients.items())
