"""The generated databases the benchmarks share: one per size, built once by `manage.py generate_city` and
reused by every script of a `make bench` run (and by the next run) until the generator's version or the
seed changes. Not a benchmark itself.

    sizes_for("city")      → ["city10", "city"]      (city and 10× smaller: growth is visible)
    sizes_for("province")  → ["city", "province"]
    ensure("city")         → a Cached(url, marker), building the database if it is missing or stale

PostgreSQL databases are `<BENCH_DB_PREFIX><size>` on BENCH_POSTGRES_SERVER (default
postgres://postgres@127.0.0.1:5432, prefix `qq_bench_`); SQLite ones are files under var/bench/.
A benchmark that changes data does it inside a transaction it rolls back, so the cache stays as built.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
PREFIX = os.environ.get("BENCH_DB_PREFIX", "qq_bench_")
SEED = int(os.environ.get("BENCH_SEED", "20260630"))
SQLITE_DIR = ROOT / "var" / "bench"
# size → (scale, factor)
SIZES: dict[str, tuple[str, float | None]] = {
    "city10": ("city", 0.1),
    "city": ("city", None),
    "province": ("province", None),
}
PAIRS = {"city": ["city10", "city"], "province": ["city", "province"]}


def _generator_version() -> str:
    """The generator's VERSION, read from its source (the package imports Django)."""
    text = (ROOT / "qingqian" / "demo" / "generate" / "scales.py").read_text(encoding="utf-8")
    found = re.search(r'^VERSION = "([^"]+)"', text, re.M)
    if found is None:
        raise RuntimeError("VERSION not found in qingqian/demo/generate/scales.py")
    return found.group(1)


@dataclass(frozen=True)
class Cached:
    size: str
    backend: str
    url: str
    marker: dict[str, Any]

    @property
    def label(self) -> str:
        counts = self.marker.get("counts", {})
        return (
            f"{self.size} ({counts.get('ledger_arrearsitem', 0):,} items, "
            f"{counts.get('ledger_paymentreport', 0):,} payment reports, "
            f"{counts.get('complaints_complaint', 0):,} complaints, {self.backend})"
        )


def sizes_for(scale: str) -> list[str]:
    return PAIRS[scale]


def url_of(size: str, backend: str = "postgres") -> str:
    if backend == "postgres":
        return f"{SERVER}/{PREFIX}{size}"
    return f"sqlite:///{SQLITE_DIR / f'{PREFIX}{size}.sqlite3'}"


def _marker(url: str, backend: str) -> dict[str, Any] | None:
    query = "SELECT data FROM core_event WHERE action = 'demo.generate.finished' ORDER BY seq DESC LIMIT 1"
    try:
        if backend == "postgres":
            import psycopg

            with psycopg.connect(url, connect_timeout=3) as conn:
                row = conn.execute(query).fetchone()
        else:
            path = url.removeprefix("sqlite:///")
            if not Path(path).exists():
                return None
            with sqlite3.connect(path) as conn:
                row = conn.execute(query).fetchone()
    except Exception:  # missing database or table: not built yet
        return None
    if row is None:
        return None
    data = row[0]
    return json.loads(data) if isinstance(data, str) else dict(data)


def _recreate(url: str, backend: str) -> None:
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = Path(url.removeprefix("sqlite:///"))
        for p in path.parent.glob(path.name + "*"):
            p.unlink()
        return
    import psycopg

    base, _sep, name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _bench_key(name: str, hex_chars: int) -> str:
    """Fixed keys for the benchmark databases only (synthetic data; never a production key): every child
    must decrypt what the generator encrypted, whatever its temporary var directory."""
    return hashlib.sha256(f"qingqian-bench-only:{name}".encode()).hexdigest()[:hex_chars]


_VAR: list[Path] = []


def _var_dir() -> Path:
    """One scratch var directory per benchmark process (secret key, uploads), removed when it exits."""
    if not _VAR:
        _VAR.append(Path(tempfile.mkdtemp(prefix="qq-bench-")))
        atexit.register(shutil.rmtree, _VAR[0], True)
    return _VAR[0]


