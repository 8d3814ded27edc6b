"""Template filters for money (元 with thousands separators, 万元/亿元 for headline figures) and labels."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import gettext as _

from qingqian.ledger import conf
from qingqian.ledger.choices import Bucket

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def wan(value: Any) -> str:
    """An amount in 万元 (two decimals), as city reports state it."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) / 10000).quantize(Decimal('0.01')):,}"


@register.filter
def big_amount(value: Any) -> str:
    """亿元 above 100 million, else 万元: "13.13亿元"."""
    if value is None:
        return "—"
    amount = Decimal(value)
    if abs(amount) >= Decimal(100_000_000):
        return _("%(v)s亿元") % {"v": f"{(amount / 100_000_000).quantize(Decimal('0.01')):,}"}
    return _("%(v)s万元") % {"v": f"{(amount / 10000).quantize(Decimal('0.01')):,}"}


@register.filter
def bucket_label(code: Any) -> str:
    if not code:
        return "—"
    fixed = dict(Bucket.choices)
    if code in fixed:
        return str(fixed[code])
    codes = {c for c, _lo, _hi in conf.bucket_codes()}
    return _("逾期%(r)s天") % {"r": code} if code in codes else str(code)


@register.filter
def bucket_class(code: Any) -> str:
    if code in (Bucket.SETTLED,):
        return "text-bg-success"
    if code in (Bucket.NOT_DUE,):
        return "text-bg-secondary"
    if code in (Bucket.UNKNOWN, None, ""):
        return "text-bg-light"
    if str(code).endswith("+") or str(code).startswith(("181", "91")):
        return "text-bg-danger"
    return "text-bg-warning"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
