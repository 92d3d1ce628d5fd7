"""Settings of the Celery worker that tests/notifications/test_worker.py starts: the project's,
with e-mail to the SMTP server the test runs on loopback (its port in NOTIFY_TEST_SMTP_PORT)."""

import os

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["NOTIFY_TEST_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 5
DEFAULT_FROM_EMAIL = "赛务平台 <noreply@saiwu.example.cn>"
NOTIFICATIONS_RATE_LIMITS = {"email": 0, "sms": 0}
