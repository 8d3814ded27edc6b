import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qingqian.core.context import request_context
from qingqian.core.errors import InvalidInput
from qingqian.registry.models import LprRate
from qingqian.registry.services import lpr_rate_upsert

DEFAULT = Path(__file__).resolve().parents[2] / "data" / "lpr_1y.csv"


class Command(BaseCommand):
    help = "Load 1-year LPR change points from a CSV (effective_on,annual_rate_percent,note). Idempotent, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", nargs="?", default=str(DEFAULT))

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["csv"]))
        with path.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        try:
            with request_context(channel="command"), transaction.atomic():
                for n, row in enumerate(rows, start=2):
                    try:
                        day = dt.date.fromisoformat(row["effective_on"].strip())
                        rate = Decimal(row["annual_rate_percent"].strip())
                    except (ValueError, ArithmeticError, KeyError) as exc:
                        raise CommandError(f"{path.name} 第{n}行：日期或利率格式不正确") from exc
                    lpr_rate_upsert(
                        actor=None,
                        effective_on=day,
                        annual_rate_percent=rate,
                        note=row.get("note", "").strip(),
                    )
        except InvalidInput as exc:
            raise CommandError(str(exc.message)) from exc
        latest = LprRate.objects.order_by("-effective_on").first()
        if int(str(options["verbosity"])) > 0:
            self.stdout.write(
                f"LPR: {len(rows)} rows loaded; latest value {latest.annual_rate_percent}% from {latest.effective_on}"
                if latest
                else "LPR: no rows"
            )
