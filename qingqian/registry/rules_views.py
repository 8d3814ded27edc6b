"""Staff pages for the payment rules: the calculator, and the reference data administrators keep
(1-year LPR, holidays and adjusted working days)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.models import acting_user
from qingqian.core.errors import InvalidInput
from qingqian.registry.api_rules import RULES_USERS, assess_payload
from qingqian.registry.models import CalendarDay, CalendarYear, LprRate
from qingqian.registry.reference import calendar_day_set, calendar_year_mark_known, latest_lpr
from qingqian.registry.rules_forms import CalculatorForm, CalendarDayForm, LprRateForm
from qingqian.registry.services import lpr_rate_upsert

REFERENCE_READERS = (*RULES_USERS, Role.SYSTEM_ADMIN)


@role_required(*RULES_USERS)
def calculator(request: HttpRequest) -> HttpResponse:
    result = None
    form = CalculatorForm(request.POST or None, initial={"as_of": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        result = assess_payload(form.to_rules_input())
        if "error" in result:
            form.add_error(None, result["error"]["message"])
            result = None
    return render(request, "registry/calculator.html", {"form": form, "result": result, "lpr": latest_lpr()})


@role_required(*REFERENCE_READERS)
def lpr_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    can_edit = Role.SYSTEM_ADMIN in user.roles
    form = LprRateForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                lpr_rate_upsert(actor=user, **form.cleaned_data)
            except InvalidInput as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("已保存一年期LPR报价。"))
                return redirect("rules:lpr")
    return render(
        request,
        "registry/lpr.html",
        {
            "rates": LprRate.objects.order_by("-effective_on"),
            "form": form,
            "can_edit": can_edit,
            "latest": latest_lpr(),
        },
    )


@role_required(*REFERENCE_READERS)
def calendar_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    can_edit = Role.SYSTEM_ADMIN in user.roles
    try:
        year = int(request.GET.get("year") or dt.date.today().year)
    except ValueError:
        year = dt.date.today().year
    form = CalendarDayForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if request.POST.get("mark_known"):
            calendar_year_mark_known(
                actor=user, year=year, source=_("管理员依据国务院办公厅节假日安排通知录入")
            )
            messages.success(request, _("已将 %(year)s 年标记为节假日安排完整。") % {"year": year})
            return redirect(f"{request.path}?year={year}")
        if form.is_valid():
            try:
                cd = form.cleaned_data
                day = calendar_day_set(actor=user, day=cd["date"], kind=cd["kind"], name=cd["name"])
            except InvalidInput as exc:
                form.add_error(None, str(exc.message))
            else:
                messages.success(request, _("已保存 %(date)s。") % {"date": day.date})
                return redirect(f"{request.path}?year={day.date.year}")
    return render(
        request,
        "registry/calendar.html",
        {
            "year": year,
            "days": CalendarDay.objects.filter(date__year=year).order_by("date"),
            "known": CalendarYear.objects.filter(year=year).exists(),
            "years": list(CalendarYear.objects.values_list("year", flat=True)),
            "form": form,
            "can_edit": can_edit,
        },
    )
