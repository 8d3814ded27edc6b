"""Import jobs: upload a 台账 file, then a background task imports it with progress (all-or-nothing).

A job is run under a lease (`qingqian.core.leases`) held by the running process. The writes happen in
one transaction that also records `ledger.import.succeeded`, so a process killed half-way leaves nothing
behind; its job stays "running" with a free lease, and the next run (`import_jobs_resume`, from the
hourly ledger sweep) takes it over: it imports the file again, or — if the process died just after
the commit — only records the outcome the event already holds. Either way the file lands exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import ConcurrentTransition, InvalidInput
from qingqian.core.events import record_event
from qingqian.core.leases import is_free, lease
from qingqian.core.models import Event
from qingqian.core.permissions import Action, require
from qingqian.ledger.choices import AmountUnit, ImportStatus
from qingqian.ledger.models import ArrearsItem, ImportJob

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
MAX_BYTES = 50 * 1024 * 1024
LEASE = "ledger.import"
# A pending job nobody picked up for this long (its task was lost with a dead worker) is queued again.
PENDING_STALE = dt.timedelta(minutes=10)

logger = logging.getLogger("qingqian.ledger.imports")


def import_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "ledger_imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def import_job_create(
    *, actor: Any, name: str, chunks: Any, unit: str = AmountUnit.AUTO, enqueue: bool = True
) -> ImportJob:
    """Store the uploaded file (outside the web root) and queue its import. `chunks` yields bytes."""
    require(actor, Action.CREATE, ArrearsItem)
    suffix = Path(name or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InvalidInput(_("请上传 Excel 文件（.xlsx）。"), fields={"file": [_("文件类型不支持。")]})
    if unit not in AmountUnit.values:
        raise InvalidInput(_("金额单位无效。"), fields={"unit": [_("金额单位无效。")]})
    target = import_dir() / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise InvalidInput(_("文件超过 50MB。"), fields={"file": [_("文件过大。")]})
            digest.update(chunk)
            out.write(chunk)
    job = ImportJob.objects.create(
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        original_name=Path(name).name[:255],
        stored_path=str(target),
        file_sha256=digest.hexdigest(),
        unit=unit,
    )
    record_event(
        actor=actor,
        action="ledger.import.uploaded",
        obj=job,
        data={"file": job.original_name, "bytes": size, "sha256": job.file_sha256, "unit": unit},
    )
    if enqueue:
        from qingqian.ledger.tasks import run_import

        transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


def _progress(job_id: int) -> Any:
    last = {"t": 0.0}

    def report(phase: str, done: int, total: int) -> None:
        import time

        logger.info("import %s: %s %d/%d", job_id, phase, done, total)
        if phase == "write" and done:
            return  # inside the import's transaction: nobody would see the row before the commit
        now = time.monotonic()
        if done not in (0, total) and now - last["t"] < 0.5:
            return
        last["t"] = now
        label = {"check": _("正在校验"), "write": _("正在写入")}.get(phase, phase)
        fields: dict[str, Any] = {"phase": str(label)}
        if phase == "check":
            fields.update(processed_rows=done, total_rows=total)
        # Outside the import transaction when checking, so other requests see it (progress bar).
        ImportJob.objects.filter(pk=job_id).update(**fields)

    return report


def import_job_run(*, job_id: int, timings: dict[str, float] | None = None) -> ImportJob:
    """Run one queued import (the task body). Idempotent: a pending job is claimed, a running one only
    when the process that ran it is gone (its lease is free), a finished one never. `timings`, when
    given, receives the seconds per phase (`Importer.timings`, plus ``open`` for loading the sheet)."""
    with lease(LEASE, job_id) as held:
        if not held:
            raise ConcurrentTransition(_("该导入任务正在处理中。"))
        return _run_leased(job_id, timings)


def _run_leased(job_id: int, timings: dict[str, float] | None = None) -> ImportJob:
    import time

    from qingqian.core.io.xlsx import open_sheet
    from qingqian.ledger.io.importer import LedgerImporter

    before = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if before == ImportStatus.RUNNING:
        done = _committed_outcome(job_id)
        if done is not None:  # died after the commit, before recording it: record, don't import again
            return _finish_succeeded(ImportJob.objects.get(pk=job_id), done, 0)
    touched = ImportJob.objects.filter(
        pk=job_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), phase=str(_("正在读取文件")), processed_rows=0
    )
    if touched != 1:
        raise ConcurrentTransition(_("该导入任务已在处理或已完成。"))
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if before == ImportStatus.RUNNING:
        with transaction.atomic():
            record_event(
                actor=None,
                action="ledger.import.resumed",
                obj=job,
                data={
                    "file": job.original_name,
                    "explain": _("上次导入的进程中断，未写入任何数据；重新导入"),
                },
            )
    started = time.perf_counter()
    try:
        height, rows = open_sheet(job.stored_path)
    except Exception as exc:  # a file calamine cannot read is the user's problem, said plainly
        return _finish_failed(
            job,
            [
                {
                    "row": 0,
                    "column": "",
                    "message": str(exc)[:300],
                    "text": _("文件无法读取：%(e)s") % {"e": str(exc)[:300]},
                }
            ],
            0,
        )
    ImportJob.objects.filter(pk=job_id).update(total_rows=max(0, height - 2))
    opened = time.perf_counter() - started
    importer = LedgerImporter(actor=job.created_by, unit=job.unit, job=job, progress=_progress(job.pk))
    result = importer.run(rows, total_hint=height)
    if timings is not None:
        timings.update({"open": opened, **result.timings})
    if not result.ok:
        return _finish_failed(
            job, [e.as_dict() for e in result.errors], result.error_count, total=result.total_rows
        )
    return _finish_succeeded(job, result.counts, result.total_rows)


def _committed_outcome(job_id: int) -> dict[str, Any] | None:
    """The counts of this job's committed import (its `ledger.import.succeeded` event), if any."""
    from django.contrib.contenttypes.models import ContentType

    data = (
        Event.objects.filter(
            action="ledger.import.succeeded",
            object_type=ContentType.objects.get_for_model(ImportJob),
            object_id=str(job_id),
        )
        .values_list("data", flat=True)
        .first()
    )
    return dict(data) if data is not None else None


