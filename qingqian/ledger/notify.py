"""Notifications for ledger events, through `qingqian.notifications` when that app is installed.

The call happens inside the service's transaction (outbox semantics). Without the app, nothing is
sent; the warning row and the event remain the record (see docs/ledger.md).
"""

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


def office_users_for(item: Any) -> list[Any]:
    """Active task-force office users whose region covers the item's debtor."""
    from qingqian.accounts.models import RoleGrant

    path = item.debtor.region.path
    users = []
    for g in RoleGrant.objects.filter(role="taskforce_office", active=True).select_related("region", "user"):
        if g.region is None or path.startswith(g.region.path):
            users.append(g.user)
    return users


def enterprise_users_for(item: Any) -> list[Any]:
    from qingqian.accounts.models import RoleGrant

    return [
        g.user
        for g in RoleGrant.objects.filter(
            role="enterprise_user", active=True, enterprise_id=item.creditor_id
        ).select_related("user")
    ]


def debtor_users_for(item: Any) -> list[Any]:
    from qingqian.accounts.models import RoleGrant

    return [
        g.user
        for g in RoleGrant.objects.filter(
            role="debtor_clerk", active=True, organisation_id=item.debtor_id
        ).select_related("user")
    ]
