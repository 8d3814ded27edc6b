from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def field_value(values: Any, *parts: Any) -> str:
    """`{% field_value values "contract" i "number" %}` → values["contract-<i>-number"]."""
    key = "-".join(str(p) for p in parts)
    getter = getattr(values, "get", None)
    return str(getter(key, "") or "") if getter else ""


@register.simple_tag
def field_errors(errors: Any, *parts: Any) -> list[str]:
    key = ".".join(str(p) for p in parts)
    return list((errors or {}).get(key, []))


@register.filter
def countdown_label(left: int | None) -> str:
    if left is None:
        return ""
    if left > 0:
        return _("剩余%(n)d个工作日") % {"n": left}
    if left == 0:
        return _("今日到期")
    return _("已超期%(n)d个工作日") % {"n": -left}


@register.filter
def countdown_class(left: int | None) -> str:
    if left is None:
        return "text-bg-secondary"
    if left < 0:
        return "text-bg-danger"
    if left <= 2:
        return "text-bg-warning"
    return "text-bg-success"


LATENESS_CLASS = {
    "on_time": "text-bg-light",
    "due_soon": "text-bg-warning",
    "overdue": "text-bg-danger",
    "seriously_overdue": "text-bg-dark",
}


@register.filter
def lateness_class(value: str) -> str:
    return LATENESS_CLASS.get(value, "text-bg-light")


STATUS_CLASS = {
    "registered": "text-bg-info",
    "under_review": "text-bg-info",
    "awaiting_material": "text-bg-warning",
    "not_accepted": "text-bg-secondary",
    "accepted": "text-bg-primary",
    "transferred": "text-bg-primary",
    "in_handling": "text-bg-primary",
    "extension_requested": "text-bg-warning",
    "result_submitted": "text-bg-primary",
    "feedback_sent": "text-bg-success",
    "office_review": "text-bg-danger",
    "closed": "text-bg-success",
    "withdrawn": "text-bg-secondary",
    "terminated": "text-bg-secondary",
}


@register.filter
def status_class(value: str) -> str:
    return STATUS_CLASS.get(value, "text-bg-secondary")


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return (mapping or {}).get(key, 0)
