"""`Importer`: the run of an import — header, blocks of rows parsed and checked column by column, errors,
all-or-nothing apply."""

from __future__ import annotations

import contextlib
import gc
import itertools
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.core.io.cells import CellError
from qingqian.core.io.importer.layout import HeaderError, ImportColumn, Layout, RowError, locate
from qingqian.core.io.importer.memo import Memo

MAX_REPORTED_ERRORS = 500
HEADER_SCAN = 15


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
        with _fewer_collections(), transaction.atomic():  # the writes build rows from the checked objects
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


#: young objects between two collections of the youngest generation while a file is imported (Python's
#: default is 700): a block's columns and results are thousands of live objects, which the default
#: would scan over and over and promote to the old generation, whose full scans then grow with the file
CHECK_GC_THRESHOLD = 100_000
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] = (0, 0, 0)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect cyclic garbage less often while checking and writing (both make little of it, and every
    collection of the old generation walks all the file's checked rows); the previous thresholds come back
    when the last import running in the process is done."""
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
