"""Benchmark: the ledger list (filtered, first page with its totals) and the dashboard's drill-down list, on
generated cities, each beside the hand-written SQL for the same page.

    python bench/bench_ledger_list.py [--scale city|province] [--repeat 15]

On the cached generated databases (bench/generated.py: city and 10× smaller, or province and city), pages
are rendered through Django's test client as the demo personas (whole middleware stack and templates),
after two warm-up requests. The lower bound of each page is the set of hand-written statements that
fetch the same rows and figures: the 50 rows of the page with their debtor, region, creditor and aging;
one aggregate for the totals (count, open, principal, paid, written off, balance, disputed, interest);
the pending payment reports; and, on the ledger list, the cleared amounts (filtered and in all). The
totals of both are compared. Prints a markdown block and TARGET lines (the 300 ms p95 budget is issue 4's for
the office queue, applied here to the other staff list pages).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generated

# issue 4 sets 300 ms (p95) for the office queue; the same budget is applied to the other staff list pages
TARGET_MS = 300.0

PAGE = """SELECT i.id, i.contract_number, i.contract_name, i.status, i.principal_total, i.paid_total, i.balance,
       i.disputed_amount, i.due_on, d.name, r.name, c.name, a.bucket, a.overdue_days, a.interest
FROM ledger_arrearsitem i JOIN registry_organisation d ON d.id = i.debtor_id
JOIN registry_region r ON r.id = d.region_id JOIN registry_enterprise c ON c.id = i.creditor_id
LEFT JOIN ledger_itemaging a ON a.item_id = i.id
WHERE {where} ORDER BY i.balance DESC, i.id DESC LIMIT 50"""
TOTALS = """SELECT count(*), count(*) FILTER (WHERE i.status = 'open'), sum(i.principal_total), sum(i.paid_total),
       sum(i.written_off_total), sum(i.balance), sum(i.disputed_amount), sum(a.interest) FILTER (WHERE i.balance > 0)
FROM ledger_arrearsitem i JOIN registry_organisation d ON d.id = i.debtor_id
LEFT JOIN ledger_itemaging a ON a.item_id = i.id WHERE {where}"""
PENDING = """SELECT count(*) FROM ledger_paymentreport p JOIN ledger_arrearsitem i ON i.id = p.item_id
JOIN registry_organisation d ON d.id = i.debtor_id LEFT JOIN ledger_itemaging a ON a.item_id = i.id
WHERE p.status = 'reported' AND {where}"""
CLEARED = """SELECT sum(e.amount) FROM ledger_ledgerentry e JOIN ledger_arrearsitem i ON i.id = e.item_id
JOIN registry_organisation d ON d.id = i.debtor_id LEFT JOIN ledger_itemaging a ON a.item_id = i.id
WHERE e.bucket = 'payment' AND {where}"""
CLEARED_ALL = "SELECT sum(amount) FROM ledger_ledgerentry WHERE bucket = 'payment'"


def scenarios() -> list[dict[str, Any]]:
    from qingqian.registry.models import Region

    county = Region.objects.get(code="130121")  # 井陉县
    return [
        {
            "label": "ledger list, first page with totals (office, all items)",
            "persona": "office",
            "url": "/ledger/",
            "filters": {},
            "where": ("TRUE", []),
            "cleared": True,
        },
        {
            "label": "ledger list, overdue 事业单位 of one county (office)",
            "persona": "office",
            "url": f"/ledger/?overdue=1&debtor_kind=institution&region={county.pk}",
            "filters": {"overdue": "1", "debtor_kind": "institution", "region": str(county.pk)},
            "where": (
                "a.overdue_days > 0 AND i.balance > 0 AND d.kind = %s AND d.region_id IN"
                " (SELECT id FROM registry_region WHERE path LIKE %s)",
                ["institution", county.path + "%"],
            ),
            "cleared": True,
        },
        {
            "label": "dashboard drill-down: 机关, paginated, with totals (leader)",
            "persona": "leader",
            "url": "/dashboards/items/?debtor_kind=organ",
            "filters": {"debtor_kind": "organ"},
            "where": ("d.kind = %s", ["organ"]),
            "cleared": False,
        },
    ]


def child(repeat: int) -> dict[str, Any]:
    generated.django_setup()
    from qingqian.accounts.models import User
    from qingqian.ledger import selectors

    out = []
    for s in scenarios():
        where, params = s["where"]
        statements = [
            (PAGE.format(where=where), params),
            (TOTALS.format(where=where), params),
            (PENDING.format(where=where), params),
        ]
        if s["cleared"]:
            statements += [(CLEARED.format(where=where), params), (CLEARED_ALL, [])]
        client = generated.signed_in(s["persona"])
        generated.time_pages(client, [s["url"]] * 2)
        page, queries = generated.time_pages(client, [s["url"]] * repeat)
        hand = generated.time_sql(statements, repeat)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(TOTALS.format(where=where), params)
            count, _open, _p, _paid, _off, balance, *_rest = cursor.fetchone()
        totals = selectors.totals_of(
            selectors.item_list_for(user=User.objects.get(username=s["persona"]), filters=s["filters"])
        )
        out.append(
            {
                "label": s["label"],
                "url": s["url"],
                "page": page,
                "queries": queries,
                "hand": hand,
                "count": totals.count,
                "agree": totals.count == count and totals.balance == Decimal(balance or 0),
            }
        )
    return {"results": out}


def main() -> None:
    parser = generated.parser(__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.repeat)))
        return
    lines = [
        "```markdown",
        "### ledger list and dashboard drill-down (postgresql)",
        "",
        f"Through Django's test client as the personas, {args.repeat} requests after 2 warm-ups; the lower bound "
        "is the hand-written SQL fetching the same rows and figures (see the script); ms.",
        "",
        "| data | page | p50 | p95 | SQL queries | lower bound p50 | ratio (p50) | rows in scope | same totals |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    targets: list[str] = []
    for size in args.sizes or generated.sizes_for(args.scale):
        mark = len(targets)
        cached = generated.ensure(size)
        r = generated.run_child(__file__, cached, "--repeat", str(args.repeat))
        for x in r["results"]:
            p, h = x["page"], x["hand"]
            lines.append(
                f"| {cached.label} | {x['label']} | {p['p50']:.1f} | {p['p95']:.1f} | {x['queries']} | "
                f"{h['p50']:.1f} | {generated.ratio(p['p50'], h['p50'])} | {x['count']:,} | "
                f"{'yes' if x['agree'] else '**no**'} |"
            )
            ok = p["p95"] < TARGET_MS and x["agree"]
            targets.append(
                f"TARGET|{x['label']} ({size})|p95 < {TARGET_MS:.0f} ms, totals equal the hand-written SQL|"
                f"{p['p95']:.0f} ms p95 ({generated.ratio(p['p50'], h['p50'])} the lower bound)|"
                f"{'PASS' if ok else 'MISS'}"
            )
        if not generated.has_targets(args.scale, size):
            del targets[mark:]
    generated.emit(lines, targets)


if __name__ == "__main__":
    main()
