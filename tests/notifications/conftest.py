"""Fixtures of the notifications tests: a real SMTP server on loopback (aiosmtpd), and the
settings that send the outbox's e-mail to it."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Recorder:
    """Keeps every message the server accepts; refuses the addresses in `refuse` with 550 and
    answers 451 (try later) to those in `defer`."""

    def __init__(self):
        self.messages: list = []
        self.refuse: set[str] = set()
        self.defer: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if address in self.defer:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "raw": envelope.original_content,
                "message": parsed,
            }
        )
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A running SMTP server; Django's SMTP backend pointed at it."""
    recorder = Recorder()
    port = _free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "赛务平台 <noreply@saiwu.example.cn>"
    settings.SITE_URL = "https://saiwu.example.cn"
    try:
        yield recorder
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _notification_settings(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RATE_LIMITS = {"email": 0, "sms": 0}
    settings.NOTIFICATIONS_SMS_TEMPLATES = {}
    settings.NOTIFICATIONS_SMS_PROVIDER = "console"
