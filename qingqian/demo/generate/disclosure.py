"""Stage 5: the annual disclosure (Art 18) of the last two finished years, and a campaign.

Drafting goes through the real service (`returns_draft`: the set-based figures over the whole ledger,
one return and one audit event per body). Walking each return through confirm → approve → publish is
one click per body per step in the product, so here the states are set in bulk and the frozen public
snapshots (`PublishedDisclosure`, with the same content hash `_publish_snapshot` computes) are written by
the table writer: most bodies published the older year, fewer the last one (the 31 March deadline).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from qingqian.demo.generate.common import Context, weighted
from qingqian.disclosure.choices import ReturnStatus
from qingqian.disclosure.models import DisclosureReturn, PublishedDisclosure
from qingqian.disclosure.services.returns import content_hash, office_name_for, returns_draft
from qingqian.registry.models import Organisation, Region

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
AFTER_DEADLINE = [(ReturnStatus.PUBLISHED, 93), (ReturnStatus.APPROVED, 4), (ReturnStatus.DRAFTED, 3)]
BEFORE_DEADLINE = [
    (ReturnStatus.PUBLISHED, 35),
    (ReturnStatus.APPROVED, 20),
    (ReturnStatus.CONFIRMED, 20),
    (ReturnStatus.DRAFTED, 25),
]
SNAPSHOT_FIELDS = [
    "disclosure_return", "body", "year", "version", "body_name", "body_kind", "body_level", "region",
    "region_path", "as_of", "overdue_count", "overdue_amount", "paid_late_count", "avg_days_late",
    "corrected_by_body", "approver_name", "approved_at", "approved_by", "published_at", "published_by",
    "publisher_name", "correction_reason", "supersedes", "content_hash",
]  # fmt: skip


def generate_disclosure(ctx: Context) -> dict[str, int]:
    """Returns for the two finished years before the run's date; nothing if a year isn't over yet."""
    rng = ctx.rng("disclosure")
    counts: dict[str, int] = {}
    last_year = ctx.as_of.year - 1
    if dt.date(last_year, 12, 31) >= timezone.localdate():
        return counts
    before = DisclosureReturn.objects.aggregate(m=Max("id"))["m"] or 0
    for year in (last_year - 1, last_year):
        result = returns_draft(actor=None, year=year)
        counts[f"returns {year}"] = result.created
    mine = list(
        DisclosureReturn.objects.filter(id__gt=before)
        .select_related("body__region", "body__responsible_department")
        .order_by("id")
    )
    if not mine:
        return counts
    ctx.bases.setdefault(DisclosureReturn._meta.db_table, mine[0].id)
    regions = {r.pk: r for r in Region.objects.all()}
    offices: dict[int, str] = {}
    by_status: dict[str, list[int]] = {s: [] for s in ReturnStatus.values}
    published: list[tuple[Any, ...]] = []
    for ret in mine:
        done = ret.year < last_year or ret.deadline < ctx.as_of  # past the 31 March deadline
        status: str = weighted(rng, AFTER_DEADLINE if done else BEFORE_DEADLINE)
        by_status[status].append(ret.id)
        if status != ReturnStatus.PUBLISHED:
            continue
        body = ret.body
        region = regions[body.region_id]
        if body.region_id not in offices:
            offices[body.region_id] = office_name_for(body)
        day = min(ret.deadline, ctx.as_of) - dt.timedelta(days=rng.randint(0, 40))
        approved = ctx.at(day - dt.timedelta(days=rng.randint(1, 10)), 15)
        at = ctx.at(day, 10)
        dept = body.responsible_department
        approver = dept.name if dept is not None else "主管部门"
        # the same Decimal whichever database returned it (SQLite drops trailing zeros)
        amount = Decimal(ret.overdue_amount or 0).quantize(CENT)
        late = Decimal(ret.avg_days_late).quantize(TENTH) if ret.avg_days_late is not None else None
        figures = {
            "overdue_count": ret.overdue_count,
            "overdue_amount": amount,
            "paid_late_count": ret.paid_late_count,
            "avg_days_late": late,
        }
        digest = content_hash(
            {"body": body.pk, "body_name": body.name, "year": ret.year, "version": ret.version, "as_of": ret.as_of,
             **figures, "approver_name": approver, "approved_at": approved, "published_at": at, "correction_reason": ""}
        )  # fmt: skip
        published.append(
            (ret.id, body.pk, ret.year, ret.version, body.name, body.kind, body.level, region.pk, region.path,
             ret.as_of, ret.overdue_count, amount, ret.paid_late_count, late, False, approver, approved, None, at, None, offices[body.region_id], "", None, digest)
        )  # fmt: skip
    now = ctx.now
    for status, ids in by_status.items():
        for k in range(0, len(ids), 1000):
            part = ids[k : k + 1000]
            fields: dict[str, Any] = {"status": status}
            if status in (ReturnStatus.CONFIRMED, ReturnStatus.APPROVED, ReturnStatus.PUBLISHED):
                fields["confirmed_at"] = now
            if status in (ReturnStatus.APPROVED, ReturnStatus.PUBLISHED):
                fields["approved_at"] = now
            if status == ReturnStatus.PUBLISHED:
                fields["published_at"] = now
            DisclosureReturn.objects.filter(id__in=part).update(**fields)
        counts[f"returns {status}"] = len(ids)
    ctx.writer(
        PublishedDisclosure,
        SNAPSHOT_FIELDS,
        refs={"disclosure_return": DisclosureReturn, "body": Organisation},
        unhashed=("content_hash",),  # SHA-256 over the snapshot, body id included
    ).write(published)
    return counts


def generate_campaign(ctx: Context) -> int:
    """The 2025-style campaign "arrears ≤ 500,000 yuan per contract cleared by year end", started on the
    generated ledger through the ledger's services (it snapshots the items in scope)."""
    from qingqian.dashboards.selectors import root_region
    from qingqian.ledger.services import campaign_create, campaign_start

    year = ctx.as_of.year
    campaign = campaign_create(
        actor=None,
        name=f"{year}年底前清偿50万元以下拖欠账款专项行动（合成数据）",
        region=root_region(),
        starts_on=ctx.as_of - dt.timedelta(days=30),
        deadline=dt.date(year, 12, 31) if ctx.as_of < dt.date(year, 12, 31) else ctx.as_of,
        scope={"balance_max": "500000.00"},
        description="合成数据：单笔合同欠款不超过50万元的，年底前清偿完毕",
    )
    campaign_start(actor=None, campaign=campaign)
    return campaign.members.count()
