"""Response headers every page gets (等保 8.1.4 / ASVS V3.4): Permissions-Policy, and
`Cache-Control: no-store` for everything a signed-in user or an API client receives (staff pages,
exports, personal data must not stay in shared caches or the browser's history).

The one exception: an anonymous read whose view declared it `Cache-Control: public, …` — the public
disclosure pages (`disclosure.views.public_page`) and the public API (`disclosure.api.cacheable`) —
keeps that header, so browsers and shared caches may keep the published figures for
DISCLOSURE_PUBLIC_MAX_AGE seconds. A signed-in user always gets `no-store`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(settings.STATIC_URL):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/") or request.path.startswith("/accounts/"):
            if not signed_in and response.get("Cache-Control", "").startswith("public"):
                return response  # a public read its view declared cacheable (public pages, /api/v1/public/)
            response["Cache-Control"] = "no-store"
            response.setdefault("Pragma", "no-cache")
        return response
