"""Benchmark: the office's complaint queue with 100,000 cases, on SQLite and on PostgreSQL.

    python bench/bench_complaints.py [--n 100000] [--repeat 15] [--backends sqlite,postgres]

For each backend a child process migrates a fresh database, seeds the demo city, bulk-inserts N
complaints spread over every respondent, department, state and lateness (deterministic), then
renders pages through Django's test client as the demo personas and records the median and p95
wall time and the number of SQL queries of each (no N+1: the count must not grow with the page).
PostgreSQL uses BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/qq_complaints_bench,
dropped and recreated). Prints a markdown block and TARGET lines for bench/run_all.py.
Target: the office queue's first page in under 300 ms on both.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 300.0
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/qq_complaints_bench")

SCENARIOS = [
    ("office queue, first page (open cases, newest first)", "office", "/complaints/"),
    ("office queue, overdue sorted by deadline", "office", "/complaints/?deadline=late&sort=due"),
    (
        "office queue, one department + amount range",
        "office",
        "/complaints/?department={finance}&amount_min=10000&amount_max=500000",
    ),
    ("finance bureau queue (scoped)", "finance", "/complaints/"),
    ("county queue (scoped)", "county", "/complaints/"),
    ("API list, page 1 (office)", "office", "/api/v1/complaints?page_size=50"),
    (
        "API list, page 1 with filters (office)",
        "office",
        "/api/v1/complaints?status=in_handling&deadline=late&page_size=50",
    ),
]


def _generate(n: int, seed: int) -> None:
    import datetime as dt
    from decimal import Decimal

    from django.db import connection, transaction

    from qingqian.complaints.choices import OPEN_STATES, Channel, DeadlineKind, Lateness, Status
    from qingqian.complaints.deadlines import lateness_of
    from qingqian.complaints.models import Complaint, ComplaintCounter
    from qingqian.registry.models import Enterprise, Organisation

    rng = random.Random(seed)
    respondents = list(Organisation.objects.exclude(kind="department").select_related("region"))
    enterprises = list(Enterprise.objects.all())
    statuses = list(Status.values)
    weights = [6 if s in OPEN_STATES else 3 for s in statuses]
    channels = list(Channel.values)
    today = dt.date(2026, 6, 30)
    rows = []
    start = Complaint.objects.count()
    for i in range(n):
        r = rng.choice(respondents)
        e = rng.choice(enterprises)
        status = rng.choices(statuses, weights)[0]
        received = today - dt.timedelta(days=rng.randint(0, 700))
        routed = status not in ("registered", "under_review", "awaiting_material", "not_accepted", "accepted")
        due = received + dt.timedelta(days=rng.randint(10, 60)) if status in OPEN_STATES else None
        step = rng.choice([0, 0, 0, 1, 2, 3, 4]) if due else 0
        rows.append(
            Complaint(
                number=f"QQ-2025-{start + i + 1:06d}",
                status=status,
                channel=rng.choice(channels),
                complainant=e,
                complainant_name=e.name,
                complainant_uscc=e.uscc,
                complainant_size="small",
                contact_name="联系人",
                contact_phone="0311-80000000",
                respondent=r,
                respondent_name=r.name,
                respondent_kind=r.kind,
                region_id=r.region_id,
                region_path=r.region.path,
                amount_claimed=Decimal(rng.randint(1000, 5_000_000)) + Decimal("0.50"),
                summary="基准测试数据",
                received_on=received,
                review_due_on=received + dt.timedelta(days=14),
                responsible_department_id=r.responsible_department_id if routed else None,
                transferred_on=received + dt.timedelta(days=10) if routed else None,
                handle_due_on=received + dt.timedelta(days=40) if routed else None,
                due_on=due,
                due_kind=DeadlineKind.HANDLE if due else "",
                ladder_step=step,
                lateness=lateness_of(step) if due else Lateness.ON_TIME,
            )
        )
    with transaction.atomic():
        for k in range(0, len(rows), 5000):
            Complaint.objects.bulk_create(rows[k : k + 5000])
        ComplaintCounter.objects.update_or_create(year=2025, defaults={"last": start + n})
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def child(n: int, repeat: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qingqian.accounts.testing import build_world

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    world = build_world()
    _generate(n, seed=20260601)
    setup_s = time.monotonic() - t0
    from qingqian.complaints.models import Complaint

    finance = world.finance.scope_grants()[0].organisation_id
    results = []
    for label, persona, url in SCENARIOS:
        url = url.format(finance=finance)
        client = Client()
        client.force_login(getattr(world, persona))
        for _ in range(2):  # warm caches (templates, grants, query plans)
            assert client.get(url).status_code == 200, url
        times = []
        queries = 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
            queries = len(ctx.captured_queries)
        times.sort()
        results.append(
            {
                "label": label,
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                "queries": queries,
            }
        )
    return {
        "vendor": connection.vendor,
        "version": _version(connection),
        "cases": Complaint.objects.count(),
        "setup_s": round(setup_s, 1),
        "results": results,
    }


def _version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        v = connection.pg_version  # e.g. 150004
        return f"{v // 10000}.{v % 10000}"
    import sqlite3

    return sqlite3.sqlite_version


def _reset_postgres(url: str) -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg not installed"
    base, _sep, name = url.rpartition("/")
    try:
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        return f"PostgreSQL not reachable ({exc.__class__.__name__})"
    return None


def run_backend(backend: str, n: int, repeat: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="qq-bench-"))
    env = dict(
        os.environ,
        QINGQIAN_VAR_DIR=str(tmp),
        QINGQIAN_ENV="development",
        DEMO_DATA_ALLOWED="1",
        DEBUG="0",
        PYTHONPATH=str(ROOT),
    )
    if backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        problem = _reset_postgres(PG_URL)
        if problem:
            return {"vendor": backend, "skipped": problem}
        env["DATABASE_URL"] = PG_URL
    proc = subprocess.run(
        [sys.executable, __file__, "--child", "--n", str(n), "--repeat", str(repeat)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return {"vendor": backend, "skipped": "failed: " + proc.stderr[-800:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child(args.n, args.repeat)))
        return
    runs = [run_backend(b.strip(), args.n, args.repeat) for b in args.backends.split(",") if b.strip()]
    lines = [
        "```markdown",
        f"### complaints: queue pages with {args.n:,} cases",
        "",
        f"Rendered through Django's test client (full middleware, templates, session auth), {args.repeat} runs "
        "after 2 warm-up requests; the query count is per request and does not grow with the page.",
        "",
        "| database | page | median ms | p95 ms | SQL queries |",
        "|---|---|---:|---:|---:|",
    ]
    targets = []
    for run in runs:
        if "skipped" in run:
            lines.append(f"| {run['vendor']} | _{run['skipped'][:120]}_ | — | — | — |")
            targets.append(
                f"TARGET|complaints {run['vendor']}|office queue < {TARGET_MS:.0f} ms|not run|MISS"
            )
            continue
        db = f"{run['vendor']} {run['version']} ({run['cases']:,} cases, setup {run['setup_s']} s)"
        for r in run["results"]:
            lines.append(f"| {db} | {r['label']} | {r['median_ms']} | {r['p95_ms']} | {r['queries']} |")
        first = run["results"][0]
        verdict = "PASS" if first["p95_ms"] < TARGET_MS else "MISS"
        targets.append(
            f"TARGET|complaints {run['vendor']}|office queue first page < {TARGET_MS:.0f} ms (p95)|"
            f"{first['median_ms']} ms median, {first['p95_ms']} ms p95, {first['queries']} queries|{verdict}"
        )
    lines.append("```")
    print("\n".join(lines))
    print("\n".join(targets))


if __name__ == "__main__":
    main()
