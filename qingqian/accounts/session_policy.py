"""Session rules shared by the middleware, the views and the timeout script's endpoints."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.utils import timezone

from qingqian.accounts.choices import ADMIN_ROLES, STAFF_ROLES

AUTH_AT = "qq_auth_at"
LAST_SEEN = "qq_last_seen"
REAUTH_AT = "qq_reauth_at"


def now() -> float:
    # timezone.now() so that time-machine moves it in tests
    return timezone.now().timestamp()


def idle_limit(user: Any) -> int:
    roles = set(getattr(user, "roles", set()))
    if roles & ADMIN_ROLES:
        return int(settings.SESSION_IDLE_TIMEOUT_ADMIN_SECONDS)
    return int(settings.SESSION_IDLE_TIMEOUT_SECONDS)


def idle_remaining(request: Any) -> int:
    last = request.session.get(LAST_SEEN)
    if last is None:
        return idle_limit(request.user)
    return max(0, int(idle_limit(request.user) - (now() - float(last))))


def password_expired(user: Any) -> bool:
    days = int(settings.PASSWORD_EXPIRY_DAYS)
    if days <= 0 or not set(getattr(user, "roles", set())) & (STAFF_ROLES | ADMIN_ROLES):
        return False
    changed = getattr(user, "password_changed_at", None)
    if changed is None:
        return False
    return (timezone.now() - changed).total_seconds() > days * 86400


def mark_login(session: Any) -> None:
    t = now()
    session[AUTH_AT] = t
    session[LAST_SEEN] = t


def touch(session: Any) -> None:
    session[LAST_SEEN] = now()


def monotonic() -> float:
    return time.monotonic()
