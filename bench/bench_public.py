"""Benchmark: the public body page and the leadership dashboard with 10,000 bodies and 1,000,000 ledger items.

    python bench/bench_public.py [--bodies 10000] [--items 1000000] [--requests 300]

A child process recreates a dedicated PostgreSQL database (BENCH_PUBLIC_URL, default
postgres://postgres@127.0.0.1:5432/qq_bench_public), migrates it, seeds the demo city and bulk-loads with
COPY: N bodies (机关/事业单位 in the city and its 24 counties, each with its responsible department),
20,000 enterprises, M items with one confirmed amount each, payments on ~40 % of them (half paid in full
and closed), disputed parts on 5 %. Then it runs the product's daily aging (`run_aging`) and drafts last
year's disclosure of every body with the real service (`returns_draft`: the set-based figures over the whole
ledger plus one return and one audit event per body); publication is bulk-loaded set-based (two years of
frozen snapshots per body), since publishing is one office click per body and not what is measured.

Measured in the same process through Django's test client (the whole middleware stack, templates included):

* the public body page (anonymous, no ETag, so the page is rendered), random bodies;
* the public search page and the region totals;
* the dashboard for the `leader` persona as deployed: figures from the cache that the `warm_dashboard` job
  refreshes (DASHBOARD_CACHE_SECONDS), and — separately — recomputing all figures from the selectors (cold);
* lower bounds: the body page's one hand-written SELECT; the dashboard's cache read.

Prints a markdown block and TARGET lines (`bench/run_all.py` collects them into docs/BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_PUBLIC_URL", "postgres://postgres@127.0.0.1:5432/qq_bench_public")
TARGET_MS = 200.0
COLD_TARGET_S = 60.0
ENTERPRISES = 20_000

ITEM_FIELDS = [
    "id", "debtor", "creditor", "creditor_size_class", "contract_number", "contract_name", "subject_kind",
    "signed_on", "contract_amount", "delivered_on", "acceptance_required", "agreed_term_days", "clauses",
    "project_name", "source", "source_ref", "note", "status", "assessed_at", "regulation", "start_on",
    "term_days", "due_on", "rate_num", "rate_den", "findings", "explanation", "principal_total", "paid_total",
    "written_off_total", "balance", "disputed_amount", "close_basis", "closed_at", "reconciled_at",
    "created_at", "updated_at",
]  # fmt: skip
ENTRY_FIELDS = ["item", "kind", "bucket", "amount", "effective_on", "reason", "reference", "recorded_at"]


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p95": p95 * 1000,
        "max": ordered[-1] * 1000,
    }


def load(bodies: int, items: int, seed: int) -> dict[str, Any]:
    """Bulk-load the synthetic city (not measured, except drafting, which is reported)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from qingqian.accounts.testing import build_world
    from qingqian.core.io.bulk import fast_insert, reserve_ids
    from qingqian.ledger.models import ArrearsItem, LedgerEntry
    from qingqian.registry.choices import COUNTY_LEVEL_KINDS
    from qingqian.registry.models import Enterprise, Organisation, Region

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    build_world()
    seeded_s = time.monotonic() - t0
    rng = random.Random(seed)
    now = timezone.now()
    city = Region.objects.get(code="130100")
    counties = list(Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).order_by("code"))
    finance = Organisation.objects.get(name="石家庄市财政局")
    offices = {
        o.region_id: o.pk
        for o in Organisation.objects.filter(
            kind="department", level="county", name__contains="清欠工作办公室"
        )
    }
    suffixes = ["教育中心", "卫生院", "管理所", "服务中心", "事务局", "学校", "研究所", "执法大队"]
    with transaction.atomic():
        org_rows = []
        for n in range(bodies):
            region = city if n % 5 == 0 else counties[n % len(counties)]
            kind = "organ" if n % 2 else "institution"
            org_rows.append(
                (
                    f"{region.name}测试{suffixes[n % len(suffixes)]}{n:05d}", "", "", "", kind,
                    "city" if region == city else "county", region.pk, None,
                    finance.pk if region == city else offices.get(region.pk), True, True, now, now,
                )
            )  # fmt: skip
        fast_insert(
            Organisation,
            ["name", "short_name", "uscc", "uscc_warning", "kind", "level", "region", "supervising_department",
             "responsible_department", "is_example", "active", "created_at", "updated_at"],
            org_rows,
        )  # fmt: skip
        debtors = list(
            Organisation.objects.filter(is_example=True, name__contains="测试").values_list("pk", flat=True)
        )
        fast_insert(
            Enterprise,
            ["name", "uscc", "uscc_warning", "industry", "size_class", "size_basis", "address", "contact_name",
             "contact_phone", "contact_phone_bidx", "contact_email", "is_example", "created_at", "updated_at"],
            (
                (f"测试中小企业{n:06d}有限公司", f"91130100BENCH{n:05d}", "", "other", "small", "", "", "", "", "",
                 "", True, now, now)
                for n in range(ENTERPRISES)
            ),
        )  # fmt: skip
        creditors = list(
            Enterprise.objects.filter(uscc__startswith="91130100BENCH").values_list("pk", flat=True)
        )
        ids = reserve_ids(ArrearsItem, items)
        payments: list[tuple[int, Decimal, dt.date]] = []
        principals: list[tuple[int, Decimal, dt.date]] = []
        first = dt.date(2023, 1, 1)
        span = (dt.date(2026, 10, 31) - first).days

        def item_rows() -> Any:
            for n, pk in enumerate(ids):
                delivered = first + dt.timedelta(days=rng.randrange(span))
                term = 30 if n % 3 else 60
                due = delivered + dt.timedelta(days=term)
                amount = Decimal(rng.randrange(1_000_000, 200_000_000)).scaleb(-2)
                roll = rng.random()
                paid = Decimal("0.00")
                if roll < 0.2:
                    paid = amount
                elif roll < 0.4:
                    paid = (amount / 3).quantize(Decimal("0.01"))
                disputed = (amount - paid) / 5 if roll > 0.95 else Decimal("0.00")
                disputed = disputed.quantize(Decimal("0.01"))
                paid_on = min(dt.date(2026, 11, 1), due + dt.timedelta(days=rng.randrange(-20, 200)))
                principals.append((pk, amount, delivered + dt.timedelta(days=5)))
                if paid:
                    payments.append((pk, paid, paid_on))
                closed = paid == amount
                yield (
                    pk, debtors[n % len(debtors)], creditors[n % len(creditors)], "small", f"B-{n:08d}", "", "goods",
                    delivered - dt.timedelta(days=20), amount, delivered, False, term, {}, "", "import", "", "",
                    "closed" if closed else "open", now, "2025", delivered, term, due, 1, 2000, [], {}, amount, paid,
                    Decimal("0.00"), amount - paid, disputed, "payments" if closed else "", now if closed else None,
                    now if closed else None, now, now,
                )  # fmt: skip

        fast_insert(ArrearsItem, ITEM_FIELDS, item_rows())
        fast_insert(
            LedgerEntry,
            ENTRY_FIELDS,
            ((pk, "confirmed", "principal", amount, day, "", "", now) for pk, amount, day in principals),
        )
        fast_insert(
            LedgerEntry,
            ENTRY_FIELDS,
            ((pk, "payment", "payment", amount, day, "", "", now) for pk, amount, day in payments),
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    loaded_s = time.monotonic() - t0 - seeded_s

    from qingqian.disclosure.services import returns_draft
    from qingqian.ledger.aging import run_aging

    aging = run_aging(as_of=timezone.localdate())
    year = timezone.localdate().year - 1
    t = time.monotonic()
    drafted = returns_draft(actor=None, year=year)
    draft_s = time.monotonic() - t
    published = _bulk_publish(year)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "bodies": bodies,
        "items": items,
        "payments": len(payments),
        "seed_s": round(seeded_s, 1),
        "load_s": round(loaded_s, 1),
        "aging_s": round(aging.seconds, 1),
        "draft_s": round(draft_s, 1),
        "drafted": drafted.created + drafted.refreshed + drafted.unchanged,
        "published": published,
        "year": year,
    }


