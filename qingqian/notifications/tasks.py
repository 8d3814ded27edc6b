"""Background delivery of the outbox (django-tasks). Idempotent: rows are claimed with CAS."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notifications() -> dict[str, int]:
    from qingqian.notifications.services import deliver_due

    r = deliver_due()
    return {"sent": r.sent, "failed": r.failed, "dead": r.dead}
