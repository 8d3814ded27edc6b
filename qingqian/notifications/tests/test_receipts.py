"""Exactly-once e-mail across a worker crash: every message carries the row's own Message-ID, and a
row left "sending" by a dead worker is settled by the backend's receipt, not by sending blindly again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from qingqian.notifications import services, spool
from qingqian.notifications.models import Channel, Notification, State


@pytest.fixture
def spooled(settings: Any, tmp_path: Path) -> Path:
    settings.EMAIL_BACKEND = "qingqian.notifications.spool.SpoolEmailBackend"
    settings.EMAIL_SPOOL_DIR = tmp_path
    settings.NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS = 5
    return tmp_path


@pytest.fixture
def office(world: Any) -> Any:
    world.office.email = "office@example.cn"
    world.office.save(update_fields=["email"])
    return world.office


def _crash_while_sending(n: Notification, *, after_send: bool) -> None:
    """What a worker killed between claiming a row and recording the outcome leaves behind."""
    if after_send:
        services._send(n)
    Notification.objects.filter(pk=n.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - dt.timedelta(seconds=30)
    )


def test_each_message_is_one_spool_file_named_by_its_message_id(spooled: Path, office: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="新投诉", channels=[Channel.EMAIL])
    assert services.deliver_due().sent == 1
    key = spool.file_key(n.message_id)
    assert spool.deliveries() == {key: 1}
    [path] = (spooled / "new").iterdir()
    text = path.read_bytes().decode()
    assert f"Message-ID: {n.message_id}" in text and "office@example.cn" in text
    assert spool.SpoolEmailBackend.delivered(n.message_id)
    assert not list((spooled / "tmp").iterdir())  # written, then renamed: no half files


def test_a_worker_killed_after_sending_is_not_sent_again(spooled: Path, office: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.EMAIL])
    _crash_while_sending(n, after_send=True)
    report = services.deliver_due()
    assert (report.receipted, report.recovered, report.sent) == (1, 0, 0)
    n.refresh_from_db()
    assert n.state == State.SENT and n.sent_at is not None
    assert spool.deliveries() == {spool.file_key(n.message_id): 1}


def test_a_worker_killed_before_sending_sends_it_once(spooled: Path, office: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.EMAIL])
    _crash_while_sending(n, after_send=False)
    report = services.deliver_due()
    assert (report.receipted, report.recovered, report.sent) == (0, 1, 1)
    assert services.deliver_due().sent == 0
    assert spool.deliveries() == {spool.file_key(n.message_id): 1}


def test_a_fresh_claim_is_left_to_its_worker(spooled: Path, office: Any) -> None:
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.EMAIL])
    Notification.objects.filter(pk=n.pk).update(state=State.SENDING, claimed_at=timezone.now())
    report = services.deliver_due()
    assert (report.receipted, report.recovered, report.sent) == (0, 0, 0)
    assert spool.deliveries() == {}


def test_without_receipts_the_message_goes_again_with_the_same_message_id(office: Any) -> None:
    """The locmem test backend keeps no receipts: at-least-once, and the copy is recognisable."""
    [n] = services.notify(recipients=[office], topic="t", subject="x", channels=[Channel.EMAIL])
    services._send(n)
    Notification.objects.filter(pk=n.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - dt.timedelta(hours=1)
    )
    report = services.deliver_due()
    assert (report.receipted, report.recovered, report.sent) == (0, 1, 1)
    ids = [m.extra_headers["Message-ID"] for m in mail.outbox[-2:]]
    assert ids == [n.message_id, n.message_id]
