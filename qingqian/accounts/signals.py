"""Security events: logins, logouts, failures and lockouts go to the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from qingqian.accounts import session_policy
from qingqian.core.events import record_event


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_policy.mark_login(request.session)
    with transaction.atomic():
        record_event(actor=user, action="accounts.login.succeeded", obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            record_event(actor=user, action="accounts.logout", obj=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    with transaction.atomic():
        record_event(
            actor=None,
            action="accounts.login.failed",
            data={"username": str(credentials.get("username", ""))[:150]},
        )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: Any = None, username: Any = None, ip_address: Any = None, **kw: Any
) -> None:
    with transaction.atomic():
        record_event(
            actor=None,
            action="accounts.login.locked_out",
            data={"username": str(username or "")[:150], "ip": ip_address or ""},
        )
