"""Queue the annual-disclosure reminders due today (idempotent per day). Run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingqian.disclosure.services import disclosure_remind


class Command(BaseCommand):
    help = "Send the reminders due today before (and weekly after) the 31 March disclosure deadline."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--force", action="store_true", help="send even if today is no reminder day")

    def handle(self, *args: Any, **options: Any) -> None:
        r = disclosure_remind(year=options["year"], force=options["force"])
        self.stdout.write(
            f"year {r.year}: {'due' if r.due_today else 'not due'} ({r.days_left} days to the deadline); "
            f"{r.returns} open returns, {r.not_drafted} bodies not drafted, {r.notifications} notifications"
        )
