"""Run every benchmark and rewrite docs/BENCHMARKS.md.

    python bench/run_all.py [--scale city|province] [--only NAME ...]

Each entry below is a script printing a ```markdown fenced block and `TARGET|...` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "BENCHMARKS.md"
# The latest result of each benchmark, so `--only NAME` refreshes one and keeps the others.
RESULTS = ROOT / "docs" / "bench-results"

PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")

# (name, script, arguments per scale)
BENCHES: list[tuple[str, str, dict[str, list[str]]]] = [
    ("rules", "bench/bench_rules.py", {"city": ["--n", "100000"], "province": ["--n", "100000"]}),
    ("complaints", "bench/bench_complaints.py", {"city": [], "province": ["--scale", "province"]}),
    (
        "ledger-import",
        "bench/bench_ledger_import.py",
        {"city": ["--backend", "both"], "province": ["--backend", "both"]},
    ),
    # on the generated databases of bench/generated.py (city + 10× smaller; province + city)
    ("daily-sweep", "bench/bench_daily_sweep.py", {"city": [], "province": ["--scale", "province"]}),
    ("ledger-list", "bench/bench_ledger_list.py", {"city": [], "province": ["--scale", "province"]}),
    ("public", "bench/bench_public.py", {"city": [], "province": ["--scale", "province"]}),
    # the load test (loadtest/run.py): gunicorn + locust on a temporary PostgreSQL database
    (
        "load",
        "loadtest/run.py",
        {
            "city": [
                "--postgres-server",
                PG_SERVER,
                "--complaints",
                "10000",
                "--items",
                "100000",
                "--profile",
                "20",
            ],
            "province": [
                "--postgres-server",
                PG_SERVER,
                "--complaints",
                "100000",
                "--items",
                "1000000",
                "--duration",
                "60",
                "--profile",
                "20",
            ],
        },
    ),
    # `make drills`: full-size reliability drills (the small versions run in `make test`)
    *(
        entry
        for db, extra in (("sqlite", []), ("postgres", ["--postgres-server", PG_SERVER]))
        for entry in (
            (
                f"crash-{db}",
                "drills/crash.py",
                {
                    "city": ["--requests", "300", "--kills", "8", *extra],
                    "province": ["--requests", "1000", "--kills", "20", *extra],
                },
            ),
            (
                f"killed-import-{db}",
                "drills/killed_import.py",
                {"city": ["--rows", "20000", *extra], "province": ["--rows", "100000", *extra]},
            ),
            (
                f"concurrency-{db}",
                "drills/concurrency.py",
                {"city": ["--parallel", "50", *extra], "province": ["--parallel", "200", *extra]},
            ),
        )
    ),
]
DRILLS = {
    f"{kind}-{db}" for kind in ("crash", "killed-import", "concurrency") for db in ("sqlite", "postgres")
}

FENCE = re.compile(r"```markdown\n(.*?)```", re.S)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    pg = ""
    try:
        pg = subprocess.run(["psql", "--version"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pg = "psql not found"
    return f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}; {pg}"


def _stem(name: str, scale: str) -> str:
    """Results of the city scale are `<name>.md`; a province run keeps `<name>.province.md` beside them."""
    return name if scale == "city" else f"{name}.{scale}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", choices=["city", "province"], default="city")
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    for name, script, per_scale in BENCHES:
        if (args.only and name not in args.only) or (not args.only and name in DRILLS):
            continue
        path = ROOT / script
        if not path.exists():
            print(f"== {name}: {script} does not exist yet; skipped", flush=True)
            continue
        print(f"== {name}: {script} {' '.join(per_scale[args.scale])}", flush=True)
        t0 = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(path), *per_scale[args.scale]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        elapsed = time.monotonic() - t0
        print(proc.stdout[-3000:], proc.stderr[-2000:] if proc.returncode else "", sep="\n", flush=True)
        blocks = FENCE.findall(proc.stdout)
        stamp = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, scale {args.scale}, script wall time {elapsed:.0f} s"
        if proc.returncode != 0 or not blocks:
            section = (
                f"### {name}\n\n_Failed (exit {proc.returncode}) on {stamp}:_\n\n```\n"
                f"{(proc.stderr or proc.stdout)[-1500:]}\n```\n"
            )
            target_lines = [f"TARGET|{name}|—|script failed|MISS"]
        else:
            section = "\n\n".join(b.strip() for b in blocks) + f"\n\n_Measured {stamp}._\n"
            target_lines = [line for line in proc.stdout.splitlines() if line.startswith("TARGET|")]
        stem = _stem(name, args.scale)
        (RESULTS / f"{stem}.md").write_text(section, encoding="utf-8")
        (RESULTS / f"{stem}.targets").write_text("\n".join(target_lines) + "\n", encoding="utf-8")

    sections: list[str] = []
    targets: list[list[str]] = []
    for name, script, _per_scale in BENCHES:
        md = RESULTS / f"{name}.md"
        if not md.exists():
            sections.append(f"### {name}\n\n_Not measured yet (`{script}`)._\n")
            continue
        # the city result, then the last province result if there is one (`--scale province` keeps its own)
        for stem in (name, _stem(name, "province")):
            if not (RESULTS / f"{stem}.md").exists():
                continue
            sections.append((RESULTS / f"{stem}.md").read_text(encoding="utf-8"))
            for line in (RESULTS / f"{stem}.targets").read_text(encoding="utf-8").splitlines():
                if line.startswith("TARGET|"):
                    targets.append(line.split("|")[1:5])

    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/run_all.py --scale {args.scale}`) on "
        f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Time of this run: {time.monotonic() - started:.0f} s. Each section says when it was measured.",
        "",
        "## Targets",
        "",
        "| benchmark | target | measured | result |",
        "|---|---|---|---|",
        *(f"| {t[0]} | {t[1]} | {t[2]} | {t[3]} |" for t in targets),
        "",
        "A MISS comes with the profile that explains it: in its section below (the import's phase table and"
        " cProfile list, the load test's per-endpoint profile) and as query plans in `docs/perf/`"
        f" ({', '.join(f'`{p.name}`' for p in sorted((ROOT / 'docs' / 'perf').glob('*.md')))}).",
        "The import's section also measures the database floor — the same rows stored by the database itself —"
        " which with calamine's load is already above 3× the bare read on this machine (`docs/perf/ledger-import.md`).",
        "",
        "## Results",
        "",
        *sections,
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    if any(t[3] != "PASS" for t in targets):
        print("some targets were missed; see docs/BENCHMARKS.md", file=sys.stderr)


if __name__ == "__main__":
    main()
