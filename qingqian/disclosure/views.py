"""Public pages (no login): the front page, disclosure search, a body's page, region totals, methodology
and open data. They show published snapshots only — debtor-side aggregates, never an enterprise, a
contract or a person — and are cacheable: ``Cache-Control: public, max-age`` and an ETag that changes
whenever something is published (a conditional GET gets 304 without touching the figures)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import formats, timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_safe

from qingqian.core.io.xlsx import safe_text
from qingqian.disclosure import conf, selectors
from qingqian.registry.choices import OrganisationKind
from qingqian.registry.models import Handler, Region, TaskForce

SCHEMA_VERSION = 1


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET/HEAD only; for anonymous visitors an ETag (publication stamp, language, URL) with 304 on a
    match, and ``Cache-Control: public, max-age=…``. Signed-in users get the security middleware's
    ``no-store`` (their page carries their name in the navigation bar)."""

    @require_safe
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        anonymous = not request.user.is_authenticated
        etag = None
        if anonymous:
            basis = "|".join(
                [selectors.publication_stamp(), translation.get_language() or "", request.get_full_path()]
            )
            etag = '"' + hashlib.sha256(basis.encode()).hexdigest()[:32] + '"'
            tags = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
            if etag in tags or "*" in tags:
                response: HttpResponse = HttpResponseNotModified()
                response["ETag"] = etag
                response["Cache-Control"] = f"public, max-age={conf.public_max_age()}"
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = view(request, *args, **kwargs)
        if etag is not None and response.status_code == 200:
            response["ETag"] = etag
            response["Cache-Control"] = f"public, max-age={conf.public_max_age()}"
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def _year(request: HttpRequest) -> int:
    year = _int(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else selectors.default_year()


def _regions() -> list[Region]:
    from qingqian.dashboards.selectors import root_region

    root = root_region()
    return [root, *Region.objects.filter(parent=root).order_by("code")]


@public_page
def public_home(request: HttpRequest) -> HttpResponse:
    """The public front page: how to complain, who handles it (the handlers the task force chose to
    publish), and the latest disclosure totals."""
    taskforce = TaskForce.objects.select_related("region", "office").order_by("region__depth").first()
    members = taskforce.members.select_related("organisation") if taskforce else []
    handlers = (
        Handler.objects.filter(taskforce=taskforce, published=True).select_related("organisation")
        if taskforce
        else []
    )
    year = selectors.default_year()
    total = selectors.region_totals(year=year)[0] if taskforce else None
    return render(
        request,
        "public/home.html",
        {"taskforce": taskforce, "members": members, "handlers": handlers, "year": year, "total": total},
    )


@public_page
def bodies(request: HttpRequest) -> HttpResponse:
    """Search the bodies that must disclose, with their published figures for one year."""
    q = (request.GET.get("q") or "").strip()[:50]
    region_id = _int(request.GET.get("region"))
    kind = request.GET.get("kind") or ""
    level = request.GET.get("level") or ""
    year = _year(request)
    qs = selectors.public_bodies(q=q, region_id=region_id, kind=kind, level=level)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ids = [b.pk for b in page.object_list]
    figures = {s.body_id: s for s in selectors.current_snapshots(year=year).filter(body_id__in=ids)}
    rows = [(b, figures.get(b.pk)) for b in page.object_list]
    filters = {
        k: v
        for k, v in {"q": q, "region": region_id or "", "kind": kind, "level": level, "year": year}.items()
        if v
    }
    return render(
        request,
        "public/bodies.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "region_id": region_id,
            "kind": kind,
            "year": year,
            "years": selectors.published_years() or [year],
            "regions": _regions(),
            "kinds": selectors.disclosure_kinds(),
            "filters": filters,
        },
    )


@public_page
def body(request: HttpRequest, pk: int) -> HttpResponse:
    """One body's published figures by year, each year with its earlier versions and the correction reasons."""
    org = get_object_or_404(selectors.public_bodies().select_related("region", "region__parent"), pk=pk)
    years = selectors.body_years(org)
    return render(
        request,
        "public/body.html",
        {
            "body": org,
            "kind_label": OrganisationKind(org.kind).label
            if org.kind in OrganisationKind.values
            else org.kind,
            "years": years,
            "deadline": conf.deadline_for(selectors.default_year()),
        },
    )


@public_page
def regions(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    total, rows = selectors.region_totals(year=year)
    return render(
        request,
        "public/regions.html",
        {
            "year": year,
            "years": selectors.published_years() or [year],
            "total": total,
            "rows": rows,
            "deadline": conf.deadline_for(year),
        },
    )


@public_page
def methodology(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/methodology.html",
        {"kinds": selectors.disclosure_kinds(), "deadline_text": _deadline_text()},
    )


def _deadline_text() -> str:
    d = conf.deadline_for(2000)
    # Translators: the second msgid is a Django date format (month and day), e.g. "j F" for "31 March".
    return _("次年%(date)s") % {"date": formats.date_format(d, pgettext("date format", "n月j日"))}


#: Titles and field descriptions are shown on the open-data page in the visitor's language; the files
#: themselves always carry the Chinese text (a data set does not change with Accept-Language).
DATASETS: dict[str, tuple[Any, list[tuple[str, str, Any]], Any]] = {
    "disclosures": (
        selectors.disclosure_rows,
        selectors.DISCLOSURE_COLUMNS,
        gettext_lazy("逾期未支付中小企业款项年度公开数据"),
    ),
    "payment-performance": (
        selectors.performance_rows,
        selectors.PERFORMANCE_COLUMNS,
        gettext_lazy("机关事业单位付款表现数据"),
    ),
}


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/open_data.html",
        {
            "datasets": [
                {"slug": slug, "title": title, "columns": columns}
                for slug, (_fn, columns, title) in DATASETS.items()
            ],
            "licence_name": conf.licence_name(),
            "licence_url": conf.licence_url(),
            "source": conf.report_issuer(),
            "schema_version": SCHEMA_VERSION,
            "years": selectors.published_years(),
        },
    )


@public_page
def open_data_file(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse:
    """``disclosures.csv|json`` and ``payment-performance.csv|json``; ``?year=`` limits to one year."""
    if dataset not in DATASETS or fmt not in ("csv", "json"):
        raise Http404
    fetch, columns, title = DATASETS[dataset]
    year = _int(request.GET.get("year"))
    records = fetch(year=year)
    names = [c[0] for c in columns]
    licence = f'<{conf.licence_url()}>; rel="license"'
    if fmt == "json":
        with translation.override(settings.LANGUAGE_CODE):
            title = str(title)
            fields = [{"name": n, "type": t, "description": str(d)} for n, t, d in columns]
            licence_name = conf.licence_name()
        body = {
            "dataset": dataset,
            "title": title,
            "schema_version": SCHEMA_VERSION,
            "licence": {"name": licence_name, "url": conf.licence_url()},
            "source": conf.report_issuer(),
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
            "year": year,
            "fields": fields,
            "records": [{n: r[n] for n in names} for r in records],
        }
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
        )
    else:
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(names)
        for r in records:
            writer.writerow(
                [
                    ""
                    if r[n] is None
                    else ("true" if r[n] is True else "false" if r[n] is False else safe_text(str(r[n])))
                    for n in names
                ]
            )
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{dataset}{"-" + str(year) if year else ""}.csv"'
    response["Link"] = licence
    response["Access-Control-Allow-Origin"] = "*"
    return response