def _finish_succeeded(job: ImportJob, counts: dict[str, Any], total_rows: int) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.SUCCEEDED,
        finished_at=timezone.now(),
        phase=str(_("完成")),
        total_rows=total_rows or job.total_rows,
        processed_rows=total_rows or job.total_rows,
        created_count=counts.get("created", 0),
        updated_count=counts.get("updated", 0),
        unchanged_count=counts.get("unchanged", 0),
        message=_("新增 %(c)d 条，更新 %(u)d 条，未变化 %(n)d 条；新登记企业 %(e)d 家。")
        % {
            "c": counts.get("created", 0),
            "u": counts.get("updated", 0),
            "n": counts.get("unchanged", 0),
            "e": counts.get("enterprises", 0),
        },
    )
    job.refresh_from_db()
    return job


def import_jobs_resume() -> int:
    """Queue again the jobs whose process died: running with a free lease, or pending so long that
    their task was evidently lost. Returns how many were queued (run from the hourly ledger sweep)."""
    from qingqian.ledger.tasks import run_import

    stale = timezone.now() - PENDING_STALE
    queued = 0
    for job_id, status, created_at in ImportJob.objects.filter(
        status__in=[ImportStatus.RUNNING, ImportStatus.PENDING]
    ).values_list("pk", "status", "created_at"):
        if status == ImportStatus.PENDING and created_at > stale:
            continue
        if is_free(LEASE, job_id):
            run_import.enqueue(job_id)
            queued += 1
    return queued


def _finish_failed(job: ImportJob, errors: list[dict[str, Any]], count: int, *, total: int = 0) -> ImportJob:
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            phase=str(_("未导入")),
            errors=errors,
            total_rows=total or job.total_rows,
            message=_("发现 %(n)d 处错误，整个文件未导入。请修改后重新上传。") % {"n": count},
        )
        record_event(
            actor=job.created_by,
            action="ledger.import.failed",
            obj=job,
            data={"errors": count, "file": job.original_name},
        )
    job.refresh_from_db()
    return job
