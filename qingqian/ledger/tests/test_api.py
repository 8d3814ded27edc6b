"""The ledger API end to end: register, report, confirm (with idempotency keys), figures, import, export."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from qingqian.ledger.models import ArrearsItem, PaymentReport

pytestmark = pytest.mark.django_db
API = "/api/v1/ledger"


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def test_a_payment_travels_from_report_to_confirmation_through_the_api(world, client_for):
    from qingqian.registry.models import Enterprise, Organisation

    clerk, sme, office = client_for(world.clerk), client_for(world.enterprise), client_for(world.office)
    body = {
        "debtor_id": Organisation.objects.get(name="石家庄市教育局").pk,
        "creditor_uscc": Enterprise.objects.get(name="石家庄恒信建筑劳务有限公司").uscc,
        "arrears_amount": "50000.00",
        "contract_number": "API-1",
        "subject_kind": "services",
        "signed_on": "2025-03-01",
        "delivered_on": "2025-04-01",
        "contract_amount": "80000.00",
    }
    created = post(clerk, f"{API}/items", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["balance"] == "50000.00" and item["due_on"] == "2025-05-06"
    assert item["explanation"]["term_reason"]["code"]

    cleared_before = Decimal(office.get(f"{API}/cleared", {"by": "region"}).json()["total"])
    report = post(
        clerk,
        f"{API}/items/{item['id']}/payment-reports",
        {"amount": "20000.00", "paid_on": "2025-06-01", "method": "commercial_bill"},
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert report.status_code == 201 and report.json()["non_cash"] is True
    replay = post(
        clerk,
        f"{API}/items/{item['id']}/payment-reports",
        {"amount": "20000.00", "paid_on": "2025-06-01", "method": "commercial_bill"},
        HTTP_IDEMPOTENCY_KEY="pay-1",
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert PaymentReport.objects.filter(item_id=item["id"]).count() == 1

    pending = sme.get(f"{API}/payment-reports", {"status": "reported"}).json()
    assert report.json()["id"] in [r["id"] for r in pending["items"]]
    denied = post(clerk, f"{API}/payment-reports/{report.json()['id']}/confirm", {})
    assert denied.status_code == 403 and denied.json()["code"] == "forbidden"
    confirmed = post(sme, f"{API}/payment-reports/{report.json()['id']}/confirm", {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"

    detail = clerk.get(f"{API}/items/{item['id']}").json()
    assert detail["balance"] == "30000.00" and detail["paid_total"] == "20000.00"
    after = Decimal(office.get(f"{API}/cleared", {"by": "region"}).json()["total"])
    assert after - cleared_before == Decimal("20000.00")
    totals = clerk.get(f"{API}/totals", {"q": "API-1"}).json()
    assert totals["balance"] == "30000.00" and totals["count"] == 1
    entries = clerk.get(f"{API}/items/{item['id']}/entries").json()
    assert [e["kind"] for e in entries] == ["confirmed", "payment"]


def test_errors_share_the_one_shape(world, client_for):
    clerk = client_for(world.clerk)
    item = ArrearsItem.objects.filter(debtor__name="石家庄市教育局").earliest("pk")
    bad = post(
        clerk,
        f"{API}/items/{item.pk}/payment-reports",
        {"amount": "0", "paid_on": "2025-06-01", "method": "x"},
    )
    assert bad.status_code == 400
    assert set(bad.json()) >= {"code", "message", "fields"} and "amount" in bad.json()["fields"]
    unknown = client_for(world.sasac).get(f"{API}/items/{item.pk}")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_lists_are_scoped_and_paginated(world, client_for):
    office = client_for(world.office).get(f"{API}/items", {"page_size": 5}).json()
    clerk = client_for(world.clerk).get(f"{API}/items", {"page_size": 500}).json()
    sme = client_for(world.enterprise).get(f"{API}/items", {"page_size": 500}).json()
    assert office["count"] >= clerk["count"] > 0 and len(office["items"]) == 5
    assert {i["debtor_name"] for i in clerk["items"]} == {"石家庄市教育局"}
    assert {i["creditor_name"] for i in sme["items"]} == {"石家庄恒信建筑劳务有限公司"}
    assert client_for(world.sysadmin).get(f"{API}/items").status_code == 403


def test_import_and_export_through_the_api(
    world, client_for, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    clerk = client_for(world.clerk)
    exported = clerk.get(f"{API}/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    path = tmp_path / "round.xlsx"
    path.write_bytes(exported.content)
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as fh:
        response = clerk.post(f"{API}/imports", {"file": fh, "unit": "auto"})
    assert response.status_code == 202, response.content
    job = clerk.get(f"{API}/imports/{response.json()['id']}").json()
    assert job["status"] == "succeeded", job["errors"][:3]
    assert job["created_count"] == 0 and job["unchanged_count"] > 0
