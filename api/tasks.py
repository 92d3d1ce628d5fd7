from celery import shared_task

from api.authentication import auth_tokens_expired_delete


@shared_task(name="api.auth_tokens_expired_delete")
def auth_tokens_expired_delete_task() -> int:
    """Expired API tokens out of the table (they are refused either way)."""
    return auth_tokens_expired_delete()
