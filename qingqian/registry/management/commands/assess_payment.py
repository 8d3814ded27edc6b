"""JSON lines in, JSON lines out: one contract per line on stdin, one assessment per line on stdout.

A bad line yields `{"error": {"code", "message"}}` for that line; the rest are still processed and
the exit code is 0.
"""

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from qingqian.registry.reference import lpr_series, working_calendar
from qingqian.rules import assess_json


class Command(BaseCommand):
    help = "Assess contracts (JSON lines on stdin) under the Regulation on Ensuring Payments to SMEs."

    def handle(self, *args: Any, **options: Any) -> None:
        lpr = lpr_series()
        calendar = working_calendar()
        out = self.stdout
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                result: dict[str, Any] = {
                    "error": {
                        "code": "invalid_json",
                        "message": f"第{number}行不是有效的 JSON：{getattr(exc, 'msg', exc)}",
                    }
                }
            else:
                result = assess_json(obj, calendar=calendar, lpr=lpr)
            out.write(json.dumps(result, ensure_ascii=False))
