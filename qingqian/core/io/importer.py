"""The import machinery: find the columns by their headers, parse cells, bind each row to a form,
collect ``第N行：列名：…`` errors, and only apply a file that has none (all-or-nothing).

A domain importer declares `ImportColumn`s and implements `check_row()` (cross-row and database checks)
and `apply()` (the writes, called once inside one transaction). Progress goes to a callback.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.core.io.cells import CellError, fold, is_blank

MAX_REPORTED_ERRORS = 500
HEADER_SCAN = 15
#: distinct values remembered per column (a column of unique values stops filling its table here)
MEMO_LIMIT = 8192

#: values whose equality is exact within their type (a Decimal is keyed by its text: 1.0 ≠ 1.00 to a
#: validator counting decimal places)
_EXACT_KEYS = frozenset({int, bool, dt.date, dt.datetime, type(None)})
#: results that can be shared between rows without one row's change reaching another
_IMMUTABLE = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, type(None)})

Outcome = tuple[bool, Any]  # (True, value) or (False, error messages)


def memoize(
    func: Callable[[Any], Any],
    *,
    catch: type[Exception] | tuple[type[Exception], ...],
    messages: Callable[[Any], Any],
    limit: int = MEMO_LIMIT,
) -> Callable[[Any], Outcome]:
    """`func` — a pure function of one cell or field value — as one returning ``(True, result)`` or
    ``(False, messages(exc))``, remembering the outcome per distinct input. Spreadsheets repeat themselves
    (the same debtor, date, term or choice on thousands of rows): each distinct value is parsed and
    validated once, by the same code, with the same messages. Only inputs with an exact key and immutable
    results are remembered; at most `limit` per function."""
    table: dict[Any, Outcome] = {}

    def call(value: Any) -> Outcome:
        cls = value.__class__
        if cls is str:
            key: Any = value
        elif cls in _EXACT_KEYS or (cls is float and value):  # 0.0 and -0.0 are equal but not alike
            key = (cls, value)
        elif cls is Decimal:
            key = (cls, str(value))
        else:
            key = None
        if key is not None:
            found = table.get(key)
            if found is not None:
                return found
        try:
            outcome: Outcome = (True, func(value))
        except catch as exc:
            outcome = (False, messages(exc))
        if key is not None and len(table) < limit and (not outcome[0] or outcome[1].__class__ in _IMMUTABLE):
            table[key] = outcome
        return outcome

    return call


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


#: field classes whose `clean()` depends on the value alone (no database, no form state): their outcome per
#: distinct value is remembered. Exact classes only — a subclass may do anything.
PURE_FIELDS = (
    forms.CharField,
    forms.ChoiceField,
    forms.TypedChoiceField,
    forms.DateField,
    forms.DecimalField,
    forms.IntegerField,
    forms.FloatField,
    forms.BooleanField,
    forms.NullBooleanField,
)


def _messages(exc: ValidationError) -> tuple[str, ...]:
    return tuple(exc.messages)


class FormBinder:
    """Binds a dict of typed values to a Django form class the way `Form.full_clean` does — each field's
    `clean()`, then `clean_<field>()`, then the form's `clean()` — but compiled once for a whole file: one
    reused form instance, and each field's `clean()` outcome remembered per distinct value (`memoize`,
    pure field classes only). The UI and the import share the form: same fields, same validators, same
    messages, same cross-field rules; only the repetition is gone."""

    def __init__(self, form_class: type[forms.Form], **kwargs: Any) -> None:
        self.form = form_class(data={}, **kwargs)
        self.fields = list(self.form.fields.items())
        self.hooks = {name: getattr(self.form, f"clean_{name}", None) for name, _f in self.fields}
        # An empty value of an optional field cleans to the field's own empty value without running
        # validators (Django's Field.clean does exactly this); computed once instead of per row.
        self.empty = {name: fld.to_python(None) for name, fld in self.fields if not fld.required}
        self.plan: list[tuple[str, Callable[[Any], Outcome], Any, Any]] = []
        for name, fld in self.fields:
            clean = (
                memoize(fld.clean, catch=ValidationError, messages=_messages)
                if type(fld) in PURE_FIELDS
                else _unmemoized(fld.clean)
            )
            hook = self.hooks[name]
            # the shortcut for empty optional values applies only where no clean_<field>() must run
            empty = self.empty.get(name, _NO_SHORTCUT) if hook is None else _NO_SHORTCUT
            self.plan.append((name, clean, hook, empty))

    def bind(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        form = self.form
        form.cleaned_data = cleaned = {}
        form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
        errors: dict[str, list[str]] = {}
        get = data.get
        for name, clean, hook, empty in self.plan:
            value = get(name)
            if empty is not _NO_SHORTCUT and (value is None or value == ""):
                cleaned[name] = empty
                continue
            ok, out = clean(value)
            if not ok:
                errors[name] = list(out)  # a copy: the remembered outcome is shared
                continue
            cleaned[name] = out
            if hook is not None:
                try:
                    cleaned[name] = hook()
                except ValidationError as exc:
                    del cleaned[name]
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


_NO_SHORTCUT = object()


def _unmemoized(clean: Callable[[Any], Any]) -> Callable[[Any], Outcome]:
    def call(value: Any) -> Outcome:
        try:
            return True, clean(value)
        except ValidationError as exc:
            return False, list(exc.messages)

    return call


@dataclass
class ImportResult:
    total_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    applied: bool = False
    #: seconds per phase (`Importer.timings`): where a large import spends its time
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0


Progress = Callable[[str, int, int], None]  # (phase, done, total)


class Importer:
    """Subclass: set `columns`; implement `prepare(layout)`, `check_row(row_number, values, add_error)`
    returning an object to apply (or None), and `apply(objects) -> counts`.

    `timings` collects seconds per phase: ``read`` (the spreadsheet handing over rows), ``parse`` (cells to
    values), ``check`` (`check_row`: the form and the importer's own checks), ``apply`` (all writes, in one
    transaction, including the commit); a subclass adds its own inside those (`add_time`)."""

    columns: list[ImportColumn] = []
    progress_every = 2000

    def __init__(self, *, progress: Progress | None = None) -> None:
        self.progress = progress or (lambda phase, done, total: None)
        self.timings: dict[str, float] = {}

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

    def add_time(self, phase: str, seconds: float) -> None:
        self.timings[phase] = self.timings.get(phase, 0.0) + seconds

    # -- the run -------------------------------------------------------------------------------
    def run(self, rows: Iterable[list[Any]], *, total_hint: int = 0) -> ImportResult:
        """Stream the rows once: locate the header in the first rows, check every row (keeping only what
        `check_row` returns), then — only if no row failed — `apply()` inside one transaction."""
        clock = time.perf_counter
        started = clock()
        iterator = iter(rows)
        head = list(itertools.islice(iterator, HEADER_SCAN))
        result = ImportResult(timings=self.timings)
        try:
            layout = locate(head, self.columns, scan=HEADER_SCAN)
        except HeaderError as exc:
            result.errors.append(RowError(1, "", str(exc)))
            result.error_count = 1
            return result
        self.prepare(layout)
        self.add_time("prepare", clock() - started)
        body = itertools.chain(head[layout.header_row + 1 :], iterator)
        total = max(0, total_hint - layout.header_row - 1) if total_hint else 0
        self.progress("check", 0, total)
        checked: list[Any] = []
        width = max(layout.columns, default=-1) + 1
        required_text = _("不能为空")
        # (sheet column, field, header, required, parse) — each parser remembers its distinct cells
        specs = [
            (
                col,
                spec.field,
                spec.header,
                spec.required,
                memoize(spec.parse or _same, catch=CellError, messages=str),
            )
            for col, spec in sorted(layout.columns.items())
            if not spec.export_only
        ]
        row_number = layout.header_row + 1
        row_errors: list[RowError] = []
        row: list[Any] = []
        read_s = parse_s = check_s = 0.0

        def error(column: str, message: str) -> None:
            row_errors.append(RowError(row_number, column, message))

        offset = -1
        every = self.progress_every
        t0 = clock()
        for row in body:
            t1 = clock()
            read_s += t1 - t0
            offset += 1
            row_number = layout.header_row + 2 + offset
            if offset and offset % every == 0:
                self.progress("check", offset, total)
            if len(row) < width:
                row = [*row, *([None] * (width - len(row)))]
            if all(c is None or (c.__class__ is str and not c.strip()) for c in row[:width]):
                t0 = clock()
                parse_s += t0 - t1
                continue
            result.total_rows += 1
            values: dict[str, Any] = {}
            row_errors.clear()
            for col, name, header, required, parse in specs:
                ok, value = parse(row[col])
                if not ok:
                    row_errors.append(RowError(row_number, header, value))
                elif required and (value is None or value == ""):
                    row_errors.append(RowError(row_number, header, required_text))
                else:
                    values[name] = value
            t2 = clock()
            parse_s += t2 - t1
            if not row_errors:
                obj = self.check_row(row_number, values, error)
                if obj is not None and not row_errors:
                    checked.append(obj)
            if row_errors:
                result.error_count += len(row_errors)
                room = MAX_REPORTED_ERRORS - len(result.errors)
                if room > 0:
                    result.errors.extend(row_errors[:room])
            t0 = clock()
            check_s += t0 - t2
        read_s += clock() - t0
        self.add_time("read", read_s)
        self.add_time("parse", parse_s)
        self.add_time("check", check_s)
        # Let the spreadsheet go before writing: calamine's copy of the sheet is the largest allocation.
        del body, iterator, head, row, specs
        self.progress("check", result.total_rows, result.total_rows)
        if result.error_count or not result.total_rows:
            if not result.total_rows and not result.error_count:
                result.errors.append(RowError(layout.header_row + 2, "", _("文件中没有数据行。")))
                result.error_count = 1
            return result
        self.progress("write", 0, len(checked))
        t0 = clock()
        with transaction.atomic():
            result.counts = self.apply(checked)
        self.add_time("apply", clock() - t0)
        result.applied = True
        self.progress("write", len(checked), len(checked))
        return result


def _same(value: Any) -> Any:
    return value
