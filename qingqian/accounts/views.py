from __future__ import annotations

import base64
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qingqian.accounts import session_policy, twofactor
from qingqian.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role
from qingqian.accounts.decorators import role_required
from qingqian.accounts.forms import CodeForm, EnrolForm, LoginForm, ReauthForm, StyledPasswordChangeForm
from qingqian.accounts.models import User
from qingqian.accounts.reauth import mark_reauth
from qingqian.core.events import record_event
from qingqian.core.permissions import Action
from qingqian.registry.models import Enterprise, Organisation, TaskForce


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired", "")
        return context


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request: HttpRequest, default: str = "accounts:home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    from django.urls import reverse

    return reverse(default)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Second step of the login: a code from the authenticator app, or a recovery code."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_verified():  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    if twofactor.confirmed_device(user) is None:
        return redirect("accounts:two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, user=user, code=form.cleaned_data["code"]):
            return redirect(_safe_next(request))
        form.add_error("code", _("验证码不正确或已使用，请重试。"))
    return _no_store(render(request, "accounts/two_factor.html", {"form": form, "next": _safe_next(request)}))


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    img.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (first login of a staff or administrator account, or after a reset)."""
    user: User = request.user  # type: ignore[assignment]
    if twofactor.confirmed_device(user) is not None:
        return redirect("accounts:two_factor")
    device = twofactor.pending_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.enroll_confirm(request, user=user, code=form.cleaned_data["code"])
        if codes is not None:
            return _no_store(
                render(request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
            )
        form.add_error("code", _("验证码不正确，请核对手机时间后重试。"))
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _safe_next(request),
    }
    return _no_store(render(request, "accounts/two_factor_setup.html", context))


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (after re-authentication); the old ones stop working."""
    from qingqian.accounts.reauth import reauth_required

    @reauth_required
    def inner(request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if request.method == "POST":
            codes = twofactor.recovery_codes_issue(actor=user, user=user)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _safe_next(request)}
            )
        return render(
            request, "accounts/recovery_regenerate.html", {"left": twofactor.recovery_codes_left(user)}
        )

    return _no_store(inner(request))


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    """Confirm the password (and the second factor) again before a sensitive action."""
    user: User = request.user  # type: ignore[assignment]
    needs_code = twofactor.requires_two_factor(user)
    form = ReauthForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok = (
            authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
            is not None
        )
        if ok and needs_code:
            device = twofactor.confirmed_device(user)
            with transaction.atomic():
                ok = device is not None and device.verify_token(form.cleaned_data["code"].strip())
        with transaction.atomic():
            record_event(actor=user, action="accounts.reauth." + ("succeeded" if ok else "failed"), obj=user)
        if ok:
            mark_reauth(request)
            return redirect(_safe_next(request))
        form.add_error(None, _("密码或动态验证码不正确。"))
    context = {"form": form, "needs_code": needs_code, "next": _safe_next(request)}
    return _no_store(render(request, "accounts/reauth.html", context))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        with transaction.atomic():
            record_event(actor=form.user, action="accounts.password.changed", obj=form.user)
        messages.success(self.request, _("密码已修改。"))
        return response


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the idle timeout (polling this does not count as activity)."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "remaining": 0}, status=401)
    response = JsonResponse(
        {
            "authenticated": True,
            "remaining": session_policy.idle_remaining(request),
            "warning": settings.SESSION_IDLE_WARNING_SECONDS,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def session_extend(request: HttpRequest) -> JsonResponse:
    """The timeout warning's “继续使用” button: counts as activity and returns the new remaining time."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False, "remaining": 0}, status=401)
    session_policy.touch(request.session)
    response = JsonResponse({"authenticated": True, "remaining": session_policy.idle_remaining(request)})
    response["Cache-Control"] = "no-store"
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their own start page."""
    if not request.user.is_authenticated:
        return redirect("public:home")
    roles = request.user.roles
    if roles & STAFF_ROLES:
        return redirect("accounts:staff_home")
    if Role.ENTERPRISE_USER in roles:
        return redirect("accounts:portal_home")
    if roles & ADMIN_ROLES:
        return redirect("accounts:admin_home")
    return redirect("public:home")


@role_required(*STAFF_ROLES)
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    bodies = Organisation.objects.restrict(user, Action.VIEW)
    context = {
        "grants": user.scope_grants(),  # type: ignore[union-attr]
        "body_count": bodies.exclude(kind="department").count(),
        "department_count": bodies.filter(kind="department").count(),
        "enterprise_count": Enterprise.objects.restrict(user, Action.VIEW).count(),
    }
    return render(request, "accounts/staff_home.html", context)


@role_required(Role.ENTERPRISE_USER)
def portal_home(request: HttpRequest) -> HttpResponse:
    enterprises = Enterprise.objects.restrict(request.user, Action.VIEW).select_related("region")
    taskforce = TaskForce.objects.select_related("office").order_by("region__depth").first()
    return render(request, "accounts/portal_home.html", {"enterprises": enterprises, "taskforce": taskforce})


@role_required(*ADMIN_ROLES)
def admin_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/admin_home.html", {"grants": request.user.scope_grants()})  # type: ignore[union-attr]
