"""Helpers shared by the complaint services: numbering, deadline history, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from qingqian.complaints.models import Complaint, ComplaintCounter, DeadlineHistory
from qingqian.notifications.models import Channel
from qingqian.notifications.services import notify


def next_number(year: int) -> str:
    """`QQ-YYYY-NNNNNN` from the year's counter row: an atomic UPDATE … SET last = last + 1 (the row
    stays locked until commit on PostgreSQL; SQLite's IMMEDIATE transactions serialise writers), so
    two filings never get the same number and a number is never handed out twice."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the filing transaction")
    if not ComplaintCounter.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                ComplaintCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # created by a concurrent filing
    updated = ComplaintCounter.objects.filter(year=year).update(last=F("last") + 1)
    if updated != 1:  # pragma: no cover - the row exists by now
        raise RuntimeError("complaint counter missing")
    last = ComplaintCounter.objects.values_list("last", flat=True).get(year=year)
    return f"QQ-{year}-{last:06d}"


def history(
    case: Complaint,
    entries: Iterable[tuple[str, dt.date | None, dt.date | None, str]],
    actor: Any,
) -> None:
    user = actor if getattr(actor, "is_authenticated", False) else None
    DeadlineHistory.objects.bulk_create(
        [
            DeadlineHistory(
                complaint=case, kind=kind, old_value=old, new_value=new, reason=reason[:200], changed_by=user
            )
            for kind, old, new, reason in entries
            if old != new
        ]
    )


def case_link(case: Complaint) -> str:
    return reverse("complaints:detail", args=[case.pk])


def tell(
    recipients: Iterable[Any],
    case: Complaint,
    *,
    topic: str,
    subject: str,
    body: str = "",
    dedupe_key: str = "",
    sms: bool = False,
) -> None:
    channels = [Channel.INAPP, Channel.EMAIL] + ([Channel.SMS] if sms else [])
    notify(
        recipients=list(recipients),
        topic=topic,
        subject=f"[{case.number}] {subject}",
        body=body,
        link=case_link(case),
        obj=case,
        channels=channels,
        dedupe_key=dedupe_key,
    )
