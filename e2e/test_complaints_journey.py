"""The complaint journey of issue 4, end to end in a real browser with screenshots:

an enterprise files on the portal → the office accepts and routes it (the routing table proposes
市财政局 for 市教育局) → the finance bureau's handler signs for it and submits a result → the office
sends it back to the enterprise → the enterprise is not satisfied → it reopens → a second result →
satisfied → closed. The case timeline shows every step.
"""

from __future__ import annotations

import re
from typing import Any

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _act(page: Any, action: str) -> None:
    """Press an action that needs no input (a plain button form)."""
    with page.expect_navigation():
        page.click(f"form[action$='/do/{action}/'] button[type=submit]")


def _open(page: Any, action: str) -> None:
    page.click(f"#action-{action} summary")


def _submit(page: Any, action: str) -> None:
    with page.expect_navigation():
        page.click(f"#action-{action} button[type=submit]")


def _status(page: Any) -> str:
    return page.inner_text("#case-status").strip()


def test_an_enterprise_complaint_goes_from_filing_to_closed(page: Any, login: Any, shot: Any) -> None:
    # 1. The enterprise checks eligibility and files on the portal.
    login(page, "enterprise")
    page.goto("/complaints/new/")
    for key in ("bound_payer", "has_contract", "performed", "overdue", "no_other_procedure"):
        page.check(f"#{key}-yes")
    shot(page, "complaints-01-eligibility")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/complaints/new/form/" in page.url
    page.fill("#respondent_name", "石家庄市教育局")
    page.fill("input[name=contract-0-number]", "SJZ-EDU-2024-017")
    page.fill("input[name=contract-0-subject]", "校舍维修工程")
    page.fill("input[name=contract-0-signed_on]", "2024-03-01")
    page.fill("input[name=contract-0-amount]", "150000")
    page.fill("input[name=contract-0-paid_amount]", "30000")
    page.fill("input[name=contract-0-delivered_on]", "2024-06-30")
    page.fill("input[name=contract-0-due_on]", "2024-07-30")
    page.fill("#amount_claimed", "120000")
    page.fill(
        "#summary",
        "2024年为市教育局完成校舍维修工程，2024年6月30日验收合格，约定7月30日前付款，至今仍欠12万元。",
    )
    page.fill("#contact_name", "陈刚")
    page.fill("#contact_phone", "13800000000")
    page.set_input_files(
        "#files", files=[{"name": "施工合同.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.check("#pledge")
    shot(page, "complaints-02-intake-form")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert re.search(r"/complaints/\d+/$", page.url), page.url
    case_url = page.url.replace(page.url.split("/complaints/")[0], "")
    number = page.inner_text("h1").split()[-1]
    assert number.startswith("QQ-")
    assert _status(page) == "已登记"
    assert "施工合同.pdf" in page.inner_text("main")
    shot(page, "complaints-03-filed")

    # 2. The office sees it in its queue, accepts it and routes it as the table proposes.
    login(page, "office")
    page.goto("/complaints/?status=registered")
    assert number in page.inner_text("main")
    shot(page, "complaints-04-office-queue")
    page.goto(case_url)
    _act(page, "accept")
    assert _status(page) == "已受理待转办"
    _open(page, "route")
    assert "石家庄市财政局" in page.inner_text("#action-route .alert")
    shot(page, "complaints-05-route-proposal")
    _submit(page, "route")
    assert _status(page) == "已转办"

    # 3. The finance bureau signs for it and submits a result.
    login(page, "finance")
    page.goto("/complaints/")
    assert number in page.inner_text("main")
    page.goto(case_url)
    assert "剩余" in page.inner_text("main")  # countdown in working days
    _act(page, "receive")
    assert _status(page) == "办理中"
    _open(page, "submit_result")
    page.select_option("#submit_result-outcome", "partly_paid")
    page.fill("#submit_result-paid", "50000")
    page.fill("#submit_result-text", "经协调，市教育局已支付5万元，余款待年度预算调整后支付。")
    shot(page, "complaints-06-finance-result")
    _submit(page, "submit_result")
    assert _status(page) == "结果待审核"

    # 4. The office reviews the result and sends it to the enterprise.
    login(page, "office")
    page.goto(case_url)
    _act(page, "approve_result")
    assert _status(page) == "已反馈待评价"

    # 5. The enterprise is not satisfied: the case reopens into handling.
    login(page, "enterprise")
    page.goto("/complaints/mine/")
    assert "请评价" in page.inner_text("main")
    page.goto(case_url)
    _open(page, "rate_unsatisfied")
    page.fill("#rate_unsatisfied-text", "只付了5万元，余款没有明确的支付时间。")
    shot(page, "complaints-07-unsatisfied")
    _submit(page, "rate_unsatisfied")
    assert _status(page) == "办理中"

    # 6. A second result, approved by the office.
    login(page, "finance")
    page.goto(case_url)
    _open(page, "submit_result")
    page.select_option("#submit_result-outcome", "paid_in_full")
    page.fill("#submit_result-paid", "120000")
    page.fill("#submit_result-text", "市教育局已于本周支付全部余款7万元，合计12万元。")
    _submit(page, "submit_result")
    login(page, "office")
    page.goto(case_url)
    _act(page, "approve_result")

    # 7. Satisfied: closed, and the timeline shows every step.
    login(page, "enterprise")
    page.goto(case_url)
    _act(page, "confirm_satisfied")
    assert _status(page) == "已办结"
    timeline = page.inner_text("#timeline-title >> xpath=..")
    for label in (
        "登记投诉",
        "上传材料",
        "受理",
        "转办",
        "签收办理",
        "报送办理结果",
        "审核通过并反馈企业",
        "不满意",
        "满意",
    ):
        assert label in timeline, label
    assert timeline.count("报送办理结果") == 2
    shot(page, "complaints-08-closed-with-timeline")


def test_the_office_registers_a_hotline_lead_and_exports_the_queue(page: Any, login: Any, shot: Any) -> None:
    login(page, "office")
    page.goto("/complaints/register/")
    page.select_option("#channel", "hotline")
    page.fill("#original_text", "来电人反映：为市第一医院供应医用耗材，货款8,800.50元逾期未付。")
    page.fill("#complainant_name", "河北热线来电企业有限公司")
    from qingqian.demo.seed import demo_uscc

    page.fill("#complainant_uscc", demo_uscc("91", "130100", "河北热线来电企业有限公司"))
    page.fill("#respondent_name", "石家庄市第一医院")
    page.fill("#amount_claimed", "8800.50")
    page.fill("#summary", "医用耗材货款逾期未付")
    page.fill("#contact_name", "王先生")
    page.fill("#contact_phone", "0311-88888888")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert re.search(r"/complaints/\d+/$", page.url), page.inner_text("main")[:500]
    assert "热线电话" in page.inner_text("main")
    shot(page, "complaints-09-hotline-lead")
    page.goto("/complaints/")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
