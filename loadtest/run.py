"""Load test: gunicorn on PostgreSQL under a working day's mix, then five times that load.

    python loadtest/run.py --database-url postgres://…/qq_city   # data already there (generate_city)
    python loadtest/run.py --postgres-server postgres://postgres@127.0.0.1:5432 [--complaints 20000 --items 100000]

With `--postgres-server` it makes a temporary database: the demo city grown to the given sizes by
copying its rows (until `manage.py generate_city` is there). Then it starts gunicorn (`--workers`,
sync by default) on loopback and runs locust headless (`loadtest/locustfile.py`), bounded by
`--duration` and `--max-requests`:

1. the offered load: `--users` users × `--rate` requests/s each (public 5 : enterprise 2 : office 2);
2. the same mix at `--overload` times the users — intake must keep working: it may queue (the
   requests wait in gunicorn's bounded backlog), it must not error;
3. the mix at half of what phase 1 achieved: latencies without queueing (the ratios to `/healthz`
   mean something only here — under saturation every request waits the same queue).

Reports per endpoint the throughput and p50/p95/p99, each endpoint's median as a multiple of the
trivial endpoint's (`/healthz`) on the same server, the CPU each party used (gunicorn, PostgreSQL,
locust) and, with `--profile`, where a request's time goes (cProfile of each endpoint in-process).
Prints a markdown block and TARGET lines (≥ 200 requests/s with p95 < 300 ms; intake errors 0 at 5×).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drills.harness import ROOT, call, drill_env, gunicorn, inside, scratch

TARGET_RPS = 200.0
TARGET_P95_MS = 300.0
TRIVIAL = "trivial: /healthz"
INTAKE = "enterprise: file a complaint (intake)"
CLK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total / CLK


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def postgres_backends(url: str) -> list[int]:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [r[0] for r in rows]


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with (prefix.parent / f"{prefix.name}_stats.csv").open() as f:
        return list(csv.DictReader(f))


def phase(args: argparse.Namespace, env: dict[str, str], base: str, users: int, label: str, tmp: Path,
          server_pgid: int, url: str) -> dict[str, Any]:  # fmt: skip
    """One locust run; its stats per endpoint and the CPU each party used meanwhile."""
    prefix = tmp / label
    locust_env = {**env, "LOAD_CONTEXT": str(tmp / "context.json"), "LOAD_USER_RATE": str(args.rate),
                  "LOAD_MAX_REQUESTS": str(args.max_requests)}  # fmt: skip
    argv = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
            "-u", str(users), "-r", str(max(1, users // 2)), "--run-time", f"{args.duration}s", "--host", base,
            "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]  # fmt: skip
    load_before = os.getloadavg()[0]  # what else the machine was doing (other processes)
    gunicorn_pids, pg_pids = group_pids(server_pgid), postgres_backends(url)
    before = (cpu_seconds(gunicorn_pids), cpu_seconds(pg_pids))
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, cwd=ROOT, env=locust_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    locust_cpu = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            locust_cpu[0] = max(locust_cpu[0], cpu_seconds([proc.pid]))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = proc.communicate(timeout=args.duration + 120)
    sampler.join()
    wall = time.monotonic() - started
    pg_pids = sorted(set(pg_pids) | set(postgres_backends(url)))
    after = (cpu_seconds(group_pids(server_pgid)), cpu_seconds(pg_pids))
    (tmp / f"{label}.log").write_text(out)
    rows = read_stats(prefix)
    return {
        "users": users,
        "rows": rows,
        "wall": wall,
        "cpu": {"gunicorn": after[0] - before[0], "postgres": after[1] - before[1], "locust": locust_cpu[0]},
        "load_before": load_before,
    }


def ms(row: dict[str, str], key: str) -> float:
    try:
        return float(row[key])
    except (KeyError, ValueError):
        return float("nan")


def table(result: dict[str, Any]) -> tuple[list[str], dict[str, str], float]:
    rows = [r for r in result["rows"] if r["Name"] != "Aggregated"]
    total = next(r for r in result["rows"] if r["Name"] == "Aggregated")
    trivial = next((r for r in rows if r["Name"] == TRIVIAL), None)
    base = ms(trivial, "50%") if trivial else float("nan")
    lines = []
    for r in sorted(rows, key=lambda r: r["Name"]):
        count, fails = int(r["Request Count"]), int(r["Failure Count"])
        ratio = ms(r, "50%") / base if base and base == base else float("nan")
        lines.append(f"| {r['Type']} {r['Name']} | {count:,} | {fails} | {float(r['Requests/s']):.1f} | {ms(r, '50%'):.0f} "
                     f"| {ms(r, '95%'):.0f} | {ms(r, '99%'):.0f} | {ratio:.1f}× |")  # fmt: skip
    return lines, total, base


def run(args: argparse.Namespace) -> int:
    with scratch("load", args.postgres_server, args.database_url) as (tmp, url):
        if not url.startswith("postgres"):
            raise SystemExit(
                "the load test runs on PostgreSQL: give --database-url postgres://… or --postgres-server"
            )
        env = drill_env(tmp, url, RATE_LIMIT_ENABLED="0", DB_CONN_MAX_AGE="600")
        if args.postgres_server:
            sizes = inside(
                env, "load_bulk", {"complaints": args.complaints, "items": args.items}, timeout=3600
            )
        else:
            sizes = {"complaints": "as given", "items": "as given"}
        ctx = inside(env, "load_context", {"sessions": 8})
        import json

        (tmp / "context.json").write_text(json.dumps(ctx))
        server, base = gunicorn(env, tmp / "server.log", workers=args.workers, threads=args.threads)
        server.start()
        try:
            assert server.proc is not None
            smoke = {
                "/healthz": call(base, "GET", "/healthz").status,
                "/api/v1/complaints": call(
                    base, "GET", "/api/v1/complaints", token=ctx["enterprise_token"]
                ).status,
            }
            if any(s != 200 for s in smoke.values()):
                raise SystemExit(f"smoke test failed: {smoke}\n{(tmp / 'server.log').read_text()[-3000:]}")
            results = [phase(args, env, base, args.users, "offered", tmp, server.proc.pid, url)]
            results.append(
                phase(args, env, base, args.users * args.overload, "overload", tmp, server.proc.pid, url)
            )
            # below saturation (half of what phase 1 achieved): latencies without queueing, for the ratios
            achieved = float(next(r for r in results[0]["rows"] if r["Name"] == "Aggregated")["Requests/s"])
            light = max(1, round(achieved * 0.5 / args.rate))
            results.append(phase(args, env, base, light, "light", tmp, server.proc.pid, url))
        finally:
            server.stop()
        profile = (
            inside(env, "load_profile", {"context": ctx, "n": args.profile}, timeout=900)
            if args.profile
            else None
        )
        return report(args, sizes, results, profile)


def report(
    args: argparse.Namespace, sizes: dict[str, Any], results: list[dict[str, Any]], profile: Any
) -> int:
    offered, overload, light = results
    lines, total, trivial = table(offered)
    l_lines, l_total, _ = table(light)
    rps, p95 = float(total["Requests/s"]), ms(total, "95%")
    o_lines, o_total, _ = table(overload)
    intake = next((r for r in overload["rows"] if r["Name"] == INTAKE), None)
    intake_n = int(intake["Request Count"]) if intake else 0
    intake_err = (int(intake["Failure Count"]) / intake_n * 100) if intake and intake_n else float("nan")
    cores = os.cpu_count() or 1
    print("```markdown")
    print(
        f"### Load test (`loadtest/run.py`): gunicorn {args.workers} workers × {args.threads} thread(s) on PostgreSQL, locust on the same {cores}-core machine"
    )
    print()
    print(f"Data: {sizes['complaints']:,} complaints, {sizes['items']:,} 台账 items. Mix per user: public 5 : "
          f"enterprise 2 : office 2, each user {args.rate} requests/s; {args.duration} s per phase, at most "
          f"{args.max_requests:,} requests.")  # fmt: skip
    for name, result, rows, tot in (
        ("offered load", offered, lines, total),
        (f"{args.overload}× the users", overload, o_lines, o_total),
        (
            "below saturation (half of phase 1's throughput): service times without queueing",
            light,
            l_lines,
            l_total,
        ),
    ):
        cpu = result["cpu"]
        print()
        print(f"**{name}: {result['users']} users → {float(tot['Requests/s']):.1f} requests/s, p50 {ms(tot, '50%'):.0f} ms, "
              f"p95 {ms(tot, '95%'):.0f} ms, p99 {ms(tot, '99%'):.0f} ms, {tot['Failure Count']} failures.** CPU seconds "
              f"in {result['wall']:.0f} s: gunicorn {cpu['gunicorn']:.0f}, PostgreSQL {cpu['postgres']:.0f}, locust "
              f"{cpu['locust']:.0f} (of {cores * result['wall']:.0f} available; 1-minute load average before the phase "
              f"{result['load_before']:.1f}).")  # fmt: skip
        print()
        print("| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms | p50 ÷ trivial |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
    if profile:
        base_ms = next((p["ms"] for p in profile if p["name"].startswith(TRIVIAL)), float("nan"))
        share = {r["Name"]: int(r["Request Count"]) for r in offered["rows"] if r["Name"] != "Aggregated"}
        cost = {p["name"].rsplit(" (", 1)[0]: p["ms"] for p in profile}
        weighted = sum(share.get(name, 0) * ms_ for name, ms_ in cost.items()) / max(
            1, sum(share.get(n, 0) for n in cost)
        )
        print()
        print("Where a request's time goes — each endpoint in-process through Django's test client (no HTTP, no "
              "gunicorn), cProfile on; \"capacity\" is what all cores could serve of that endpoint alone:")  # fmt: skip
        print()
        print("| endpoint | ms per request | ÷ trivial | in the database driver | queries | capacity on "
              f"{cores} cores | top Python functions (own ms) |")  # fmt: skip
        print("|---|---|---|---|---|---|---|")
        for p in profile:
            print(f"| {p['name']} | {p['ms']:.1f} | {p['ms'] / base_ms:.0f}× | {p['db_ms']:.1f} ms | {p['queries']} "
                  f"| {cores * 1000 / p['ms']:.0f} req/s | {p['top']} |")  # fmt: skip
        print()
        print(f"The mix as offered costs {weighted:.1f} ms per request in-process (weighted by phase 1's requests): at "
              f"most ≈ {cores * 1000 / weighted:.0f} requests/s on {cores} cores before HTTP, gunicorn and locust "
              f"take their share.")  # fmt: skip
        spent = {name: share.get(name, 0) * ms_ for name, ms_ in cost.items()}
        worst = max(spent, key=lambda k: spent[k])
        rest = sum(v for k, v in spent.items() if k != worst) / max(
            1, sum(share.get(n, 0) for n in cost if n != worst)
        )
        print(f"The costliest part is **{worst}**: {spent[worst] / max(1e-9, sum(spent.values())) * 100:.0f} % of the "
              f"mix's server time; the rest of the mix costs {rest:.1f} ms per request (≈ {cores * 1000 / rest:.0f} "
              f"requests/s on {cores} cores).")  # fmt: skip
    print("```")
    print(
        f"TARGET|load: throughput of the mix (gunicorn {args.workers} workers, PostgreSQL)|≥ {TARGET_RPS:.0f} req/s|{rps:.1f} req/s|{'PASS' if rps >= TARGET_RPS else 'MISS'}"
    )
    print(
        f"TARGET|load: p95 latency of the mix|< {TARGET_P95_MS:.0f} ms|{p95:.0f} ms|{'PASS' if p95 < TARGET_P95_MS else 'MISS'}"
    )
    print(f"TARGET|load: intake errors at {args.overload}× the users (queued, not refused)|0 %|{intake_err:.1f} % of {intake_n}|"
          f"{'PASS' if intake_n and intake_err == 0 else 'MISS'}")  # fmt: skip
    del trivial
    return 0  # a missed target is a result (the TARGET lines say MISS), not a failed run


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL database with the data already in it"
    )
    parser.add_argument("--postgres-server", default="", help="make a temporary database on this server")
    parser.add_argument("--complaints", type=int, default=20000)
    parser.add_argument("--items", type=int, default=100000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rate", type=float, default=4.0, help="requests per second per user")
    parser.add_argument("--overload", type=int, default=5)
    parser.add_argument("--duration", type=int, default=30, help="seconds per phase")
    parser.add_argument("--max-requests", type=int, default=30000, help="per phase")
    parser.add_argument(
        "--profile", type=int, default=0, help="profile each endpoint over N in-process requests"
    )
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
