"""Generate the monthly progress report (调度/通报).

    manage.py monthly_report                 # scheduled run: last month's report, once (idempotent)
    manage.py monthly_report --period 2026-10 --manual   # another issue for a given month, new serial

Run the first form from cron (or `run_scheduler`) on the first days of each month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingqian.disclosure.choices import ReportTrigger
from qingqian.disclosure.services import report_generate, report_generate_scheduled


class Command(BaseCommand):
    help = "Generate the monthly progress report (scheduled: the previous month, once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", help="YYYY-MM (with --manual)")
        parser.add_argument("--manual", action="store_true", help="issue a new report even if one exists")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["manual"]:
            period = None
            if options["period"]:
                try:
                    period = dt.date.fromisoformat(options["period"][:7] + "-01")
                except ValueError as exc:
                    raise CommandError("--period must be YYYY-MM") from exc
            report = report_generate(actor=None, period=period, trigger=ReportTrigger.MANUAL)
            created = True
        else:
            report, created = report_generate_scheduled()
        verb = "generated" if created else "already exists"
        self.stdout.write(f"{report.doc_number} ({report.period:%Y-%m}) {verb}")
