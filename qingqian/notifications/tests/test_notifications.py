"""The outbox: written in the caller's transaction, delivered after commit with retries and backoff,
stuck rows listed and retried; the in-app inbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from qingqian.core.errors import InvalidInput
from qingqian.core.models import Event
from qingqian.notifications import selectors, services
from qingqian.notifications.backends import LoggingSmsBackend
from qingqian.notifications.models import Channel, Notification, State


@pytest.fixture
def office(world: Any) -> Any:
    world.office.email, world.office.phone = "office@example.cn", "13800000001"
    world.office.save(update_fields=["email", "phone"])
    return world.office


def test_notify_refuses_to_run_outside_a_transaction(office: Any) -> None:
    with transaction.atomic():
        pass
    import qingqian.notifications.services as s

    assert s.notify is services.notify
    # pytest-django wraps the test in a transaction, so simulate the bare call:
    from unittest import mock

    with mock.patch("qingqian.notifications.services.transaction.get_connection") as conn:
        conn.return_value.in_atomic_block = False
        with pytest.raises(RuntimeError):
            services.notify(recipients=[office], topic="t", subject="x")


def test_inapp_rows_are_delivered_by_being_written_and_email_waits_for_the_worker(office: Any) -> None:
    rows = services.notify(
        recipients=[office],
        topic="t",
        subject="新投诉",
        body="请审查",
        link="/complaints/1/",
        channels=[Channel.INAPP, Channel.EMAIL, Channel.SMS],
    )
    states = {r.channel: r.state for r in rows}
    assert states == {Channel.INAPP: State.SENT, Channel.EMAIL: State.PENDING, Channel.SMS: State.PENDING}
    LoggingSmsBackend.sent.clear()
    report = services.deliver_due()
    assert report.sent == 2
    assert mail.outbox[-1].subject == "新投诉" and "请审查" in mail.outbox[-1].body
    assert LoggingSmsBackend.sent == [("13800000001", "新投诉")]
    assert services.deliver_due().sent == 0  # nothing twice


def test_a_recipient_without_an_address_gets_only_the_inbox(world: Any) -> None:
    world.clerk.email = ""
    world.clerk.save(update_fields=["email"])
    rows = services.notify(
        recipients=[world.clerk], topic="t", subject="x", channels=[Channel.INAPP, Channel.EMAIL]
    )
    assert [r.channel for r in rows] == [Channel.INAPP]


def test_a_dedupe_key_makes_a_repeat_a_no_op(office: Any) -> None:
    first = services.notify(
        recipients=[office], topic="t", subject="x", dedupe_key="ladder:1:review:2025-09-15:1"
    )
    again = services.notify(
        recipients=[office], topic="t", subject="x", dedupe_key="ladder:1:review:2025-09-15:1"
    )
    assert len(first) == 2
    assert again == []
    assert Notification.objects.filter(recipient=office, dedupe_key__startswith="ladder:1:").count() == 2


def test_failures_back_off_then_stop_and_show_as_stuck(office: Any, settings: Any) -> None:
    settings.NOTIFICATIONS_SMS_BACKEND = "qingqian.notifications.backends.FailingSmsBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    [n] = services.notify(recipients=[office], topic="t", subject="短信", channels=[Channel.SMS])
    now = timezone.now()
    r1 = services.deliver_due(now=now)
    n.refresh_from_db()
    assert r1.failed == 1 and n.state == State.PENDING and n.attempts == 1
    assert n.next_attempt_at == now + dt.timedelta(minutes=1)
    assert services.deliver_due(now=now + dt.timedelta(seconds=30)).failed == 0  # not due yet
    services.deliver_due(now=now + dt.timedelta(minutes=1))
    n.refresh_from_db()
    assert n.attempts == 2 and n.next_attempt_at == now + dt.timedelta(minutes=1) + dt.timedelta(minutes=2)
    r3 = services.deliver_due(now=now + dt.timedelta(minutes=10))
    n.refresh_from_db()
    assert r3.dead == 1 and n.state == State.DEAD and "unavailable" in n.last_error
    assert Event.objects.filter(action="notifications.notification.dead").exists()
    assert list(selectors.stuck_for(user=office)) == [n]
    # the gateway is back: the office retries it
    settings.NOTIFICATIONS_SMS_BACKEND = "qingqian.notifications.backends.LoggingSmsBackend"
    services.notification_retry(actor=office, notification=n)
    assert services.deliver_due().sent == 1
    n.refresh_from_db()
    assert n.state == State.SENT and not selectors.stuck_for(user=office).exists()
    with pytest.raises(InvalidInput):
        services.notification_retry(actor=office, notification=n)


def test_a_worker_that_died_mid_send_gives_the_row_back(office: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.EMAIL])
    Notification.objects.filter(pk=n.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    report = services.deliver_due()
    assert report.recovered == 1 and report.sent == 1


def test_the_inbox_page_marks_read_and_follows_the_link(office: Any, client_for: Any) -> None:
    services.notification_mark_all_read(actor=office)
    [n] = services.notify(
        recipients=[office], topic="t", subject="请审查新线索", link="/complaints/", channels=[Channel.INAPP]
    )
    c = client_for(office)
    assert "请审查新线索" in c.get("/notifications/").content.decode()
    assert c.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    r = c.post(f"/notifications/{n.pk}/read/")
    assert r.status_code == 302 and r["Location"] == "/complaints/"
    assert c.get("/api/v1/notifications/unread-count").json() == {"unread": 0}
    assert client_for(office).post(f"/notifications/{n.pk + 999}/read/").status_code == 404


def test_nobody_reads_someone_elses_inbox(office: Any, world: Any, client_for: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.INAPP])
    c = client_for(world.finance)
    assert c.post(f"/api/v1/notifications/{n.pk}/read").status_code == 404
    assert n.pk not in [i["id"] for i in c.get("/api/v1/notifications", {"page_size": 500}).json()["items"]]