def _bulk_publish(year: int) -> int:
    """Two years of frozen snapshots per body, set-based (the bench measures reading them)."""
    from django.db import connection

    cols = (
        "body_id, year, version, status, as_of, deadline, drafted_at, drafted_overdue_count,"
        " drafted_overdue_amount, drafted_paid_late_count, drafted_avg_days_late, drafted_undated_count,"
        " overdue_count, overdue_amount, paid_late_count, avg_days_late, corrected, correction_reason,"
        " reopen_reason, sent_back_reason"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO disclosure_disclosurereturn ({cols}) SELECT body_id, year - 1, 1, 'published',"
            " as_of - interval '1 year', deadline - interval '1 year', drafted_at, drafted_overdue_count,"
            " drafted_overdue_amount, drafted_paid_late_count, drafted_avg_days_late, drafted_undated_count,"
            " overdue_count, overdue_amount * 1.1, paid_late_count, avg_days_late, false, '', '', ''"
            " FROM disclosure_disclosurereturn WHERE year = %s AND version = 1",
            [year],
        )
        cursor.execute(
            "UPDATE disclosure_disclosurereturn SET status = 'published', confirmed_at = now(), approved_at = now(),"
            " published_at = now() WHERE year IN (%s, %s) AND status <> 'published'",
            [year, year - 1],
        )
        cursor.execute(
            "INSERT INTO disclosure_publisheddisclosure (disclosure_return_id, body_id, year, version, body_name,"
            " body_kind, body_level, region_id, region_path, as_of, overdue_count, overdue_amount, paid_late_count,"
            " avg_days_late, corrected_by_body, approver_name, approved_at, published_at, publisher_name,"
            " correction_reason, content_hash)"
            " SELECT r.id, r.body_id, r.year, r.version, o.name, o.kind, o.level, o.region_id, g.path, r.as_of,"
            " r.overdue_count, r.overdue_amount, r.paid_late_count, r.avg_days_late, false,"
            " COALESCE(d.name, '主管部门'), now(), now(), '石家庄市清理拖欠企业账款工作专班办公室', '',"
            " md5(r.id::text) || md5(r.body_id::text)"
            " FROM disclosure_disclosurereturn r JOIN registry_organisation o ON o.id = r.body_id"
            " JOIN registry_region g ON g.id = o.region_id"
            " LEFT JOIN registry_organisation d ON d.id = o.responsible_department_id"
            " WHERE r.year IN (%s, %s) AND NOT EXISTS"
            " (SELECT 1 FROM disclosure_publisheddisclosure s WHERE s.disclosure_return_id = r.id)",
            [year, year - 1],
        )
        cursor.execute("SELECT count(*) FROM disclosure_publisheddisclosure")
        return int(cursor.fetchone()[0])


