"""Pages of the three administrators (三权分立) and the unmask flow.

- 系统管理员 (system): accounts' existence — create, deactivate, activate.
- 安全管理员 (security): roles and permissions, lockout release, 2FA reset, the personal-data registry.
- 审计管理员 (audit): search, verify and export the audit log; who accessed a person's data.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingqian.accounts import twofactor
from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.models import RoleGrant, User, acting_user
from qingqian.accounts.reauth import reauth_required
from qingqian.accounts.services import role_grant, role_revoke, user_create
from qingqian.core import audit_chain
from qingqian.core.errors import DomainError
from qingqian.core.formula import safe_row
from qingqian.core.timeline import action_label
from qingqian.registry.models import Enterprise, Organisation, Region
from qingqian.security import pii, services
from qingqian.security.audit import audit
from qingqian.security.forms import (
    AuditSearchForm,
    GrantForm,
    PersonAccessForm,
    UnlockForm,
    UnmaskForm,
    UserCreateForm,
)
from qingqian.security.selectors import event_search

EXPORT_MAX_ROWS = 100_000
ADMINS_OF_USERS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)


def _locked_usernames() -> set[str]:
    from axes.models import AccessAttempt
    from django.conf import settings

    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(
        AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).values_list("username", flat=True)
    )


# --- Users: system administrator (existence) and security administrator (roles) -------------------


@role_required(*ADMINS_OF_USERS)
def user_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.filter(active=True), to_attr="active_grants")
    )
    if q:
        users = users.filter(username__icontains=q) | users.filter(display_name__icontains=q)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    enrolled = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
    context = {
        "page": page,
        "q": q,
        "enrolled": enrolled,
        "locked": _locked_usernames(),
        "create_form": UserCreateForm(),
    }
    return render(request, "security/user_list.html", context)


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def user_create_view(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST)
    if form.is_valid():
        try:
            user = user_create(actor=acting_user(request), **form.cleaned_data)
        except DomainError as exc:
            for name, errors in exc.fields.items():
                for error in errors:
                    messages.error(request, f"{name}: {error}")
            if not exc.fields:
                messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已创建账号 %(u)s。角色由安全管理员授予。") % {"u": user.username})
    else:
        messages.error(request, _("请检查填写的内容。"))
    return redirect("security:user_list")


@role_required(Role.SYSTEM_ADMIN)
@require_POST
def user_toggle_active(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    try:
        services.user_set_active(actor=acting_user(request), user=user, active=not user.is_active)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("security:user_list")


@role_required(Role.SECURITY_ADMIN)
def user_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    context = {
        "subject": user,
        "grants": RoleGrant.objects.filter(user=user, active=True).select_related(
            "region", "organisation", "enterprise"
        ),
        "device": twofactor.confirmed_device(user),
        "recovery_left": twofactor.recovery_codes_left(user),
        "grant_form": GrantForm(),
        "locked": user.username in _locked_usernames(),
    }
    return render(request, "security/user_detail.html", context)


@role_required(Role.SECURITY_ADMIN)
@reauth_required
def user_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    if request.method != "POST":
        return redirect("security:user_detail", user_id=user.pk)
    form = GrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        scope: dict[str, Any] = {}
        try:
            if data["region_code"]:
                scope["region"] = Region.objects.get(code=data["region_code"])
            if data["organisation"]:
                scope["organisation"] = Organisation.objects.get(name=data["organisation"])
            if data["enterprise"]:
                scope["enterprise"] = Enterprise.objects.get(name=data["enterprise"])
            role_grant(actor=acting_user(request), user=user, role=data["role"], **scope)
            messages.success(request, _("已授予角色。"))
        except (Region.DoesNotExist, Organisation.DoesNotExist, Enterprise.DoesNotExist):
            messages.error(request, _("找不到所填的区划、单位或企业。"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("security:user_detail", user_id=user.pk)


@role_required(Role.SECURITY_ADMIN)
@reauth_required
def user_revoke(request: HttpRequest, user_id: int, grant_id: int) -> HttpResponse:
    grant = get_object_or_404(RoleGrant, pk=grant_id, user_id=user_id)
    if request.method == "POST":
        try:
            role_revoke(actor=acting_user(request), grant=grant)
            messages.success(request, _("已撤销角色。"))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("security:user_detail", user_id=user_id)


@role_required(Role.SECURITY_ADMIN)
@reauth_required
def user_reset_2fa(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(User, pk=user_id)
    if request.method == "POST":
        twofactor.two_factor_reset(actor=acting_user(request), user=user)
        messages.success(request, _("已重置双因素认证，该用户下次登录时须重新绑定身份验证器。"))
    return redirect("security:user_detail", user_id=user.pk)


@role_required(Role.SECURITY_ADMIN)
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["username"] and not data["ip"]:
            form.add_error(None, _("请填写用户名或 IP 地址。"))
        else:
            n = services.login_unlock(
                actor=acting_user(request), username=data["username"], ip=data["ip"] or ""
            )
            messages.success(request, _("已解除锁定（清除 %(n)d 条失败记录）。") % {"n": n})
            return redirect("security:unlock")
    from axes.models import AccessAttempt
    from django.conf import settings

    attempts = AccessAttempt.objects.filter(
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
    ).order_by("-attempt_time")[:100]
    return render(
        request,
        "security/unlock.html",
        {"form": form, "attempts": attempts, "limit": settings.AXES_FAILURE_LIMIT},
    )


# --- Personal data ------------------------------------------------------------------------------


@role_required(Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN)
def pii_registry(request: HttpRequest) -> HttpResponse:
    return render(request, "security/pii_registry.html", {"rows": pii.registry_rows()})


@role_required(Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER, Role.SYSTEM_ADMIN)
@reauth_required
def unmask(request: HttpRequest, model: str, pk: str, field: str) -> HttpResponse:
    """Show one personal field in full: needs the permission, a reason and a fresh re-authentication."""
    try:
        obj = services.resolve(model, pk, field)
    except (DomainError, LookupError) as exc:
        raise Http404 from exc
    if not services.may_unmask(request.user, obj._meta.label_lower, obj):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    form = UnmaskForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = services.pii_unmask(
                actor=acting_user(request),
                request=request,
                obj=obj,
                field=field,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
    context = {"obj": obj, "field": field, "form": form, "value": value, "masked": getattr(obj, field)}
    return render(request, "security/unmask.html", context)


# --- Audit log: audit administrator --------------------------------------------------------------


@role_required(Role.AUDIT_ADMIN)
def audit_search(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = event_search(filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(e, action_label(e.action)) for e in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "security/audit_search.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _export_rows(qs: Any) -> Any:
    yield [
        _("序号"),
        _("时间"),
        _("操作人"),
        _("动作代码"),
        _("动作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        "IP",
        _("渠道"),
        _("请求编号"),
        _("数据"),
        _("本行哈希"),
    ]
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.seq,
            timezone.localtime(e.occurred_at).replace(tzinfo=None),
            e.actor_label,
            e.action,
            str(action_label(e.action)),
            e.object_type.model if e.object_type_id else "",
            e.object_id,
            e.object_repr,
            e.ip or "",
            e.channel,
            e.request_id,
            str(e.data)[:2000],
            e.row_hash,
        ]


@role_required(Role.AUDIT_ADMIN)
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    qs = event_search(filters)[:EXPORT_MAX_ROWS]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    count = 0
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in _export_rows(qs):
            writer.writerow(safe_row(row))
            count += 1
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("审计日志"))
        for row in _export_rows(qs):
            ws.append(safe_row(row))
            count += 1
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
    audit(
        acting_user(request),
        "security.audit.exported",
        data={
            "rows": max(0, count - 1),
            "format": fmt,
            "filters": {k: str(v) for k, v in filters.items() if v},
        },
    )
    return response


@role_required(Role.AUDIT_ADMIN)
def audit_verify(request: HttpRequest) -> HttpResponse:
    report = audit_chain.verify()
    audit(
        acting_user(request),
        "security.audit.verified",
        data={"rows": report.rows, "problems": len(report.problems or []), "last_seq": report.last_seq},
    )
    return render(request, "security/audit_verify.html", {"report": report})


@role_required(Role.AUDIT_ADMIN, Role.SECURITY_ADMIN)
def person_access(request: HttpRequest) -> HttpResponse:
    """Who saw this person's data in full (unmasking) or exported it: by phone number, via the blind index."""
    form = PersonAccessForm(request.GET or None)
    rows = None
    if form.is_valid():
        rows = list(pii.accesses_for_phone(form.cleaned_data["phone"])[:500])
    return render(request, "security/person_access.html", {"form": form, "rows": rows})
