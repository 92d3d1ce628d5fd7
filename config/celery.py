"""The Celery app. Reliability settings (acks_late, reject_on_worker_lost, time limits and the Redis
visibility timeout) are in config/settings.py under "Celery reliability"."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("saiwu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _resume_dead_batches(sender=None, **kwargs) -> None:
    """A worker that starts looks for batches left by a dead one (by task name: config imports no
    app module). The beat schedule repeats the scan for workers that stay up."""
    app.send_task("awards.certificate_batches_resume")
