"""Reads of disclosure. Public reads return published snapshots only; staff reads are `.restrict()`-scoped.

Nothing public ever reads the ledger: the public pages and open data show `PublishedDisclosure` and
`PublishedPerformance` rows, frozen at publication, and the registry's own public names and regions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingqian.core.money import quantize_money
from qingqian.core.permissions import Action
from qingqian.disclosure import conf
from qingqian.disclosure.choices import ReturnStatus
from qingqian.disclosure.models import DisclosureReturn, PublishedDisclosure, PublishedPerformance
from qingqian.registry.choices import OrganisationKind
from qingqian.registry.models import Organisation, Region

ZERO = Decimal("0.00")


# --- Public ------------------------------------------------------------------------------------------


def public_bodies(
    *, q: str = "", region_id: int | None = None, kind: str = "", level: str = ""
) -> QuerySet[Organisation]:
    """Bodies that must disclose, searchable by name, region (with its subtree) and kind."""
    qs = Organisation.objects.restrict(None, Action.VIEW).filter(kind__in=conf.body_kinds())
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    if region_id:
        path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
        qs = qs.filter(region__path__startswith=path) if path else qs.none()
    if kind and kind in conf.body_kinds():
        qs = qs.filter(kind=kind)
    if level in ("province", "city", "county"):
        qs = qs.filter(level=level)
    return qs.select_related("region").order_by("region__path", "name", "pk")


def snapshots(*, user: Any = None) -> QuerySet[PublishedDisclosure]:
    return PublishedDisclosure.objects.restrict(user, Action.VIEW)


def current_snapshots(*, user: Any = None, year: int | None = None) -> QuerySet[PublishedDisclosure]:
    qs = snapshots(user=user).current()  # type: ignore[attr-defined]
    return qs.filter(year=year) if year else qs


YEARS_CACHE_KEY = "disclosure:published_years"


def published_years() -> list[int]:
    """Years with published figures, newest first (cached a minute; publishing clears it)."""
    from django.core.cache import cache

    years = cache.get(YEARS_CACHE_KEY)
    if years is None:
        years = sorted(
            set(PublishedDisclosure.objects.order_by().values_list("year", flat=True).distinct()),
            reverse=True,
        )
        cache.set(YEARS_CACHE_KEY, years, 60)
    return list(years)


def forget_published_years() -> None:
    from django.core.cache import cache

    cache.delete(YEARS_CACHE_KEY)


def default_year(today: dt.date | None = None) -> int:
    """The latest year anything was published for, else last year."""
    years = published_years()
    return years[0] if years else (today or timezone.localdate()).year - 1


def disclosure_kinds() -> list[tuple[str, str]]:
    labels = dict(OrganisationKind.choices)
    return [(k, str(labels.get(k, k))) for k in conf.body_kinds()]


@dataclass
class YearOfBody:
    year: int
    current: PublishedDisclosure
    earlier: list[PublishedDisclosure] = field(default_factory=list)
    performance: PublishedPerformance | None = None
    performance_earlier: list[PublishedPerformance] = field(default_factory=list)


def body_years(body: Organisation) -> list[YearOfBody]:
    """A body's published figures by year, newest first, each with its earlier (corrected) versions."""
    by_year: dict[int, list[PublishedDisclosure]] = defaultdict(list)
    for s in snapshots().filter(body=body).order_by("-year", "-version"):
        by_year[s.year].append(s)
    perf: dict[int, list[PublishedPerformance]] = defaultdict(list)
    for p in (
        PublishedPerformance.objects.restrict(None, Action.VIEW)
        .filter(body=body)
        .order_by("-year", "-version")
    ):
        perf[p.year].append(p)
    out = []
    for year in sorted(set(by_year) | set(perf), reverse=True):
        versions = by_year.get(year, [])
        p = perf.get(year, [])
        if not versions:
            continue
        out.append(
            YearOfBody(
                year=year,
                current=versions[0],
                earlier=versions[1:],
                performance=p[0] if p else None,
                performance_earlier=p[1:],
            )
        )
    return out