def measure(requests: int, seed: int) -> dict[str, Any]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from qingqian.accounts.models import User
    from qingqian.accounts.testing import sign_in
    from qingqian.dashboards.selectors import build_dashboard, cache_key, dashboard_for
    from qingqian.disclosure.models import PublishedDisclosure

    rng = random.Random(seed)
    body_ids = list(PublishedDisclosure.objects.values_list("body_id", flat=True).distinct())
    public = Client()

    def timed(client: Any, urls: list[str]) -> dict[str, float]:
        samples = []
        for url in urls:
            t = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - t)
            assert response.status_code == 200, (url, response.status_code)
        return _percentiles(samples)

    for b in body_ids[:20]:  # warm the connection and the template cache
        public.get(f"/disclosure/bodies/{b}/")
    out: dict[str, Any] = {"vendor": connection.vendor}
    picks = [rng.choice(body_ids) for _ in range(requests)]
    out["body"] = timed(public, [f"/disclosure/bodies/{b}/" for b in picks])
    out["search"] = timed(
        public,
        [f"/disclosure/?page={rng.randrange(1, 200)}" for _ in range(requests // 3)]
        + [f"/disclosure/?q=测试学校{rng.randrange(10000):04d}" for _ in range(requests // 3)],
    )
    out["regions"] = timed(public, ["/disclosure/regions/"] * max(10, requests // 10))

    # lower bound of the body page: the one hand-written query for the same rows
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
    out["body_sql"] = _percentiles(samples)

    leader = User.objects.get(username="leader")
    cold = []
    for _ in range(3):
        t = time.perf_counter()
        data = build_dashboard(leader)
        cold.append(time.perf_counter() - t)
    out["cold_s"] = {"median": statistics.median(cold), "min": min(cold), "max": max(cold)}
    out["balance"] = data["outstanding"]["totals"]["balance"]
    out["cleared"] = data["cleared"]["total"]
    cache.clear()
    dashboard_for(leader)  # what the warm_dashboard job does every DASHBOARD_CACHE_SECONDS
    staff = Client()
    sign_in(staff, leader)
    staff.get("/dashboards/")
    out["dashboard"] = timed(staff, ["/dashboards/"] * requests)
    samples = []
    key = cache_key(leader)
    for _ in range(requests):
        t = time.perf_counter()
        cache.get(key)
        samples.append(time.perf_counter() - t)
    out["dashboard_cache"] = _percentiles(samples)
    out["drill"] = timed(staff, ["/dashboards/items/?debtor_kind=organ"] * 10)
    return out


def child(bodies: int, items: int, requests: int, seed: int) -> dict[str, Any]:
    _django()
    return {**load(bodies, items, seed), **measure(requests, seed)}


def _reset_postgres(url: str) -> None:
    import psycopg

    base, _sep, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _row(label: str, p: dict[str, float]) -> str:
    return f"| {label} | {p['n']} | {p['p50']:.1f} | {p['p95']:.1f} | {p['max']:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bodies", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.bodies, args.items, args.requests, args.seed), default=str))
        return
    tmp = Path(tempfile.mkdtemp(prefix="qq-bench-public-"))
    env = dict(
        os.environ,
        QINGQIAN_VAR_DIR=str(tmp),
        QINGQIAN_ENV="development",
        DEMO_DATA_ALLOWED="1",
        DEBUG="0",
        DATABASE_URL=PG_URL,
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    _reset_postgres(PG_URL)
    cmd = [
        sys.executable, __file__, "--child", "--bodies", str(args.bodies), "--items", str(args.items),
        "--requests", str(args.requests), "--seed", str(args.seed),
    ]  # fmt: skip
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    label = f"{args.bodies:,} bodies, {args.items:,} items"
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        print(f"TARGET|public body page p95 ({label})|< {TARGET_MS:.0f} ms|failed|MISS")
        print(f"TARGET|dashboard p95 ({label})|< {TARGET_MS:.0f} ms|failed|MISS")
        sys.exit(1)
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    body, dash = r["body"], r["dashboard"]
    print("```markdown")
    print(f"### disclosure and dashboard: {label} ({r['vendor']})")
    print()
    print(
        f"Bulk-loaded with COPY into a dedicated database: {r['bodies']:,} bodies, {r['items']:,} items "
        f"({r['payments']:,} payments), {r['load_s']} s after seeding the demo city ({r['seed_s']} s). "
        f"Daily aging of the whole ledger: {r['aging_s']} s. Drafting {r['year']}'s disclosure of "
        f"{r['drafted']:,} bodies with the real service (set-based figures over the ledger, one return and "
        f"one audit event per body): {r['draft_s']} s. {r['published']:,} published snapshots (two years)."
    )
    print()
    print("Requests through Django's test client, in process (all middleware and templates), times in ms:")
    print()
    print("| page | requests | p50 | p95 | max |")
    print("|---|---:|---:|---:|---:|")
    print(_row("public body page (anonymous, rendered, random bodies)", body))
    print(_row("lower bound: the page's one SELECT", r["body_sql"]))
    print(_row("public search (pages and name queries)", r["search"]))
    print(_row("public region totals", r["regions"]))
    print(_row("dashboard, `leader` (figures from the warmed cache)", dash))
    print(_row("lower bound: the cache read", r["dashboard_cache"]))
    print(_row("drill-down list (机关, paginated, with its totals)", r["drill"]))
    print()
    c = r["cold_s"]
    print(
        f"Recomputing every dashboard figure from the ledger and complaint selectors (what the "
        f"`warm_dashboard` job does every DASHBOARD_CACHE_SECONDS, and `?refresh=1`): median {c['median']:.2f} s "
        f"(min {c['min']:.2f}, max {c['max']:.2f}) over 3 runs. Figures: outstanding {Decimal(r['balance']):,.2f} "
        f"yuan, cleared {Decimal(r['cleared']):,.2f} yuan. Ratio body page / its SELECT at p95: "
        f"{body['p95'] / max(r['body_sql']['p95'], 0.001):.0f}×."
    )
    print("```")
    print(
        f"TARGET|public body page p95 ({label}, {r['vendor']})|< {TARGET_MS:.0f} ms|{body['p95']:.1f} ms|"
        f"{'PASS' if body['p95'] < TARGET_MS else 'MISS'}"
    )
    print(
        f"TARGET|dashboard p95, cached figures ({label}, {r['vendor']})|< {TARGET_MS:.0f} ms|{dash['p95']:.1f} ms|"
        f"{'PASS' if dash['p95'] < TARGET_MS else 'MISS'}"
    )
    print(
        f"TARGET|dashboard figures recomputed, cold ({label})|< {COLD_TARGET_S:.0f} s|{c['median']:.1f} s|"
        f"{'PASS' if c['median'] < COLD_TARGET_S else 'MISS'}"
    )
    print(f"(wall time {time.monotonic() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
