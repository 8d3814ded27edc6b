"""Benchmark: the public body page, the public search and region totals, and the leadership dashboard
(cached and cold), on generated cities, each beside its lower bound.

    python bench/bench_public.py [--scale city|province] [--requests 300]

On the cached generated databases (bench/generated.py: city and 10× smaller, or province and city; the
generator drafts the last two years' disclosure through the real service and publishes most of it), in one
process through Django's test client (whole middleware stack and templates):

* the public body page (anonymous, no ETag, so the page is rendered), random published bodies; lower
  bound: the page's one hand-written SELECT;
* the public search page and the region totals;
* the dashboard for the `leader` persona as deployed: figures from the cache the `warm_dashboard` job
  refreshes; lower bound: the cache read;
* the dashboard cold: every figure recomputed from the ledger and complaint selectors (what the job does,
  and `?refresh=1`); lower bound: hand-written grouped SQL for the same figures (outstanding by kind,
  region, department and aging bucket; cleared by month; complaints by state with on-time counts; plan
  adherence; campaign progress), whose totals are compared with the dashboard's.

Prints a markdown block and TARGET lines (issue 6: body page and dashboard p95 < 200 ms).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generated

TARGET_MS = 200.0
COLD_TARGET_S = 60.0

DASHBOARD_SQL = [
    """SELECT d.kind, count(*), sum(i.balance), sum(i.disputed_amount), sum(i.paid_total)
       FROM ledger_arrearsitem i JOIN registry_organisation d ON d.id = i.debtor_id GROUP BY d.kind""",
    """SELECT d.region_id, count(*), sum(i.balance), sum(i.disputed_amount)
       FROM ledger_arrearsitem i JOIN registry_organisation d ON d.id = i.debtor_id GROUP BY d.region_id""",
    """SELECT d.responsible_department_id, count(*), sum(i.balance), sum(i.disputed_amount)
       FROM ledger_arrearsitem i JOIN registry_organisation d ON d.id = i.debtor_id
       GROUP BY d.responsible_department_id""",
    """SELECT a.bucket, count(*), sum(i.balance) FROM ledger_arrearsitem i
       LEFT JOIN ledger_itemaging a ON a.item_id = i.id GROUP BY a.bucket""",
    """SELECT date_trunc('month', e.effective_on), sum(e.amount), count(*) FILTER (WHERE e.kind = 'payment')
       FROM ledger_ledgerentry e WHERE e.bucket = 'payment' GROUP BY 1""",
    """SELECT d.responsible_department_id, sum(e.amount) FROM ledger_ledgerentry e
       JOIN ledger_arrearsitem i ON i.id = e.item_id JOIN registry_organisation d ON d.id = i.debtor_id
       WHERE e.bucket = 'payment' GROUP BY 1""",
    """SELECT status, responsible_department_id, count(*),
              count(*) FILTER (WHERE reviewed_on IS NOT NULL AND reviewed_on <= review_due_on),
              count(*) FILTER (WHERE transferred_on IS NOT NULL AND transferred_on <= transfer_due_on),
              count(*) FILTER (WHERE result_submitted_on IS NOT NULL AND result_submitted_on <= handle_due_on),
              count(*) FILTER (WHERE satisfied)
       FROM complaints_complaint GROUP BY status, responsible_department_id""",
    """SELECT n.state, count(*), sum(n.amount) FROM ledger_instalment n
       JOIN ledger_repaymentplan p ON p.id = n.plan_id WHERE p.status IN ('approved', 'superseded')
       GROUP BY n.state""",
    """SELECT m.campaign_id, count(*), sum(m.balance_at_start), sum(i.balance)
       FROM ledger_campaignitem m JOIN ledger_arrearsitem i ON i.id = m.item_id GROUP BY m.campaign_id""",
]


def child(requests: int, seed: int) -> dict[str, Any]:
    generated.django_setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from qingqian.accounts.models import User
    from qingqian.dashboards.selectors import build_dashboard, cache_key, dashboard_for
    from qingqian.disclosure.models import PublishedDisclosure

    rng = random.Random(seed)
    body_ids = sorted(PublishedDisclosure.objects.order_by().values_list("body_id", flat=True).distinct())
    public = Client()
    for b in body_ids[:20]:
        public.get(f"/disclosure/bodies/{b}/")
    out: dict[str, Any] = {"bodies": len(body_ids)}
    picks = [rng.choice(body_ids) for _ in range(requests)]
    out["body"], out["body_queries"] = generated.time_pages(
        public, [f"/disclosure/bodies/{b}/" for b in picks]
    )
    out["search"], _q = generated.time_pages(
        public,
        [f"/disclosure/?page={rng.randrange(1, 40)}" for _ in range(requests // 3)]
        + [f"/disclosure/?q=第{rng.choice('一二三四五六七八九')}中学" for _ in range(requests // 3)],
    )
    out["regions"], _q = generated.time_pages(public, ["/disclosure/regions/"] * max(10, requests // 10))
    samples = []
    with connection.cursor() as cursor:
        for b in picks:
            t = time.perf_counter()
            cursor.execute(
                "SELECT year, version, overdue_count, overdue_amount, paid_late_count, avg_days_late,"
                " correction_reason, approver_name, published_at FROM disclosure_publisheddisclosure"
                " WHERE body_id = %s ORDER BY year DESC, version DESC",
                [b],
            )
            cursor.fetchall()
            samples.append(time.perf_counter() - t)
    out["body_sql"] = generated.percentiles(samples)

    leader = User.objects.get(username="leader")
    cold = []
    data: dict[str, Any] = {}
    for _ in range(3):
        t = time.perf_counter()
        data = build_dashboard(leader)
        cold.append(time.perf_counter() - t)
    out["cold_s"] = {"median": statistics.median(cold), "min": min(cold), "max": max(cold)}
    hand = []
    for _ in range(3):
        t = time.perf_counter()
        with connection.cursor() as cursor:
            results = []
            for sql in DASHBOARD_SQL:
                cursor.execute(sql)
                results.append(cursor.fetchall())
        hand.append(time.perf_counter() - t)
    out["cold_hand_s"] = statistics.median(hand)
    hand_balance = sum((Decimal(r[2] or 0) for r in results[0]), Decimal(0))
    hand_cleared = sum((Decimal(r[1] or 0) for r in results[4]), Decimal(0))
    out["balance"] = data["outstanding"]["totals"]["balance"]
    out["cleared"] = data["cleared"]["total"]
    out["agree"] = Decimal(out["balance"]) == hand_balance and Decimal(out["cleared"]) == hand_cleared
    cache.clear()
    dashboard_for(leader)  # what the warm_dashboard job does every DASHBOARD_CACHE_SECONDS
    staff = generated.signed_in("leader")
    staff.get("/dashboards/")
    out["dashboard"], out["dashboard_queries"] = generated.time_pages(staff, ["/dashboards/"] * requests)
    samples = []
    key = cache_key(leader)
    for _ in range(requests):
        t = time.perf_counter()
        cache.get(key)
        samples.append(time.perf_counter() - t)
    out["dashboard_cache"] = generated.percentiles(samples)
    return out


def _row(data: str, label: str, p: dict[str, float], lower: dict[str, float] | None = None) -> str:
    ratio = generated.ratio(p["p50"], lower["p50"]) if lower else ""
    low = f"{lower['p50']:.2f}" if lower else ""
    return f"| {data} | {label} | {p['n']} | {p['p50']:.1f} | {p['p95']:.1f} | {p['max']:.1f} | {low} | {ratio} |"


def main() -> None:
    parser = generated.parser(__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.requests, args.seed), default=str))
        return
    lines = [
        "```markdown",
        "### public pages and leadership dashboard (postgresql)",
        "",
        "Through Django's test client in process (all middleware and templates); ms. Lower bounds: the body "
        "page's one SELECT, the dashboard's cache read; for the cold dashboard, hand-written grouped SQL for "
        "the same figures (see the script).",
        "",
        "| data | page | requests | p50 | p95 | max | lower bound p50 | ratio (p50) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    notes = []
    targets: list[str] = []
    for size in args.sizes or generated.sizes_for(args.scale):
        mark = len(targets)
        cached = generated.ensure(size)
        r = generated.run_child(__file__, cached, "--requests", str(args.requests), "--seed", str(args.seed))
        data = (
            f"{size}: {cached.marker['counts'].get('registry_organisation', 0):,}+ bodies, "
            + cached.label.split("(", 1)[1].rstrip(")")
        )
        lines += [
            _row(data, "public body page (anonymous, rendered)", r["body"], r["body_sql"]),
            _row(data, "public search (pages and name queries)", r["search"]),
            _row(data, "public region totals", r["regions"]),
            _row(data, "dashboard, `leader`, cached figures", r["dashboard"], r["dashboard_cache"]),
        ]
        c = r["cold_s"]
        notes.append(
            f"{size}: dashboard recomputed cold (all figures from the selectors, what `warm_dashboard` does): median "
            f"{c['median']:.2f} s (min {c['min']:.2f}, max {c['max']:.2f}) over 3 runs; hand-written SQL for the same "
            f"figures {r['cold_hand_s']:.2f} s (ratio {generated.ratio(c['median'], r['cold_hand_s'])}); totals "
            f"{'equal' if r['agree'] else '**differ**'} (outstanding {Decimal(r['balance']):,.2f} yuan, cleared "
            f"{Decimal(r['cleared']):,.2f} yuan). {r['bodies']:,} bodies have published figures; the body page "
            f"runs {r['body_queries']} queries, the cached dashboard {r['dashboard_queries']}."
        )
        label = f"{size}, {cached.marker['counts'].get('ledger_arrearsitem', 0):,} items"
        body, dash = r["body"], r["dashboard"]
        targets += [
            f"TARGET|public body page p95 ({label})|< {TARGET_MS:.0f} ms|{body['p95']:.1f} ms|"
            f"{'PASS' if body['p95'] < TARGET_MS else 'MISS'}",
            f"TARGET|dashboard p95, cached figures ({label})|< {TARGET_MS:.0f} ms|{dash['p95']:.1f} ms|"
            f"{'PASS' if dash['p95'] < TARGET_MS else 'MISS'}",
            f"TARGET|dashboard figures recomputed, cold ({label})|< {COLD_TARGET_S:.0f} s, same totals as SQL|"
            f"{c['median']:.1f} s ({generated.ratio(c['median'], r['cold_hand_s'])} the SQL)|"
            f"{'PASS' if c['median'] < COLD_TARGET_S and r['agree'] else 'MISS'}",
        ]
        if not generated.has_targets(args.scale, size):
            del targets[mark:]
    generated.emit([*lines, "", *notes], targets)


if __name__ == "__main__":
    main()
