"""A debtor-unit clerk works out the due date and late interest of a contract in the calculator."""

from typing import Any


def test_a_clerk_computes_the_interest_owed_on_a_late_contract(page: Any, login: Any, shot: Any) -> None:
    login(page, "clerk")
    page.goto("/rules/calculator/")
    page.select_option("select[name=payer_kind]", "organ")
    page.fill("input[name=amount]", "100000.00")
    page.fill("input[name=signed_on]", "2025-07-01")
    page.fill("input[name=delivered_on]", "2025-07-10")
    page.fill("textarea[name=payments]", "2025-09-30 40000.00")
    page.fill("input[name=as_of]", "2025-12-31")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    result = page.inner_text("#result-title >> xpath=..")
    assert "2025-08-11" in result  # 30 days after delivery, rolled past the weekend
    assert "5260.00" in result
    assert "2025年版" in result
    assert "民法典" in result  # the roll past the weekend cites Civil Code Art 203
    shot(page, "rules-calculator")


def test_the_system_administrator_sees_the_latest_lpr(page: Any, login: Any, shot: Any) -> None:
    login(page, "sysadmin")
    page.goto("/rules/lpr/")
    assert "2025-05-20" in page.inner_text("main")
    shot(page, "rules-lpr")
