import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from config.periodic import JOBS, Job
from qingqian.core.management.commands.run_scheduler import is_due
from qingqian.core.models import IdempotencyKey


def test_interval_and_daily_jobs_fall_due_on_their_minutes() -> None:
    hourly = Job("h", "x", every_minutes=60)
    nightly = Job("n", "x", at="01:30")
    assert is_due(hourly, dt.datetime(2026, 1, 1, 3, 0))
    assert not is_due(hourly, dt.datetime(2026, 1, 1, 3, 1))
    assert is_due(nightly, dt.datetime(2026, 1, 1, 1, 30))
    assert not is_due(nightly, dt.datetime(2026, 1, 1, 1, 31))


def test_every_registered_job_is_an_installed_command() -> None:
    from django.core.management import get_commands

    assert {j.command for j in JOBS} <= set(get_commands())


def test_running_all_jobs_prunes_expired_idempotency_keys(db: Any) -> None:
    now = timezone.now()
    IdempotencyKey.objects.create(
        principal="anon:x",
        key="old",
        method="POST",
        path="/api/x",
        body_hash="0",
        expires_at=now - dt.timedelta(hours=1),
    )
    out = io.StringIO()
    call_command("run_scheduler", "--all", stdout=out)
    assert "prune idempotency keys: ok" in out.getvalue()
    assert not IdempotencyKey.objects.exists()
    call_command("run_scheduler", "--all", stdout=io.StringIO())  # twice: nothing to do, no error


@pytest.mark.parametrize("job", JOBS, ids=lambda j: j.name)
def test_each_job_runs_twice_without_error(job: Job, world: Any) -> None:
    call_command(job.command, *job.args, verbosity=0)
    call_command(job.command, *job.args, verbosity=0)
