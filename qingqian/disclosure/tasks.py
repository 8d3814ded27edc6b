"""Background jobs of disclosure (django-tasks). Each calls one service and is idempotent."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def monthly_report() -> str:
    """Periodic (monthly, on the 1st): last month's progress report, once."""
    from qingqian.disclosure.services import report_generate_scheduled

    report, _created = report_generate_scheduled()
    return report.doc_number


@task()
def disclosure_reminders() -> dict[str, Any]:
    """Periodic (daily): reminders before and after the 31 March deadline (deduplicated per day)."""
    from qingqian.disclosure.services import disclosure_remind

    r = disclosure_remind()
    return {"year": r.year, "due": r.due_today, "notifications": r.notifications}
