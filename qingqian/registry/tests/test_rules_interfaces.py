"""The rules reach users three ways: the JSON-lines command, the API and the calculator page."""

import io
import json
import sys
from typing import Any

from django.core.management import call_command

from qingqian.registry.models import LprRate

EXAMPLE = {
    "payer_kind": "organ",
    "signed_on": "2025-07-01",
    "delivered_on": "2025-07-10",
    "acceptance_required": False,
    "acceptance_period_days": None,
    "accepted_on": None,
    "settlement_confirmed_on": None,
    "agreed_term_days": None,
    "agreed_annual_rate": None,
    "amount": "100000.00",
    "payments": [{"paid_on": "2025-09-30", "amount": "40000.00"}],
    "as_of": "2025-12-31",
    "clauses": {"back_to_back": False, "audit_settlement": False, "retention_percent": None},
}


def _run_command(monkeypatch: Any, lines: list[str]) -> list[dict[str, Any]]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    out = io.StringIO()
    call_command("assess_payment", stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_command_assesses_each_line_and_reports_bad_lines_without_stopping(
    world: Any, monkeypatch: Any
) -> None:
    results = _run_command(
        monkeypatch,
        [json.dumps(EXAMPLE), "{not json", json.dumps({**EXAMPLE, "amount": "-5"}), json.dumps(EXAMPLE)],
    )
    assert len(results) == 4
    good = results[0]
    # Delivered 2025-07-10 + 30 days = 2025-08-09, a Saturday → rolled to Monday 2025-08-11.
    assert good["regulation"] == "2025"
    assert good["due_on"] == "2025-08-11"
    assert good["outstanding"] == "60000.00"
    # 100,000 × 0.05 % × 50 days (08-12..09-30) + 60,000 × 0.05 % × 92 days (10-01..12-31)
    assert good["interest"] == "5260.00"
    assert results[1]["error"]["code"] == "invalid_json"
    assert "第2行" in results[1]["error"]["message"]
    assert results[2]["error"]["code"] == "invalid_amount"
    assert results[3] == good


def test_the_api_returns_the_explained_result(world: Any, client_for: Any) -> None:
    response = client_for(world.finance).post(
        "/api/v1/rules/assess", EXAMPLE, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_on"] == "2025-08-11"
    assert body["interest"] == "5260.00"
    assert body["start_reason"]["zh"]
    assert any(f["code"] == "due_date_rolled" for f in body["findings"])
    assert body["lpr_latest_on"] == LprRate.objects.order_by("-effective_on").first().effective_on.isoformat()  # type: ignore[union-attr]
    assert [s["days"] for s in body["segments"]] == [50, 92]


def test_the_api_reports_bad_input_in_the_common_error_shape(world: Any, client_for: Any) -> None:
    c = client_for(world.finance)
    wrong_date = c.post(
        "/api/v1/rules/assess", {**EXAMPLE, "as_of": "2025-13-45"}, content_type="application/json"
    )
    assert wrong_date.status_code == 400
    assert wrong_date.json()["code"] == "invalid_date"
    unknown = c.post("/api/v1/rules/assess", {**EXAMPLE, "colour": "red"}, content_type="application/json")
    assert unknown.status_code == 400 and "colour" in unknown.json()["fields"]


def test_the_calculator_page_explains_the_result_in_chinese(world: Any, client_for: Any) -> None:
    c = client_for(world.clerk)
    form = {
        "payer_kind": "organ",
        "amount": "100000.00",
        "signed_on": "2025-07-01",
        "delivered_on": "2025-07-10",
        "payments": "2025-09-30 40000.00",
        "as_of": "2025-12-31",
        "regulation_version_by": "signing",
        "payment_allocation": "principal_first",
    }
    html = c.post("/rules/calculator/", form).content.decode()
    assert "2025-08-11" in html and "5260.00" in html
    assert "国务院令第802号" in html


def test_the_calculator_refuses_a_malformed_payment_line_with_a_chinese_message(
    world: Any, client_for: Any
) -> None:
    html = (
        client_for(world.clerk)
        .post(
            "/rules/calculator/",
            {
                "payer_kind": "organ",
                "amount": "100",
                "signed_on": "2025-07-01",
                "delivered_on": "2025-07-10",
                "payments": "yesterday lots",
                "as_of": "2025-12-31",
                "regulation_version_by": "signing",
                "payment_allocation": "principal_first",
            },
        )
        .content.decode()
    )
    assert "第1行格式应为" in html


def test_only_the_system_administrator_adds_lpr_values_and_the_rules_use_them(
    world: Any, client_for: Any
) -> None:
    denied = client_for(world.office).post(
        "/rules/lpr/", {"effective_on": "2025-06-20", "annual_rate_percent": "2.9"}
    )
    assert denied.status_code == 403
    ok = client_for(world.sysadmin).post(
        "/rules/lpr/", {"effective_on": "2099-01-20", "annual_rate_percent": "2.900"}
    )
    assert ok.status_code == 302
    from qingqian.registry.reference import invalidate, lpr_series

    invalidate()
    assert str(lpr_series().rate_on(__import__("datetime").date(2099, 2, 1))) == "2.900"


def test_an_administrator_can_enter_next_years_holidays(world: Any, client_for: Any) -> None:
    import datetime as dt

    from qingqian.registry.reference import invalidate, working_calendar

    c = client_for(world.sysadmin)
    assert (
        c.post("/rules/calendar/", {"date": "2027-10-01", "kind": "holiday", "name": "国庆节"}).status_code
        == 302
    )
    bad = c.post("/rules/calendar/", {"date": "2027-10-04", "kind": "workday"}).content.decode()
    assert "调休上班日必须是周六或周日" in bad
    invalidate()
    assert not working_calendar().is_working_day(dt.date(2027, 10, 1))


def test_a_year_becomes_known_when_the_administrator_says_its_schedule_is_complete(
    world: Any, client_for: Any
) -> None:
    import datetime as dt

    from qingqian.registry.reference import invalidate, working_calendar

    invalidate()
    assert not working_calendar().knows(dt.date(2031, 1, 1))
    c = client_for(world.sysadmin)
    assert c.post("/rules/calendar/?year=2031", {"mark_known": "1"}).status_code == 302
    invalidate()
    assert working_calendar().knows(dt.date(2031, 1, 1))
