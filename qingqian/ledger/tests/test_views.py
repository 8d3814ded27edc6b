"""The ledger pages: what each persona sees, and the journey through the HTML forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from qingqian.ledger.models import ArrearsItem, PaymentReport

pytestmark = pytest.mark.django_db


def _jy(number="JY-2025-003"):
    return ArrearsItem.objects.get(contract_number=number, debtor__name="石家庄市教育局")


def test_the_list_shows_totals_and_the_cleared_figure_in_scope(
    world, client_for, django_assert_max_num_queries
):
    client = client_for(world.office)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("ledger:item_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "累计清偿" in body and "JY-2024-017" in body
    clerk_page = client_for(world.clerk).get(reverse("ledger:item_list")).content.decode()
    assert "JY-2024-017" in clerk_page and "RL-2023-088" not in clerk_page  # another body's item
    filtered = client.get(reverse("ledger:item_list"), {"disputed": "1"}).content.decode()
    assert "JY-2025-011" in filtered and "JY-2025-003" not in filtered


def test_the_item_page_explains_the_due_date_and_shows_the_timeline(world, client_for):
    item = _jy("JY-2024-017")
    body = client_for(world.clerk).get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    for text in ("应付款日与逾期利息", "付款期限", "办理时间线", "登记台账", "报告付款", "商业汇票"):
        assert text in body, text
    sme = client_for(world.enterprise).get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert "确认收款" in sme and "报告付款</button>" not in sme


def test_the_journey_report_confirm_reconcile_close_through_the_pages(world, client_for):
    item = _jy()
    clerk, sme = client_for(world.clerk), client_for(world.enterprise)
    r = clerk.post(
        reverse("ledger:report_payment", args=[item.pk]),
        {"amount": "80000.00", "paid_on": "2026-01-05", "method": "bank_transfer"},
    )
    assert r.status_code == 302
    report = PaymentReport.objects.get(item=item, status="reported")
    portal = sme.get(reverse("ledger:portal")).content.decode()
    assert f"pending-{report.pk}" in portal
    assert (
        sme.post(reverse("ledger:confirm_report", args=[report.pk]), {"next": "/ledger/portal/"})["Location"]
        == "/ledger/portal/"
    )
    item.refresh_from_db()
    assert item.balance == Decimal("0.00")
    sme.post(reverse("ledger:reconcile", args=[item.pk]), {})
    clerk.post(reverse("ledger:close", args=[item.pk]), {})
    item.refresh_from_db()
    assert item.status == "closed"
    page = clerk.get(reverse("ledger:item_detail", args=[item.pk])).content.decode()
    assert "已对账销号" in page and "报告付款</button>" not in page


def test_a_refused_action_says_why(world, client_for):
    item = _jy()
    response = client_for(world.clerk).post(
        reverse("ledger:report_payment", args=[item.pk]),
        {"amount": "999999999.00", "paid_on": "2026-01-05", "method": "bank_transfer"},
        follow=True,
    )
    assert "报告金额超过欠款余额" in response.content.decode()


def test_every_item_page_action_reaches_its_service(world, client_for):
    """The item page's forms, one table of actions: each row's form and service are wired right."""
    from qingqian.ledger.models import Dispute, LedgerEntry, RepaymentPlan
    from qingqian.ledger.tests.factories import make_item

    item = make_item(actor=world.clerk, arrears="1000.00")
    office, clerk = client_for(world.office), client_for(world.clerk)

    def post(client, name, pk, data=None):
        response = client.post(reverse(f"ledger:{name}", args=[pk]), data or {}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("ledger:item_detail", args=[item.pk]), name
        return response.content.decode()

    assert "已登记调整分录" in post(
        office, "adjust", item.pk, {"amount": "-100.00", "effective_on": "2024-06-02", "reason": "结算"}
    )
    adjustment = LedgerEntry.objects.get(item=item, kind="adjustment")
    assert "已冲正该分录" in post(office, "reverse_entry", adjustment.pk, {"reason": "录错"})
    post(
        office,
        "write_off",
        item.pk,
        {
            "amount": "100.00",
            "effective_on": "2024-06-03",
            "reference": "(2024)冀01民初2号",
            "reason": "判决",
        },
    )
    post(
        clerk,
        "report_payment",
        item.pk,
        {"amount": "50.00", "paid_on": "2024-07-01", "method": "bank_transfer"},
    )
    report = PaymentReport.objects.get(item=item, status="reported")
    assert "付款报告已撤回" in post(clerk, "withdraw_report", report.pk)  # the reason is optional
    report.refresh_from_db()
    assert report.status == "withdrawn"
    post(clerk, "open_dispute", item.pk, {"amount": "200.00", "path": "negotiation", "reason": "质量争议"})
    dispute = Dispute.objects.get(item=item)
    post(office, "resolve_dispute", dispute.pk, {"amount_owed": "200.00", "note": "协商一致"})
    post(clerk, "propose_plan", item.pk, {"instalments": "2099-12-31 900.00", "reason": ""})
    plan = RepaymentPlan.objects.get(item=item)
    assert "已退回该还款计划" in post(office, "reject_plan", plan.pk, {"note": "期限过长"})
    post(clerk, "propose_plan", item.pk, {"instalments": "2099-06-30 900.00", "reason": ""})
    second = RepaymentPlan.objects.exclude(pk=plan.pk).get(item=item)
    post(office, "approve_plan", second.pk, {"note": ""})
    item.refresh_from_db()
    second.refresh_from_db()
    dispute.refresh_from_db()
    assert item.written_off_total == Decimal("100.00") and item.balance == Decimal("900.00")
    assert dispute.status == "resolved" and second.status == "approved"


def test_the_import_page_polls_progress(world, client_for):
    from qingqian.ledger.models import ImportJob

    job = ImportJob.objects.create(
        created_by=world.clerk,
        original_name="a.xlsx",
        stored_path="/x",
        file_sha256="0" * 64,
        status="running",
        total_rows=10,
        processed_rows=4,
    )
    fragment = client_for(world.clerk).get(reverse("ledger:import_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in fragment and 'value="40"' in fragment
    job.status = "succeeded"
    job.save()
    done = client_for(world.clerk).get(reverse("ledger:import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in done


def test_cleared_statistics_page_breaks_down_by_region(world, client_for):
    body = client_for(world.office).get(reverse("ledger:cleared"), {"by": "region"}).content.decode()
    assert "累计帮助企业清理欠款" in body and "石家庄市" in body
