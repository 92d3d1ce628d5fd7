"""The working-day calendar comes preloaded with China's official holidays and adjusted working
days (chinesecalendar), keeps what the admin entered, and drives the working-day notice window."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from awards.enums import CalendarDayKind
from awards.models import CalendarDay
from awards.services.calendar import calendar_official_years, calendar_preload
from awards.workdays import SHANGHAI, notice_window_end

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)  # Friday before the 2026 Spring Festival


def test_calendar_migrated_with_the_official_days():
    """The data migration loaded every year the package covers: 2026's Spring Festival is there,
    as is the Saturday made a working day for it."""
    assert 2026 in calendar_official_years()
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).kind == CalendarDayKind.HOLIDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).name == "春节 Spring Festival"
    saturday = CalendarDay.objects.get(date=dt.date(2026, 2, 14))
    assert (saturday.kind, saturday.name) == (CalendarDayKind.WORKDAY, "春节调休 Spring Festival")


def test_calendar_preload_adds_only_missing_days_and_keeps_edits():
    CalendarDay.objects.filter(date__year=2026).delete()
    first = calendar_preload(years=[2026])
    assert (first.created, first.kept, first.years) == (39, 0, (2026,))
    edited = CalendarDay.objects.get(date=dt.date(2026, 10, 7))
    edited.name = "国庆节(本单位另行安排)"
    edited.save()
    CalendarDay.objects.filter(date=dt.date(2026, 1, 1)).delete()
    again = calendar_preload(years=[2026])
    assert (again.created, again.kept) == (1, 38)
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 7)).name == "国庆节(本单位另行安排)"
    assert CalendarDay.objects.filter(date__year=2026).count() == 39


def test_notice_window_counts_the_preloaded_spring_festival():
    """5 working days from Fri 13 Feb 2026: Fri 13, Sat 14 (调休), then Tue 24, Wed 25, Thu 26 —
    the holiday from Sun 15 to Mon 23 does not count."""
    closes = notice_window_end(OPENS, days=5, working_days=True)
    assert closes == dt.datetime(2026, 2, 26, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_notice_window_without_the_calendar_would_be_a_week_short():
    CalendarDay.objects.all().delete()
    closes = notice_window_end(OPENS, days=5, working_days=True)
    assert closes == dt.datetime(2026, 2, 19, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_calendar_load_command_reports_counts_and_unknown_years():
    CalendarDay.objects.filter(date__year=2025).delete()
    out, err = io.StringIO(), io.StringIO()
    call_command("calendar_load", "--year", "2025", "--year", "2099", stdout=out, stderr=err)
    added = CalendarDay.objects.filter(date__year=2025).count()
    assert added > 20
    assert f"added {added} days, kept 0" in out.getvalue()
    assert "2099" in err.getvalue()