def body_performance_only(body: Organisation) -> list[PublishedPerformance]:
    """Published performance for years without a published disclosure (rare, shown apart)."""
    years = set(snapshots().filter(body=body).values_list("year", flat=True))
    return [
        p
        for p in PublishedPerformance.objects.restrict(None, Action.VIEW)
        .current()
        .filter(body=body)
        .order_by("-year")
        if p.year not in years
    ]


@dataclass
class RegionTotal:
    key: int | None
    label: str
    path: str
    bodies: int = 0
    published: int = 0
    overdue_count: int = 0
    overdue_amount: Decimal = ZERO
    paid_late_count: int = 0
    is_root: bool = False

    @property
    def completeness(self) -> float | None:
        return round(self.published / self.bodies, 4) if self.bodies else None

    @property
    def not_published(self) -> int:
        return max(0, self.bodies - self.published)


def _group_path(path: str, root: Region) -> str | None:
    if not path.startswith(root.path) or path == root.path:
        return None
    rest = path[len(root.path) :]
    return root.path + rest.split("/", 1)[0] + "/"


def region_totals(*, year: int, root: Region | None = None) -> tuple[RegionTotal, list[RegionTotal]]:
    """The city total and one row per county-level region (and the city's own level, 市本级), summed from
    the current published versions for `year`."""
    from qingqian.dashboards.selectors import root_region

    root = root or root_region()
    groups: dict[str | None, RegionTotal] = {}

    def group(path: str | None) -> RegionTotal:
        if path not in groups:
            groups[path] = RegionTotal(key=None, label="", path=path or root.path)
        return groups[path]

    body_counts = (
        public_bodies()
        .filter(region__path__startswith=root.path)
        .order_by()
        .values("region__path")
        .annotate(n=Count("id"))
    )
    for row in body_counts:
        group(_group_path(row["region__path"], root)).bodies += row["n"]
    sums = (
        current_snapshots(year=year)
        .filter(region_path__startswith=root.path)
        .order_by()
        .values("region_path")
        .annotate(n=Count("id"), c=Sum("overdue_count"), a=Sum("overdue_amount"), late=Sum("paid_late_count"))
    )
    for row in sums:
        g = group(_group_path(row["region_path"], root))
        g.published += row["n"]
        g.overdue_count += row["c"] or 0
        g.overdue_amount += quantize_money(Decimal(row["a"] or 0))
        g.paid_late_count += row["late"] or 0
    regions = {r.path: r for r in Region.objects.filter(path__in=[p for p in groups if p])}
    rows = []
    for path, g in groups.items():
        if path is None:
            g.key, g.label, g.is_root = root.pk, _("%(name)s本级") % {"name": root.name}, True
        else:
            r = regions.get(path)
            g.key, g.label = (r.pk, r.name) if r else (None, path)
        rows.append(g)
    rows.sort(key=lambda g: (g.path != root.path, g.path))
    total = RegionTotal(key=root.pk, label=root.name, path=root.path)
    for g in rows:
        total.bodies += g.bodies
        total.published += g.published
        total.overdue_count += g.overdue_count
        total.overdue_amount += g.overdue_amount
        total.paid_late_count += g.paid_late_count
    return total, rows


def publication_stamp() -> str:
    """Changes whenever anything is published, or the registry data the public pages show changes (bodies,
    the task force, its published handlers): the ETag basis of the public pages."""
    d = PublishedDisclosure.objects.aggregate(n=Count("id"), last=Max("id"))
    p = PublishedPerformance.objects.aggregate(n=Count("id"), last=Max("id"))
    from qingqian.registry.models import Handler, TaskForce, TaskForceMember

    changes = [
        model.objects.aggregate(last=Max("updated_at"), n=Count("pk"))
        for model in (Organisation, Handler, TaskForce, TaskForceMember)
    ]
    registry = ".".join(f"{c['n']}:{c['last'].timestamp() if c['last'] else 0}" for c in changes)
    return f"{d['n']}.{d['last']}.{p['n']}.{p['last']}.{registry}"


# --- Open data ---------------------------------------------------------------------------------------

