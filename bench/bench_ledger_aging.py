"""Benchmark: the daily aging of the whole ledger on PostgreSQL, against one hand-written SQL statement.

    python bench/bench_ledger_aging.py [--items 100000] [--payments 3] [--backend postgres|sqlite]

A child process recreates the database (BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/qq_ledger_aging_bench), migrates it, seeds the demo city and bulk-loads
N items with `--payments`×N payment entries on average (plus a confirmed-amount entry per item, 4 %
reversals, 2 % write-offs) with COPY. Then it times, in the same run:

* `run_aging` — the product's daily job (one upsert statement over the whole ledger, the run record and
  its audit event), first for a date (every row written), then the next day (every open item moves),
  then the same day again (idempotent: nothing changes);
* the lower bound: one hand-written SELECT computing the same figures a different way (interest summed
  segment by segment with window functions, not the closed form), materialised into a temporary table;

and checks that both agree on every item (overdue days, bucket, interest). Target (`--items 1000000`):
the aging in under 60 s on this machine. Prints a markdown block and TARGET lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/qq_ledger_aging_bench")
TARGET_S = 60.0
AS_OF = dt.date(2026, 6, 30)


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def load(items: int, payments: int, seed: int) -> dict[str, Any]:
    """Bulk-load the ledger with COPY (PostgreSQL) / executemany (SQLite). Not measured."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from qingqian.accounts.testing import build_world
    from qingqian.core.io.bulk import fast_insert, reserve_ids
    from qingqian.ledger.io.importer import ENTRY_COLUMNS, ITEM_COLUMNS
    from qingqian.ledger.models import ArrearsItem, LedgerEntry
    from qingqian.registry.models import Enterprise, Organisation

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    build_world()
    rng = random.Random(seed)
    debtors = list(Organisation.objects.exclude(kind="department").values_list("pk", flat=True))
    creditors = list(Enterprise.objects.values_list("pk", flat=True))
    now = timezone.now()
    rates = [(1, 2000), (1, 2000), (1, 2000), (69, 730000), (3, 36500)]
    plan: list[tuple[int, int, dt.date | None, list[tuple[dt.date, int]]]] = []
    counts = {"payments": 0, "reversals": 0, "write_offs": 0}
    with transaction.atomic():
        ids = reserve_ids(ArrearsItem, items)

        def item_rows() -> Any:
            for n, pk in enumerate(ids):
                due = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(0, 2700)) if n % 40 else None
                principal = rng.randrange(100_000, 500_000_000)  # fen
                num, den = rates[n % len(rates)]
                moves: list[tuple[dt.date, int]] = []
                left = principal
                day = (due or dt.date(2020, 1, 1)) - dt.timedelta(days=30)
                for _ in range(
                    rng.randrange(1, 2 * payments + 2)
                ):  # ≈ `payments` per item after early payoffs
                    day = min(AS_OF, day + dt.timedelta(days=rng.randrange(1, 120)))
                    if left <= 0:
                        break
                    amount = rng.randrange(1, max(2, left // 3)) if rng.random() < 0.95 else left
                    moves.append((day, amount))
                    left -= amount
                plan.append((pk, principal, due, moves))
                yuan = Decimal(principal).scaleb(-2)
                yield (
                    pk, debtors[n % len(debtors)], creditors[n % len(creditors)], "small", f"AGE-{n:08d}", "", "works",
                    dt.date(2018, 12, 1), yuan, due, False, None, None, None, 30, None, {}, "", "import", "", "",
                    None, "open", now, "2020", due, 30 if due else None, due, None, num if due else None,
                    den if due else None, [], {}, None, yuan, Decimal(0), Decimal(0), yuan, Decimal(0), "", now, now,
                    None,
                )  # fmt: skip

        fast_insert(ArrearsItem, ITEM_COLUMNS, item_rows())

        def entry_rows() -> Any:
            for pk, principal, due, moves in plan:
                yield (
                    pk,
                    "confirmed",
                    "principal",
                    Decimal(principal).scaleb(-2),
                    due or AS_OF,
                    "",
                    "",
                    now,
                    None,
                )
                for day, amount in moves:
                    kind = "write_off" if rng.random() < 0.02 else "payment"
                    counts["payments" if kind == "payment" else "write_offs"] += 1
                    yield (pk, kind, kind, Decimal(amount).scaleb(-2), day, "", "", now, None)

        fast_insert(LedgerEntry, ENTRY_COLUMNS, entry_rows())
        # 4 % of the payments reversed: a mirror entry on the same day, pointing back (set-based)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO ledger_ledgerentry (item_id, kind, bucket, amount, effective_on, reason, reference,"
                " recorded_at, reverses_id) SELECT item_id, 'reversal', bucket, -amount, effective_on, '冲正', '',"
                " recorded_at, id FROM ledger_ledgerentry WHERE bucket = 'payment' AND id % 25 = 0"
            )
            counts["reversals"] = cursor.rowcount
            cursor.execute("ANALYZE")
    balance_fix = _fix_balances()
    return {"load_s": round(time.monotonic() - t0, 1), **counts, "balance_fix": balance_fix}


def _fix_balances() -> int:
    """The cached totals follow the entries (what the services keep in step), set-based."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_arrearsitem SET paid_total = t.paid, written_off_total = t.off, balance = principal_total - t.paid - t.off"
            " FROM (SELECT item_id, SUM(CASE WHEN bucket = 'payment' THEN amount ELSE 0 END) AS paid,"
            " SUM(CASE WHEN bucket = 'write_off' THEN amount ELSE 0 END) AS off FROM ledger_ledgerentry"
            " WHERE bucket <> 'principal' GROUP BY item_id) t WHERE t.item_id = ledger_arrearsitem.id"
        ) if connection.vendor == "postgresql" else cursor.execute("SELECT 0")
        return max(cursor.rowcount, 0)


HAND = """
CREATE TEMPORARY TABLE hand_aging AS
WITH red AS (
    SELECT item_id, effective_on AS day, SUM({fen}) AS net
    FROM ledger_ledgerentry
    WHERE bucket IN ('payment', 'write_off') AND effective_on <= {A}
    GROUP BY item_id, effective_on
),
seg AS (
    SELECT r.item_id, r.day, r.net,
           SUM(r.net) OVER w - r.net AS paid_before,
           SUM(r.net) OVER w AS paid_through,
           LAG(r.day) OVER w AS prev_day
    FROM red r
    WINDOW w AS (PARTITION BY r.item_id ORDER BY r.day ROWS UNBOUNDED PRECEDING)
),
p AS (
    SELECT item_id, SUM({fen}) AS principal FROM ledger_ledgerentry WHERE bucket = 'principal' GROUP BY item_id
),
per_item AS (
    SELECT s.item_id,
           SUM(GREATEST(0, p.principal - s.paid_before)
               * GREATEST(0, (s.day - GREATEST(i.due_on, COALESCE(s.prev_day, i.due_on)))))
               AS before_last,
           MAX(s.day) AS last_day,
           MAX(s.paid_through) AS paid,
           MAX(CASE WHEN s.net > 0 THEN s.day END) AS settle_day,
           MIN(CASE WHEN s.paid_through >= p.principal THEN s.day END) AS first_zero
    FROM seg s JOIN ledger_arrearsitem i ON i.id = s.item_id JOIN p ON p.item_id = s.item_id
    WHERE i.due_on IS NOT NULL
    GROUP BY s.item_id
)
SELECT i.id AS item_id,
       CASE WHEN i.due_on IS NULL OR COALESCE(p.principal, 0) <= 0 THEN NULL
            WHEN COALESCE(x.paid, 0) >= p.principal THEN GREATEST(0, x.first_zero - i.due_on)
            ELSE GREATEST(0, {A} - i.due_on) END AS overdue_days,
       CASE WHEN i.due_on IS NULL OR i.rate_num IS NULL OR COALESCE(p.principal, 0) <= 0 THEN NULL
            ELSE div(2 * (COALESCE(x.before_last, 0)
                          + GREATEST(0, p.principal - COALESCE(x.paid, 0))
                            * GREATEST(0, {A} - GREATEST(i.due_on, COALESCE(x.last_day, i.due_on))))::numeric
                       * i.rate_num + i.rate_den, 2 * i.rate_den) / 100.0 END AS interest
FROM ledger_arrearsitem i
LEFT JOIN p ON p.item_id = i.id
LEFT JOIN per_item x ON x.item_id = i.id
"""


def measure(items: int) -> dict[str, Any]:
    from django.db import connection

    from qingqian.ledger.aging import run_aging
    from qingqian.ledger.models import LedgerEntry

    entries = LedgerEntry.objects.count()
    first = run_aging(as_of=AS_OF)
    next_day = run_aging(as_of=AS_OF + dt.timedelta(days=1))
    again = run_aging(as_of=AS_OF + dt.timedelta(days=1))
    back = run_aging(as_of=AS_OF)  # back to the compared date (every open item changes again)
    out: dict[str, Any] = {
        "vendor": connection.vendor,
        "items": items,
        "entries": entries,
        "first": [first.seconds, first.changed],
        "next_day": [next_day.seconds, next_day.changed],
        "again": [again.seconds, again.changed],
        "back": [back.seconds, back.changed],
    }
    if connection.vendor != "postgresql":
        return out
    hand = HAND.format(fen="(amount * 100)::bigint", A="%s::date")
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        t = time.perf_counter()
        cursor.execute(hand, [AS_OF.isoformat()] * hand.count("%s"))
        out["hand_s"] = time.perf_counter() - t
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE h.overdue_days IS DISTINCT FROM a.overdue_days"
            " OR h.interest IS DISTINCT FROM a.interest), COALESCE(SUM(a.interest), 0)"
            " FROM hand_aging h JOIN ledger_itemaging a ON a.item_id = h.item_id"
        )
        compared, differing, total_interest = cursor.fetchone()
    out.update(compared=compared, differing=differing, total_interest=str(total_interest))
    return out


def child(items: int, payments: int, seed: int) -> dict[str, Any]:
    _django()
    return {**load(items, payments, seed), **measure(items)}


def _reset_postgres(url: str) -> None:
    import psycopg

    base, _sep, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=3, help="average payments per item")
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seed", type=int, default=20260630)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.items, args.payments, args.seed), default=str))
        return
    tmp = Path(tempfile.mkdtemp(prefix="qq-bench-aging-"))
    env = dict(
        os.environ, QINGQIAN_VAR_DIR=str(tmp), QINGQIAN_ENV="development", DEMO_DATA_ALLOWED="1", DEBUG="0"
    )
    if args.backend == "postgres":
        _reset_postgres(PG_URL)
        env["DATABASE_URL"] = PG_URL
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'aging.sqlite3'}"
    cmd = [sys.executable, __file__, "--child", "--items", str(args.items), "--payments", str(args.payments)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        print(f"TARGET|ledger aging {args.items:,}|< {TARGET_S:.0f} s|failed|MISS")
        sys.exit(1)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    first_s, next_s = r["first"][0], r["next_day"][0]
    print("```markdown")
    print(f"### ledger: daily aging of {r['items']:,} items / {r['payments']:,} payments ({r['vendor']})")
    print()
    print(
        f"{r['entries']:,} ledger entries ({r['payments']:,} payments, {r['reversals']:,} reversals, "
        f"{r['write_offs']:,} write-offs, one confirmed amount per item), bulk-loaded with COPY in {r['load_s']} s. "
        "`run_aging` is the product's daily job: one upsert statement over the whole ledger (overdue days, bucket, "
        "interest to date exactly as `qingqian.rules` computes it), plus the run record and its audit event. "
        "The lower bound is one hand-written SELECT computing the same figures another way (segment by segment "
        "with window functions) into a temporary table."
    )
    print()
    print("| run | seconds | rows written |")
    print("|---|---:|---:|")
    print(f"| `run_aging` first run (all rows inserted) | {first_s:.1f} | {r['first'][1]:,} |")
    print(f"| `run_aging` next day (open items move) | {next_s:.1f} | {r['next_day'][1]:,} |")
    print(f"| `run_aging` same day again (idempotent) | {r['again'][0]:.1f} | {r['again'][1]:,} |")
    print(f"| `run_aging` back to the compared date | {r['back'][0]:.1f} | {r['back'][1]:,} |")
    if "hand_s" in r:
        print(f"| hand-written SQL, same figures (lower bound) | {r['hand_s']:.1f} | {r['compared']:,} |")
        print()
        print(
            f"Agreement: {r['compared']:,} items compared, {r['differing']:,} differ "
            f"(Σ interest {Decimal(r['total_interest']):,.2f} yuan); ratio to the lower bound "
            f"{next_s / r['hand_s']:.2f}× (next-day run)."
        )
    print("```")
    worst = max(first_s, next_s, r["again"][0], r["back"][0])
    ok = worst < TARGET_S and r.get("differing", 0) == 0
    print(
        f"TARGET|ledger aging {r['items']:,} items ({r['vendor']})|< {TARGET_S:.0f} s|{worst:.1f} s|{'PASS' if ok else 'MISS'}"
    )


if __name__ == "__main__":
    main()
