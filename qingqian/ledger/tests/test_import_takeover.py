"""An import whose process died is taken over — never one whose process is alive — and lands once."""

from __future__ import annotations

from pathlib import Path

import pytest

from qingqian.core.errors import ConcurrentTransition
from qingqian.core.leases import is_free
from qingqian.core.models import Event
from qingqian.core.testing.leases import held_elsewhere
from qingqian.ledger.choices import ImportStatus
from qingqian.ledger.models import ArrearsItem, ImportJob
from qingqian.ledger.services.imports import LEASE, import_job_create, import_job_run, import_jobs_resume
from qingqian.ledger.tests.test_import_export import hengxin_uscc, row, write_xlsx

pytestmark = pytest.mark.django_db


def _job(world, tmp_path: Path, n: int = 3) -> ImportJob:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [row(合同编号=f"TAKE-{i}", 企业统一社会信用代码=hengxin_uscc()) for i in range(n)],
    )
    return import_job_create(actor=world.clerk, name="t.xlsx", chunks=[path.read_bytes()], enqueue=False)


def _died_while_running(job: ImportJob) -> None:
    """What a worker killed half-way leaves: the job marked running, none of its rows (rolled back)."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, phase="正在写入")


def test_a_job_whose_process_died_is_imported_again_exactly_once(world, tmp_path):
    job = _job(world, tmp_path)
    _died_while_running(job)
    assert is_free(LEASE, job.pk)
    done = import_job_run(job_id=job.pk)
    assert done.status == ImportStatus.SUCCEEDED and done.created_count == 3
    assert ArrearsItem.objects.filter(import_job=job).count() == 3
    assert Event.objects.filter(action="ledger.import.resumed", object_id=str(job.pk)).count() == 1
    with pytest.raises(ConcurrentTransition):  # finished: never again
        import_job_run(job_id=job.pk)
    assert ArrearsItem.objects.filter(import_job=job).count() == 3


def test_a_job_that_died_after_its_commit_is_only_recorded(world, tmp_path):
    job = _job(world, tmp_path)
    import_job_run(job_id=job.pk)
    _died_while_running(job)  # as if killed between the commit and marking the job done
    again = import_job_run(job_id=job.pk)
    assert again.status == ImportStatus.SUCCEEDED and again.created_count == 3
    assert Event.objects.filter(action="ledger.import.succeeded", object_id=str(job.pk)).count() == 1
    assert not Event.objects.filter(action="ledger.import.resumed", object_id=str(job.pk)).exists()


def test_a_live_holder_keeps_its_job(world, tmp_path):
    """Another process (here a thread with its own connection) holds the lease: nobody takes over."""
    job = _job(world, tmp_path)
    _died_while_running(job)
    with held_elsewhere(LEASE, job.pk):
        assert not is_free(LEASE, job.pk)
        with pytest.raises(ConcurrentTransition):
            import_job_run(job_id=job.pk)
        assert import_jobs_resume() == 0
    assert ArrearsItem.objects.filter(import_job=job).count() == 0
    assert import_jobs_resume() == 1  # the holder is gone: queued (and, with the test backend, run)
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED and ArrearsItem.objects.filter(import_job=job).count() == 3


def test_a_fresh_pending_job_is_left_to_its_task(world, tmp_path):
    job = _job(world, tmp_path)
    assert import_jobs_resume() == 0
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
