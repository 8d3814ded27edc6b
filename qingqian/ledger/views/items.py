"""Ledger pages: list with filters and totals, item page, registration and editing, debtor page,
warnings, cleared statistics, export and the blank template."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.accounts.decorators import role_required
from qingqian.core.errors import DomainError, NotPermitted
from qingqian.core.permissions import Action, can, grants_of
from qingqian.core.timeline import TimelineEntry, timeline_for
from qingqian.ledger import conf, selectors, services
from qingqian.ledger.assessment import assess_item
from qingqian.ledger.choices import (
    Bucket,
    ItemSource,
    ItemStatus,
    PlanStatus,
    ReportStatus,
    SubjectKind,
)
from qingqian.ledger.forms import (
    AdjustForm,
    ContractForm,
    DisputeForm,
    DisputeResolveForm,
    ItemCreateForm,
    PaymentReportForm,
    PlanForm,
    RejectForm,
    WriteOffForm,
)
from qingqian.ledger.models import ArrearsItem, RepaymentPlan
from qingqian.ledger.scoping import SUPERVISORS, is_creditor_user, may_act_for_debtor, may_approve_plan, org_q
from qingqian.ledger.views.common import (
    DEBTOR_SIDE_ROLES,
    ITEM_VIEWERS,
    STAFF_READERS,
    domain_error_text,
)
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation, Region


def bucket_choices() -> list[tuple[str, str]]:
    overdue = [(code, _("逾期%(r)s天") % {"r": code}) for code, _lo, _hi in conf.bucket_codes()]
    return [
        (Bucket.NOT_DUE, str(Bucket.NOT_DUE.label)),
        *overdue,
        (Bucket.UNKNOWN, str(Bucket.UNKNOWN.label)),
        (Bucket.SETTLED, str(Bucket.SETTLED.label)),
    ]


def _filter_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "regions": Region.objects.filter(depth__lte=2).order_by("path"),
        "kinds": [c for c in OrganisationKind.choices if c[0] != OrganisationKind.DEPARTMENT],
        "levels": Level.choices,
        "statuses": ItemStatus.choices,
        "buckets": bucket_choices(),
        "sources": ItemSource.choices,
        "subjects": SubjectKind.choices,
    }


@role_required(*STAFF_READERS)
def item_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.clean_filters(request.GET)
    qs = selectors.item_list_for(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "totals": selectors.totals_of(qs),
        "cleared": selectors.cleared_total(user=request.user, filters=filters),
        "cleared_all": selectors.cleared_total(user=request.user),
        "may_create": any(g.role in DEBTOR_SIDE_ROLES for g in grants_of(request.user)),
        "export_query": request.GET.urlencode(),
        **_filter_context(request),
    }
    return render(request, "ledger/item_list.html", context)


def _debtor_choices(user: Any) -> Any:
    q = None
    for g in grants_of(user):
        if g.role in DEBTOR_SIDE_ROLES:
            gq = org_q(g)
            if gq is not None:
                q = gq if q is None else q | gq
    if q is None:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(q, active=True)
        .exclude(kind=OrganisationKind.DEPARTMENT)
        .order_by("region__path", "name")
    )


@role_required(*DEBTOR_SIDE_ROLES)
def item_create(request: HttpRequest) -> HttpResponse:
    debtors = _debtor_choices(request.user)
    form = ItemCreateForm(
        request.POST or None, debtors=debtors, initial={"source": ItemSource.SELF_INSPECTION}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            creditor = services.creditor_for(
                actor=request.user,
                uscc=data["creditor_uscc"],
                name=data["creditor_name"],
                size_class=data.get("creditor_size_class"),
            )
            item = services.item_create(
                actor=request.user,
                debtor=data["debtor"],
                creditor=creditor,
                arrears_amount=data["arrears_amount"],
                confirmed_on=data.get("confirmed_on"),
                **form.item_fields(),
            )
        except NotPermitted as exc:
            form.add_error("debtor", str(exc.message))
        except DomainError as exc:
            for name, errs in (exc.fields or {"__all__": [domain_error_text(exc)]}).items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, _("台账已登记。"))
            return redirect("ledger:item_detail", item_id=item.pk)
    return render(request, "ledger/item_form.html", {"form": form, "creating": True})


def _item_for(request: HttpRequest, item_id: int, action: str = Action.VIEW) -> ArrearsItem:
    return get_object_or_404(
        ArrearsItem.objects.restrict(request.user, action).select_related(
            "debtor__region", "debtor__responsible_department", "creditor", "import_job"
        ),
        pk=item_id,
    )


@role_required(*DEBTOR_SIDE_ROLES)
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_for(request, item_id, Action.CHANGE)
    initial = {f: getattr(item, f) for f in services.ITEM_FIELDS if f != "clauses"}
    initial.update(item.clauses or {})
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(actor=request.user, item=item, **form.item_fields())
        except NotPermitted as exc:
            form.add_error(None, str(exc.message))
        except DomainError as exc:
            for name, errs in (exc.fields or {"__all__": [domain_error_text(exc)]}).items():
                form.add_error(name if name in form.fields else None, errs)
        else:
            messages.success(request, _("台账信息已更新，应付款日已按规则重新评估。"))
            return redirect("ledger:item_detail", item_id=item.pk)
    return render(request, "ledger/item_form.html", {"form": form, "item": item, "creating": False})


def _timeline(item: ArrearsItem) -> list[TimelineEntry]:
    events = timeline_for(item)
    job = item.import_job
    if job is not None:  # imported rows share their job's one event
        events.insert(
            0,
            TimelineEntry(
                occurred_at=job.finished_at or job.created_at,
                actor_label=str(job.created_by),
                action="ledger.item.imported",
                label=_("台账导入"),
                detail=_("由文件“%(f)s”导入（导入批次 %(n)d）") % {"f": job.original_name, "n": job.pk},
            ),
        )
    return events


@role_required(*ITEM_VIEWERS)
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item_for(request, item_id)
    user = request.user
    can_change = item.status == ItemStatus.OPEN and can(user, Action.CHANGE, item)
    is_creditor = is_creditor_user(user, item)
    can_supervise = can_change and may_act_for_debtor(user, item.debtor, SUPERVISORS)
    can_approve = (
        item.status == ItemStatus.OPEN
        and any(g.role != "enterprise_user" for g in grants_of(user))
        and may_approve_plan(user, item)
    )
    try:
        aging = item.aging
    except ArrearsItem.aging.RelatedObjectDoesNotExist:
        aging = None
    live = assess_item(item) if item.balance > 0 or item.paid_total or item.written_off_total else None
    plans = list(RepaymentPlan.objects.filter(item=item).prefetch_related("instalments").order_by("-version"))
    context = {
        "item": item,
        "aging": aging,
        "live": live,
        "today": timezone.localdate(),
        "entries": item.entries.select_related("reverses", "recorded_by")
        .prefetch_related("reversed_by")
        .order_by("recorded_at", "id"),
        "reports": item.payment_reports.select_related("reported_by", "decided_by").order_by("-reported_at"),
        "disputes": item.disputes.order_by("-raised_at"),
        "plans": plans,
        "active_plan": next((p for p in plans if p.status == PlanStatus.APPROVED), None),
        "warnings": item.warnings.order_by("-raised_at"),
        "events": _timeline(item),
        "can_change": can_change,
        "is_creditor": is_creditor and item.status == ItemStatus.OPEN,
        "can_supervise": can_supervise,
        "can_approve": can_approve,
        "pending": ReportStatus.REPORTED,
        "report_form": PaymentReportForm(initial={"paid_on": timezone.localdate()}),
        "dispute_form": DisputeForm(),
        "resolve_form": DisputeResolveForm(),
        "plan_form": PlanForm(),
        "adjust_form": AdjustForm(initial={"effective_on": timezone.localdate()}),
        "write_off_form": WriteOffForm(initial={"effective_on": timezone.localdate()}),
        "reject_form": RejectForm(),
    }
    return render(request, "ledger/item_detail.html", context)


@role_required(*STAFF_READERS)
def debtor_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(
        Organisation.objects.select_related("region", "responsible_department"), pk=org_id
    )
    items = selectors.item_list_for(user=request.user, filters={"debtor": str(org.pk)})
    if (
        not items.exists()
        and not Organisation.objects.restrict(request.user, Action.VIEW).filter(pk=org.pk).exists()
    ):
        raise Http404
    summary = selectors.debtor_summary(user=request.user, debtor_id=org.pk)
    plans = (
        RepaymentPlan.objects.restrict(request.user, Action.VIEW)
        .filter(item__debtor=org, status=PlanStatus.APPROVED)
        .select_related("item")
        .prefetch_related("instalments")
    )
    context = {
        "org": org,
        "summary": summary,
        "items": items[:500],
        "item_count": items.count(),
        "plans": plans,
    }
    return render(request, "ledger/debtor_detail.html", context)


@role_required(*STAFF_READERS)
def warning_list(request: HttpRequest) -> HttpResponse:
    open_only = request.GET.get("all") != "1"
    qs = selectors.warnings_for(user=request.user, open_only=open_only).order_by("-raised_at")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/warning_list.html",
        {"page": page, "open_only": open_only, "filters": {"all": "0" if open_only else "1"}},
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required(*STAFF_READERS)
def cleared_stats(request: HttpRequest) -> HttpResponse:
    by = request.GET.get("by", "period")
    if by not in ("period", *selectors.BREAKDOWNS):
        by = "period"
    period = request.GET.get("period", "month")
    date_from, date_to = _date(request.GET.get("date_from")), _date(request.GET.get("date_to"))
    filters = selectors.clean_filters(request.GET)
    rows = selectors.cleared_breakdown(
        user=request.user, by=by, period=period, date_from=date_from, date_to=date_to, filters=filters
    )
    total = selectors.cleared_total(user=request.user, date_from=date_from, date_to=date_to, filters=filters)
    context = {
        "rows": rows,
        "total": total,
        "by": by,
        "period": period,
        "date_from": date_from,
        "date_to": date_to,
        "adherence": selectors.plan_adherence_by_debtor(user=request.user, filters=filters),
        "breakdowns": [
            ("period", _("按期间")),
            ("region", _("按区划")),
            ("department", _("按责任部门")),
            ("debtor_kind", _("按单位类型")),
            ("debtor", _("按欠款单位")),
        ],
        "periods": [("month", _("月")), ("quarter", _("季度")), ("year", _("年"))],
    }
    return render(request, "ledger/cleared.html", context)


@role_required(*STAFF_READERS)
def export(request: HttpRequest) -> HttpResponse:
    from qingqian.ledger.io.exporter import LedgerExporter

    data = LedgerExporter(user=request.user, filters=selectors.clean_filters(request.GET)).xlsx_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@role_required(*DEBTOR_SIDE_ROLES)
def template_download(request: HttpRequest) -> HttpResponse:
    from qingqian.ledger.io.exporter import TemplateExporter

    response = HttpResponse(
        TemplateExporter().xlsx_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="ledger-template.xlsx"'
    return response


def item_url(item_id: int) -> str:
    return reverse("ledger:item_detail", kwargs={"item_id": item_id})
