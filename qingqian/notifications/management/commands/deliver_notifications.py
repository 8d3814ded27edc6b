"""`manage.py deliver_notifications [--loop SECONDS]`: send due e-mail/SMS from the outbox."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from qingqian.notifications.services import deliver_due


class Command(BaseCommand):
    help = "投递待发送的邮件和短信通知（可每分钟运行，幂等）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", type=float, default=0, help="每隔 N 秒重复运行（0 表示只运行一次）")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            r = deliver_due()
            if not options["loop"] or r.sent or r.failed or r.dead or r.recovered or r.receipted:
                self.stdout.write(
                    f"sent={r.sent} failed={r.failed} dead={r.dead} recovered={r.recovered} "
                    f"receipted={r.receipted}"
                )
            if not options["loop"]:
                return
            time.sleep(options["loop"])
