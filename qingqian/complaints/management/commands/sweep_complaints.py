"""`manage.py sweep_complaints`: advance the supervision ladder of due cases (idempotent, every minute)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from qingqian.complaints.services import sweep


class Command(BaseCommand):
    help = "投诉期限督促：催办、超期、督办、提级（幂等，可每分钟运行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="以该时间运行（ISO 格式，用于测试和补跑）")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options.get("now"):
            now = dt.datetime.fromisoformat(options["now"])
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = sweep(now=now)
        parts = ", ".join(f"{k}={v}" for k, v in sorted(report.advanced.items())) or "nothing due"
        self.stdout.write(f"examined={report.examined} skipped={report.skipped} {parts}")
