"""Timeline component: an object's events rendered as readable steps.

Apps register human labels for their action codes in their AppConfig.ready():
``register_action_labels({"registry.organisation.created": _("登记单位")})``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingqian.core.events import events_for

_LABELS: dict[str, Any] = {}


def register_action_labels(labels: dict[str, Any]) -> None:
    _LABELS.update(labels)


def action_label(code: str) -> str:
    return str(_LABELS.get(code, code))


@dataclass(frozen=True)
class TimelineEntry:
    occurred_at: datetime
    actor_label: str
    action: str
    label: str
    detail: str


def _detail(before: dict[str, Any] | None, after: dict[str, Any] | None, data: dict[str, Any]) -> str:
    if data.get("explain"):
        return str(data["explain"])
    if data.get("reason"):
        return _("理由：%(reason)s") % {"reason": data["reason"]}
    if before and after:
        separator = pgettext("list separator", "，")
        return separator.join(f"{k}: {before.get(k)} → {after.get(k)}" for k in after)
    return ""


def timeline_for(obj: models.Model, *, limit: int = 500) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            occurred_at=e.occurred_at,
            actor_label=e.actor_label if e.actor_label != "system" else _("系统"),
            action=e.action,
            label=action_label(e.action),
            detail=_detail(e.before, e.after, e.data or {}),
        )
        for e in events_for(obj)[:limit]
    ]
