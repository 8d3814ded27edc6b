"""Fast inserts for large imports: rows as tuples, no model instances. PostgreSQL: COPY; SQLite:
executemany of one prepared INSERT. Values are adapted per column type once, the way Django would.

Only for rows that need no per-object logic (no signals, no `save()` overrides); the caller writes the
audit event for the batch.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field) -> Converter:
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    if isinstance(field, models.JSONField):
        last: list[Any] = [None, None]

        def dump(v: Any) -> Any:  # empty values are common; consecutive rows often share one object
            if v is None:
                return None
            if not v:
                return "{}" if isinstance(v, dict) else "[]"
            if v is not last[0]:
                last[0], last[1] = v, json.dumps(v, ensure_ascii=False)
            return last[1]

        return dump
    if isinstance(field, models.DateTimeField):
        last = [None, None]

        def adapt(v: Any) -> Any:  # rows of one batch share their timestamps: adapt each once
            if v is None:
                return None
            if v is not last[0]:
                last[0], last[1] = v, ops.adapt_datetimefield_value(v)
            return last[1]

        return adapt
    if isinstance(field, models.DateField):
        return _identity if postgres else (lambda v: None if v is None else v.isoformat())
    if isinstance(field, models.DecimalField):
        return _identity if postgres else (lambda v: None if v is None else str(v))
    if isinstance(field, models.BooleanField):
        return _identity if postgres else (lambda v: None if v is None else int(v))
    return _identity


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, inside the caller's transaction (PostgreSQL: from the
    sequence; SQLite: after the current maximum — the IMMEDIATE transaction already holds the write lock)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = str(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - model metadata, not input
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + count))


def fast_insert(
    model: type[models.Model], field_names: list[str], rows: Iterable[tuple[Any, ...]], *, batch: int = 5000
) -> int:
    """Insert `rows` (tuples in `field_names` order; foreign keys as ids via their attname)."""
    fields = [model._meta.get_field(name) for name in field_names]
    columns = [str(f.column) for f in fields]  # type: ignore[union-attr]
    converters = [_converter(f) for f in fields]  # type: ignore[arg-type]
    table = model._meta.db_table
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg import sql

            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table), sql.SQL(", ").join([sql.Identifier(c) for c in columns])
            )
            # Rows are pulled in batches *outside* the COPY: the connection is busy while copying, and a
            # row generator may itself query (e.g. progress updates).
            iterator = iter(rows)
            while True:
                chunk = list(itertools.islice(iterator, batch))
                if not chunk:
                    break
                with cursor.cursor.copy(statement) as copy:
                    for row in chunk:
                        copy.write_row([conv(v) for conv, v in zip(converters, row, strict=True)])
                count += len(chunk)
            return count
        quoted = ", ".join(f'"{c}"' for c in columns)
        statement_text = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(["%s"] * len(columns))})'  # noqa: S608
        pending: list[tuple[Any, ...]] = []
        for row in rows:
            pending.append(tuple(conv(v) for conv, v in zip(converters, row, strict=True)))
            if len(pending) >= batch:
                cursor.executemany(statement_text, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(statement_text, pending)
            count += len(pending)
    return count