def child_env(url: str) -> dict[str, str]:
    """The environment a benchmark child (or the generator) runs Django in."""
    var = _var_dir()
    return {
        **os.environ,
        "PII_KEYS": f"bench1:{_bench_key('pii', 32)}",
        "PII_ACTIVE_KEY_ID": "bench1",
        "PII_INDEX_KEY": _bench_key("index", 64),
        "AUDIT_ANCHOR_KEY": _bench_key("anchor", 64),
        "DATABASE_URL": url,
        "QINGQIAN_ENV": "development",
        "QINGQIAN_VAR_DIR": str(var),
        "DEMO_DATA_ALLOWED": "1",
        # every benchmark request comes from one loopback address: measure the page, not the rate limiter
        "RATE_LIMIT_ENABLED": "0",
        "DEBUG": "0",
        "PYTHONPATH": str(ROOT),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
    }


def ensure(size: str, backend: str = "postgres") -> Cached:
    """The cached database of `size`, (re)built when missing or made by another generator version/seed."""
    scale, factor = SIZES[size]
    url = url_of(size, backend)
    want = {"version": _generator_version(), "seed": str(SEED), "scale": scale, "factor": str(factor or 1.0)}
    marker = _marker(url, backend)
    # the marker is JSON from the audit event (floats are stored as strings there)
    if marker is not None and all(str(marker.get(k)) == v for k, v in want.items()):
        return Cached(size, backend, url, marker)
    print(f"[bench] generating {size} into {url} (cache missing or stale)", file=sys.stderr, flush=True)
    started = time.monotonic()
    _recreate(url, backend)
    env = child_env(url)
    manage = str(ROOT / "manage.py")
    args = ["--scale", scale, "--seed", str(SEED)] + (["--factor", str(factor)] if factor else [])
    for step in (["migrate", "--noinput", "-v", "0"], ["generate_city", *args]):
        done = subprocess.run([sys.executable, manage, *step], cwd=ROOT, env=env, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(step[:1])} failed for {url} (exit {done.returncode})")
    marker = _marker(url, backend)
    if marker is None:
        raise RuntimeError(f"generate_city left no marker in {url}")
    print(f"[bench] {size} ready in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return Cached(size, backend, url, marker)


def run_child(script: str, cached: Cached, *args: str) -> dict[str, Any]:
    """Run `script --child …` against a cached database and return the JSON it prints last."""
    env = child_env(cached.url)
    env["BENCH_AS_OF"] = str(cached.marker.get("as_of", ""))
    proc = subprocess.run(
        [sys.executable, script, "--child", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{Path(script).name} failed on {cached.size}: {proc.stderr[-2500:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def django_setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - a fresh process imports every view on its first reverse(): not measured


def percentiles(samples: list[float]) -> dict[str, float]:
    """n, p50, p95 and max of timings in seconds, reported in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered) * 1000,
        "p95": p95 * 1000,
        "max": ordered[-1] * 1000,
    }


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}×" if b > 0 else "—"


def time_pages(client: Any, urls: list[str]) -> tuple[dict[str, float], int]:
    """GET each url through Django's test client (whole middleware stack): timing percentiles, and the
    number of SQL queries of the last request (it must not grow with the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = []
    queries = 0
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - t)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} → {response.status_code}")
        queries = len(ctx.captured_queries)
    return percentiles(samples), queries


def time_sql(statements: list[tuple[str, list[Any]]], repeat: int) -> dict[str, float]:
    """Run the hand-written statements (the lower bound of a page) `repeat` times: percentiles of the whole set."""
    from django.db import connection

    samples = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            t = time.perf_counter()
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            samples.append(time.perf_counter() - t)
    return percentiles(samples)


def signed_in(username: str) -> Any:
    """A test client signed in as a demo persona (second factor passed, as a real login reaches)."""
    from django.test import Client

    from qingqian.accounts.models import User
    from qingqian.accounts.testing import sign_in

    client = Client()
    sign_in(client, User.objects.get(username=username))
    return client


def parser(doc: str | None) -> argparse.ArgumentParser:
    """The options every generated-data benchmark takes: --scale, --sizes (override), --child."""
    p = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", choices=["city", "province"], default="city")
    p.add_argument("--sizes", nargs="*", help="override the sizes (e.g. city10)")
    p.add_argument("--child", action="store_true")
    return p


def emit(lines: list[str], targets: list[str]) -> None:
    """Close the markdown block and print it, then the TARGET lines (what bench/run_all.py collects)."""
    print("\n".join([*lines, "```"]))
    print("\n".join(targets))


def has_targets(scale: str, size: str) -> bool:
    """A city run reports the targets of both its sizes; a province run only the province's (its city
    size is there to show the growth, and the city run reports it)."""
    return scale == "city" or size == "province"
