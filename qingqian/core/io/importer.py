"""The import machinery: find the columns by their headers, parse cells, bind each row to a form,
collect ``第N行：列名：…`` errors, and only apply a file that has none (all-or-nothing).

A domain importer declares `ImportColumn`s and implements `check_row()` (cross-row and database checks)
and `apply()` (the writes, called once inside one transaction). Progress goes to a callback.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.core.io.cells import CellError, fold, is_blank

MAX_REPORTED_ERRORS = 500
HEADER_SCAN = 15


@dataclass(frozen=True)
class ImportColumn:
    header: str  # the template's header, e.g. "合同编号"
    field: str  # the form field (or a key the importer reads itself)
    parse: Callable[[Any], Any] | None = None  # cell → value; raises CellError
    required: bool = False
    aliases: tuple[str, ...] = ()
    export_only: bool = False  # in the exported template for reading; ignored on import

    def names(self) -> set[str]:
        return {_norm(self.header), *(_norm(a) for a in self.aliases)}


def _norm(header: Any) -> str:
    text = fold(str(header or "")).replace(" ", "").replace("*", "").replace("（", "(").replace("）", ")")
    return text


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based spreadsheet row number
    column: str  # header text, or "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第%(row)d行：%(col)s：%(msg)s") % {
                "row": self.row,
                "col": self.column,
                "msg": self.message,
            }
        return _("第%(row)d行：%(msg)s") % {"row": self.row, "msg": self.message}

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class HeaderError(ValueError):
    pass


@dataclass
class Layout:
    header_row: int  # 0-based index of the header row
    columns: dict[int, ImportColumn]  # sheet column index → column
    preamble: list[str]  # texts above the header (e.g. "金额单位：万元")


def locate(rows: Sequence[list[Any]], columns: Sequence[ImportColumn], *, scan: int = 15) -> Layout:
    """The header row is the first of the top `scan` rows that names every required column."""
    wanted = [c for c in columns if not c.export_only]
    for index, row in enumerate(rows[:scan]):
        found: dict[int, ImportColumn] = {}
        for col, cell in enumerate(row):
            name = _norm(cell)
            for spec in wanted:
                if name and name in spec.names() and spec not in found.values():
                    found[col] = spec
                    break
        present = set(found.values())
        if all(c in present for c in wanted if c.required):
            preamble = [fold(str(c)) for r in rows[:index] for c in r if not is_blank(c)]
            return Layout(index, found, preamble)
    missing = "、".join(c.header for c in wanted if c.required)
    raise HeaderError(
        _("未找到表头：前%(n)d行中没有一行同时包含必填列（%(cols)s）。请使用台账模板。")
        % {"n": scan, "cols": missing}
    )


class FormBinder:
    """Binds a dict of typed values to a Django form class the way `Form.full_clean` does — each field's
    `clean()`, then `clean_<field>()`, then the form's `clean()` — but on one reused instance, so a large
    file does not pay for building a form per row. Same fields, same messages, same cross-field rules."""

    def __init__(self, form_class: type[forms.Form], **kwargs: Any) -> None:
        self.form = form_class(data={}, **kwargs)
        self.fields = list(self.form.fields.items())
        self.hooks = {name: getattr(self.form, f"clean_{name}", None) for name, _f in self.fields}
        # An empty value of an optional field cleans to the field's own empty value without running
        # validators (Django's Field.clean does exactly this); computed once instead of per row.
        self.empty = {name: fld.to_python(None) for name, fld in self.fields if not fld.required}

    def bind(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        form = self.form
        form.cleaned_data = {}
        form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
        cleaned = form.cleaned_data
        errors: dict[str, list[str]] = {}
        empty = self.empty
        for name, fld in self.fields:
            value = data.get(name)
            if name in empty and (value is None or value == "") and self.hooks[name] is None:
                cleaned[name] = empty[name]
                continue
            try:
                cleaned[name] = fld.clean(value)
                hook = self.hooks[name]
                if hook is not None:
                    cleaned[name] = hook()
            except ValidationError as exc:
                errors[name] = list(exc.messages)
        if not errors:
            try:
                result = form.clean()
                if result is not None:
                    cleaned = result
            except ValidationError as exc:
                errors.setdefault("__all__", []).extend(exc.messages)
            for name, errs in form._errors.items():  # type: ignore[attr-defined]  # add_error() in clean()
                errors.setdefault(name, []).extend(str(e) for e in errs)
        return cleaned, errors


@dataclass
class ImportResult:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Importer:
    """Subclass: set `columns`; implement `prepare(layout)`, `check_row(row_number, values, add_error)`
    returning an object to apply (or None), and `apply(objects) -> counts`."""

    columns: list[ImportColumn] = []
    progress_every = 2000

    def __init__(self, *, progress: Progress | None = None) -> None:
        self.progress = progress or (lambda phase, done, total: None)

    # -- hooks ---------------------------------------------------------------------------------
    def prepare(self, layout: Layout) -> None:
        """Look-ups loaded once for the whole file (units declared in the preamble, reference tables)."""

    def check_row(self, row_number: int, values: dict[str, Any], error: Callable[[str, str], None]) -> Any:
        raise NotImplementedError

    def apply(self, checked: list[Any]) -> dict[str, int]:
        raise NotImplementedError

    def header_of(self, fld: str) -> str:
        for c in self.columns:
            if c.field == fld:
                return c.header
        return ""

    # -- the run -------------------------------------------------------------------------------
    def run(self, rows: Iterable[list[Any]], *, total_hint: int = 0) -> ImportResult:
        """Stream the rows once: locate the header in the first rows, check every row (keeping only what
        `check_row` returns), then — only if no row failed — `apply()` inside one transaction."""
        iterator = iter(rows)
        head = list(itertools.islice(iterator, HEADER_SCAN))
        result = ImportResult()
        try:
            layout = locate(head, self.columns, scan=HEADER_SCAN)
        except HeaderError as exc:
            result.errors.append(RowError(1, "", str(exc)))
            result.error_count = 1
            return result
        self.prepare(layout)
        body = itertools.chain(head[layout.header_row + 1 :], iterator)
        total = max(0, total_hint - layout.header_row - 1) if total_hint else 0
        self.progress("check", 0, total)
        checked: list[Any] = []
        width = max(layout.columns, default=-1) + 1
        specs = [(col, spec) for col, spec in sorted(layout.columns.items()) if not spec.export_only]
        row_number = layout.header_row + 1
        row_errors: list[RowError] = []
        row: list[Any] = []

        def error(column: str, message: str) -> None:
            row_errors.append(RowError(row_number, column, message))

        for offset, row in enumerate(body):
            row_number = layout.header_row + 2 + offset
            if offset and offset % self.progress_every == 0:
                self.progress("check", offset, total)
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in row[:width]):
                continue
            result.total_rows += 1
            values: dict[str, Any] = {}
            row_errors.clear()
            for col, spec in specs:
                raw = row[col]
                try:
                    value = spec.parse(raw) if spec.parse is not None else raw
                except CellError as exc:
                    error(spec.header, str(exc))
                    continue
                if spec.required and (value is None or value == ""):
                    error(spec.header, _("不能为空"))
                    continue
                values[spec.field] = value
            if not row_errors:
                obj = self.check_row(row_number, values, error)
                if obj is not None and not row_errors:
                    checked.append(obj)
            if row_errors:
                result.error_count += len(row_errors)
                room = MAX_REPORTED_ERRORS - len(result.errors)
                if room > 0:
                    result.errors.extend(row_errors[:room])
        # Let the spreadsheet go before writing: calamine's copy of the sheet is the largest allocation.
        del body, iterator, head, row
        self.progress("check", result.total_rows, result.total_rows)
        if result.error_count or not result.total_rows:
            if not result.total_rows and not result.error_count:
                result.errors.append(RowError(layout.header_row + 2, "", _("文件中没有数据行。")))
                result.error_count = 1
            return result
        self.progress("write", 0, len(checked))
        with transaction.atomic():
            result.counts = self.apply(checked)
        result.applied = True
        self.progress("write", len(checked), len(checked))
        return result
