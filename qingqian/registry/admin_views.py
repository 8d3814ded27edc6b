"""Registry maintenance screens: organisations, the routing table and regions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.models import acting_user
from qingqian.core.errors import InvalidInput
from qingqian.core.permissions import Action
from qingqian.registry import services
from qingqian.registry.forms import OrganisationForm, RegionForm, RoutingRuleForm
from qingqian.registry.models import Organisation, Region, RoutingRule

EDITORS = (Role.TASKFORCE_OFFICE, Role.SYSTEM_ADMIN)
ROUTING_READERS = (
    Role.TASKFORCE_OFFICE,
    Role.SYSTEM_ADMIN,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.AUDITOR,
)


def _errors_into(form: Form, exc: InvalidInput) -> None:
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.fields:
        form.add_error(None, str(exc.message))


@role_required(*EDITORS)
def organisation_edit(request: HttpRequest, org_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    org = (
        get_object_or_404(Organisation.objects.restrict(user, Action.CHANGE), pk=org_id)
        if org_id is not None
        else None
    )
    initial: dict[str, Any] = {}
    if org is not None:
        initial = {
            f: getattr(org, f)
            for f in ("name", "short_name", "uscc", "kind", "level", "region", "supervising_department")
        }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if org is None:
                org = services.organisation_create(actor=user, **form.cleaned_data)
                messages.success(request, _("已登记单位。"))
            else:
                services.organisation_update(actor=user, organisation=org, **form.cleaned_data)
                messages.success(request, _("已保存修改。"))
        except InvalidInput as exc:
            _errors_into(form, exc)
        else:
            if org.uscc_warning:
                messages.warning(
                    request, _("统一社会信用代码校验位不符：已保存，请核实（早期试点代码可能合法）。")
                )
            return redirect("registry:organisation_detail", org.pk)
    return render(request, "registry/organisation_form.html", {"form": form, "org": org})


@role_required(*ROUTING_READERS)
def routing_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    can_edit = bool(user.roles & set(EDITORS))
    form = RoutingRuleForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            try:
                services.routing_rule_create(
                    actor=user, **{k: v for k, v in form.cleaned_data.items() if k != "active"}
                )
            except InvalidInput as exc:
                _errors_into(form, exc)
            else:
                messages.success(request, _("已新增转办规则，并按新规则重新确定了各单位的责任部门。"))
                return redirect("registry:routing")
    rules = RoutingRule.objects.restrict(user, Action.VIEW).select_related(
        "region", "supervising_department", "responsible"
    )
    return render(request, "registry/routing_list.html", {"rules": rules, "form": form, "can_edit": can_edit})


@role_required(*EDITORS)
def routing_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    user = acting_user(request)
    rule = get_object_or_404(RoutingRule.objects.restrict(user, Action.CHANGE), pk=rule_id)
    initial = {f: getattr(rule, f) for f in services.RULE_FIELDS}
    form = RoutingRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.routing_rule_update(actor=user, rule=rule, **form.cleaned_data)
        except InvalidInput as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已保存规则，并重新确定了各单位的责任部门。"))
            return redirect("registry:routing")
    return render(request, "registry/routing_form.html", {"form": form, "rule": rule})


@role_required(*EDITORS)
def region_list(request: HttpRequest, region_id: int | None = None) -> HttpResponse:
    user = acting_user(request)
    region = (
        get_object_or_404(Region.objects.restrict(user, Action.CHANGE), pk=region_id) if region_id else None
    )
    initial = (
        {"code": region.code, "name": region.name, "kind": region.kind, "parent": region.parent}
        if region
        else {}
    )
    form = RegionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.region_save(actor=user, region=region, **form.cleaned_data)
        except InvalidInput as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("已保存区划。"))
            return redirect("registry:regions")
    return render(
        request,
        "registry/region_list.html",
        {"regions": Region.objects.select_related("parent").order_by("path"), "form": form, "region": region},
    )