#: The open-data schema (stable: add columns at the end, never rename or remove).
DISCLOSURE_COLUMNS: list[tuple[str, str, Promise]] = [
    ("body_id", "integer", gettext_lazy("单位编号（平台内部编号，长期不变）")),
    ("body_name", "string", gettext_lazy("单位名称（发布时）")),
    (
        "body_kind",
        "string",
        gettext_lazy("单位类型代码：organ 机关、institution 事业单位、department 职能部门"),
    ),
    ("region_code", "string", gettext_lazy("所在区划代码（GB/T 2260）")),
    ("region_name", "string", gettext_lazy("所在区划名称")),
    ("year", "integer", gettext_lazy("年度")),
    ("as_of", "date", gettext_lazy("数据截至日期（该年12月31日）")),
    ("overdue_count", "integer", gettext_lazy("年末逾期未支付中小企业款项的合同数")),
    ("overdue_amount", "decimal", gettext_lazy("年末逾期未支付中小企业款项金额（元，两位小数）")),
    ("paid_late_count", "integer", gettext_lazy("年内逾期后付清的合同数")),
    ("avg_days_late", "decimal", gettext_lazy("年内逾期付清合同的平均逾期天数（一位小数，无则为空）")),
    ("version", "integer", gettext_lazy("版本（更正后递增）")),
    ("is_current", "boolean", gettext_lazy("是否为该单位该年度的现行版本")),
    ("correction_reason", "string", gettext_lazy("更正理由（版本1为空）")),
    ("approver", "string", gettext_lazy("审核部门")),
    ("publisher", "string", gettext_lazy("发布单位")),
    ("published_at", "datetime", gettext_lazy("发布时间（ISO 8601，北京时间）")),
    ("content_hash", "string", gettext_lazy("发布内容的SHA-256摘要")),
]

PERFORMANCE_COLUMNS: list[tuple[str, str, Promise]] = [
    ("body_id", "integer", gettext_lazy("单位编号")),
    ("body_name", "string", gettext_lazy("单位名称（发布时）")),
    ("region_code", "string", gettext_lazy("所在区划代码")),
    ("year", "integer", gettext_lazy("年度")),
    ("paid_count", "integer", gettext_lazy("年内付清的合同数")),
    ("within_term_pct", "decimal", gettext_lazy("在约定付款期限内付清的比例（%）")),
    ("within_30_pct", "decimal", gettext_lazy("自付款期限起算日起30日内付清的比例（%）")),
    ("within_60_pct", "decimal", gettext_lazy("60日内付清的比例（%）")),
    ("over_60_pct", "decimal", gettext_lazy("超过60日付清的比例（%）")),
    ("avg_days_to_pay", "decimal", gettext_lazy("平均付款天数")),
    ("avg_days_late", "decimal", gettext_lazy("逾期付清者的平均逾期天数")),
    ("version", "integer", gettext_lazy("版本")),
    ("is_current", "boolean", gettext_lazy("是否为现行版本")),
    ("published_at", "datetime", gettext_lazy("发布时间")),
    ("content_hash", "string", gettext_lazy("发布内容的SHA-256摘要")),
]


def _iso(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def disclosure_rows(*, year: int | None = None, current_only: bool = False) -> list[dict[str, Any]]:
    """Open-data rows: every published version (or only current ones), in a stable order."""
    qs = snapshots()
    if year:
        qs = qs.filter(year=year)
    current_ids = set(current_snapshots(year=year).values_list("pk", flat=True))
    if current_only:
        qs = qs.filter(pk__in=current_ids)
    rows = []
    for s in qs.select_related("region").order_by("year", "body_id", "version"):
        rows.append(
            {
                "body_id": s.body_id,
                "body_name": s.body_name,
                "body_kind": s.body_kind,
                "region_code": s.region.code,
                "region_name": s.region.name,
                "year": s.year,
                "as_of": s.as_of.isoformat(),
                "overdue_count": s.overdue_count,
                "overdue_amount": f"{s.overdue_amount:.2f}",
                "paid_late_count": s.paid_late_count,
                "avg_days_late": None if s.avg_days_late is None else f"{s.avg_days_late:.1f}",
                "version": s.version,
                "is_current": s.pk in current_ids,
                "correction_reason": s.correction_reason,
                "approver": s.approver_name,
                "publisher": s.publisher_name,
                "published_at": _iso(s.published_at),
                "content_hash": s.content_hash,
            }
        )
    return rows


def _pct(v: Decimal | None) -> str | None:
    return None if v is None else f"{v:.1f}"


def performance_rows(*, year: int | None = None) -> list[dict[str, Any]]:
    qs = PublishedPerformance.objects.restrict(None, Action.VIEW)
    if year:
        qs = qs.filter(year=year)
    current_ids = set(PublishedPerformance.objects.current().values_list("pk", flat=True))
    return [
        {
            "body_id": p.body_id,
            "body_name": p.body_name,
            "region_code": p.region.code,
            "year": p.year,
            "paid_count": p.paid_count,
            "within_term_pct": _pct(p.within_term_pct),
            "within_30_pct": _pct(p.within_30_pct),
            "within_60_pct": _pct(p.within_60_pct),
            "over_60_pct": _pct(p.over_60_pct),
            "avg_days_to_pay": _pct(p.avg_days_to_pay),
            "avg_days_late": _pct(p.avg_days_late),
            "version": p.version,
            "is_current": p.pk in current_ids,
            "published_at": _iso(p.published_at),
            "content_hash": p.content_hash,
        }
        for p in qs.select_related("region").order_by("year", "body_id", "version")
    ]


# --- Staff -------------------------------------------------------------------------------------------


def returns_for(*, user: Any) -> QuerySet[DisclosureReturn]:
    return DisclosureReturn.objects.restrict(user, Action.VIEW).select_related(
        "body", "body__region", "body__responsible_department"
    )


def return_for(*, user: Any, pk: int) -> DisclosureReturn:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        returns_for(user=user).select_related("supersedes", "approver_org", "confirmed_by", "approved_by"),
        pk=pk,
    )


