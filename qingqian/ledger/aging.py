"""Daily aging, set-based: one SQL statement over the whole ledger (no per-row Python).

For every item it stores, as of a date A:

* ``overdue_days`` — as the rules define it: from the due date D to the day the principal was fully
  reduced (payments and write-offs, netted per day) or to A while something is still owed;
* ``bucket`` — ``not_due``, ``unknown`` (no due date), ``settled``, or an overdue range from
  ``LEDGER_AGING_EDGES`` (``0-30``, ``31-60``, …, ``365+``);
* ``interest`` — statutory late-payment interest to A, exactly as `qingqian.rules.assess` computes it
  for the default method (simple interest, principal-first allocation, one rate per contract):

      interest = round_half_up( r × Σ_{t=D+1..A} P(t) ),  P(t) = principal − reductions dated before t

  which, because the reductions never exceed the principal, is the closed form
  ``Σ P(t) = principal × max(0, A−D) − Σ_k reduction_k × max(0, A − max(D, d_k))``. Amounts are
  integer fen and the rate the exact fraction ``rate_num/rate_den`` stored with the assessment, so
  the rounding is exact and matches the rules to the fen (tests compare the two on many items).

Falls back (interest NULL, no guess) where the rules give no interest: no due date, nothing owed, or
not yet assessed. Rows are upserted and only rewritten when a figure changed, so a second run for
the same date changes nothing (idempotent).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qingqian.core.events import record_event
from qingqian.ledger import conf
from qingqian.ledger.models import AgingRun, ArrearsItem


@dataclass(frozen=True)
class Dialect:
    fen: str  # expression template: integer fen of a money column
    days: str  # template: whole days between two dates (a - b)
    greatest: str
    least: str
    date_param: str
    idiv: str  # integer division template
    upsert_where: str
    wide: str  # template: widen an integer before the last multiplication (no overflow)


POSTGRES = Dialect(
    fen="(({x}) * 100)::bigint",
    days="(({a}) - ({b}))",
    greatest="GREATEST",
    least="LEAST",
    date_param="%s::date",
    idiv="div(({n})::numeric, ({d})::numeric)",
    upsert_where=(
        "WHERE (ledger_itemaging.overdue_days, ledger_itemaging.bucket, ledger_itemaging.interest,"
        " ledger_itemaging.settled_on) IS DISTINCT FROM"
        " (EXCLUDED.overdue_days, EXCLUDED.bucket, EXCLUDED.interest, EXCLUDED.settled_on)"
    ),
    wide="(({x})::numeric)",
)
SQLITE = Dialect(
    fen="CAST(ROUND(({x}) * 100) AS INTEGER)",
    days="CAST(julianday({a}) - julianday({b}) AS INTEGER)",
    greatest="MAX",
    least="MIN",
    date_param="%s",
    idiv="(({n}) / ({d}))",
    upsert_where=(
        "WHERE ledger_itemaging.overdue_days IS NOT excluded.overdue_days"
        " OR ledger_itemaging.bucket IS NOT excluded.bucket"
        " OR ledger_itemaging.interest IS NOT excluded.interest"
        " OR ledger_itemaging.settled_on IS NOT excluded.settled_on"
    ),
    wide="({x})",
)


def dialect() -> Dialect:
    return POSTGRES if connection.vendor == "postgresql" else SQLITE


def figures_parts(d: Dialect, *, edges: tuple[int, ...], ids: list[int] | None = None) -> tuple[str, str]:
    """(WITH …, SELECT item_id, overdue_days, bucket, interest, settled_on FROM fig): every item's figures.

    Parameters: the as-of date at each ``%s``. `ids` limits the statement to those items (a refresh
    after a change); the lists are integers, formatted in, never user text."""
    A = d.date_param
    g = d.greatest
    buckets = []
    for code, _low, high in conf.bucket_codes(edges):
        if high is None:
            buckets.append(f"ELSE '{code}'")
        else:
            buckets.append(f"WHEN od <= {int(high)} THEN '{code}'")
    bucket_case = (
        "CASE WHEN settled THEN 'settled' WHEN due_on IS NULL THEN 'unknown' WHEN NOT late THEN 'not_due' "
        + " ".join(buckets)
        + " END"
    )
    days_after = d.days.format(a=A, b=f"{g}(i.due_on, e.effective_on)")
    where = f"WHERE {_id_filter('i.id', ids)}" if ids is not None else ""
    entry_where = f"WHERE {_id_filter('e.item_id', ids)}" if ids is not None else ""
    # A reversal is written on the item of the entry it reverses: for some items, their own reversals.
    reversed_where = f"AND {_id_filter('item_id', ids)}" if ids is not None else ""
    fen = d.fen.format(x="e.amount")
    reduction = f"e.bucket <> 'principal' AND e.effective_on <= {A}"
    # One pass over the entries. Amounts are linear, so reversals (same day, opposite sign) cancel in
    # the sums by themselves; the settling day is the latest reduction that is neither a reversal nor
    # reversed (a reversed payment never happened).
    # Built from constants and integer settings only; values travel as parameters.
    ctes = f"""
