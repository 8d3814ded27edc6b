"""Ledger figures that disclosure, the dashboard and the reports need and no ledger selector gives yet.

Every function here is **read-only and set-based** (one SQL statement over the ledger tables, grouped in
the database; nothing is written) and **should move into `qingqian/ledger/selectors.py`** once the
ledger owns it. Until then this module is the one place these numbers come from.

Definitions (also on the public methodology page, `templates/public/methodology.html`):

* **Unpaid amount of an item at a date D**: its confirmed principal as the ledger records it now (all
  principal entries, so a contract registered after D but overdue at D counts) minus the payments the SME
  confirmed and the amounts written off with a business date on or before D.
* **Overdue and unpaid at the end of year Y** (Art 18 [16]): items whose due date is on or before
  31 December Y and whose unpaid amount at 31 December Y is above zero. Items without a due date are
  counted apart (``undated``), never guessed.
* **Settled on**: the last day with a net reduction (payment or write-off) once the reductions reach the
  principal (the same rule as the ledger's aging).
* **Paid late in year Y**: items settled during Y after their due date; days late = settled on − due date.
* **Payment performance** (UK payment-practices style): over items settled in a period, days to pay =
  settled on − start of the payment term (delivery, acceptance or settlement confirmation, as the rules
  assessed it); shares settled within the term, within 30 and within 60 days; average days to pay.

Amounts are summed as integer fen in SQL, so they are exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from qingqian.core.money import quantize_money

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")


# --- SQL plumbing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dialect:
    fen: str  # integer fen of a money expression
    days: str  # whole days a - b
    date: str  # a date parameter
    year: str  # the year of a date expression, as an integer
    # PostgreSQL inlines single-use CTEs and then estimates the filtered aggregates at one row, so it joins
    # them in a nested loop that re-aggregates the entries per outer row (330 s instead of 0.4 s on the
    # generated city, docs/perf/disclosure-figures.md). Materialising them keeps each aggregate one pass.
    materialized: str


_POSTGRES = _Dialect(
    fen="(({x}) * 100)::bigint",
    days="(({a}) - ({b}))",
    date="%s::date",
    year="CAST(EXTRACT(YEAR FROM {x}) AS INTEGER)",
    materialized="MATERIALIZED ",
)
_SQLITE = _Dialect(
    fen="CAST(ROUND(({x}) * 100) AS INTEGER)",
    days="CAST(julianday({a}) - julianday({b}) AS INTEGER)",
    date="%s",
    year="CAST(strftime('%%Y', {x}) AS INTEGER)",
    materialized="",
)


def _dialect() -> _Dialect:
    return _POSTGRES if connection.vendor == "postgresql" else _SQLITE


@dataclass
class _Sql:
    """SQL text with its parameters kept in order as pieces are appended."""

    parts: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, text: str, *params: Any) -> _Sql:
        self.parts.append(text)
        self.params.extend(params)
        return self

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def _scope(
    sql: _Sql,
    *,
    items: QuerySet[Any] | None,
    debtor_ids: QuerySet[Any] | Iterable[int] | None,
    alias: str = "i",
) -> None:
    """Append ``AND …`` conditions limiting the items (a restricted queryset and/or debtor ids)."""
    if items is not None:
        sub, params = items.order_by().values("pk").query.sql_with_params()
        sql.add(f" AND {alias}.id IN ({sub})", *params)
    if isinstance(debtor_ids, QuerySet):
        sub, params = debtor_ids.order_by().values("pk").query.sql_with_params()
        sql.add(f" AND {alias}.debtor_id IN ({sub})", *params)
    elif debtor_ids is not None:
        ids = [int(i) for i in debtor_ids]
        if not ids:
            sql.add(" AND 1 = 0")
        else:
            sql.add(f" AND {alias}.debtor_id IN ({', '.join(['%s'] * len(ids))})", *ids)


def _reduction_ctes(
    sql: _Sql,
    d: _Dialect,
    *,
    until: dt.date,
    items: QuerySet[Any] | None,
    debtor_ids: QuerySet[Any] | Iterable[int] | None,
) -> None:
    """``WITH red_tot(item_id, total, last_day), pr(item_id, total)``: reductions up to `until` and the
    principal as recorded now, in fen, for the items in scope."""
    fen = d.fen.format(x="e.amount")
    sql.add(
        f"""WITH red AS (
    SELECT e.item_id, e.effective_on AS day, SUM({fen}) AS net
    FROM ledger_ledgerentry e JOIN ledger_arrearsitem i ON i.id = e.item_id
    WHERE e.bucket IN ('payment', 'write_off') AND e.effective_on <= {d.date}""",  # noqa: S608 - constants only
        until.isoformat(),
    )
    _scope(sql, items=items, debtor_ids=debtor_ids)
    sql.add(
        f"""    GROUP BY e.item_id, e.effective_on
),
red_tot AS {d.materialized}(
    SELECT item_id, SUM(net) AS total, MAX(CASE WHEN net > 0 THEN day END) AS last_day
    FROM red GROUP BY item_id
),
pr AS {d.materialized}(
    SELECT e.item_id, SUM({fen}) AS total
    FROM ledger_ledgerentry e JOIN ledger_arrearsitem i ON i.id = e.item_id
    WHERE e.bucket = 'principal'"""  # noqa: S608 - constants only
    )
    _scope(sql, items=items, debtor_ids=debtor_ids)
    sql.add("    GROUP BY e.item_id\n)")


def _fetch(sql: _Sql) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql.text, sql.params)
        return list(cursor.fetchall())


def _yuan(fen: Any) -> Decimal:
    return quantize_money(Decimal(int(fen or 0)) / 100)


def _avg(total: Any, n: Any) -> Decimal | None:
    if not n:
        return None
    return (Decimal(int(total or 0)) / Decimal(int(n))).quantize(TENTH, rounding=ROUND_HALF_UP)


def _pct(part: Any, whole: Any) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(int(part or 0)) * 100 / Decimal(int(whole))).quantize(TENTH, rounding=ROUND_HALF_UP)


# --- Art 18: overdue and unpaid at a year end ---------------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    count: int = 0
    amount: Decimal = ZERO
    undated: int = 0


def overdue_unpaid_at(
    *,
    as_of: dt.date,
    items: QuerySet[Any] | None = None,
    debtor_ids: QuerySet[Any] | Iterable[int] | None = None,
) -> dict[int, Overdue]:
    """Per debtor: contracts overdue and unpaid at the end of `as_of` (count, unpaid amount), plus the
    unpaid items without a due date. Should move into ledger/selectors.py."""
    d = _dialect()
    sql = _Sql()
    _reduction_ctes(sql, d, until=as_of, items=items, debtor_ids=debtor_ids)
    unpaid = "(pr.total - COALESCE(r.total, 0))"
    sql.add(
        f"""SELECT i.debtor_id,
       SUM(CASE WHEN i.due_on IS NOT NULL AND i.due_on <= {d.date} THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.due_on IS NOT NULL AND i.due_on <= {d.date} THEN {unpaid} ELSE 0 END),
       SUM(CASE WHEN i.due_on IS NULL THEN 1 ELSE 0 END)
FROM ledger_arrearsitem i
JOIN pr ON pr.item_id = i.id
LEFT JOIN red_tot r ON r.item_id = i.id
WHERE {unpaid} > 0""",  # noqa: S608 - constants only
        as_of.isoformat(),
        as_of.isoformat(),
    )
    _scope(sql, items=items, debtor_ids=debtor_ids)
    sql.add("GROUP BY i.debtor_id")
    return {
        row[0]: Overdue(count=int(row[1] or 0), amount=_yuan(row[2]), undated=int(row[3] or 0))
        for row in _fetch(sql)
    }


# --- Paid late during a year, and payment performance ------------------------------------------------


@dataclass(frozen=True)
class PaidLate:
    count: int = 0
    avg_days_late: Decimal | None = None


def paid_late_in(
    *,
    year: int,
    items: QuerySet[Any] | None = None,
    debtor_ids: QuerySet[Any] | Iterable[int] | None = None,
) -> dict[int, PaidLate]:
    """Per debtor: contracts settled during `year` after their due date, and their average days late.
    Should move into ledger/selectors.py."""
    rows = payment_performance(
        date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31), items=items, debtor_ids=debtor_ids
    )
    return {k: PaidLate(count=p.late_count, avg_days_late=p.avg_days_late) for k, p in rows.items()}


@dataclass(frozen=True)
class Performance:
    paid_count: int = 0
    with_term: int = 0  # settled items that had a due date
    within_term: int = 0
    with_start: int = 0  # settled items whose term start is known
    within_30: int = 0
    within_60: int = 0
    days_to_pay_total: int = 0
    late_count: int = 0
    days_late_total: int = 0

    @property
    def within_term_pct(self) -> Decimal | None:
        return _pct(self.within_term, self.with_term)

    @property
    def within_30_pct(self) -> Decimal | None:
        return _pct(self.within_30, self.with_start)

    @property
    def within_60_pct(self) -> Decimal | None:
        return _pct(self.within_60, self.with_start)

    @property
    def over_60_pct(self) -> Decimal | None:
        return _pct(self.with_start - self.within_60, self.with_start)

    @property
    def avg_days_to_pay(self) -> Decimal | None:
        return _avg(self.days_to_pay_total, self.with_start)

    @property
    def avg_days_late(self) -> Decimal | None:
        return _avg(self.days_late_total, self.late_count)

    def as_dict(self) -> dict[str, Any]:
        return {
            "paid_count": self.paid_count,
            "within_term_pct": self.within_term_pct,
            "within_30_pct": self.within_30_pct,
            "within_60_pct": self.within_60_pct,
            "over_60_pct": self.over_60_pct,
            "avg_days_to_pay": self.avg_days_to_pay,
            "late_count": self.late_count,
            "avg_days_late": self.avg_days_late,
        }


def payment_performance(
    *,
    date_from: dt.date,
    date_to: dt.date,
    items: QuerySet[Any] | None = None,
    debtor_ids: QuerySet[Any] | Iterable[int] | None = None,
    by: str = "debtor",
) -> dict[Any, Performance]:
    """Over items settled in [date_from, date_to]: per debtor (`by="debtor"`), per settlement year
    (`by="year"`, the trend) or in total (`by="all"`, key None). Should move into ledger/selectors.py."""
    if by not in ("debtor", "year", "all"):
        raise ValueError(f"unknown grouping {by!r}")
    d = _dialect()
    sql = _Sql()
    _reduction_ctes(sql, d, until=date_to, items=items, debtor_ids=debtor_ids)
    dtp = f"(CASE WHEN {d.days.format(a='r.last_day', b='i.start_on')} < 0 THEN 0 ELSE {d.days.format(a='r.last_day', b='i.start_on')} END)"
    late = "(i.due_on IS NOT NULL AND r.last_day > i.due_on)"
    key = {"debtor": "i.debtor_id", "year": d.year.format(x="r.last_day"), "all": "NULL"}[by]
    sql.add(
        f"""SELECT {key} AS k,
       COUNT(*),
       SUM(CASE WHEN i.due_on IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.due_on IS NOT NULL AND r.last_day <= i.due_on THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.start_on IS NOT NULL THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.start_on IS NOT NULL AND {dtp} <= 30 THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.start_on IS NOT NULL AND {dtp} <= 60 THEN 1 ELSE 0 END),
       SUM(CASE WHEN i.start_on IS NOT NULL THEN {dtp} ELSE 0 END),
       SUM(CASE WHEN {late} THEN 1 ELSE 0 END),
       SUM(CASE WHEN {late} THEN {d.days.format(a="r.last_day", b="i.due_on")} ELSE 0 END)
FROM ledger_arrearsitem i
JOIN pr ON pr.item_id = i.id
JOIN red_tot r ON r.item_id = i.id
WHERE pr.total > 0 AND r.total >= pr.total
  AND r.last_day >= {d.date} AND r.last_day <= {d.date}""",  # noqa: S608 - constants only
        date_from.isoformat(),
        date_to.isoformat(),
    )
    _scope(sql, items=items, debtor_ids=debtor_ids)
    if by != "all":
        sql.add(f"GROUP BY {key}")
    out: dict[Any, Performance] = {}
    for row in _fetch(sql):
        if not row[1]:
            continue
        out[int(row[0]) if row[0] is not None else None] = Performance(*(int(v or 0) for v in row[1:]))
    return out


# --- Breakdowns of a (restricted, filtered) item queryset -----------------------------------------------

BREAKDOWN_KEYS = {
    "debtor_kind": "debtor__kind",
    "level": "debtor__level",
    "region": "debtor__region_id",
    "department": "debtor__responsible_department_id",
    "bucket": "aging__bucket",
    "debtor": "debtor_id",
}


@dataclass(frozen=True)
class Outstanding:
    key: Any
    count: int
    open_count: int
    balance: Decimal
    disputed: Decimal

    @property
    def undisputed(self) -> Decimal:
        return self.balance - self.disputed


def outstanding_breakdown(items: QuerySet[Any], by: str) -> list[Outstanding]:
    """The sums `ledger.selectors.totals_of` gives, grouped by debtor kind, level, region (the debtor's own
    region), responsible department, aging bucket or debtor, over the same queryset (usually
    `item_list_for(user=…, filters=…)`): the groups add up to `totals_of(items)`. Should move into
    ledger/selectors.py."""
    from qingqian.ledger.choices import ItemStatus

    column = BREAKDOWN_KEYS[by]
    rows = (
        items.order_by()
        .values(column)
        .annotate(
            # plain COUNT (no DISTINCT sort): callers pass querysets joined through to-one relations only
            # (item_list_for without the to-many "warnings" filter), where every row is one item
            n=Count("id"),
            n_open=Count("id", filter=Q(status=ItemStatus.OPEN)),
            s_balance=Sum("balance"),
            s_disputed=Sum("disputed_amount"),
        )
    )
    out = [
        Outstanding(
            key=r[column],
            count=r["n"] or 0,
            open_count=r["n_open"] or 0,
            balance=quantize_money(Decimal(r["s_balance"] or 0)),
            disputed=quantize_money(Decimal(r["s_disputed"] or 0)),
        )
        for r in rows
    ]
    return sorted(out, key=lambda o: (-o.balance, str(o.key)))
