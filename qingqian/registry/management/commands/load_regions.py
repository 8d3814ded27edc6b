from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from qingqian.core.context import request_context
from qingqian.registry.services import regions_load_csv

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "regions_shijiazhuang.csv"


class Command(BaseCommand):
    help = "Load GB/T 2260 administrative divisions from a CSV (code,name,kind,parent_code). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", nargs="?", default=str(DEFAULT))

    def handle(self, *args: object, **options: object) -> None:
        with request_context(channel="command"):
            report = regions_load_csv(actor=None, path=Path(str(options["csv"])))
        if int(str(options["verbosity"])) > 0:
            self.stdout.write(
                f"regions: {report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            )