WITH reversed AS (
    SELECT reverses_id FROM ledger_ledgerentry WHERE reverses_id IS NOT NULL {reversed_where}
),
moved AS (
    SELECT e.item_id,
           SUM(CASE WHEN e.bucket = 'principal' THEN {fen} ELSE 0 END) AS principal,
           SUM(CASE WHEN {reduction} THEN {fen} ELSE 0 END) AS reduced,
           SUM(CASE WHEN {reduction} AND i.due_on IS NOT NULL THEN {fen} * {g}(0, {days_after}) ELSE 0 END) AS weighted,
           MAX(CASE WHEN {reduction} AND e.kind <> 'reversal' AND x.reverses_id IS NULL THEN e.effective_on END) AS last_day
    FROM ledger_ledgerentry e
    JOIN ledger_arrearsitem i ON i.id = e.item_id
    LEFT JOIN reversed x ON x.reverses_id = e.id
    {entry_where}
    GROUP BY e.item_id
),
base AS (
    SELECT i.id AS item_id, i.due_on, i.rate_num, i.rate_den,
           COALESCE(m.principal, 0) AS principal,
           COALESCE(m.reduced, 0) AS reduced,
           m.last_day,
           COALESCE(m.weighted, 0) AS weighted,
           CASE WHEN i.due_on IS NULL THEN NULL ELSE {d.days.format(a=A, b="i.due_on")} END AS to_as_of,
           (i.status = 'closed' OR COALESCE(m.principal, 0) <= 0 OR COALESCE(m.principal, 0) - COALESCE(m.reduced, 0) <= 0) AS settled,
           (COALESCE(m.principal, 0) > 0 AND COALESCE(m.principal, 0) - COALESCE(m.reduced, 0) <= 0) AS paid_off
    FROM ledger_arrearsitem i
    LEFT JOIN moved m ON m.item_id = i.id
    {where}
),
fig AS (
    SELECT b.*,
           CASE WHEN b.due_on IS NULL OR b.principal <= 0 THEN NULL
                WHEN b.paid_off THEN {g}(0, {d.days.format(a="b.last_day", b="b.due_on")})
                ELSE {g}(0, b.to_as_of) END AS od,
           (b.to_as_of IS NOT NULL AND b.to_as_of > 0) AS late,
           {g}(0, b.principal * {g}(0, COALESCE(b.to_as_of, 0)) - b.weighted) AS fen_days
    FROM base b
)"""  # noqa: S608
    numerator = f"2 * {d.wide.format(x='fen_days')} * rate_num + rate_den"
    select = f"""
SELECT item_id,
       od AS overdue_days,
       {bucket_case} AS bucket,
       CASE WHEN due_on IS NULL OR rate_num IS NULL OR principal <= 0 THEN NULL
            ELSE {d.idiv.format(n=numerator, d="2 * rate_den")} / 100.0 END AS interest,
       CASE WHEN paid_off THEN last_day END AS settled_on
