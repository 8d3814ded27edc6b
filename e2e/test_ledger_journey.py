"""The 台账 journey: a debtor-unit clerk reports a payment → the SME confirms it in its portal → the
balance and the city's cleared total change → the SME confirms the reconciliation → the item is closed.

Screenshots: var/screenshots/ledger-*.png
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

NUMBER = "JY-2025-003"  # demo item of 石家庄市教育局 owed to 石家庄恒信建筑劳务有限公司: 80,000.00 yuan


def _amount(page: Any, selector: str) -> Decimal:
    return Decimal(page.locator(selector).first.get_attribute("data-amount"))


def _figure(page: Any, name: str) -> str:
    return page.locator(f"[data-figure={name}]").first.inner_text().strip()


@pytest.mark.e2e
def test_a_payment_is_reported_confirmed_reconciled_and_closed(page: Any, login: Any, shot: Any) -> None:
    page.on("dialog", lambda dialog: dialog.accept())

    # The city's cleared total before (the task-force office's view).
    login(page, "office")
    page.goto("/ledger/cleared/")
    cleared_before = _amount(page, "[data-figure=cleared-total]")
    shot(page, "ledger-01-cleared-before")

    # 1. The debtor-unit clerk finds the item and reports the payment.
    login(page, "clerk")
    page.goto("/ledger/")
    assert "欠款台账" in page.inner_text("h1")
    shot(page, "ledger-02-clerk-list")
    with page.expect_navigation():
        page.click(f"text={NUMBER}")
    assert _figure(page, "balance") == "80,000.00"
    page.click("button[data-bs-target='#report-form']")
    page.fill("#report-form input[name=amount]", "80000.00")
    page.select_option("#report-form select[name=method]", "bank_transfer")
    page.fill("#report-form input[name=reference]", "JY2025003-001")
    shot(page, "ledger-03-clerk-reports-payment")
    with page.expect_navigation():
        page.click("#report-form button[type=submit]")
    assert "等待企业确认" in page.inner_text("main")
    assert _figure(page, "balance") == "80,000.00"  # not cleared until the SME confirms
    item_url = page.url
    shot(page, "ledger-04-payment-reported")

    # 2. The SME confirms receipt in its portal.
    login(page, "enterprise")
    page.goto("/ledger/portal/")
    card = page.locator("[id^=pending-]", has_text=NUMBER)
    assert card.count() == 1
    assert "80,000.00" in card.inner_text()
    shot(page, "ledger-05-sme-portal-pending")
    with page.expect_navigation():
        card.locator("button", has_text="确认收款").click()
    assert "已确认收款" in page.inner_text("main")

    # 3. The balance is zero: the SME confirms the reconciliation.
    page.goto(item_url)
    assert _figure(page, "balance") == "0.00"
    assert _figure(page, "paid") == "80,000.00"
    shot(page, "ledger-06-sme-item-balance-zero")
    with page.expect_navigation():
        page.click("button:has-text('确认对账')")
    assert "已确认对账" in page.inner_text("main")

    # 4. The city's cleared total grew by exactly the confirmed payment.
    login(page, "office")
    page.goto("/ledger/cleared/")
    assert _amount(page, "[data-figure=cleared-total]") - cleared_before == Decimal("80000.00")
    shot(page, "ledger-07-cleared-after")

    # 5. The clerk closes the item (对账销号); afterwards nothing on it can change.
    login(page, "clerk")
    page.goto(item_url)
    shot(page, "ledger-08-ready-to-close")
    with page.expect_navigation():
        page.click("button:has-text('对账销号')")
    status = page.inner_text("#item-status")
    assert "已对账销号" in status
    assert page.locator("button[data-bs-target='#report-form']").count() == 0
    assert re.search(r"对账销号", page.inner_text(".qq-timeline"))
    shot(page, "ledger-09-closed")


@pytest.mark.e2e
def test_the_office_sees_the_ledger_with_totals_and_a_debtor_page(page: Any, login: Any, shot: Any) -> None:
    login(page, "office")
    page.goto("/ledger/?disputed=1")
    assert "有分歧" in page.inner_text("main")
    shot(page, "ledger-10-office-disputed")
    page.goto("/ledger/")
    with page.expect_navigation():
        page.click("text=石家庄市教育局 >> nth=0")
    assert "还款计划履约率" in page.inner_text("main")
    shot(page, "ledger-11-debtor-page")
    page.goto("/ledger/warnings/")
    shot(page, "ledger-12-warnings")
    page.goto("/ledger/import/")
    shot(page, "ledger-13-import")
