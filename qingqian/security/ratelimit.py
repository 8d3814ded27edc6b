"""Rate limits (429 with Retry-After) on login, intake and the public API.

Fixed windows counted in the database (`RateCounter`), so every worker process shares the count on
SQLite and PostgreSQL alike. Rules come from `settings.RATE_LIMIT_RULES`:
`(name, path regex, methods, "<requests>/<seconds>")`, per client address (`core.middleware.client_ip`).
Views can also call `hit(name, key, spec)` directly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.middleware import client_ip
from qingqian.security.models import RateCounter


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


def parse(spec: str) -> Limit:
    count, _sep, seconds = spec.partition("/")
    return Limit(int(count), int(seconds or 60))


@cache
def _rules() -> list[tuple[str, re.Pattern[str], frozenset[str], Limit]]:
    return [
        (name, re.compile(pattern), frozenset(methods), parse(spec))
        for name, pattern, methods, spec in settings.RATE_LIMIT_RULES
    ]


def hit(name: str, key: str, limit: Limit) -> int:
    """Count one request; returns 0 if allowed, else the seconds until the window ends."""
    now = timezone.now().timestamp()
    window = int(now // limit.seconds) * limit.seconds
    full_key = f"{name}:{key}"[:200]
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=full_key, window_start=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=full_key, window_start=window, count=1)
            except IntegrityError:
                RateCounter.objects.filter(key=full_key, window_start=window).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=full_key, window_start=window).values_list("count", flat=True)[
            0
        ]
    if count > limit.requests:
        return max(1, math.ceil(window + limit.seconds - now))
    return 0


def prune_counters() -> int:
    cutoff = int(timezone.now().timestamp()) - 86400
    deleted, _detail = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    message = _("请求过于频繁，请 %(s)d 秒后再试。") % {"s": retry_after}
    response: HttpResponse
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"code": "rate_limited", "message": message, "fields": {}}, status=429)
    else:
        response = TemplateResponse(request, "security/rate_limited.html", {"message": message}, status=429)
        response.render()
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.RATE_LIMIT_ENABLED:
            for name, pattern, methods, limit in _rules():
                if request.method in methods and pattern.search(request.path):
                    retry = hit(name, client_ip(request) or "unknown", limit)
                    if retry:
                        return too_many(request, retry)
                    break
        return self.get_response(request)
