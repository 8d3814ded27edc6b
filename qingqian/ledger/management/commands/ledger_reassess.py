"""`manage.py ledger_reassess [--since YYYY-MM-DD]`: re-run the rules over the open ledger after the holiday
calendar or the LPR table changed (batched; only changed items are written; idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qingqian.core.context import request_context
from qingqian.ledger.services import items_reassess


class Command(BaseCommand):
    help = "节假日或LPR调整后重新评估未销号台账的应付款日与利率（分批，仅写入有变化的台账，幂等）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            default=None,
            help="只评估应付款日或签订日期在此日及以后的台账（调整所涉的最早日期）；默认全部未销号台账",
        )
        parser.add_argument("--batch", type=int, default=2000, help="每批台账数（每批一个事务）")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context(channel="command"):
            result = items_reassess(since=options["since"], batch=options["batch"], reason="ledger_reassess")
        self.stdout.write(f"reassessed {result.items} open items, {result.changed} changed")
