"""Working days in mainland China (Asia/Shanghai), for notice periods counted in working days.

A day is a working day when it is Monday to Friday and not a public holiday, or when it is a
weekend day made a working day by the State Council's adjustment (调休). Holidays and adjusted
working days are `judging.models.CalendarDay` rows, entered each year by the platform admin from
the State Council's notice (国务院办公厅关于…部分节假日安排的通知); nothing is guessed here.

The notice window rule (`notice_window_end`), stated once:

* Day 1 is the opening day itself when it counts (any day for calendar days; a working day for
  working days) — a notice published on Friday 10:00 has Friday as its first day, as published
  notices read "公示期：X月X日至Y月Y日" including the day of publication. When the notice opens
  on a day that does not count (a Saturday, a holiday), day 1 is the next day that counts.
* The window closes at the end of day N, 23:59:59.999999 Asia/Shanghai; an objection stamped at
  23:59:59 of day N is in time, one at 00:00:00 of the next day is late.

Example: opens Friday 2026-04-03 10:00, 5 working days, with Monday 04-06 a holiday →
Fri 3, Tue 7, Wed 8, Thu 9, Fri 10 → closes 2026-04-10 23:59:59.999999 +08:00.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = dt.time(23, 59, 59, 999999)
_LOOKAHEAD = 400  # calendar days fetched at a time; no run of non-working days comes close


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=SHANGHAI)


def _exceptions(start: dt.date, end: dt.date) -> tuple[set[dt.date], set[dt.date]]:
    """(holidays, adjusted working days) between start and end inclusive."""
    from awards.enums import CalendarDayKind
    from awards.models import CalendarDay

    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in CalendarDay.objects.filter(date__range=(start, end)).values_list(
        "date", "kind"
    ):
        (workdays if kind == CalendarDayKind.WORKDAY else holidays).add(day)
    return holidays, workdays


def is_working_day(
    day: dt.date, *, holidays: set[dt.date] | None = None, workdays: set[dt.date] | None = None
) -> bool:
    """Whether `day` is a working day; reads the calendar when the sets are not given."""
    if holidays is None or workdays is None:
        holidays, workdays = _exceptions(day, day)
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def nth_counting_day(start: dt.date, n: int, *, working_days: bool) -> dt.date:
    """The n-th day (1-based) that counts, starting at `start` (which counts if it qualifies)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not working_days:
        return start + dt.timedelta(days=n - 1)
    day = start
    counted = 0
    window_end = start - dt.timedelta(days=1)
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    while True:
        if day > window_end:
            window_end = day + dt.timedelta(days=_LOOKAHEAD)
            holidays, workdays = _exceptions(day, window_end)
        if is_working_day(day, holidays=holidays, workdays=workdays):
            counted += 1
            if counted == n:
                return day
        day += dt.timedelta(days=1)


def notice_window_end(opens_at: dt.datetime, *, days: int, working_days: bool) -> dt.datetime:
    """When a notice opened at `opens_at` for `days` (working) days closes: the end of its last
    day in Asia/Shanghai (see the module docstring for the rule)."""
    if opens_at.tzinfo is None:
        raise ValueError("opens_at must be timezone-aware")
    last = nth_counting_day(local_date(opens_at), days, working_days=working_days)
    return end_of_day(last)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days lie in [start, end] (for display: "还剩 N 个工作日")."""
    if end < start:
        return 0
    holidays, workdays = _exceptions(start, end)
    count = 0
    day = start
    while day <= end:
        count += is_working_day(day, holidays=holidays, workdays=workdays)
        day += dt.timedelta(days=1)
    return count
