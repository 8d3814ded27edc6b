"""Permission decisions for notification pages and endpoints."""

from typing import Any

from qingqian.core.testing.matrix import LOGGED_IN, Endpoint, Page

OUTBOX_ADMINS = frozenset({"office", "sysadmin"})


def _note_for_office(world: Any, *, dead: bool = False) -> int:
    from qingqian.notifications.models import Channel, Notification, State
    from qingqian.notifications.services import notify

    world.office.email = world.office.email or "office@example.cn"
    world.office.save(update_fields=["email"])
    rows = notify(
        recipients=[world.office], topic="test", subject="测试", channels=[Channel.INAPP, Channel.EMAIL]
    )
    n = next(r for r in rows if r.channel == (Channel.EMAIL if dead else Channel.INAPP))
    if dead:
        Notification.objects.filter(pk=n.pk).update(state=State.DEAD, attempts=6, last_error="smtp down")
    return n.pk


PAGES = [
    Page("notifications:inbox", LOGGED_IN),
    Page(
        "notifications:mark_read",
        frozenset({"office"}),
        kwargs=lambda w: {"pk": _note_for_office(w)},
        method="POST",
        ok=frozenset({302}),
    ),
    Page("notifications:mark_all_read", LOGGED_IN, method="POST", ok=frozenset({302})),
    Page("notifications:stuck", OUTBOX_ADMINS),
    Page(
        "notifications:retry",
        OUTBOX_ADMINS,
        kwargs=lambda w: {"pk": _note_for_office(w, dead=True)},
        method="POST",
        ok=frozenset({302}),
    ),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/notifications", LOGGED_IN),
    Endpoint("GET", "/api/v1/notifications/unread-count", LOGGED_IN),
    Endpoint(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        frozenset({"office"}),
        params=lambda w: {"notification_id": _note_for_office(w)},
    ),
    Endpoint("GET", "/api/v1/notifications/stuck", OUTBOX_ADMINS),
    Endpoint(
        "POST",
        "/api/v1/notifications/{notification_id}/retry",
        OUTBOX_ADMINS,
        params=lambda w: {"notification_id": _note_for_office(w, dead=True)},
    ),
]
