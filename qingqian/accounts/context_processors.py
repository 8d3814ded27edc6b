from typing import Any

from django.http import HttpRequest

from qingqian.accounts.navigation import items_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    labels: list[str] = []
    if user is not None and user.is_authenticated:
        labels = sorted({str(g.get_role_display()) for g in user.scope_grants()})
    return {"nav_items": items_for(user, request.path), "role_labels": labels}
