"""The killed-import drill's set-up and checks (see drills/killed_import.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drills.inside.common import EDUCATION, audit_chain, standard_users

NEW_PREFIX = "演练导入新企业"
CONTRACT_PREFIX = "KILL-"


def write_file(path: str, rows: int, new_every: int) -> int:
    """An N-row 台账 file of 市教育局 in the import template; every `new_every`-th row names an SME the
    registry does not know yet (registered by the import). Returns how many new SMEs it names."""
    import xlsxwriter

    from qingqian.demo.seed import demo_uscc
    from qingqian.ledger.io.template import COLUMNS, UNIT_NOTE
    from qingqian.registry.models import Enterprise

    known = list(Enterprise.objects.order_by("pk").values_list("name", "uscc")[:20])
    headers = [c.header for c in COLUMNS if not c.export_only]
    col = {h: i for i, h in enumerate(headers)}
    book = xlsxwriter.Workbook(path, {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    sheet.write_string(0, 0, UNIT_NOTE)
    for i, header in enumerate(headers):
        sheet.write_string(1, i, header)
    new: set[str] = set()
    for r in range(rows):
        if r % new_every == 0:
            name = f"{NEW_PREFIX}{r // new_every:04d}有限公司"
            uscc = demo_uscc("91", "130102", f"drill-import-{r // new_every}")
            new.add(uscc)
        else:
            name, uscc = known[r % len(known)]
        signed = dt.date(2023, 1, 1) + dt.timedelta(days=r % 600)
        values: dict[str, Any] = {
            "序号": r + 1,
            "欠款单位名称": EDUCATION,
            "债权企业名称": name,
            "企业统一社会信用代码": uscc,
            "企业规模（签约时）": "小型",
            "合同编号": f"{CONTRACT_PREFIX}{r:06d}",
            "合同名称": "演练导入合同",
            "标的类型": ("货物", "工程", "服务")[r % 3],
            "合同签订日期": signed.isoformat(),
            "交付日期": (signed + dt.timedelta(days=30)).isoformat(),
            "合同金额": 20000 + r,
            "确认欠款金额": 10000 + r % 5000,
            "约定付款期限（天）": (30, 45, 60)[r % 3],
        }
        for header, value in values.items():
            if isinstance(value, str):
                sheet.write_string(2 + r, col[header], value)
            else:
                sheet.write_number(2 + r, col[header], value)
    book.close()
    return len(new)


def setup(payload: dict[str, Any]) -> dict[str, Any]:
    """Write the file and upload it as the clerk of 市教育局: one job, queued for the task worker."""
    from pathlib import Path

    from qingqian.accounts.models import User
    from qingqian.ledger.services.imports import import_job_create

    standard_users()
    new_smes = write_file(payload["path"], payload["rows"], payload["new_every"])
    clerk = User.objects.get(username="drill_clerk")
    data = Path(payload["path"]).read_bytes()
    job = import_job_create(actor=clerk, name="演练台账.xlsx", chunks=[data])
    return {"job": job.pk, "new_smes": new_smes, "bytes": len(data)}


def state(payload: dict[str, Any]) -> dict[str, Any]:
    """What the database holds of the job now."""
    from django.db import connection

    from qingqian.core.models import Event
    from qingqian.ledger.models import ArrearsItem, ImportJob, LedgerEntry
    from qingqian.registry.models import Enterprise

    job = ImportJob.objects.get(pk=payload["job"])
    items = ArrearsItem.objects.filter(contract_number__startswith=CONTRACT_PREFIX)
    reserved = None
    if connection.vendor == "postgresql":  # sequences are not transactional: ids taken by a rolled-back write
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM ledger_arrearsitem_id_seq")
            reserved = int(cursor.fetchone()[0])
    events = {
        action: Event.objects.filter(action=f"ledger.import.{action}", object_id=str(job.pk)).count()
        for action in ("succeeded", "resumed", "failed")
    }
    return {
        "status": job.status,
        "phase": job.phase,
        "created_count": job.created_count,
        "unchanged_count": job.unchanged_count,
        "items": items.count(),
        "items_of_job": items.filter(import_job=job).count(),
        "distinct_contracts": items.values("contract_number").distinct().count(),
        "entries": LedgerEntry.objects.filter(item__contract_number__startswith=CONTRACT_PREFIX).count(),
        "new_smes": Enterprise.objects.filter(name__startswith=NEW_PREFIX).count(),
        "events": events,
        "max_item_id_reserved": reserved,
        "max_item_id": max(ArrearsItem.objects.order_by("-pk").values_list("pk", flat=True)[:1] or [0]),
        "audit": audit_chain() if payload.get("audit") else None,
    }


def resume(_payload: Any) -> dict[str, Any]:
    """The hourly sweep's part that queues again the imports whose process died."""
    from qingqian.ledger.services.imports import import_jobs_resume

    return {"queued": import_jobs_resume()}


def upload_again(payload: dict[str, Any]) -> dict[str, Any]:
    """The same file uploaded a second time: it must change nothing."""
    from pathlib import Path

    from qingqian.accounts.models import User
    from qingqian.ledger.services.imports import import_job_create, import_job_run

    clerk = User.objects.get(username="drill_clerk")
    job = import_job_create(
        actor=clerk, name="演练台账-再次上传.xlsx", chunks=[Path(payload["path"]).read_bytes()], enqueue=False
    )
    done = import_job_run(job_id=job.pk)
    return {"status": done.status, "created": done.created_count, "unchanged": done.unchanged_count}
