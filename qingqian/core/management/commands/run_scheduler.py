"""Run the periodic jobs of config/periodic.py.

    manage.py run_scheduler --once     # from cron every minute: runs the jobs due this minute
    manage.py run_scheduler            # as a service: wakes every minute and does the same
    manage.py run_scheduler --all      # run every job now (e.g. after maintenance)

No state is kept: a job is due when the minute of the day is a multiple of its interval (or equals
its daily time). Every job is idempotent, so a minute run twice does no harm.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from config.periodic import JOBS, Job


def is_due(job: Job, now: dt.datetime) -> bool:
    minute_of_day = now.hour * 60 + now.minute
    if job.at:
        hh, mm = (int(x) for x in job.at.split(":"))
        return minute_of_day == hh * 60 + mm
    return minute_of_day % max(1, job.every_minutes) == 0


class Command(BaseCommand):
    help = "Run the periodic jobs registered in config/periodic.py."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the jobs due now, then exit")
        parser.add_argument("--all", action="store_true", help="run every job now, then exit")

    def run_jobs(self, now: dt.datetime, *, everything: bool) -> int:
        available = get_commands()
        failures = 0
        for job in JOBS:
            if not everything and not is_due(job, now):
                continue
            if job.command not in available:
                self.stderr.write(
                    f"[{now:%H:%M}] {job.name}: command {job.command!r} is not installed; skipped"
                )
                continue
            started = time.monotonic()
            try:
                call_command(job.command, *job.args, verbosity=0)
            except Exception:  # one failing job must not stop the others
                failures += 1
                self.stderr.write(f"[{now:%H:%M}] {job.name} failed:\n{traceback.format_exc()}")
            else:
                self.stdout.write(f"[{now:%H:%M}] {job.name}: ok in {time.monotonic() - started:.1f} s")
        return failures

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"] or options["all"]:
            self.run_jobs(timezone.localtime(), everything=bool(options["all"]))
            return
        while True:  # service mode
            now = timezone.localtime()
            self.run_jobs(now, everything=False)
            time.sleep(max(1.0, 60 - timezone.localtime().second))
