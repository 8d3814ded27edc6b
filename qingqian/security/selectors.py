"""Reads of the audit administrator: event search with filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from qingqian.core.models import Event
from qingqian.security.audit import SECURITY_ACTIONS


def event_search(filters: dict[str, Any]) -> QuerySet[Event]:
    qs = Event.objects.select_related("actor", "object_type").order_by("-occurred_at", "-id")
    if filters.get("category"):
        qs = qs.filter(action__in=SECURITY_ACTIONS.get(filters["category"], []))
    if filters.get("action"):
        qs = qs.filter(action__startswith=filters["action"].strip())
    if filters.get("actor"):
        qs = qs.filter(actor_label__iexact=filters["actor"].strip())
    if filters.get("object_id"):
        qs = qs.filter(object_id=filters["object_id"].strip())
    if filters.get("ip"):
        qs = qs.filter(ip=filters["ip"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        qs = qs.filter(occurred_at__gte=dt.datetime.combine(filters["date_from"], dt.time.min, tzinfo=tz))
    if filters.get("date_to"):
        qs = qs.filter(
            occurred_at__lt=dt.datetime.combine(
                filters["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=tz
            )
        )
    return qs