@dataclass
class BoardRow:
    body: Organisation
    ret: DisclosureReturn | None
    published_version: int | None

    @property
    def status_code(self) -> str:
        return self.ret.status if self.ret else "missing"


@dataclass
class Board:
    year: int
    deadline: dt.date
    days_left: int
    rows: list[BoardRow]
    counts: dict[str, int]
    total: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)

    @property
    def published(self) -> int:
        """Bodies with a published disclosure for the year (a correction in progress still counts)."""
        return self.counts.get("published_any", 0)

    @property
    def completeness(self) -> float | None:
        return round(self.published / self.total, 4) if self.total else None


def board_for(
    *,
    user: Any,
    year: int,
    status: str = "",
    region_id: int | None = None,
    q: str = "",
    today: dt.date | None = None,
) -> Board:
    """The completeness board: every disclosure-bound body in the user's scope and where its return is."""
    from qingqian.core.permissions import grants_of
    from qingqian.disclosure.models import body_q

    today = today or timezone.localdate()
    combined: Q | None = None
    for g in grants_of(user):
        part = body_q(g, prefix="", id_field="pk")
        if part is not None:
            combined = part if combined is None else combined | part
    bodies = Organisation.objects.filter(active=True, kind__in=conf.body_kinds())
    bodies = bodies.filter(combined) if combined is not None else bodies.none()
    if region_id:
        path = Region.objects.filter(pk=region_id).values_list("path", flat=True).first()
        bodies = bodies.filter(region__path__startswith=path) if path else bodies.none()
    if q:
        bodies = bodies.filter(name__icontains=q)
    latest: dict[int, DisclosureReturn] = {}
    for r in DisclosureReturn.objects.filter(year=year, body__in=bodies.values("pk")).order_by(
        "body_id", "version"
    ):
        latest[r.body_id] = r  # the highest version wins
    published_versions = dict(
        PublishedDisclosure.objects.filter(year=year, body__in=bodies.values("pk"))
        .values("body_id")
        .annotate(v=Max("version"))
        .values_list("body_id", "v")
    )
    rows = []
    counts: dict[str, int] = defaultdict(int)
    for body in bodies.select_related("region", "responsible_department").order_by("region__path", "name"):
        ret = latest.get(body.pk)
        row = BoardRow(body=body, ret=ret, published_version=published_versions.get(body.pk))
        counts[row.status_code] += 1
        if row.published_version:
            counts["published_any"] += 1
            if ret and ret.status != ReturnStatus.PUBLISHED:
                counts["correcting"] += 1
        rows.append(row)
    total = len(rows)
    if status:
        rows = [r for r in rows if r.status_code == status]
    deadline = conf.deadline_for(year)
    return Board(year, deadline, (deadline - today).days, rows, dict(counts), total)