FROM fig"""  # noqa: S608
    return ctes, select


def _id_filter(column: str, ids: list[int]) -> str:
    """`column` among `ids` (integers, formatted in): runs of consecutive ids — an import's new items —
    as ranges the planner scans as such, the rest as a list."""
    ordered = sorted({int(i) for i in ids})
    ranges: list[str] = []
    singles: list[str] = []
    start = 0
    for n in range(1, len(ordered) + 1):
        if n < len(ordered) and ordered[n] == ordered[n - 1] + 1:
            continue
        if n - start >= 3:
            ranges.append(f"{column} BETWEEN {ordered[start]} AND {ordered[n - 1]}")
        else:
            singles.extend(str(i) for i in ordered[start:n])
        start = n
    if singles or not ranges:
        ranges.append(f"{column} IN ({','.join(singles) or 'NULL'})")
    return "(" + " OR ".join(ranges) + ")"


def figures_sql(d: Dialect, *, edges: tuple[int, ...], ids: list[int] | None = None) -> str:
    ctes, select = figures_parts(d, edges=edges, ids=ids)
    return ctes + select


def upsert_sql(d: Dialect, *, edges: tuple[int, ...], ids: list[int] | None = None) -> str:
    ctes, select = figures_parts(d, edges=edges, ids=ids)
    # SQLite needs a WHERE on an INSERT … SELECT that is followed by ON CONFLICT (parsing ambiguity).
    return f"""{ctes}
INSERT INTO ledger_itemaging (item_id, overdue_days, bucket, interest, settled_on)
SELECT item_id, overdue_days, bucket, interest, settled_on FROM ({select}
) AS figures WHERE 1 = 1
ON CONFLICT (item_id) DO UPDATE SET
    overdue_days = excluded.overdue_days,
    bucket = excluded.bucket,
    interest = excluded.interest,
    settled_on = excluded.settled_on
{d.upsert_where}
"""  # noqa: S608


def _params(sql: str, as_of: dt.date) -> list[Any]:
    return [as_of.isoformat()] * sql.count("%s")


@dataclass(frozen=True)
class AgingResult:
    as_of: dt.date
    items: int
    changed: int
    seconds: float


def run_aging(*, as_of: dt.date | None = None, actor: Any = None) -> AgingResult:
    """Age the whole ledger for `as_of` (default today) in one statement, inside one transaction."""
    as_of = as_of or timezone.localdate()
    edges = conf.aging_edges()
    sql = upsert_sql(dialect(), edges=edges)
    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL work_mem = '{conf.aging_work_mem()}'")
            cursor.execute(sql, _params(sql, as_of))
            changed = cursor.rowcount
            if connection.vendor == "sqlite":  # the driver does not count a WITH … INSERT
                cursor.execute("SELECT changes()")
                changed = cursor.fetchone()[0]
        items = ArrearsItem.objects.count()
        seconds = time.monotonic() - started
        run = AgingRun.objects.create(
            as_of=as_of,
            seconds=f"{seconds:.3f}",
            items=items,
            changed=changed,
            edges=",".join(str(e) for e in edges),
        )
        record_event(
            actor=actor,
            action="ledger.aging.run",
            obj=run,
            data={"as_of": as_of, "items": items, "changed": changed, "seconds": round(seconds, 3)},
        )
    return AgingResult(as_of=as_of, items=items, changed=changed, seconds=seconds)


def age_items(ids: list[int], *, as_of: dt.date | None = None) -> None:
    """Refresh the stored aging of a few items right after their money or status changed (same statement,
    restricted to them; the daily run moves the whole ledger to the next date)."""
    if not ids:
        return
    as_of = as_of or timezone.localdate()
    sql = upsert_sql(dialect(), edges=conf.aging_edges(), ids=ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(sql, as_of))


def figures(*, as_of: dt.date, ids: list[int] | None = None) -> dict[int, tuple[Any, ...]]:
    """The figures the aging would store, without storing them (tests, benchmarks, checks)."""
    d = dialect()
    sql = figures_sql(d, edges=conf.aging_edges(), ids=ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(sql, as_of))
        return {row[0]: tuple(row[1:]) for row in cursor.fetchall()}
