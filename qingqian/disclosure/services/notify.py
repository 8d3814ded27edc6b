"""Notifications for disclosure, through `qingqian.notifications` (outbox, in the caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models


def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    subject: str,
    body: str = "",
    link: str = "",
    obj: models.Model | None = None,
    dedupe_key: str = "",
) -> int:
    if not apps.is_installed("qingqian.notifications"):
        return 0
    from qingqian.notifications.services import notify as send

    rows = send(
        recipients=list(recipients),
        topic=topic,
        subject=subject,
        body=body,
        link=link,
        obj=obj,
        dedupe_key=dedupe_key,
    )
    return len(rows)


def users_with(role: str, **scope: Any) -> list[Any]:
    """Active users holding `role` with the given scope (e.g. ``organisation_id=…``)."""
    from qingqian.accounts.models import RoleGrant

    return [
        g.user
        for g in RoleGrant.objects.filter(
            role=role, active=True, user__is_active=True, **scope
        ).select_related("user")
    ]


def office_users_for(body: Any) -> list[Any]:
    """Active task-force office users whose region covers the body."""
    from qingqian.accounts.models import RoleGrant

    path = body.region.path
    return [
        g.user
        for g in RoleGrant.objects.filter(role="taskforce_office", active=True).select_related(
            "region", "user"
        )
        if g.region is None or path.startswith(g.region.path)
    ]
