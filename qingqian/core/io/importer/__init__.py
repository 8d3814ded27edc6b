"""The import machinery: find the columns by their headers, parse cells, bind each row to a form,
collect ``第N行：列名：…`` errors, and only apply a file that has none (all-or-nothing).

A domain importer declares `ImportColumn`s and implements `check_row()` (cross-row and database checks)
and `apply()` (the writes, called once inside one transaction). Progress goes to a callback.

Modules: `layout` (columns, header, row errors), `memo` (outcomes per distinct value), `binder` (rows bound
to a form), `base` (`Importer.run`).
"""

from __future__ import annotations

from qingqian.core.io.importer.base import (
    CHECK_GC_THRESHOLD,
    HEADER_SCAN,
    MAX_REPORTED_ERRORS,
    Importer,
    ImportResult,
    Progress,
    RowErrorSink,
)
from qingqian.core.io.importer.binder import PURE_FIELDS, FormBinder
from qingqian.core.io.importer.layout import HeaderError, ImportColumn, Layout, RowError, locate
from qingqian.core.io.importer.memo import DIRECT_BLOCKS, MEMO_LIMIT, Memo, Outcome, memoize

__all__ = [
    "CHECK_GC_THRESHOLD",
    "DIRECT_BLOCKS",
    "HEADER_SCAN",
    "MAX_REPORTED_ERRORS",
    "MEMO_LIMIT",
    "PURE_FIELDS",
    "FormBinder",
    "HeaderError",
    "ImportColumn",
    "ImportResult",
    "Importer",
    "Layout",
    "Memo",
    "Outcome",
    "Progress",
    "RowError",
    "RowErrorSink",
    "locate",
    "memoize",
]
