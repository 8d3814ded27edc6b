"""Benchmark: importing a 100,000-row 台账 xlsx, against python-calamine's bare read of the same file.

    python bench/bench_ledger_import.py [--rows 100000] [--backend sqlite|postgres] [--repeat 3]

A child process migrates a fresh database (SQLite file, or BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/qq_ledger_bench, dropped and recreated), seeds the demo city, registers
4,800 SMEs and writes an N-row file in the import template (Excel dates and the text forms 2024/3/5 and
2024年3月5日, amounts as numbers and as "1,234.50" texts, full-width digits, trailing blanks; 200 SMEs
new to the registry). Then, each in a fresh process so peak memory is the import's own:

* the lower bound: python-calamine opening the file and handing over every row (best of --repeat);
* the import through the real service (`import_job_run`): read, bind every row to the form, resolve
  parties, assess, write items, entries and aging in one transaction — peak RSS from getrusage;
* the same file again (idempotent: nothing changes).

Targets: import ≤ 3× the bare read; peak memory < 500 MB. Prints a markdown block and TARGET lines.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/qq_ledger_bench")
RATIO_TARGET = 3.0
MEMORY_TARGET_MB = 500
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(rows: int, path: Path, seed: int) -> dict[str, Any]:
    """Migrate, seed, register SMEs, write the file (not measured)."""
    _django()
    import datetime as dt

    import xlsxwriter
    from django.core.management import call_command

    from qingqian.accounts.testing import build_world
    from qingqian.demo.seed import demo_uscc
    from qingqian.ledger.io.template import COLUMNS
    from qingqian.registry.models import Enterprise, Organisation

    t0 = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    build_world()
    rng = random.Random(seed)
    debtors = list(Organisation.objects.exclude(kind="department").values_list("name", "uscc"))
    existing = [
        Enterprise(
            name=f"基准测试企业{n:05d}有限公司",
            uscc=demo_uscc("91", "130100", f"bench-{n}"),
            size_class="small",
        )
        for n in range(4800)
    ]
    Enterprise.objects.bulk_create(existing, batch_size=2000, ignore_conflicts=True)
    sme = [(e.name, e.uscc) for e in existing]
    new = [
        (f"新登记测试企业{n:04d}有限公司", demo_uscc("91", "130102", f"bench-new-{n}")) for n in range(200)
    ]
    headers = [c.header for c in COLUMNS if not c.export_only]
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_string(0, 0, "金额单位：元")
    for col, header in enumerate(headers):
        sheet.write_string(1, col, header)
    index = {h: i for i, h in enumerate(headers)}
    subjects, sources = ["货物", "工程", "服务"], ["自查排查", "审计发现", "台账导入", ""]
    for r in range(rows):
        line = 2 + r
        debtor, debtor_uscc = debtors[r % len(debtors)]
        creditor, uscc = new[r % len(new)] if r % 500 == 0 else rng.choice(sme)
        signed = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(0, 1800))
        delivered = signed + dt.timedelta(days=rng.randrange(0, 120))
        amount = rng.randrange(10_000, 5_000_000_00)
        arrears = rng.randrange(1_000, amount)
        values: dict[str, Any] = {
            "序号": r + 1,
            "欠款单位名称": debtor,
            "欠款单位统一社会信用代码": debtor_uscc if r % 3 == 0 else "",
            "债权企业名称": creditor + (" " if r % 7 == 0 else ""),
            "企业统一社会信用代码": uscc,
            "企业规模（签约时）": "小型",
            "合同编号": f"BENCH-{r:07d}",
            "合同名称": "基准测试合同",
            "标的类型": subjects[r % 3],
            "合同金额": f"{amount // 100:,}.{amount % 100:02d}" if r % 2 else Decimal(amount).scaleb(-2),
            "确认欠款金额": f"{arrears // 100}.{arrears % 100:02d}".translate(FULLWIDTH)
            if r % 11 == 0
            else Decimal(arrears).scaleb(-2),
            "约定付款期限（天）": rng.choice([None, 30, 45, 60]),
            "约定逾期利率（年%）": rng.choice([None, None, None, "3.45"]),
            "来源": sources[r % 4],
        }
        for name, value in values.items():
            if value is None or value == "":
                continue
            if isinstance(value, str):
                sheet.write_string(line, index[name], value)
            else:
                sheet.write_number(line, index[name], value)
        if r % 3 == 0:
            sheet.write_datetime(
                line, index["合同签订日期"], dt.datetime(signed.year, signed.month, signed.day), day_format
            )
        elif r % 3 == 1:
            sheet.write_string(line, index["合同签订日期"], f"{signed.year}/{signed.month}/{signed.day}")
        else:
            sheet.write_string(line, index["合同签订日期"], f"{signed.year}年{signed.month}月{signed.day}日")
        sheet.write_string(line, index["交付日期"], delivered.isoformat())
    book.close()
    return {"setup_s": round(time.monotonic() - t0, 1), "bytes": path.stat().st_size}


def bare_read(path: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    workbook = CalamineWorkbook.from_path(str(path))
    n = 0
    for _row in workbook.get_sheet_by_index(0).iter_rows():
        n += 1
    return {"seconds": time.perf_counter() - t, "rows": n, "peak_mb": round(_peak_mb(), 1)}


def do_import(path: Path) -> dict[str, Any]:
    _django()
    from django.db import connection

    from qingqian.ledger.models import ArrearsItem, LedgerEntry
    from qingqian.ledger.services.imports import import_job_create, import_job_run

    base_mb = _peak_mb()
    with path.open("rb") as fh:
        job = import_job_create(
            actor=None, name=path.name, chunks=iter(lambda: fh.read(1 << 20), b""), enqueue=False
        )
    t = time.perf_counter()
    job = import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "status": job.status,
        "created": job.created_count,
        "unchanged": job.unchanged_count,
        "errors": job.errors[:3],
        "items": ArrearsItem.objects.count(),
        "entries": LedgerEntry.objects.count(),
        "peak_mb": round(_peak_mb(), 1),
        "django_mb": round(base_mb, 1),
        "vendor": connection.vendor,
    }


def _child(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


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
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--child", choices=["setup", "read", "import"])
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        path = Path(args.file)
        out = {
            "setup": lambda: setup(args.rows, path, args.seed),
            "read": lambda: bare_read(path),
            "import": lambda: do_import(path),
        }[args.child]()
        print(json.dumps(out, default=str))
        return

    tmp = Path(tempfile.mkdtemp(prefix="qq-bench-ledger-"))
    env = dict(
        os.environ, QINGQIAN_VAR_DIR=str(tmp), QINGQIAN_ENV="development", DEMO_DATA_ALLOWED="1", DEBUG="0"
    )
    env["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if args.backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        _reset_postgres(PG_URL)
        env["DATABASE_URL"] = PG_URL
    path = tmp / "ledger-bench.xlsx"
    common = ["--rows", str(args.rows), "--file", str(path)]
    prepared = _child(["--child", "setup", *common], env)
    reads = [_child(["--child", "read", *common], env) for _ in range(args.repeat)]
    read_s = min(r["seconds"] for r in reads)
    first = _child(["--child", "import", *common], env)
    second = _child(["--child", "import", *common], env)
    ratio = first["seconds"] / read_s
    ok_ratio = ratio <= RATIO_TARGET and first["status"] == "succeeded"
    ok_mem = first["peak_mb"] < MEMORY_TARGET_MB
    print("```markdown")
    print(f"### ledger: importing a {args.rows:,}-row 台账 xlsx ({first['vendor']})")
    print()
    print(
        f"File {prepared['bytes'] / 1e6:.1f} MB, {args.rows:,} data rows × 24 columns. Lower bound: python-calamine "
        f"opening the file and yielding every row (best of {args.repeat}). Import: the real background-task body "
        "(`import_job_run`): stream rows, parse cells, bind each row to `ContractForm`, resolve debtor and creditor, "
        "assess, then write items, entries and aging in one transaction. Each in its own process; peak RSS by getrusage."
    )
    print()
    print("| step | seconds | × bare read | peak RSS MB | result |")
    print("|---|---:|---:|---:|---|")
    print(
        f"| python-calamine bare read | {read_s:.2f} | 1.0 | {reads[0]['peak_mb']} | {reads[0]['rows']:,} rows |"
    )
    print(
        f"| import (first time) | {first['seconds']:.2f} | {ratio:.2f} | {first['peak_mb']} | "
        f"{first['status']}: {first['created']:,} items created (Django alone: {first['django_mb']} MB) |"
    )
    print(
        f"| import again (same file) | {second['seconds']:.2f} | {second['seconds'] / read_s:.2f} | {second['peak_mb']} | "
        f"{second['status']}: {second['unchanged']:,} unchanged, {second['items']:,} items in total |"
    )
    print("```")
    print(
        f"TARGET|ledger import {first['vendor']}|≤ {RATIO_TARGET:.0f}× bare read|{ratio:.2f}×|{'PASS' if ok_ratio else 'MISS'}"
    )
    print(
        f"TARGET|ledger import memory|< {MEMORY_TARGET_MB} MB|{first['peak_mb']:.0f} MB|{'PASS' if ok_mem else 'MISS'}"
    )


if __name__ == "__main__":
    main()
