"""`manage.py seed_demo [--small]`: build the demo data set once (see `demo.seeder`)."""

import time

from django.core.management.base import BaseCommand

from demo.logins import demo_logins_table
from demo.seeder import seed_demo


class Command(BaseCommand):
    help = "Build the demo contests, teams, judging and logins (idempotent: does nothing twice)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--small",
            action="store_true",
            help="A small data set (40 teams, 6 judges) for tests and quick looks.",
        )

    def handle(self, *args, small=False, **options):
        started = time.monotonic()
        built = seed_demo(small=small, out=self.stdout.write)
        if built is None:
            self.stdout.write(demo_logins_table())
            return
        counts = ", ".join(f"{k}={v}" for k, v in built.counts.items())
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成 Demo built: {counts}"))
        if built.skipped:
            self.stdout.write("跳过 Skipped:")
            for note in built.skipped:
                self.stdout.write(f"  - {note}")
        self.stdout.write(f"用时 Took {time.monotonic() - started:.1f} s\n")
        self.stdout.write(demo_logins_table())
