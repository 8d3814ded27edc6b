"""Fast inserts for large imports: rows as tuples, no model instances. PostgreSQL: binary COPY with the
columns' types declared, so the driver's C dumpers write every value; SQLite: executemany of one prepared
INSERT with a larger page cache. Values are adapted per column type once, the way Django would.

Only for rows that need no per-object logic (no signals, no `save()` overrides); the caller writes the
audit event for the batch.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any]
#: SQLite page cache while bulk-inserting, in KiB (the default 2 MB makes every index insert a page miss
#: once a table outgrows it)
SQLITE_BULK_CACHE_KIB = 65536
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def _sqlite_converter(field: models.Field) -> Converter | None:
    """How SQLite's driver needs one column's values (None: as they are)."""
    ops = connection.ops
    if isinstance(field, models.JSONField):
        encode = _JSON.encode
        last: list[Any] = [None, None]

        def dump(v: Any) -> Any:  # consecutive rows often share one object (an empty dict, a cached one)
            if v is None:
                return None
            if v is not last[0]:
                last[0], last[1] = v, encode(v)
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
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.DecimalField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(v)
    return None


def _postgres_type(field: models.Field) -> str:
    """The column's type as psycopg names it ("varchar(10)" → "varchar", "numeric(18, 2)" → "numeric")."""
    return re.sub(r"\(.*\)", "", str(field.db_type(connection))).strip()


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


@contextmanager
def sqlite_bulk_cache() -> Iterator[None]:
    """A larger SQLite page cache for the duration of a bulk write (no-op elsewhere)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_BULK_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def fast_insert(
    model: type[models.Model],
    field_names: list[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    batch: int = 5000,
    stream: bool = False,
    between: Callable[[int], None] | None = None,
) -> int:
    """Insert `rows` (tuples in `field_names` order; foreign keys as ids via their attname; JSON columns
    as Python objects). `between(count)` is called after each batch, with the rows written so far, while
    the connection is free (it may query, e.g. to report progress).

    PostgreSQL: each batch of `batch` rows is one COPY. By default a batch is pulled from `rows` before its
    COPY opens (a row generator may then query). With `stream=True` rows go into the open COPY as they are
    produced, so the server inserts them (and maintains the indexes) while the generator computes the next
    ones — for a generator that does not touch the database."""
    fields = [model._meta.get_field(name) for name in field_names]
    columns = [str(f.column) for f in fields]  # type: ignore[union-attr]
    table = model._meta.db_table
    count = 0
    if connection.vendor == "postgresql":
        from psycopg import sql

        types = [_postgres_type(f) for f in fields]  # type: ignore[arg-type]
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            sql.Identifier(table), sql.SQL(", ").join([sql.Identifier(c) for c in columns])
        )
        with connection.cursor() as cursor:
            iterator = iter(rows)
            while True:
                chunk = itertools.islice(iterator, batch)
                written = 0
                with cursor.cursor.copy(statement) as copy:
                    copy.set_types(types)
                    write = copy.write_row
                    for row in chunk if stream else list(chunk):
                        write(row)
                        written += 1
                count += written
                if written < batch:
                    break
                if between is not None:
                    between(count)
        return count
    plan = [(i, conv) for i, f in enumerate(fields) if (conv := _sqlite_converter(f)) is not None]  # type: ignore[arg-type]
    quoted = ", ".join(f'"{c}"' for c in columns)
    statement_text = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(["%s"] * len(columns))})'  # noqa: S608

    def adapted(row: tuple[Any, ...]) -> list[Any]:
        out = list(row)
        for i, conv in plan:
            out[i] = conv(out[i])
        return out

    with sqlite_bulk_cache(), connection.cursor() as cursor:
        iterator = iter(rows)
        while True:
            pending = [adapted(row) for row in itertools.islice(iterator, batch)]
            if not pending:
                break
            cursor.executemany(statement_text, pending)
            count += len(pending)
            if between is not None and len(pending) == batch:
                between(count)
    return count
