"""`manage.py calendar_load [--year 2027 ...]`: add China's official holidays and adjusted working
days that the working-day calendar lacks (`awards.services.calendar.calendar_preload`)."""

from django.core.management.base import BaseCommand

from awards.services.calendar import calendar_official_years, calendar_preload


class Command(BaseCommand):
    help = "加载法定节假日与调休 Load China's official holidays and adjusted working days"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", dest="years")

    def handle(self, *args, years=None, **options):
        known = calendar_official_years()
        missing = sorted(set(years or ()) - set(known))
        if missing:
            self.stderr.write(
                f"chinesecalendar 尚无这些年份的安排 / has no schedule yet for: "
                f"{', '.join(map(str, missing))} (pip install -U chinesecalendar)"
            )
        result = calendar_preload(years=years)
        self.stdout.write(
            f"新增 {result.created} 天,保留已有 {result.kept} 天 / added {result.created} days, "
            f"kept {result.kept} already there ({result.years[0] if result.years else '-'}–"
            f"{result.years[-1] if result.years else '-'})"
        )
