"""`manage.py demo_logins`: print the fixed demo logins (built by `seed_demo`)."""

from django.core.management.base import BaseCommand

from demo.logins import demo_exists, demo_logins_table


class Command(BaseCommand):
    help = "Print the demo logins, their password and what to try with each."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="Where the site is served"
        )

    def handle(self, *args, **options):
        self.stdout.write(demo_logins_table(options["url"]))
        if not demo_exists():
            self.stdout.write(
                self.style.WARNING(
                    "演示数据尚未生成，请先运行 python manage.py seed_demo / "
                    "Run `python manage.py seed_demo` first."
                )
            )
