"""Background jobs of the ledger (django-tasks). Each calls one service and is idempotent.

Periodic (to be registered in config/periodic.py, run by `manage.py run_scheduler`): `age_ledger` daily,
`sweep_ledger` hourly (escalate unconfirmed payment reports, judge due instalments, re-assess items whose
acceptance period ended)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django_tasks import task


@task()
def run_import(job_id: int) -> dict[str, Any]:
    from qingqian.ledger.services.imports import import_job_run

    # The file has the documented Chinese headers and labels (docs/i18n.md): read it, and record the
    # outcome, in the source language, as the database worker does, also when the task runs inside
    # an English request (the immediate backend).
    with translation.override(settings.LANGUAGE_CODE):
        job = import_job_run(job_id=job_id)
    return {"job": job.pk, "status": job.status}


@task()
def age_ledger() -> dict[str, Any]:
    from qingqian.ledger.aging import run_aging

    result = run_aging()
    return {"as_of": result.as_of.isoformat(), "items": result.items, "changed": result.changed}


@task()
def sweep_ledger() -> dict[str, Any]:
    from qingqian.ledger.assessment import reassess_due
    from qingqian.ledger.services import payment_reports_escalate, plans_check_breaches
    from qingqian.ledger.services.imports import import_jobs_resume

    return {
        "escalated": payment_reports_escalate(),
        "instalments": plans_check_breaches(),
        "reassessed": reassess_due(),
        "imports_resumed": import_jobs_resume(),
    }
