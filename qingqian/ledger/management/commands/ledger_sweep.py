"""`manage.py ledger_sweep`: escalate unconfirmed payment reports, judge due instalments, re-assess items
whose acceptance period ended, queue again imports whose process died. Idempotent; run hourly (or from
`run_scheduler`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from qingqian.ledger.assessment import reassess_due
from qingqian.ledger.services import payment_reports_escalate, plans_check_breaches
from qingqian.ledger.services.imports import import_jobs_resume


class Command(BaseCommand):
    help = "台账巡检：付款超期未确认上报、还款计划履约判定、验收期满重新评估（幂等）"

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = payment_reports_escalate()
        instalments = plans_check_breaches()
        reassessed = reassess_due()
        resumed = import_jobs_resume()
        self.stdout.write(
            f"escalated {escalated}, instalments met {instalments['met']} breached {instalments['breached']}, "
            f"reassessed {reassessed}, imports queued again {resumed}"
        )
