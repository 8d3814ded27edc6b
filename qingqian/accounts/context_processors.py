from typing import Any

from django.conf import settings
from django.http import HttpRequest

from qingqian.accounts.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    labels: list[str] = []
    context: dict[str, Any] = {}
    if user is not None and user.is_authenticated:
        labels = sorted({str(g.get_role_display()) for g in user.scope_grants()})
        from qingqian.accounts.session_policy import idle_remaining

        if hasattr(request, "session"):
            context["session_idle_remaining"] = idle_remaining(request)
            context["session_idle_warning"] = settings.SESSION_IDLE_WARNING_SECONDS
    context.update({"nav_items": items_for(user, request.path), "role_labels": labels})
    return context
