"""`manage.py ledger_aging [--as-of YYYY-MM-DD]`: the daily aging of the whole ledger (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qingqian.ledger.aging import run_aging


class Command(BaseCommand):
    help = "台账账龄与逾期利息日终计算（整表一条SQL，幂等）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, help="计算日，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_aging(as_of=options["as_of"])
        self.stdout.write(
            f"aging as of {result.as_of}: {result.items} items, {result.changed} rows changed, {result.seconds:.2f} s"
        )
