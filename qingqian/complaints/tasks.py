"""Background jobs of the complaints app (django-tasks). Each calls one service and is idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def sweep_complaints() -> dict[str, int]:
    """Periodic: the supervision ladder (register in config/periodic.py, every minute)."""
    from qingqian.complaints.services import sweep

    return sweep().advanced
