"""Background jobs of the ledger (django-tasks). Each calls one service and is idempotent.

`reassess_ledger` is enqueued when an administrator edits the holiday calendar or the LPR table (the
registry's `reference_changed` signal): once per committed change, from the earliest date it concerns.

Periodic (to be registered in config/periodic.py, run by `manage.py run_scheduler`): `age_ledger` daily,
`sweep_ledger` hourly (escalate unconfirmed payment reports, judge due instalments, re-assess items whose
acceptance period ended)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
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


@task()
def reassess_ledger(since: str | None = None) -> dict[str, Any]:
    """Re-assess the open items after an edit of the calendar or the LPR table (`since`: ISO date)."""
    from qingqian.ledger.services import items_reassess

    result = items_reassess(since=dt.date.fromisoformat(since) if since else None)
    return {"since": since, "items": result.items, "changed": result.changed}


class _ReassessAfterCommit:
    """The on-commit callback of one transaction's reference changes: one run from the earliest date."""

    def __init__(self, since: dt.date) -> None:
        self.since = since

    def __call__(self) -> None:
        reassess_ledger.enqueue(since=self.since.isoformat())


def reassess_on_commit(sender: Any, *, since: dt.date, **kwargs: Any) -> None:
    """Receiver of `registry.reference.reference_changed`: when the change commits, enqueue one
    `reassess_ledger` from the earliest date changed in that transaction (a script loading a hundred LPR
    rows in one transaction enqueues one run, not a hundred). Nothing is enqueued if it rolls back."""
    pending = transaction.get_connection().run_on_commit
    # A callback already queued in this transaction can only be dropped by rolling back a savepoint this
    # change is inside as well, so merging never loses a change (at worst a rolled-back inner change makes
    # the run start earlier than needed).
    for _sids, callback, *_robust in pending:
        if isinstance(callback, _ReassessAfterCommit):
            callback.since = min(callback.since, since)
            return
    transaction.on_commit(_ReassessAfterCommit(since))
