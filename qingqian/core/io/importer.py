"""The import machinery: find the columns by their headers, parse cells, bind each row to a form,
collect ``第N行：列名：…`` errors, and only apply a file that has none (all-or-nothing).

A domain importer declares `ImportColumn`s and implements `check_row()` (cross-row and database checks)
and `apply()` (the writes, called once inside one transaction). Progress goes to a callback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
MEMO_LIMIT = 16384
#: columns computed directly after one whose values were nearly all new while its table was full
DIRECT_BLOCKS = 9

#: the classes of the values a table remembers, each in its own table (1, 1.0 and True are equal and hash
#: alike; a validator may still tell them apart). A Decimal is keyed by its text (1.0 ≠ 1.00 to a validator
#: counting decimal places); other classes are computed every time.
_TABLED = (str, int, bool, float, dt.date, dt.datetime, type(None))
#: results that can be shared between rows without one row's change reaching another
_IMMUTABLE = frozenset({str, int, bool, float, Decimal, dt.date, dt.datetime, type(None)})

Outcome = tuple[bool, Any]  # (True, value) or (False, error messages)


class Memo:
    """`func` — a pure function of one cell or field value — with its outcome remembered per distinct input:
    ``(True, result)`` or ``(False, messages(exc))``. Spreadsheets repeat themselves (the same debtor, date,
    term or choice on thousands of rows): each distinct value is parsed and validated once, by the same code,
    with the same messages. Inputs are told apart exactly: a str by its text; an int, bool, float, date or
    datetime by class and value (0.0 and -0.0 are equal but not alike: never remembered); a Decimal by its
    text. Only immutable results are remembered; at most `limit` inputs. `known` gives outcomes decided in
    advance (e.g. a form's empty value for a blank optional field).

    Call it for one value, or `map` a whole column: a hit costs one dict look-up inside a comprehension."""

    __slots__ = (
        "catch",
        "decimals",
        "failures",
        "func",
        "known",
        "limit",
        "messages",
        "size",
        "skip",
        "tables",
    )

    def __init__(
        self,
        func: Callable[[Any], Any],
        *,
        catch: type[Exception] | tuple[type[Exception], ...],
        messages: Callable[[Any], Any],
        limit: int = MEMO_LIMIT,
        known: dict[Any, Any] | None = None,
    ) -> None:
        self.func = func
        self.catch = catch
        self.messages = messages
        self.limit = limit
        self.size = 0
        self.skip = 0  # the next `skip` columns are computed without the tables (`map`)
        #: successes per input class: {class: {value: result}}
        self.tables: dict[type, dict[Any, Any]] = {cls: {} for cls in _TABLED}
        #: failures per input class: {class: {value: messages}}
        self.failures: dict[type, dict[Any, Any]] = {cls: {} for cls in _TABLED}
        self.decimals: dict[str, Outcome] = {}
        self.known = bool(known)  # outcomes decided in advance are always looked up (no direct `map`)
        for value, result in (known or {}).items():
            self.tables[value.__class__][value] = result

    def __call__(self, value: Any) -> Outcome:
        cls = value.__class__
        table = self.tables.get(cls)
        if table is not None:
            found = table.get(value, _MISSING)
            if found is not _MISSING:
                return True, found
            found = self.failures[cls].get(value, _MISSING)
            if found is not _MISSING:
                return False, found
        return self._compute(value, cls, table)

    def _compute(self, value: Any, cls: type, table: dict[Any, Any] | None) -> Outcome:
        """The outcome of a value not found in its class's tables."""
        if cls is Decimal:
            found = self.decimals.get(str(value))
            if found is not None:
                return found
        try:
            outcome: Outcome = (True, self.func(value))
        except self.catch as exc:
            outcome = (False, self.messages(exc))
        if (
            self.size < self.limit
            and (cls is not float or value)
            and (not outcome[0] or outcome[1].__class__ in _IMMUTABLE)
        ):
            if table is not None:
                (table if outcome[0] else self.failures[cls])[value] = outcome[1]
                self.size += 1
            elif cls is Decimal:
                self.decimals[str(value)] = outcome
                self.size += 1
        return outcome

    def map(self, column: Sequence[Any]) -> tuple[list[Any], dict[int, Any]]:
        """The results for a column of values, and the failures as {position: messages} (the result at a
        failed position is None)."""
        if self.skip:
            self.skip -= 1
            return self._direct(column)
        tables = self.tables
        try:
            return [tables[v.__class__][v] for v in column], {}
        except (KeyError, TypeError):  # a value not remembered (yet), or not to be
            pass
        computed = 0
        results: list[Any] = []
        append = results.append
        failures: dict[int, Any] = {}
        failed_tables = self.failures
        compute = self._compute
        for n, value in enumerate(column):
            cls = value.__class__
            table = tables.get(cls)
            if table is not None:
                found = table.get(value, _MISSING)
                if found is not _MISSING:
                    append(found)
                    continue
                found = failed_tables[cls].get(value, _MISSING)
                if found is not _MISSING:
                    append(None)
                    failures[n] = found
                    continue
            computed += 1
            ok, out = compute(value, cls, table)
            if ok:
                append(out)
            else:
                append(None)
                failures[n] = out
        if self.size >= self.limit and not self.known and computed * 10 > len(column) * 9:
            # a column of (nearly) all different values, and a full table: looking values up does not pay
            # for the next few columns (then it is tried again, in case the values start repeating)
            self.skip = DIRECT_BLOCKS
        return results, failures

    def _direct(self, column: Sequence[Any]) -> tuple[list[Any], dict[int, Any]]:
        """`map` without the tables: every value computed."""
        func, catch, messages = self.func, self.catch, self.messages
        results: list[Any] = []
        append = results.append
        failures: dict[int, Any] = {}
        for n, value in enumerate(column):
            try:
                append(func(value))
            except catch as exc:
                append(None)
                failures[n] = messages(exc)
        return results, failures


_MISSING = object()


def memoize(
    func: Callable[[Any], Any],
    *,
    catch: type[Exception] | tuple[type[Exception], ...],
    messages: Callable[[Any], Any],
    limit: int = MEMO_LIMIT,
) -> Callable[[Any], Outcome]:
    """`func` as a function returning ``(True, result)`` or ``(False, messages(exc))``, remembered per
    distinct input (`Memo`)."""
    return Memo(func, catch=catch, messages=messages, limit=limit)


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
    """Binds typed values to a Django form class the way `Form.full_clean` does — each field's `clean()`,
    then `clean_<field>()`, then the form's `clean()` (only when every field is clean) — but compiled once
    for a whole file: one reused form instance, and each field's `clean()` outcome remembered per distinct
    value (`Memo`, pure field classes only). The UI and the import share the form: same fields, same
    validators, same messages, same cross-field rules; only the repetition is gone.

    `bind_columns` binds a block of rows given column by column: each field's column is mapped through its
    table of outcomes at once; per row only the cleaned dict is assembled and the form's `clean()` run."""

    def __init__(self, form_class: type[forms.Form], **kwargs: Any) -> None:
        self.form = form_class(data={}, **kwargs)
        self.fields = list(self.form.fields.items())
        self.names = [name for name, _f in self.fields]
        self.hooks = {name: getattr(self.form, f"clean_{name}", None) for name in self.names}
        self.hooked = any(hook is not None for hook in self.hooks.values())
        self.memos: list[Memo] = []
        for name, fld in self.fields:
            # An empty value of an optional field cleans to the field's own empty value without running
            # validators (Django's Field.clean does exactly this); decided once instead of per row, where
            # no clean_<field>() must run.
            known = None
            if not fld.required and self.hooks[name] is None:
                empty = fld.to_python(None)
                known = {None: empty, "": empty}
            self.memos.append(
                Memo(
                    fld.clean,
                    catch=ValidationError,
                    messages=_messages,
                    limit=MEMO_LIMIT if type(fld) in PURE_FIELDS else 0,
                    known=known,
                )
            )

    def bind(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """One row: (cleaned data, {field: [messages]})."""
        return next(self.bind_columns({name: [value] for name, value in data.items()}, 1))

    def bind_columns(
        self, data: Mapping[str, Sequence[Any]], count: int
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[str]]]]:
        """`count` rows given as {field: column of values} (a missing field is None on every row): per row
        (cleaned data, {field: [messages]}), the errors in field order. The fields are cleaned column by
        column at once; the rows are then bound one at a time as they are taken."""
        columns: list[Sequence[Any]] = []
        failed: dict[int, dict[str, list[str]]] = {}
        for name, memo in zip(self.names, self.memos, strict=True):
            column = data.get(name)
            if column is None:
                ok, out = memo(None)
                columns.append([out if ok else None] * count)
                if not ok:
                    for n in range(count):
                        failed.setdefault(n, {})[name] = list(out)
                continue
            values, failures = memo.map(column)
            columns.append(values)
            for n, messages in failures.items():
                failed.setdefault(n, {})[name] = list(messages)  # a copy: the remembered outcome is shared
        return self._rows(columns, failed)

    def _rows(
        self, columns: list[Sequence[Any]], failed: dict[int, dict[str, list[str]]]
    ) -> Iterator[tuple[dict[str, Any], dict[str, list[str]]]]:
        form = self.form
        names = self.names
        hooked = self.hooked
        for n, row in enumerate(zip(*columns, strict=True)):
            errors = failed.get(n)
            if hooked:
                cleaned, errors = self._hooks(row, errors or {})
            else:
                cleaned = dict(zip(names, row, strict=True))
                if errors:
                    for name in errors:
                        del cleaned[name]
            if not errors:
                errors = {}
                form.cleaned_data = cleaned
                if form._errors is None or form._errors:  # type: ignore[attr-defined]
                    form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
                try:
                    result = form.clean()
                    if result is not None:
                        cleaned = result
                except ValidationError as exc:
                    errors["__all__"] = list(exc.messages)
                for name, errs in form._errors.items():  # type: ignore[attr-defined]  # add_error() in clean()
                    errors.setdefault(name, []).extend(str(e) for e in errs)
            yield cleaned, errors

    def _hooks(
        self, row: Sequence[Any], failed: dict[str, list[str]]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """Field by field, as `Form._clean_fields` does: a `clean_<field>()` sees the fields before it."""
        form = self.form
        form.cleaned_data = cleaned = {}
        form._errors = forms.utils.ErrorDict()  # type: ignore[attr-defined]
        errors: dict[str, list[str]] = {}
        for name, value in zip(self.names, row, strict=True):
            if name in failed:
                errors[name] = failed[name]
                continue
            cleaned[name] = value
            hook = self.hooks[name]
            if hook is not None:
                try:
                    cleaned[name] = hook()
                except ValidationError as exc:
                    del cleaned[name]
                    errors[name] = list(exc.messages)
        return cleaned, errors


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


RowErrorSink = Callable[[int, str, str], None]  # (row number, column header or "", message)


class Importer:
    """Subclass: set `columns`; implement `prepare(layout)`, `check_row(row_number, values, add_error)`
    returning an object to apply (or None), and `apply(objects) -> counts`. An importer may check a whole
    block of rows at once instead (`check_block`, given the values column by column).

    The rows are read in blocks of `progress_every` rows (progress is reported per block). A block is
    parsed column by column: each column's cells are mapped through its parser's table of outcomes
    (`Memo`), so a value repeated on thousands of rows is parsed once and costs one look-up per cell.

    `timings` collects seconds per phase: ``read`` (the spreadsheet handing over rows), ``parse`` (cells to
    values), ``check`` (`check_block`: the form and the importer's own checks), ``apply`` (all writes, in one
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

    def check_block(self, rows: list[int], values: dict[str, list[Any]], error: RowErrorSink) -> list[Any]:
        """The rows of one block whose cells all parsed, in order: `rows` are their spreadsheet row numbers,
        `values` the parsed values column by column ({field: [value per row]}). Reports problems through
        ``error(row_number, column, message)``, row after row, and returns per row what is to be applied
        (or None). By default `check_row` for each row."""
        names = list(values)
        columns = list(values.values())
        number = 0

        def add(column: str, message: str) -> None:
            error(number, column, message)

        out: list[Any] = []
        each = zip(*columns, strict=True) if columns else itertools.repeat((), len(rows))
        for number, cells in zip(rows, each, strict=False):
            out.append(self.check_row(number, dict(zip(names, cells, strict=True)), add))
        return out

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
        """Stream the rows once: locate the header in the first rows, check every row block by block
        (keeping only what the checks return), then — only if no row failed — `apply()` inside one
        transaction."""
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
        with _fewer_collections():
            checked = self._check_all(result, layout, body, total)
        # Let the spreadsheet go before writing: calamine's copy of the sheet is the largest allocation.
        del body, iterator, head
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

    def _check_all(
        self, result: ImportResult, layout: Layout, body: Iterator[list[Any]], total: int
    ) -> list[Any]:
        """Read, parse and check the body block by block; errors go to `result`; returns what to apply."""
        clock = time.perf_counter
        checked: list[Any] = []
        width = max(layout.columns, default=-1) + 1
        required_text = _("不能为空")
        # (sheet column, field, header, cells → values: each parser remembers its distinct cells; None: as is)
        specs = [
            (col, spec.field, spec.header, _cell_parser(spec, required_text))
            for col, spec in sorted(layout.columns.items())
            if not spec.export_only
        ]
        first = layout.header_row + 2  # the spreadsheet row number of the first row of the body
        every = max(1, self.progress_every)
        offset = 0
        read_s = parse_s = check_s = 0.0
        found: list[RowError] = []  # the checks' errors in the current block

        def error(row: int, column: str, message: str) -> None:
            found.append(RowError(row, column, message))

        while True:
            t0 = clock()
            block = list(itertools.islice(body, every))
            t1 = clock()
            read_s += t1 - t0
            if not block:
                break
            if offset:
                self.progress("check", offset, total)
            numbers, cells = _filled_rows(block, width, first + offset)
            offset += len(block)
            result.total_rows += len(numbers)
            values: dict[str, list[Any]] = {}
            failed: dict[int, list[RowError]] = {}  # position in the block → the row's errors, by column
            for col, name, header, parser in specs:
                column = cells[col]
                if parser is None:
                    values[name] = list(column)
                    continue
                values[name], failures = parser.map(column)
                for n, message in failures.items():
                    failed.setdefault(n, []).append(RowError(numbers[n], header, message))
            errors = [e for n in sorted(failed) for e in failed[n]]
            if failed:  # a row with a cell that does not parse is not checked further
                keep = [n for n in range(len(numbers)) if n not in failed]
                numbers = [numbers[n] for n in keep]
                values = {name: [column[n] for n in keep] for name, column in values.items()}
            t2 = clock()
            parse_s += t2 - t1
            if numbers:
                found.clear()
                objects = self.check_block(numbers, values, error)
                if found:
                    failing = {e.row for e in found}
                    checked.extend(
                        obj
                        for obj, number in zip(objects, numbers, strict=True)
                        if obj is not None and number not in failing
                    )
                    errors = sorted([*errors, *found], key=_row_of)  # stable: each row's errors as reported
                else:
                    checked.extend(obj for obj in objects if obj is not None)
            if errors:
                result.error_count += len(errors)
                room = MAX_REPORTED_ERRORS - len(result.errors)
                if room > 0:
                    result.errors.extend(errors[:room])
            t0 = clock()
            check_s += t0 - t2
        self.add_time("read", read_s)
        self.add_time("parse", parse_s)
        self.add_time("check", check_s)
        return checked


#: young objects between two collections of the youngest generation while a file is checked (Python's
#: default is 700): a block's columns and results are thousands of live objects, which the default
#: would scan over and over and promote to the old generation, whose full scans then grow with the file
CHECK_GC_THRESHOLD = 100_000
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] = (0, 0, 0)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while checking (checking makes little of it); the previous
    thresholds come back when the last import running in the process is done."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(_gc_saved[0], CHECK_GC_THRESHOLD), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0:
                gc.set_threshold(*_gc_saved)


def _same(value: Any) -> Any:
    return value


def _row_of(error: RowError) -> int:
    return error.row


def _cell_parser(spec: ImportColumn, required_text: str) -> Memo | None:
    """The column's cells → values, remembered per distinct cell; a required column's blank value is an
    error. None: the cells are taken as they are."""
    parse = spec.parse
    if spec.required:
        inner = parse or _same

        def parse(value: Any) -> Any:
            out = inner(value)
            if out is None or (isinstance(out, str) and not out):
                raise CellError(required_text)
            return out

    return None if parse is None else Memo(parse, catch=CellError, messages=str)


def _filled_rows(block: list[list[Any]], width: int, first: int) -> tuple[list[int], list[Sequence[Any]]]:
    """The row numbers of the block's rows with something in their first `width` cells (`first` is the
    block's first row number), and those rows' cells column by column (at least `width` columns)."""
    if block and min(map(len, block)) < width:
        block = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in block]
    keep = [n for n, row in enumerate(block) if _filled(row, width)]
    rows = block if len(keep) == len(block) else [block[n] for n in keep]
    columns: list[Sequence[Any]] = list(zip(*rows, strict=False)) if rows else [()] * width
    return [first + n for n in keep], columns


def _filled(row: list[Any], width: int) -> bool:
    for cell in row[:width] if len(row) > width else row:
        if cell is not None and (cell.__class__ is not str or cell.strip()):
            return True
    return False
