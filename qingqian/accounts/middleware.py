"""SessionPolicyMiddleware: absolute session limit, idle timeout, two factors, password expiry.

Runs after authentication and django-otp's middleware. API requests get a 401 JSON error where a page
would redirect. Token-authenticated API calls carry no session and are not affected.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from qingqian.accounts import session_policy as policy
from qingqian.accounts.twofactor import confirmed_device, requires_two_factor

# Reachable before the second factor / with an expired password.
ALWAYS_OPEN = ("/static/", "/i18n/", "/healthz", "/accounts/logout/", "/accounts/session/")
TWO_FACTOR_OPEN = ("/accounts/two-factor/",)
PASSWORD_OPEN = ("/accounts/password/",)
# Polling the remaining time must not count as activity.
NOT_ACTIVITY = ("/accounts/session/status/",)
TOUCH_EVERY_SECONDS = 5


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _api_error(code: str, message: str, status: int = 401) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or request.path.startswith("/static/"):
            return self.get_response(request)
        session = request.session
        t = policy.now()
        auth_at = session.get(policy.AUTH_AT)
        if auth_at is None:
            policy.mark_login(session)
            auth_at = t
        if t - float(auth_at) > settings.SESSION_ABSOLUTE_SECONDS:
            return self._end(
                request,
                "absolute",
                _("登录已超过%(h)d小时，请重新登录。") % {"h": settings.SESSION_ABSOLUTE_SECONDS // 3600},
            )
        last = float(session.get(policy.LAST_SEEN, t))
        if t - last > policy.idle_limit(user):
            return self._end(request, "idle", _("由于长时间未操作，您已自动退出，请重新登录。"))
        path = request.path
        if not path.startswith(NOT_ACTIVITY) and t - last >= TOUCH_EVERY_SECONDS:
            policy.touch(session)
        if path.startswith(ALWAYS_OPEN):
            return self.get_response(request)
        if requires_two_factor(user) and not user.is_verified():  # type: ignore[attr-defined]
            if path.startswith(TWO_FACTOR_OPEN):
                return self.get_response(request)
            if _is_api(request):
                return _api_error("two_factor_required", _("请先完成双因素认证。"))
            target = "accounts:two_factor" if confirmed_device(user) else "accounts:two_factor_setup"
            return redirect(reverse(target) + "?" + urlencode({"next": request.get_full_path()}))
        if policy.password_expired(user) and not path.startswith(PASSWORD_OPEN + TWO_FACTOR_OPEN):
            if _is_api(request):
                return _api_error("password_expired", _("密码已过期，请先在网页上修改密码。"), 403)
            messages.warning(
                request,
                _("您的密码已超过%(d)d天未修改，请先修改密码。") % {"d": settings.PASSWORD_EXPIRY_DAYS},
            )
            return redirect("accounts:password_change")
        return self.get_response(request)

    def _end(self, request: HttpRequest, why: str, message: str) -> HttpResponse:
        from django.db import transaction

        from qingqian.core.events import record_event

        user = request.user
        with transaction.atomic():
            record_event(actor=user, action="accounts.session.expired", obj=user, data={"reason": why})  # type: ignore[arg-type]
        logout(request)
        if _is_api(request):
            return _api_error("session_expired", message)
        return redirect(
            reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path(), "expired": why})
        )
