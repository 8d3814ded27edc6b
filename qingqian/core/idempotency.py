"""Idempotency keys for POSTs under /api/ (Stripe-style semantics), safe across crashes.

A client that retries a POST sends the same `Idempotency-Key` header. The first response is stored
with a hash of the request and replayed for the same key and body. The same key with a different
body is refused with 422; a duplicate that arrives while the first is still running gets 409.

Crash safety: the view runs inside one transaction together with the write that marks the key
done and stores the response. Either both commit (a retry replays the response) or neither does
(a retry runs the request again). A key left "in flight" by a process that died is taken over by
a retry once it is older than `IDEMPOTENCY_LOCK_SECONDS`. A 5xx response rolls the work back and
releases the key. Keys are scoped to the caller (user, token or client address) and kept for
`IDEMPOTENCY_KEY_TTL_HOURS`.
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


def _in_flight() -> JsonResponse:
    return _error(409, "idempotency_in_flight", _("相同幂等键的请求正在处理中，请稍后重试。"))


def _lock_age() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "IDEMPOTENCY_LOCK_SECONDS", 30))


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

        record, early = self._claim(principal, key, body_hash, request.path)
        if early is not None:
            return early
        assert record is not None

        response: HttpResponse | None = None
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if response.status_code >= 500 or getattr(response, "streaming", False):
                    transaction.set_rollback(response.status_code >= 500)
                else:
                    IdempotencyKey.objects.filter(pk=record.pk).update(
                        state=IdempotencyKey.State.DONE,
                        response_status=response.status_code,
                        response_body=response.content,
                        response_content_type=response.get("Content-Type", "application/json"),
                    )
                    return response
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_FLIGHT).delete()
            raise
        # 5xx (work rolled back) or streaming: release the key so a retry runs again.
        IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.IN_FLIGHT).delete()
        return response

    def _claim(
        self, principal: str, key: str, body_hash: str, path: str
    ) -> tuple[IdempotencyKey | None, HttpResponse | None]:
        """Insert the key in flight (committed at once, so concurrent duplicates see it), or decide
        what to answer from the row already there."""
        now = timezone.now()
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(principal=principal, key=key, expires_at__lt=now).delete()
                record = IdempotencyKey.objects.create(
                    principal=principal,
                    key=key,
                    method="POST",
                    path=path[:500],
                    body_hash=body_hash,
                    created_at=now,
                    expires_at=now + dt.timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS),
                )
            return record, None
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(principal=principal, key=key).first()
        if existing is None:  # removed between the two statements (expired or released): retry later
            return None, _in_flight()
        if existing.body_hash != body_hash:
            return None, _error(
                422, "idempotency_key_reused", _("该 Idempotency-Key 已用于内容不同的请求，请使用新的键。")
            )
        if existing.state == IdempotencyKey.State.DONE:
            replay = HttpResponse(
                bytes(existing.response_body or b""),
                status=existing.response_status or 200,
                content_type=existing.response_content_type or "application/json",
            )
            replay["Idempotent-Replayed"] = "true"
            return None, replay
        if existing.created_at > now - _lock_age():
            return None, _in_flight()
        # A process died while holding this key; its work was rolled back with it. Take over.
        taken = IdempotencyKey.objects.filter(
            pk=existing.pk, state=IdempotencyKey.State.IN_FLIGHT, created_at=existing.created_at
        ).update(created_at=now)
        if taken != 1:
            return None, _in_flight()
        existing.created_at = now
        return existing, None


def prune_expired_keys() -> int:
    deleted, _detail = IdempotencyKey.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
