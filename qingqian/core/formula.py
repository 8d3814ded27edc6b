"""Spreadsheet exports that can't run formulas (CSV/formula injection, OWASP) and that mask personal data.

    from qingqian.core.formula import safe_cell, safe_row
    sheet.append(safe_row(row))

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return (also their full-width forms)
gets a leading apostrophe, so Excel/WPS show it as text. Numbers, dates and Decimals pass unchanged.
`PersonalText` values (encrypted personal fields) are written masked unless `unmasked=True` — and an
unmasked export must be audited (`qingqian.security.audit.audit_export(..., unmasked=True)`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from qingqian.core.personal import PersonalText

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any, *, unmasked: bool = False) -> Any:
    if value is None or isinstance(value, bool | int | float | Decimal | dt.date | dt.datetime | dt.time):
        return value
    if isinstance(value, PersonalText):
        value = value.plain if unmasked else value.masked
    text = str(value)
    if text.startswith(DANGEROUS_PREFIXES):
        return "'" + text
    return text


def safe_row(values: Iterable[Any], *, unmasked: bool = False) -> list[Any]:
    return [safe_cell(v, unmasked=unmasked) for v in values]
