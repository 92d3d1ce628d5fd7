"""The working-day calendar (`awards.models.CalendarDay`), preloaded with China's official
holidays and adjusted working days (调休) from the chinesecalendar package, which transcribes each
year's State Council notice (国务院办公厅关于…部分节假日安排的通知).

The preload only adds days the calendar does not have yet: a day the platform admin entered or
corrected (in the admin, or through `/api/calendar-days/`) is never overwritten. It runs from a
data migration on install and from `manage.py calendar_load` after the package is upgraded for a
new year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from awards.enums import CalendarDayKind
from awards.models import CalendarDay

# The package names holidays in English; the calendar shows Chinese first.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class CalendarPreload:
    created: int
    kept: int  # days already in the calendar, left as they were
    years: tuple[int, ...]


def calendar_official_days(
    years: Iterable[int] | None = None,
) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) for every official holiday and adjusted working day the package knows,
    for `years` (all it covers when None)."""
    import chinese_calendar

    wanted = set(years) if years is not None else None
    days = []
    for source, kind in (
        (chinese_calendar.holidays, CalendarDayKind.HOLIDAY),
        (chinese_calendar.workdays, CalendarDayKind.WORKDAY),
    ):
        for day, name in source.items():
            if wanted is not None and day.year not in wanted:
                continue
            if kind == CalendarDayKind.WORKDAY and day.weekday() < 5:
                continue  # an ordinary working day: not an exception to the week
            english = getattr(name, "value", name)
            zh = HOLIDAY_NAMES_ZH.get(english, english)
            label = f"{zh} {english}" if kind == CalendarDayKind.HOLIDAY else f"{zh}调休 {english}"
            days.append((day, kind, label[:64]))
    days.sort()
    return days


def calendar_official_years() -> tuple[int, ...]:
    import chinese_calendar

    return tuple(sorted({day.year for day in chinese_calendar.holidays}))


@transaction.atomic
def calendar_preload(*, years: Iterable[int] | None = None) -> CalendarPreload:
    """Add the official days of `years` (all the package covers when None) that the calendar
    lacks; keep every day already there."""
    official = calendar_official_days(years)
    present = set(
        CalendarDay.objects.filter(date__in=[day for day, _, _ in official]).values_list(
            "date", flat=True
        )
    )
    new = [
        CalendarDay(date=day, kind=kind, name=name)
        for day, kind, name in official
        if day not in present
    ]
    CalendarDay.objects.bulk_create(new, ignore_conflicts=True)
    return CalendarPreload(
        created=len(new),
        kept=len(present),
        years=tuple(sorted({day.year for day, _, _ in official})),
    )
