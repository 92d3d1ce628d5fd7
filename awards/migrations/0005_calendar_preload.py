"""Preload the working-day calendar with China's official holidays and adjusted working days
(chinesecalendar, every year it covers). Days already in the calendar are kept; reversing removes
nothing (the admin may have edited the rows since)."""

from django.db import migrations


def calendar_preload(apps, schema_editor):
    from awards.services.calendar import calendar_official_days

    CalendarDay = apps.get_model("awards", "CalendarDay")
    official = calendar_official_days()
    present = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(date=day, kind=str(kind), name=name)
            for day, kind, name in official
            if day not in present
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0004_certificate_status_list_index")]

    operations = [migrations.RunPython(calendar_preload, migrations.RunPython.noop)]
