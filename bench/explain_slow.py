"""Query plans of a page's slowest statements, for docs/perf/: requests the page as a persona on a cached
generated database, times each SQL statement it ran, and prints `EXPLAIN (ANALYZE, BUFFERS)` of the
slowest SELECTs as markdown.

    python bench/explain_slow.py --size city --persona leader --url "/dashboards/items/?debtor_kind=organ" [--top 2]
    python bench/explain_slow.py --size city --function qingqian.disclosure.services.returns:draft_figures

(`--function` calls a function of one argument, the last finished year, instead of a page: for the
background work behind the pages.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generated


def child(persona: str, url: str, function: str, top: int) -> dict[str, Any]:
    generated.django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        if function:
            module, name = function.split(":")
            getattr(importlib.import_module(module), name)(dt.date.today().year - 1)
        else:
            client = generated.signed_in(persona) if persona else None
            assert client is not None
            client.get(url)  # warm
            ctx.initial_queries = len(connection.queries_log)
            t = time.perf_counter()
            response = client.get(url)
            page_s = time.perf_counter() - t
            assert response.status_code == 200, response.status_code
    queries = [q for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    ranked = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:top]
    plans = []
    with connection.cursor() as cursor:
        for q in ranked:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plans.append(
                {"sql": q["sql"], "seconds": float(q["time"]), "plan": [r[0] for r in cursor.fetchall()]}
            )
    return {
        "queries": len(ctx.captured_queries),
        "total_s": sum(float(q["time"]) for q in ctx.captured_queries),
        "page_s": None if function else page_s,
        "plans": plans,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="city")
    parser.add_argument("--persona", default="")
    parser.add_argument("--url", default="")
    parser.add_argument("--function", default="")
    parser.add_argument("--top", type=int, default=2)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.persona, args.url, args.function, args.top)))
        return
    cached = generated.ensure(args.size)
    r = generated.run_child(
        __file__, cached, "--persona", args.persona, "--url", args.url, "--function", args.function,
        "--top", str(args.top),
    )  # fmt: skip
    what = args.url or args.function
    print(
        f"`{what}` on {cached.label}: {r['queries']} statements, {r['total_s']:.3f} s in SQL"
        + (f", page {r['page_s']:.3f} s" if r["page_s"] is not None else "")
    )
    for p in r["plans"]:
        print(f"\n{p['seconds']:.3f} s:\n\n```sql\n{p['sql']}\n```\n\n```\n" + "\n".join(p["plan"]) + "\n```")


if __name__ == "__main__":
    main()
