"""A payment report larger than the balance is a wrong input (400); one that only fails because other
reports already await confirmation conflicts with the item's state (409), like a concurrent change."""

from __future__ import annotations

import json

import pytest

from qingqian.ledger.models import PaymentReport
from qingqian.ledger.tests.factories import make_item

pytestmark = pytest.mark.django_db


def _report(client, item, amount):
    return client.post(
        f"/api/v1/ledger/items/{item.pk}/payment-reports",
        data=json.dumps({"amount": amount, "paid_on": "2025-06-01", "method": "bank_transfer"}),
        content_type="application/json",
    )


def test_reports_awaiting_confirmation_make_a_further_one_a_409(world, client_for):
    item = make_item(actor=world.clerk, arrears="1000.00")
    clerk = client_for(world.clerk)
    assert _report(client_for(world.clerk), item, "600.00").status_code == 201
    refused = _report(clerk, item, "600.00")
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "pending_reports_exceed_balance"
    assert "本次最多可报告 400.00 元" in body["message"] and body["fields"]["amount"]
    assert _report(clerk, item, "400.00").status_code == 201
    assert PaymentReport.objects.filter(item=item).count() == 2


def test_more_than_the_balance_is_a_400(world, client_for):
    item = make_item(actor=world.clerk, arrears="1000.00")
    refused = _report(client_for(world.clerk), item, "1000.01")
    assert refused.status_code == 400 and "报告金额超过欠款余额" in refused.json()["message"]
