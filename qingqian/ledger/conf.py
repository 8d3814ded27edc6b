"""Ledger settings. Each can be set in Django settings or in the environment; the default is named.

| name | default | meaning |
|---|---|---|
| LEDGER_CONFIRM_ESCALATE_DAYS | 10 | days a payment report may wait for the SME's confirmation before it is escalated to the office |
| LEDGER_PLAN_GRACE_DAYS | 5 | days after an instalment's date before a shortfall is a breach |
| LEDGER_AGING_EDGES | 30,60,90,180,365 | upper bounds (overdue days) of the aging buckets; beyond the last is the open bucket |
| LEDGER_IMPORT_MAX_ROWS | 200000 | rows an import file may hold |
| LEDGER_AGING_WORK_MEM | 256MB | PostgreSQL `work_mem` for the aging statement (SET LOCAL; hash aggregates stay in memory) |
"""

from __future__ import annotations

import itertools
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _int(name: str, default: int) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def confirm_escalate_days() -> int:
    return _int("LEDGER_CONFIRM_ESCALATE_DAYS", 10)


def plan_grace_days() -> int:
    return _int("LEDGER_PLAN_GRACE_DAYS", 5)


def import_max_rows() -> int:
    return _int("LEDGER_IMPORT_MAX_ROWS", 200_000)


def aging_edges() -> tuple[int, ...]:
    """Bucket upper bounds in overdue days, strictly increasing and positive."""
    raw = getattr(settings, "LEDGER_AGING_EDGES", None) or os.environ.get("LEDGER_AGING_EDGES", "")
    if not raw:
        return (30, 60, 90, 180, 365)
    values = raw if isinstance(raw, list | tuple) else [p for p in str(raw).split(",") if p.strip()]
    try:
        edges = tuple(int(v) for v in values)
    except ValueError as exc:
        raise ImproperlyConfigured(f"LEDGER_AGING_EDGES must be integers, not {raw!r}") from exc
    if not edges or edges[0] <= 0 or any(b <= a for a, b in itertools.pairwise(edges)):
        raise ImproperlyConfigured("LEDGER_AGING_EDGES must be positive and strictly increasing")
    return edges


def bucket_codes(edges: tuple[int, ...] | None = None) -> list[tuple[str, int, int | None]]:
    """(code, first day, last day or None) per overdue bucket: 0-30, 31-60, …, 365+."""
    edges = edges or aging_edges()
    out: list[tuple[str, int, int | None]] = []
    low = 0
    for edge in edges:
        out.append((f"{low}-{edge}", low, edge))
        low = edge + 1
    out.append((f"{edges[-1]}+", low, None))
    return out


def aging_work_mem() -> str:
    raw = str(
        getattr(settings, "LEDGER_AGING_WORK_MEM", "")
        or os.environ.get("LEDGER_AGING_WORK_MEM", "")
        or "256MB"
    )
    if not raw.rstrip("kKMGB").isdigit():
        raise ImproperlyConfigured(f"LEDGER_AGING_WORK_MEM must look like 256MB, not {raw!r}")
    return raw
