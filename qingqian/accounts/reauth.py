"""Re-authentication for sensitive actions (ASVS 5.0 V7.5, 等保 8.1.4.1): role changes, unmasking
personal data, publishing.

    @role_required(Role.SECURITY_ADMIN)
    @reauth_required
    def grant_view(request): ...

A page view without a fresh re-authentication (REAUTH_MAX_AGE_SECONDS) is sent to
`/accounts/reauth/?next=<this page>`; for a POST the user comes back to the page (GET) and submits
again. Services or API endpoints call `require_recent_reauth(request)`, which raises
`NotPermitted(code="reauth_required")` (403 in the API's error shape).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from qingqian.accounts import session_policy as policy
from qingqian.core.errors import NotPermitted


def has_recent_reauth(request: HttpRequest) -> bool:
    at = request.session.get(policy.REAUTH_AT)
    return at is not None and policy.now() - float(at) <= settings.REAUTH_MAX_AGE_SECONDS


def mark_reauth(request: HttpRequest) -> None:
    request.session[policy.REAUTH_AT] = policy.now()


def require_recent_reauth(request: HttpRequest) -> None:
    if not has_recent_reauth(request):
        raise NotPermitted(
            _("该操作需要重新验证身份：请先在“重新验证”页面输入密码和动态验证码。"), code="reauth_required"
        )


def reauth_url(next_url: str) -> str:
    return reverse("accounts:reauth") + "?" + urlencode({"next": next_url})


def reauth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not has_recent_reauth(request):
            return redirect(reauth_url(request.path if request.method != "GET" else request.get_full_path()))
        return view(request, *args, **kwargs)

    return wrapper
