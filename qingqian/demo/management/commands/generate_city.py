"""`manage.py generate_city --scale {tiny,city,province,national} [--seed N] [--as-of DATE] [--factor F]
[--sample F] [--database URL] [--json]`: a synthetic city through the real tables (docs/generator.md).

Refused in production settings and where DEMO_DATA_ALLOWED is off. `--database URL` migrates that
database and generates into it in a child process (the current settings' database is not touched).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qingqian.demo.generate import SCALE_NAMES, GenerateRefused, check_allowed, generate, resolve


class Command(BaseCommand):
    help = "生成合成数据（城市、省级或全国抽样规模），确定性，可复现；生产环境拒绝运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=SCALE_NAMES, default="city")
        parser.add_argument("--seed", type=int, default=20260630)
        parser.add_argument("--as-of", dest="as_of", help="the run's date (default today), YYYY-MM-DD")
        parser.add_argument(
            "--factor", type=float, default=None, help="multiply the scale's sizes (tests: 0.1)"
        )
        parser.add_argument(
            "--sample", type=float, default=None, help="national scale only: the fraction to run"
        )
        parser.add_argument(
            "--database", default=None, help="generate into this DATABASE_URL (migrated first)"
        )
        parser.add_argument(
            "--json", action="store_true", help="print the report as one JSON line at the end"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        factor = options["sample"] if options["sample"] is not None else options["factor"]
        try:
            scale = resolve(options["scale"], factor)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else None
        if options["database"]:
            self._in_child(options)
            return
        try:
            check_allowed()
            report = generate(scale=scale, seed=options["seed"], as_of=as_of, progress=self._say)
        except GenerateRefused as exc:
            raise CommandError(str(exc)) from exc
        self._say(f"generated {scale.label} in {report.seconds:.1f} s: {report.rows:,} rows "
                  f"({report.rows_per_second:,.0f} rows/s)")  # fmt: skip
        width = max(len(t) for t in report.counts) if report.counts else 10
        for table, rows in report.counts.items():
            self._say(f"  {table:<{width}} {rows:>11,}  sm3 {report.checksums[table][:16]}")
        for stage, seconds in report.stages.items():
            self._say(f"  stage {stage:<14} {seconds:8.1f} s")
        for name, value in {**report.scenarios, **report.extra}.items():
            self._say(f"  {name}: {value:,}")
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _in_child(self, options: dict[str, Any]) -> None:
        env = {**os.environ, "DATABASE_URL": options["database"]}
        manage = str(settings.BASE_DIR / "manage.py")
        args = ["--scale", options["scale"], "--seed", str(options["seed"])]
        for name in ("as_of", "factor", "sample"):
            if options[name] is not None:
                args += [f"--{name.replace('_', '-')}", str(options[name])]
        if options["json"]:
            args.append("--json")
        for step in (["migrate", "--noinput", "-v", "0"], ["generate_city", *args]):
            done = subprocess.run([sys.executable, manage, *step], env=env, check=False)  # noqa: S603 - our own manage.py
            if done.returncode != 0:
                raise CommandError(f"{step[0]} failed in {options['database']!r} (exit {done.returncode})")
