"""Staff pages of disclosure: the completeness board, a return with its workflow, the monthly reports,
and publishing a body's payment performance. Views parse input, call one service, render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.reauth import reauth_url, require_recent_reauth
from qingqian.core.errors import DomainError, NotPermitted
from qingqian.core.permissions import Action
from qingqian.core.timeline import timeline_for
from qingqian.disclosure import selectors, services
from qingqian.disclosure.choices import ReturnAction, ReturnStatus
from qingqian.disclosure.models import DisclosureReturn, MonthlyReport
from qingqian.disclosure.services.returns import drafted_of, figures_of
from qingqian.disclosure.transitions import TRANSITIONS, available
from qingqian.registry.models import Organisation, Region

STAFF = (
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.DEBTOR_CLERK,
    Role.AUDITOR,
    Role.LEADERSHIP,
)
REPORT_READERS = (Role.TASKFORCE_OFFICE, Role.LEADERSHIP, Role.AUDITOR)


def _year(raw: Any, default: int) -> int:
    text = str(raw or "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _error(request: HttpRequest, exc: DomainError) -> None:
    detail = pgettext("clause separator", "；").join(
        pgettext("list separator", "，").join(str(m) for m in msgs) for msgs in exc.fields.values()
    )
    if detail:
        messages.error(request, _("%(text)s（%(details)s）") % {"text": exc.message, "details": detail})
    else:
        messages.error(request, str(exc.message))


def _reauth_first(request: HttpRequest, back: str) -> HttpResponse | None:
    """Publishing (a first version or a correction) is a sensitive action (ASVS V7.5): without a fresh
    re-authentication the user confirms password and code first and comes back to `back`."""
    try:
        require_recent_reauth(request)
    except NotPermitted:
        messages.info(request, _("发布前请重新验证身份。"))
        return redirect(reauth_url(back))
    return None


@role_required(*STAFF)
def board(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year - 1)
    region_text = str(request.GET.get("region") or "")
    status = request.GET.get("status") or ""
    q = (request.GET.get("q") or "").strip()[:50]
    data = selectors.board_for(
        user=request.user,
        year=year,
        status=status,
        region_id=int(region_text) if region_text.isdigit() else None,
        q=q,
        today=today,
    )
    page = Paginator(data.rows, 100).get_page(request.GET.get("page"))
    is_office = request.user.has_role(Role.TASKFORCE_OFFICE)  # type: ignore[union-attr]
    statuses = [("missing", _("未起草")), *ReturnStatus.choices]
    return render(
        request,
        "disclosure/board.html",
        {
            "board": data,
            "page": page,
            "year": year,
            "years": list(range(today.year - 1, today.year - 6, -1)),
            "status": status,
            "statuses": statuses,
            "status_counts": [(code, label, data.counts.get(code, 0)) for code, label in statuses],
            "q": q,
            "region": region_text,
            "regions": Region.objects.filter(depth__lte=2).order_by("path"),
            "is_office": is_office,
            "filters": {
                k: v for k, v in {"year": year, "status": status, "q": q, "region": region_text}.items() if v
            },
        },
    )


@role_required(Role.TASKFORCE_OFFICE, Role.DEBTOR_CLERK)
@require_POST
def draft(request: HttpRequest) -> HttpResponse:
    year = _year(request.POST.get("year"), timezone.localdate().year - 1)
    try:
        result = services.returns_draft(actor=request.user, year=year)
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("已起草 %(c)s 个单位，更新 %(r)s 个，未变化 %(u)s 个。")
            % {"c": result.created, "r": result.refreshed, "u": result.unchanged},
        )
    return redirect(reverse("disclosure:board") + f"?year={year}")


@role_required(Role.TASKFORCE_OFFICE)
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    year = _year(request.POST.get("year"), timezone.localdate().year - 1)
    result = services.disclosure_remind(year=year, force=True)
    messages.success(request, _("已发送提醒 %(n)s 条。") % {"n": result.notifications})
    return redirect(reverse("disclosure:board") + f"?year={year}")


@role_required(*STAFF)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ret = selectors.return_for(user=request.user, pk=pk)
    sides = services.sides_of(request.user, ret.body)
    actions = [t for t in available(ret.status) if t.who & sides]
    versions = (
        DisclosureReturn.objects.filter(body=ret.body, year=ret.year)
        .select_related("snapshot")
        .order_by("-version")
    )
    can_reopen = (
        ret.status == ReturnStatus.PUBLISHED
        and bool(sides & {"clerk", "office"})
        and not versions.filter(version__gt=ret.version).exists()
    )
    drafted, current = drafted_of(ret), figures_of(ret)

    def fmt(value: Any) -> str:
        if value is None:
            return "—"
        if isinstance(value, int):
            return f"{value:,}"
        places = max(0, -int(Decimal(value).as_tuple().exponent))
        return f"{value:,.{places}f}"

    rows = [
        (_("逾期未付合同数"), fmt(drafted["overdue_count"]), fmt(current["overdue_count"])),
        (_("逾期未付金额（元）"), fmt(drafted["overdue_amount"]), fmt(current["overdue_amount"])),
        (_("年内逾期付清合同数"), fmt(drafted["paid_late_count"]), fmt(current["paid_late_count"])),
        (_("平均逾期天数"), fmt(drafted["avg_days_late"]), fmt(current["avg_days_late"])),
    ]
    return render(
        request,
        "disclosure/return_detail.html",
        {
            "ret": ret,
            "rows": rows,
            "actions": actions,
            "sides": sides,
            "versions": versions,
            "can_reopen": can_reopen,
            "events": timeline_for(ret),
            "action_codes": ReturnAction,
            "needs_reauth": ret.status == ReturnStatus.APPROVED and "office" in sides,
        },
    )


@role_required(Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER, Role.DEBTOR_CLERK)
@require_POST
def return_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    ret = selectors.return_for(user=request.user, pk=pk)
    detail = reverse("disclosure:return_detail", args=[ret.pk])
    if action not in ReturnAction.values:
        raise Http404
    sides = services.sides_of(request.user, ret.body)
    if not any(t.action == action and t.who & sides for t in TRANSITIONS.values()):
        raise PermissionDenied
    if action == ReturnAction.PUBLISH and (to_reauth := _reauth_first(request, detail)):
        return to_reauth
    try:
        services.return_transition(
            actor=request.user,
            disclosure_return=ret,
            action=action,
            figures_in={
                k: request.POST.get(k, "")
                for k in ("overdue_count", "overdue_amount", "paid_late_count", "avg_days_late")
            },
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("已%(action)s。") % {"action": ReturnAction(action).label})
    return redirect(detail)


@role_required(Role.TASKFORCE_OFFICE, Role.DEBTOR_CLERK)
@require_POST
def return_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    ret = selectors.return_for(user=request.user, pk=pk)
    if not services.sides_of(request.user, ret.body) & {"clerk", "office"}:
        raise PermissionDenied
    try:
        new = services.return_reopen(
            actor=request.user, disclosure_return=ret, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        _error(request, exc)
        return redirect("disclosure:return_detail", pk=ret.pk)
    messages.success(request, _("已发起更正（第%(v)s版），请按流程确认、审核、发布。") % {"v": new.version})
    return redirect("disclosure:return_detail", pk=new.pk)


@role_required(Role.TASKFORCE_OFFICE)
@require_POST
def performance_publish(request: HttpRequest) -> HttpResponse:
    body_text = str(request.POST.get("body") or "")
    year = _year(request.POST.get("year"), timezone.localdate().year - 1)
    if not body_text.isdigit():
        raise Http404
    org = get_object_or_404(Organisation.objects.restrict(request.user, Action.VIEW), pk=int(body_text))
    back = reverse("dashboards:performance") + f"?year={year}&body={org.pk}"
    if to_reauth := _reauth_first(request, back):
        return to_reauth
    try:
        row = services.performance_publish(
            actor=request.user, body=org, year=year, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        _error(request, exc)
    else:
        messages.success(
            request,
            _("已发布%(body)s %(year)s年度付款表现（第%(v)s版）。")
            % {"body": org.name, "year": year, "v": row.version},
        )
    return redirect(back)


# --- Monthly reports ---------------------------------------------------------------------------------


@role_required(*REPORT_READERS)
def reports(request: HttpRequest) -> HttpResponse:
    qs = MonthlyReport.objects.restrict(request.user, Action.VIEW).defer("docx", "xlsx", "figures")
    page = Paginator(qs.select_related("generated_by"), 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    months = []
    y, m = today.year, today.month
    for _i in range(12):
        months.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return render(
        request,
        "disclosure/reports.html",
        {
            "page": page,
            "months": months,
            "default_month": months[1],
            "is_office": request.user.has_role(Role.TASKFORCE_OFFICE),  # type: ignore[union-attr]
            "filters": {},
        },
    )


@role_required(Role.TASKFORCE_OFFICE)
@require_POST
def report_generate(request: HttpRequest) -> HttpResponse:
    raw = str(request.POST.get("period") or "")
    period = None
    if raw:
        try:
            period = dt.date.fromisoformat(raw[:7] + "-01")
        except ValueError:
            messages.error(request, _("月份格式有误。"))
            return redirect("disclosure:reports")
    try:
        report = services.report_generate(actor=request.user, period=period)
    except DomainError as exc:
        _error(request, exc)
        return redirect("disclosure:reports")
    messages.success(request, _("已生成 %(n)s。") % {"n": report.doc_number})
    return redirect("disclosure:reports")


@role_required(*REPORT_READERS)
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(MonthlyReport.objects.restrict(request.user, Action.VIEW), pk=pk)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    content = bytes(report.docx if fmt == "docx" else report.xlsx)
    types = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[fmt])
    from urllib.parse import quote

    name = f"{report.doc_number}.{fmt}"
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{report.pk}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    return response
