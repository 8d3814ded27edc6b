"""Outcomes remembered per distinct value: a spreadsheet column's cells, a form field's values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

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
