"""Reads of notifications: a user's inbox, and the outbox's stuck rows for the office/sysadmin."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from qingqian.core.permissions import Action
from qingqian.notifications.models import Channel, Notification
from qingqian.notifications.services import stuck_q


def inbox_for(*, user: Any, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient_id=user.pk, channel=Channel.INAPP)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox_for(user=user, unread_only=True).count()


def stuck_for(*, user: Any) -> QuerySet[Notification]:
    return (
        Notification.objects.restrict(user, Action.VIEW)
        .filter(stuck_q())
        .exclude(channel=Channel.INAPP)
        .select_related("recipient")
        .order_by("created_at", "id")
    )


def retryable_for(*, user: Any) -> QuerySet[Notification]:
    """E-mail/SMS rows not yet delivered, within the office's / sysadmin's reach."""
    from qingqian.notifications.models import State

    return (
        Notification.objects.restrict(user, Action.CHANGE)
        .exclude(channel=Channel.INAPP)
        .exclude(state=State.SENT)
    )
