"""Import jobs: upload a 台账 file, then a background task imports it with progress (all-or-nothing)."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import ConcurrentTransition, InvalidInput
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger.choices import AmountUnit, ImportStatus
from qingqian.ledger.models import ArrearsItem, ImportJob

ALLOWED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
MAX_BYTES = 50 * 1024 * 1024


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
    """Run one queued import (the task body). Idempotent: only a pending job is claimed. `timings`, when
    given, receives the seconds per phase (`Importer.timings`, plus ``open`` for loading the sheet)."""
    import time

    from qingqian.core.io.xlsx import open_sheet
    from qingqian.ledger.io.importer import LedgerImporter

    touched = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), phase=str(_("正在读取文件"))
    )
    if touched != 1:
        raise ConcurrentTransition(_("该导入任务已在处理或已完成。"))
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
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
    counts = result.counts
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.SUCCEEDED,
        finished_at=timezone.now(),
        phase=str(_("完成")),
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
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
