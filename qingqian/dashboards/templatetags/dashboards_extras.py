"""Number formats of the dashboard: 万元 with two places, percentages from rates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def wan(value: Any) -> str:
    """Yuan → 万元 with thousands separators and two places ('12,345.67')."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return f"{amount / 10000:,.2f}"


@register.filter
def yuan(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return f"{amount:,.2f}"


@register.filter
def pct(rate: Any) -> str:
    """0.8333 → '83.3%'; None → '—'."""
    if rate is None or rate == "":
        return "—"
    try:
        return f"{float(rate) * 100:.1f}%"
    except (TypeError, ValueError):
        return "—"


@register.filter
def bucket_label(code: Any) -> str:
    """An aging bucket code ('31-60', 'settled', …) as its Chinese label."""
    if not code:
        return "—"
    from qingqian.dashboards.selectors import _bucket_label
    from qingqian.ledger.choices import Bucket

    labels = {str(k): str(v) for k, v in Bucket.choices}
    return labels.get(str(code)) or _bucket_label(str(code))
