"""The whole run: refuse where demo data is not allowed, seed the demo city (personas, routing table,
calendar), then the stages in one transaction — registry, complaints, ledger — followed by the ledger's
set-based daily aging, the annual disclosure, a campaign, and one `demo.generate.finished` event that
records what was made (the benchmarks read it to know whether a cached database is current).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from qingqian.core.context import request_context
from qingqian.core.events import record_event
from qingqian.core.models import Event
from qingqian.demo.generate.common import Context, Progress
from qingqian.demo.generate.scales import VERSION, Scale

FINISHED = "demo.generate.finished"


class GenerateRefused(Exception):
    """The run would harm or duplicate data: production settings, or generated data already present."""


@dataclass
class GenerateReport:
    version: str
    scale: str
    factor: float
    seed: int
    as_of: str
    counts: dict[str, int] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    scenarios: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rows": self.rows, "rows_per_second": round(self.rows_per_second)}


def check_allowed() -> None:
    if getattr(settings, "PRODUCTION", False) or not settings.DEMO_DATA_ALLOWED:
        raise GenerateRefused(
            "generate_city is refused here: production settings or DEMO_DATA_ALLOWED off "
            "(synthetic data never goes into a production database)."
        )
    if Event.objects.filter(action=FINISHED).exists():
        raise GenerateRefused(
            "this database already holds a generated city; generate into a fresh database (`--database`)."
        )


def finished_marker() -> dict[str, Any] | None:
    """What the last run recorded (None when this database was never generated)."""
    event = Event.objects.filter(action=FINISHED).order_by("-seq", "-id").first()
    return dict(event.data) if event is not None else None


def generate(
    *, scale: Scale, seed: int, as_of: dt.date | None = None, progress: Progress | None = None
) -> GenerateReport:
    check_allowed()
    say = progress or (lambda message: None)
    as_of = as_of or timezone.localdate()
    started = time.monotonic()
    report = GenerateReport(VERSION, scale.name, scale.factor, seed, as_of.isoformat())
    with request_context(channel="command"):
        from qingqian.accounts.models import User

        if not User.objects.filter(username="office").exists():
            say("base: seeding the demo city (regions, task force, routing table, calendar, personas)")
            from qingqian.demo.seed import seed_all

            seed_all()
        with transaction.atomic():
            ctx = Context(seed=seed, as_of=as_of, progress=say)
            _run_stages(ctx, scale, report)
            for table, stats in sorted(ctx.tables.items()):
                report.counts[table] = stats.rows
                report.checksums[table] = stats.checksum
            report.seconds = time.monotonic() - started
            record_event(actor=None, action=FINISHED, data=report.as_dict())
    report.seconds = time.monotonic() - started
    return report


def _stage(report: GenerateReport, name: str, started: float) -> float:
    now = time.monotonic()
    report.stages[name] = round(now - started, 2)
    return now


def _analyze() -> None:
    """Statistics for the planner after a bulk load — on PostgreSQL only. On SQLite the product never
    gathers statistics, and with them SQLite 3.40.1 (Debian 12's) answers some queries wrongly: the
    disclosure figures' `bucket IN (…) AND effective_on <= … AND item_id = …` on the entries' (item, bucket,
    date) index returns rows dated after the bound once `sqlite_stat1` exists (IN-early-out/SeekScan;
    3.51.1 answers correctly). A generated SQLite database stays in the state the product keeps it in."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _run_stages(ctx: Context, scale: Scale, report: GenerateReport) -> None:
    from qingqian.demo.generate.complaints import generate_complaints
    from qingqian.demo.generate.disclosure import generate_campaign, generate_disclosure
    from qingqian.demo.generate.ledger import generate_ledger
    from qingqian.demo.generate.registry import generate_registry
    from qingqian.ledger.aging import run_aging

    ctx.progress(
        f"generating {scale.label} (seed {ctx.seed}, as of {ctx.as_of}): {scale.bodies:,} bodies, "
        f"{scale.enterprises:,} enterprises, {scale.items:,} items, {scale.complaints:,} complaints"
    )
    t = time.monotonic()
    registry = generate_registry(ctx, bodies=scale.bodies, enterprises=scale.enterprises)
    t = _stage(report, "registry", t)
    outcomes = generate_complaints(ctx, registry, scale.complaints)
    t = _stage(report, "complaints", t)
    report.scenarios = generate_ledger(ctx, registry, outcomes, scale.items)
    t = _stage(report, "ledger", t)
    _analyze()
    t = _stage(report, "analyze", t)
    aging = run_aging(as_of=ctx.as_of)
    report.extra["aging rows written"] = aging.changed
    ctx.progress(f"aging: {aging.items:,} items aged set-based in {aging.seconds:.1f} s")
    t = _stage(report, "aging", t)
    report.extra.update(generate_disclosure(ctx))
    t = _stage(report, "disclosure", t)
    report.extra["campaign items"] = generate_campaign(ctx)
    t = _stage(report, "campaign", t)
    _analyze()
    _stage(report, "analyze again", t)
