"""Who the ledger notifies, through the notifications outbox, in the same transaction as the change.
(A breached instalment's notifications are checked with the breach, in test_disputes_plans_campaigns.)"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import transaction

from qingqian.ledger import services
from qingqian.ledger.tests.factories import make_item
from qingqian.notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db


def notes(topic: str, item):
    """The in-app notifications on `topic` about `item` (the demo city has its own)."""
    return Notification.objects.filter(topic=topic, channel=Channel.INAPP, object_id=str(item.pk))


def told(topic: str, item) -> set[str]:
    """Usernames that got an in-app notification on `topic` about `item`."""
    return set(notes(topic, item).values_list("recipient__username", flat=True))


def report(world, item, *, actor=None, amount="10.00"):
    return services.payment_report_create(
        actor=actor or world.clerk,
        item=item,
        amount=Decimal(amount),
        paid_on=dt.date(2024, 7, 1),
        method="bank_transfer",
    )


def test_a_reported_payment_asks_the_sme_to_confirm_in_its_portal(world):
    item = make_item(actor=world.clerk)
    report(world, item)
    assert told("ledger.payment.reported", item) == {"enterprise"}
    note = notes("ledger.payment.reported", item).get()
    assert note.link == "/ledger/portal/" and note.object_id == str(item.pk)
    assert note.subject.startswith(f"[{item.contract_number}]") and "10.00" in note.body


def test_the_smes_answer_reaches_the_debtor_clerk_and_whoever_reported(world):
    item = make_item(actor=world.clerk)
    confirmed = report(world, item, actor=world.finance)  # the department reports for the body
    services.payment_report_confirm(actor=world.enterprise, report=confirmed)
    assert told("ledger.payment.confirmed", item) == {"clerk", "finance"}
    body = notes("ledger.payment.confirmed", item).get(recipient=world.clerk).body
    assert "99,990.00" in body  # the balance after the payment

    rejected = report(world, item)
    services.payment_report_reject(actor=world.enterprise, report=rejected, reason="未收到款项")
    assert told("ledger.payment.rejected", item) == {"clerk"}
    assert "未收到款项" in notes("ledger.payment.rejected", item).get(recipient=world.clerk).body


def test_an_escalated_report_tells_the_office_once(world, settings):
    settings.LEDGER_CONFIRM_ESCALATE_DAYS = 7
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        item = make_item(actor=world.clerk)
        report(world, item)
    with time_machine.travel(dt.datetime(2025, 3, 11, 9, 0, tzinfo=dt.UTC), tick=False):
        assert services.payment_reports_escalate() == 1
        assert services.payment_reports_escalate() == 0
    assert told("ledger.payment.escalated", item) == {"office"}
    assert notes("ledger.payment.escalated", item).count() == 1


def test_a_notification_exists_only_if_its_change_committed(world):
    item = make_item(actor=world.clerk)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        report(world, item)
        assert told("ledger.payment.reported", item) == {"enterprise"}
        raise Abort
    assert not notes("ledger.payment.reported", item).exists()
