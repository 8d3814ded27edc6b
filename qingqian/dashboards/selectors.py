"""The leadership dashboard's figures, read only through the ledger and complaint selectors.

No second set of numbers: every amount comes from `qingqian.ledger.selectors` (`item_list_for`,
`totals_of`, `cleared_total`, `cleared_breakdown`, `plan_adherence`, `plan_adherence_by_debtor`,
`campaign_progress`), from `qingqian.complaints.selectors.statistics`, or from the grouped sums in
`qingqian.disclosure.figures.outstanding_breakdown` over the same `item_list_for` queryset (the groups
add up to `totals_of`; tests check both on the demo city and on a generated one).

Computing all of it over a large ledger takes seconds, so the result is cached per scope
(DASHBOARD_CACHE_SECONDS) and every figure shows the time it was computed (`computed_at`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qingqian.complaints import selectors as complaint_selectors
from qingqian.complaints.choices import Status
from qingqian.core.permissions import Action, grants_of
from qingqian.dashboards import conf
from qingqian.disclosure.figures import outstanding_breakdown
from qingqian.ledger import selectors as ledger
from qingqian.ledger.choices import Bucket, CampaignStatus
from qingqian.ledger.models import AgingRun, Campaign
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation, Region

ZERO = Decimal("0.00")
CACHE_VERSION = "v1"


# --- A city-wide reader for scheduled reports --------------------------------------------------------


@dataclass(frozen=True)
class ReaderGrant:
    role: str
    region_id: int | None
    organisation_id: int | None = None
    enterprise_id: int | None = None


class RegionReader:
    """The read scope of city leadership over a region, for work nobody is logged in for (the scheduled
    monthly report). It can only read: services refuse it (it is no `User`)."""

    is_authenticated = True
    is_active = True
    pk = None

    def __init__(self, region: Region) -> None:
        self.region = region
        self._grants = [ReaderGrant(role="leadership", region_id=region.pk)]

    def scope_grants(self) -> list[ReaderGrant]:
        return self._grants

    @property
    def roles(self) -> set[str]:
        return {"leadership"}

    def get_username(self) -> str:
        return "system"

    def __str__(self) -> str:
        return "system"


def root_region() -> Region:
    """The region of the (shallowest) task force, else the shallowest region: the city."""
    from qingqian.registry.models import TaskForce

    tf = TaskForce.objects.select_related("region").order_by("region__depth").first()
    if tf is not None:
        return tf.region
    region = Region.objects.order_by("depth", "path").first()
    if region is None:
        raise Region.DoesNotExist("no regions loaded")
    return region


# --- Helpers ---------------------------------------------------------------------------------------------


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def _url(name: str, **params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return reverse(name) + ("?" + urlencode(clean) if clean else "")


def items_url(**filters: Any) -> str:
    return _url("dashboards:items", **filters)


def _rate(part: Decimal | int, whole: Decimal | int) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def user_root(user: Any) -> Region:
    """The shallowest region the user's grants name (the city for leadership), else the task force's."""
    regions = [g.region_id for g in grants_of(user) if getattr(g, "region_id", None)]
    found = Region.objects.filter(pk__in=regions).order_by("depth").first()
    return found or root_region()


def county_of(region_path: str, root: Region) -> str | None:
    """The path of the region one level below `root` that contains `region_path` (None: the root itself)."""
    if not region_path.startswith(root.path) or region_path == root.path:
        return None
    rest = region_path[len(root.path) :]
    return root.path + rest.split("/", 1)[0] + "/"


# --- The dashboard -------------------------------------------------------------------------------------


def _months_back(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    y, m = first.year, first.month
    for _i in range(n):
        out.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(out))


def _month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def cleared_section(user: Any, today: dt.date) -> dict[str, Any]:
    total = ledger.cleared_total(user=user)
    rows = ledger.cleared_breakdown(user=user, by="period", period="month")
    by_month: dict[dt.date, Decimal] = {}
    for r in rows:
        key = r.key.date() if isinstance(r.key, dt.datetime) else r.key
        if key is not None:
            by_month[key] = by_month.get(key, ZERO) + r.amount
    months = _months_back(today, conf.trend_months())
    before = sum((a for k, a in by_month.items() if k < months[0]), ZERO)
    cumulative = before
    points = []
    for m in months:
        amount = by_month.get(m, ZERO)
        cumulative += amount
        points.append(
            {
                "month": m.strftime("%Y-%m"),
                "label": _("%(y)s年%(m)s月") % {"y": m.year, "m": m.month},
                "amount": money(amount),
                "cumulative": money(cumulative),
                "url": _url("dashboards:payments", month=m.strftime("%Y-%m")),
            }
        )
    year_start = dt.date(today.year, 1, 1)
    this_year = sum((a for k, a in by_month.items() if k >= year_start), ZERO)
    return {
        "total": money(total),
        "this_year": money(this_year),
        "months": points,
        "url": _url("dashboards:payments"),
        "year_url": _url("dashboards:payments", date_from=year_start.isoformat()),
    }


def _outstanding_rows(rows: list[Any], labels: dict[Any, str], url_of: Any) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "label": labels.get(r.key) or _("未确定"),
            "count": r.count,
            "open_count": r.open_count,
            "balance": money(r.balance),
            "disputed": money(r.disputed),
            "undisputed": money(r.undisputed),
            "url": url_of(r.key),
        }
        for r in rows
    ]


def outstanding_section(user: Any, root: Region) -> dict[str, Any]:
    items = ledger.item_list_for(user=user)
    totals = ledger.totals_of(items)
    kinds = {k: str(v) for k, v in OrganisationKind.choices}
    by_kind = _outstanding_rows(
        outstanding_breakdown(items, "debtor_kind"), kinds, lambda k: items_url(debtor_kind=k)
    )
    depts = outstanding_breakdown(items, "department")
    dept_names = dict(
        Organisation.objects.filter(pk__in=[r.key for r in depts if r.key]).values_list("pk", "name")
    )
    by_department = _outstanding_rows(depts, dept_names, lambda k: items_url(department=k))
    by_region = region_rollup(outstanding_breakdown(items, "region"), root)
    buckets = [r for r in outstanding_breakdown(items, "bucket") if r.key != Bucket.SETTLED]
    bucket_labels = {str(k): str(v) for k, v in Bucket.choices}
    order: dict[Any, int] = {code: n for n, (code, _lo, _hi) in enumerate(_overdue_buckets())}
    order.update({Bucket.NOT_DUE: -2, Bucket.UNKNOWN: 99, None: 100})
    buckets.sort(key=lambda r: order.get(r.key, 50))
    aging = _outstanding_rows(
        buckets,
        {
            **bucket_labels,
            **{code: _bucket_label(code) for code, _lo, _hi in _overdue_buckets()},
            None: _("未计算账龄"),
        },
        lambda k: items_url(bucket=k) if k else items_url(),
    )
    run = AgingRun.objects.order_by("-started_at", "-id").first()
    return {
        "totals": {
            "count": totals.count,
            "open_count": totals.open_count,
            "principal": money(totals.principal),
            "paid": money(totals.paid),
            "written_off": money(totals.written_off),
            "balance": money(totals.balance),
            "disputed": money(totals.disputed),
            "undisputed": money(totals.undisputed),
            "interest": money(totals.interest),
            "pending_reports": totals.pending_reports,
        },
        "by_kind": by_kind,
        "by_department": by_department,
        "by_region": by_region,
        "aging": aging,
        "aging_as_of": run.as_of.isoformat() if run else None,
        "urls": {
            "all": items_url(),
            "open": items_url(status="open"),
            "disputed": items_url(disputed="1"),
            "undisputed": items_url(disputed="0"),
        },
    }


def _overdue_buckets() -> list[tuple[str, int, int | None]]:
    from qingqian.ledger import conf as ledger_conf

    return ledger_conf.bucket_codes()


def _bucket_label(code: str) -> str:
    for c, low, high in _overdue_buckets():
        if c == code:
            if high is None:
                return _("逾期%(n)s天以上") % {"n": low - 1}
            return _("逾期%(a)s–%(b)s天") % {"a": max(low, 1), "b": high}
    return code


def level_of_region(region: Region) -> str:
    """The level of the bodies located in the region itself (a city's own bodies are 市本级)."""
    from qingqian.registry.choices import RegionKind

    if region.kind == RegionKind.PROVINCE:
        return Level.PROVINCE
    if region.kind == RegionKind.PREFECTURE_CITY:
        return Level.CITY
    return Level.COUNTY


def region_rollup(rows: list[Any], root: Region) -> list[dict[str, Any]]:
    """Outstanding by debtor region, rolled up to the regions one level below `root` (and the root's own
    level, 市本级). Drill-down: ``?level=city`` for the root, ``?region=<id>`` for a county."""
    regions = {r.pk: r for r in Region.objects.filter(pk__in=[r.key for r in rows if r.key])}
    groups: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        region = regions.get(r.key)
        path = county_of(region.path, root) if region else None
        g = groups.setdefault(path, {"count": 0, "open_count": 0, "balance": ZERO, "disputed": ZERO})
        g["count"] += r.count
        g["open_count"] += r.open_count
        g["balance"] += r.balance
        g["disputed"] += r.disputed
    by_path = {r.path: r for r in Region.objects.filter(path__in=[p for p in groups if p])}
    out = []
    for path, g in groups.items():
        if path is None:
            label = _("%(name)s本级") % {"name": root.name}
            url = items_url(region=root.pk, level=level_of_region(root))
            key: int | None = root.pk
        else:
            region = by_path.get(path)
            label = region.name if region else path
            key = region.pk if region else None
            url = items_url(region=key)
        out.append(
            {
                "key": key,
                "path": path or root.path,
                "label": label,
                "count": g["count"],
                "open_count": g["open_count"],
                "balance": money(g["balance"]),
                "disputed": money(g["disputed"]),
                "undisputed": money(g["balance"] - g["disputed"]),
                "url": url,
            }
        )
    return sorted(out, key=lambda r: -Decimal(r["balance"]))


def plans_section(user: Any) -> dict[str, Any]:
    a = ledger.plan_adherence(user=user)
    worst = [r for r in ledger.plan_adherence_by_debtor(user=user) if r["judged"] and r["rate"] is not None]
    worst.sort(key=lambda r: (r["rate"], -r["judged"]))
    return {
        "plans": a.plans,
        "judged": a.judged,
        "met": a.met,
        "breached": a.breached,
        "pending": a.pending,
        "rate": a.rate,
        "planned_due": money(a.planned_due),
        "url": items_url(plan="1"),
        "worst": [
            {
                "debtor": r["debtor_name"],
                "met": r["met"],
                "breached": r["breached"],
                "rate": r["rate"],
                "url": items_url(debtor=r["debtor_id"], plan="1"),
            }
            for r in worst[:5]
        ],
    }


def complaints_section(user: Any) -> dict[str, Any]:
    rows = complaint_selectors.statistics(user=user, group_by="department")
    by_status: dict[str, int] = {}
    keys = (
        "review_done",
        "review_on_time",
        "transfer_done",
        "transfer_on_time",
        "handle_done",
        "handle_on_time",
        "rated",
        "satisfied",
        "handling_days_total",
    )
    sums = dict.fromkeys(keys, 0)
    claimed = resolved = ZERO
    total = 0
    for r in rows:
        total += r.total
        for status, n in r.by_status.items():
            by_status[status] = by_status.get(status, 0) + n
        for k in keys:
            sums[k] += getattr(r, k)
        claimed += r.amount_claimed
        resolved += r.amount_resolved
    queue = reverse("complaints:queue")
    labels = dict(Status.choices)
    return {
        "total": total,
        "by_status": [
            {
                "key": code,
                "label": str(labels[code]),
                "count": by_status.get(code, 0),
                "url": queue + "?" + urlencode({"status": code}),
            }
            for code in Status.values
            if by_status.get(code)
        ],
        "review_rate": _rate(sums["review_on_time"], sums["review_done"]),
        "transfer_rate": _rate(sums["transfer_on_time"], sums["transfer_done"]),
        "handle_rate": _rate(sums["handle_on_time"], sums["handle_done"]),
        "review_done": sums["review_done"],
        "transfer_done": sums["transfer_done"],
        "handle_done": sums["handle_done"],
        "satisfaction": _rate(sums["satisfied"], sums["rated"]),
        "rated": sums["rated"],
        "average_handling_days": round(sums["handling_days_total"] / sums["handle_done"], 1)
        if sums["handle_done"]
        else None,
        "amount_claimed": money(claimed),
        "amount_resolved": money(resolved),
        "urls": {
            "all": queue,
            "late": queue + "?" + urlencode({"deadline": "late"}),
            "stats": reverse("complaints:stats"),
            "closed": queue + "?" + urlencode({"status": Status.CLOSED}),
        },
        "rows": rows,
    }


def campaigns_section(user: Any) -> list[dict[str, Any]]:
    out = []
    for c in (
        Campaign.objects.restrict(user, Action.VIEW)
        .filter(status__in=[CampaignStatus.ACTIVE, CampaignStatus.ENDED])
        .order_by("-starts_on", "-id")[:8]
    ):
        p = ledger.campaign_progress(user=user, campaign=c)
        out.append(
            {
                "id": c.pk,
                "name": c.name,
                "status": c.get_status_display(),
                "deadline": c.deadline.isoformat(),
                "items_at_start": p.items_at_start,
                "amount_at_start": money(p.amount_at_start),
                "cleared": money(p.cleared),
                "written_off": money(p.written_off),
                "left": money(p.left),
                "items_closed": p.items_closed,
                "items_left": p.items_left,
                "percent": p.percent,
                "url": items_url(campaign=c.pk),
            }
        )
    return out


def rankings_section(
    user: Any, root: Region, outstanding: dict[str, Any], complaints: dict[str, Any]
) -> dict[str, Any]:
    """Clearance rate per responsible department and per county, and complaint handling on time per
    department: only units at or above the minimum volume (definitions beside the tables)."""
    min_items = conf.ranking_min_items()
    min_complaints = conf.ranking_min_complaints()
    cleared_dept = {r.key: r.amount for r in ledger.cleared_breakdown(user=user, by="department")}
    departments = []
    for r in outstanding["by_department"]:
        if r["key"] is None or r["count"] < min_items:
            continue
        cleared = cleared_dept.get(r["key"], ZERO)
        balance = Decimal(r["balance"])
        departments.append(
            {
                "label": r["label"],
                "count": r["count"],
                "cleared": money(cleared),
                "balance": money(balance),
                "rate": _rate(cleared, cleared + balance),
                "url": r["url"],
            }
        )
    departments.sort(key=lambda r: (-(r["rate"] or 0), r["label"]))
    regions = {r.pk: r for r in Region.objects.all().only("pk", "path", "name")}
    cleared_county: dict[str | None, Decimal] = {}
    for r in ledger.cleared_breakdown(user=user, by="region"):
        region = regions.get(r.key)
        path = county_of(region.path, root) if region else None
        cleared_county[path] = cleared_county.get(path, ZERO) + r.amount
    counties = []
    for r in outstanding["by_region"]:
        if r["path"] == root.path or r["count"] < min_items:
            continue
        cleared = cleared_county.get(r["path"], ZERO)
        balance = Decimal(r["balance"])
        counties.append(
            {
                "label": r["label"],
                "count": r["count"],
                "cleared": money(cleared),
                "balance": money(balance),
                "rate": _rate(cleared, cleared + balance),
                "url": r["url"],
            }
        )
    counties.sort(key=lambda r: (-(r["rate"] or 0), r["label"]))
    handling = []
    for row in complaints["rows"]:
        if row.key is None or row.handle_done < min_complaints:
            continue
        handling.append(
            {
                "label": row.label,
                "total": row.total,
                "handle_done": row.handle_done,
                "rate": row.handle_on_time_rate,
                "satisfaction": row.satisfaction_rate,
                "url": reverse("complaints:queue")
                + "?"
                + urlencode({"department": row.key, "status": "open"}),
            }
        )
    handling.sort(key=lambda r: (-(r["rate"] or 0), r["label"]))
    for table in (departments, counties, handling):
        for n, r in enumerate(table, start=1):
            r["rank"] = n
    return {
        "departments": departments,
        "counties": counties,
        "complaint_departments": handling,
        "min_items": min_items,
        "min_complaints": min_complaints,
    }


def build_dashboard(user: Any, *, today: dt.date | None = None) -> dict[str, Any]:
    """All figures of the dashboard for `user`'s scope, JSON-ready (amounts as strings of yuan)."""
    today = today or timezone.localdate()
    root = user_root(user)
    outstanding = outstanding_section(user, root)
    complaints = complaints_section(user)
    data = {
        "computed_at": timezone.localtime().isoformat(timespec="seconds"),
        "today": today.isoformat(),
        "root": {"id": root.pk, "name": root.name},
        "cleared": cleared_section(user, today),
        "outstanding": outstanding,
        "plans": plans_section(user),
        "complaints": complaints,
        "campaigns": campaigns_section(user),
    }
    data["rankings"] = rankings_section(user, root, outstanding, complaints)
    complaints.pop("rows")
    return data


def scope_signature(user: Any) -> str:
    parts = sorted(
        f"{g.role}:{g.region_id}:{g.organisation_id}:{getattr(g, 'enterprise_id', None)}"
        for g in grants_of(user)
    )
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def cache_key(user: Any) -> str:
    return f"dashboards:{CACHE_VERSION}:{scope_signature(user)}:{translation.get_language()}"


def dashboard_for(user: Any, *, refresh: bool = False) -> dict[str, Any]:
    """The dashboard for `user`, from the cache when fresh (DASHBOARD_CACHE_SECONDS)."""
    key = cache_key(user)
    if not refresh:
        cached = cache.get(key)
        if cached is not None:
            return dict(cached)
    data = build_dashboard(user)
    cache.set(key, data, conf.cache_seconds())
    return data
