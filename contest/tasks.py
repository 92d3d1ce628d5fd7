from celery import shared_task

from contest.services.team import invitations_expire


@shared_task(name="contest.invitations_expire")
def invitations_expire_task() -> int:
    return invitations_expire()
