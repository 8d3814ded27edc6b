from django.core.management.base import BaseCommand, CommandParser

from qingqian.core.context import request_context
from qingqian.registry.reference import calendar_seed_from_package


class Command(BaseCommand):
    help = "Seed statutory holidays and adjusted working days (调休) from the chinese-calendar package. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append", help="only these years (repeatable)")

    def handle(self, *args: object, **options: object) -> None:
        with request_context(channel="command"):
            days, years = calendar_seed_from_package(actor=None, years=options.get("year"))  # type: ignore[arg-type]
        if int(str(options["verbosity"])) > 0:
            self.stdout.write(f"calendar: {days} days and {years} years added")
