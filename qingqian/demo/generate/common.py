"""What every stage of the generator shares: the seeded randomness, the clock, id blocks, and the table
writer that inserts rows in bulk, checksums them and chains one audit event per batch.

Determinism: every random choice comes from `Context.rng(name)`, a `random.Random` seeded with the
run's seed and the stage's name (string seeds hash with SHA-512, independent of PYTHONHASHSEED);
every timestamp is derived from the run's `as_of` date, never from the wall clock. The checksum of a
table is SM3 over its rows as generated, with generated ids replaced by their offset in the run's id
block, so two runs with the same seed and as-of date give the same checksums in any database.

Audit: rows written in bulk get no event each. Every batch of up to `BATCH` rows is covered by one
chained summary event `demo.generate.batch` (table, id range, row count, SM3 of the rows), so
`verify_audit` walks a chain that says what was created and can prove the batch digests unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.db import connection, models

from qingqian.core.events import record_event
from qingqian.core.io.bulk import fast_insert

BATCH = 50_000
Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    return None


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0
    batches: list[str] = field(default_factory=list)  # SM3 of each batch, in order

    @property
    def checksum(self) -> str:
        digest = hashes.Hash(hashes.SM3())
        for batch in self.batches:
            digest.update(batch.encode())
        return digest.finalize().hex()


@dataclass
class Context:
    """One generator run: seed, dates, id blocks, per-table statistics and progress output."""

    seed: int
    as_of: dt.date
    progress: Progress = _quiet
    tables: dict[str, TableStats] = field(default_factory=dict)
    bases: dict[str, int] = field(default_factory=dict)  # table → first id of the generated block
    _sqlite_next: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(settings.TIME_ZONE)
        # the clock of the run: the as-of day at 18:00 local time
        self.now = self.at(self.as_of, 18)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"qingqian-generate:{self.seed}:{name}")

    def at(self, day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    # --- id blocks --------------------------------------------------------------------------------

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive fresh ids for `model` (the generator is the only writer)."""
        table = model._meta.db_table
        pk = str(model._meta.pk.column)
        if count <= 0:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s),"
                    " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                    [table, pk, table, pk, count],
                )
                first = int(cursor.fetchone()[0]) - count + 1
            else:
                cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')  # noqa: S608 - model metadata
                first = max(int(cursor.fetchone()[0]) + 1, self._sqlite_next.get(table, 0))
                self._sqlite_next[table] = first + count
        self.bases.setdefault(table, first)
        return first

    # --- writing ----------------------------------------------------------------------------------

    def writer(
        self,
        model: type[models.Model],
        fields: list[str],
        *,
        refs: dict[str, type[models.Model]] | None = None,
        store: dict[str, Callable[[Any], Any]] | None = None,
        unhashed: tuple[str, ...] = (),
    ) -> TableWriter:
        return TableWriter(self, model, fields, refs=refs or {}, store=store or {}, unhashed=unhashed)

    def stats(self, table: str) -> TableStats:
        return self.tables.setdefault(table, TableStats())


class TableWriter:
    """Bulk insert (COPY on PostgreSQL, executemany on SQLite) with checksums and batch audit events.

    `refs` names the columns holding ids of generated rows (the row's own `id` included): they are
    checksummed as offsets in their table's block. `store` converts a column just before storage
    (e.g. encryption, whose random nonce must not enter the checksum). `unhashed` columns stay out of the
    checksum (values derived from database ids, such as a content hash over them)."""

    def __init__(
        self,
        ctx: Context,
        model: type[models.Model],
        fields: list[str],
        *,
        refs: dict[str, type[models.Model]],
        store: dict[str, Callable[[Any], Any]],
        unhashed: tuple[str, ...] = (),
    ) -> None:
        self.ctx = ctx
        self.model = model
        self.table = model._meta.db_table
        # NOT NULL columns the caller leaves out get their model default (constant per table, so they stay
        # out of the checksum); timestamps without a usable default get the run's clock.
        given = set(fields)
        self.defaults: list[Any] = []
        extra: list[str] = []
        for f in model._meta.concrete_fields:
            if f.name in given or f.primary_key or f.null:
                continue
            value = ctx.now if isinstance(f, models.DateTimeField) else f.get_default()
            if value is None:
                raise ValueError(
                    f"{self.table}.{f.name}: NOT NULL without a default; the generator must set it"
                )
            extra.append(f.name)
            self.defaults.append(value)
        self.fields = fields
        self.all_fields = [*fields, *extra]
        self.ref_tables = [(fields.index(name), target._meta.db_table) for name, target in refs.items()]
        self.store = [(fields.index(name), fn) for name, fn in store.items()]
        self.id_index = fields.index("id") if "id" in fields else None
        self.unhashed = [fields.index(name) for name in unhashed]

    def _canonical(self, row: tuple[Any, ...]) -> bytes:
        if not self.ref_tables and not self.unhashed:
            return repr(row).encode()
        out = list(row)
        for index in self.unhashed:
            out[index] = None
        bases = self.ctx.bases
        for index, table in self.ref_tables:
            value = out[index]
            base = bases.get(table)
            if value is not None and base is not None and value >= base:
                out[index] = f"{table}+{value - base}"
        return repr(out).encode()

    def write(self, rows: Iterable[tuple[Any, ...]]) -> int:
        stats = self.ctx.stats(self.table)
        iterator: Iterator[tuple[Any, ...]] = iter(rows)
        total = 0
        while True:
            started = time.monotonic()
            chunk = list(itertools.islice(iterator, BATCH))
            if not chunk:
                break
            digest = hashes.Hash(hashes.SM3())
            for row in chunk:
                digest.update(self._canonical(row))
            if self.store or self.defaults:
                stored = []
                tail = tuple(self.defaults)
                for row in chunk:
                    values = list(row)
                    for index, fn in self.store:
                        values[index] = fn(values[index])
                    stored.append((*values, *tail))
                chunk = stored
            fast_insert(self.model, self.all_fields, chunk, batch=5000)
            sm3 = digest.finalize().hex()
            stats.batches.append(sm3)
            ids = [row[self.id_index] for row in chunk] if self.id_index is not None else []
            record_event(
                actor=None,
                action="demo.generate.batch",
                data={
                    "table": self.table,
                    "rows": len(chunk),
                    "first_id": min(ids) if ids else None,
                    "last_id": max(ids) if ids else None,
                    "sm3": sm3,
                    "seed": self.ctx.seed,
                },
            )
            total += len(chunk)
            stats.rows += len(chunk)
            stats.seconds += time.monotonic() - started
            if total >= BATCH:
                self.ctx.progress(f"  {self.table}: {stats.rows:,} rows")
        return total


def weighted(rng: random.Random, table: Sequence[tuple[Any, float]]) -> Any:
    """One value from (value, weight) pairs."""
    return rng.choices([v for v, _w in table], [w for _v, w in table])[0]
