"""Idempotency keys for POSTs under /api/ (Stripe-style semantics).

A client that retries a POST sends the same `Idempotency-Key` header. The first response is stored
with a hash of the request body and replayed for the same key and body. The same key with a
different body is refused with 422; a duplicate that arrives while the first is still running gets
409. A 5xx response is not stored, so a retry after a crash runs again. Keys are scoped to the
caller (user, token or client address) and kept for `IDEMPOTENCY_KEY_TTL_HOURS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _principal(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    auth = request.headers.get("Authorization", "")
    if auth:
        return "auth:" + hashlib.sha256(auth.encode()).hexdigest()[:40]
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith("/api/"):
            return self.get_response(request)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(400, "idempotency_key_invalid", _("Idempotency-Key 须为 1–255 个字符。"))
        body_hash = hashlib.sha256(request.method.encode() + request.path.encode() + request.body).hexdigest()
        principal = _principal(request)
        now = timezone.now()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(principal=principal, key=key, expires_at__lt=now).delete()
                record = IdempotencyKey.objects.create(
                    principal=principal,
                    key=key,
                    method=request.method,
                    path=request.path[:500],
                    body_hash=body_hash,
                    expires_at=now + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS),
                )
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(principal=principal, key=key).first()
            if existing is None:  # expired and removed between the two statements: treat as in flight
                return _error(409, "idempotency_in_flight", _("相同幂等键的请求正在处理中，请稍后重试。"))
            if existing.body_hash != body_hash:
                return _error(
                    422,
                    "idempotency_key_reused",
                    _("该 Idempotency-Key 已用于内容不同的请求，请使用新的键。"),
                )
            if existing.state != IdempotencyKey.State.DONE:
                return _error(409, "idempotency_in_flight", _("相同幂等键的请求正在处理中，请稍后重试。"))
            replay = HttpResponse(
                bytes(existing.response_body or b""),
                status=existing.response_status or 200,
                content_type=existing.response_content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return replay

        try:
            response = self.get_response(request)
        except Exception:
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or getattr(response, "streaming", False):
            IdempotencyKey.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyKey.objects.filter(pk=record.pk).update(
            state=IdempotencyKey.State.DONE,
            response_status=response.status_code,
            response_body=response.content,
            response_content_type=response.get("Content-Type", "application/json"),
        )
        return response


def prune_expired_keys() -> int:
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
