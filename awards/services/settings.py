"""A contest's award settings: the minimum length of its public notices (公示)."""

from __future__ import annotations

from django.db import transaction

from awards.errors import error
from awards.models import AwardSettings
from contest.models import Contest
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.services.audit import audit_record

NOTICE_MIN_DAYS_DEFAULT = 5
MAX_MIN_DAYS = 60


def award_settings_get(contest: Contest | int) -> AwardSettings:
    """The contest's settings, or the defaults (5 working days) when none were saved."""
    contest_id = contest if isinstance(contest, int) else contest.pk
    found = AwardSettings.objects.filter(contest_id=contest_id).first()
    return found or AwardSettings(contest_id=contest_id)


@transaction.atomic
def award_settings_update(
    *,
    actor,
    contest: Contest,
    notice_min_days: int | None = None,
    notice_min_working_days: bool | None = None,
) -> AwardSettings:
    """Set the contest's minimum notice length (in calendar or working days); audited."""
    permission_require(actor, "awards.set_award_settings", contest)
    settings, _ = AwardSettings.objects.select_for_update().get_or_create(contest=contest)
    before = {"days": settings.notice_min_days, "working": settings.notice_min_working_days}
    if notice_min_days is not None:
        if not 1 <= int(notice_min_days) <= MAX_MIN_DAYS:
            raise error(
                "notice_min_days_range",
                max_days=MAX_MIN_DAYS,
                fields={"notice_min_days": ["notice_min_days_range"]},
            )
        settings.notice_min_days = int(notice_min_days)
    if notice_min_working_days is not None:
        settings.notice_min_working_days = bool(notice_min_working_days)
    full_clean_or_raise(settings)
    settings.save()
    audit_record(
        contest=contest,
        actor=actor,
        action="award_settings.update",
        obj=settings,
        data={
            "before": before,
            "after": {
                "days": settings.notice_min_days,
                "working": settings.notice_min_working_days,
            },
        },
    )
    return settings
