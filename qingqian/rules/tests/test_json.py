"""The JSON edge: exact output shape, and it never raises."""

from __future__ import annotations

import json
from typing import Any

from qingqian.rules import Calendar, LprSeries, assess_json, get_parameters

VALID: dict[str, Any] = {
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
    "policies": {"regulation_version_by": "signing", "payment_allocation": "principal_first"},
}
OUTPUT_KEYS = {
    "regulation",
    "start_on",
    "start_reason",
    "term_days",
    "term_reason",
    "due_on",
    "overdue_days",
    "outstanding",
    "interest",
    "segments",
    "findings",
    "policies",
}


def test_the_output_has_exactly_the_documented_keys_and_is_json(calendar: Calendar, lpr: LprSeries) -> None:
    out = assess_json(VALID, calendar=calendar, lpr=lpr, parameters=get_parameters())
    assert set(out) == OUTPUT_KEYS
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert set(out["segments"][0]) == {"from", "to", "days", "principal", "daily_rate", "amount"}
    assert set(out["findings"][0]) == {"code", "message_zh", "message_en", "citation"}
    assert set(out["start_reason"]) == {"code", "zh", "en"}
    assert isinstance(out["outstanding"], str)
    assert isinstance(out["interest"], str)


def test_the_input_is_not_modified(calendar: Calendar, lpr: LprSeries) -> None:
    before = json.dumps(VALID, sort_keys=True)
    assess_json(VALID, calendar=calendar, lpr=lpr)
    assert json.dumps(VALID, sort_keys=True) == before


class BrokenCalendar(Calendar):
    def roll_forward_checked(self, day):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def test_an_unexpected_failure_comes_back_as_internal_error(lpr: LprSeries) -> None:
    out = assess_json(VALID, calendar=BrokenCalendar([], [], []), lpr=lpr)
    assert out["error"]["code"] == "internal_error"
    assert "RuntimeError" in out["error"]["message"]


def test_error_messages_are_clear_chinese(calendar: Calendar, lpr: LprSeries) -> None:
    out = assess_json({**VALID, "amount": "-1"}, calendar=calendar, lpr=lpr)
    assert out == {
        "error": {
            "code": "invalid_amount",
            "message": "字段 amount 金额无效：应为大于 0 的金额字符串（元，最多两位小数，如 \"100000.00\"），收到：'-1'",
        }
    }
