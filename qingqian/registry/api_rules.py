"""POST /api/v1/rules/assess — the payment rules for one contract, with the explanation."""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from qingqian.accounts.choices import Role
from qingqian.core.api import ErrorOut, error_body
from qingqian.core.errors import NotPermitted
from qingqian.registry.reference import latest_lpr, lpr_series, working_calendar
from qingqian.rules import assess_json

router = Router(tags=["rules"])

RULES_USERS = {
    Role.ENTERPRISE_USER,
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.DEBTOR_CLERK,
    Role.AUDITOR,
    Role.LEADERSHIP,
}


class PaymentIn(Schema):
    model_config = ConfigDict(extra="forbid")
    paid_on: str
    amount: str


class ClausesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    back_to_back: bool = False
    audit_settlement: bool = False
    audit_settlement_contract_agreed: bool = False
    forced_bills: bool = False
    deposit_kinds: list[str] = []
    retention_percent: str | None = None
    progress_payment_percent: str | None = None
    contractor_advance_funding: bool = False
    without_budget: bool = False


class PoliciesIn(Schema):
    model_config = ConfigDict(extra="forbid")
    regulation_version_by: Literal["signing", "delivery"] = "signing"
    payment_allocation: Literal["principal_first", "civil_code_561"] = "principal_first"


class AssessIn(Schema):
    """Amounts and rates are strings (exact decimals); dates are ISO `YYYY-MM-DD`; the rate is a
    percent per year ("3.0" = 3 %)."""

    model_config = ConfigDict(extra="forbid")
    payer_kind: Literal["organ", "institution", "soe_large", "large_enterprise"]
    signed_on: str
    delivered_on: str
    amount: str
    as_of: str
    acceptance_required: bool = False
    acceptance_period_days: int | None = None
    accepted_on: str | None = None
    settlement_confirmed_on: str | None = None
    agreed_term_days: int | None = None
    agreed_annual_rate: str | None = None
    payments: list[PaymentIn] = []
    clauses: ClausesIn | None = None
    policies: PoliciesIn | None = None


class ReasonOut(Schema):
    code: str
    zh: str
    en: str


class SegmentOut(Schema):
    model_config = ConfigDict(extra="allow")


class FindingOut(Schema):
    code: str
    message_zh: str
    message_en: str
    citation: str


class AssessOut(Schema):
    regulation: str | None
    start_on: str | None
    start_reason: ReasonOut | None
    term_days: int | None
    term_reason: ReasonOut | None
    due_on: str | None
    overdue_days: int | None
    outstanding: str
    interest: str | None
    segments: list[dict[str, Any]]
    findings: list[FindingOut]
    policies: dict[str, str]
    lpr_latest_on: str | None


def assess_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """Run the rules on a JSON-shaped contract with the calendar and LPR the administrators keep."""
    result = assess_json(payload, calendar=working_calendar(), lpr=lpr_series())
    latest = latest_lpr()
    if "error" not in result:
        result["lpr_latest_on"] = latest.effective_on.isoformat() if latest else None
    return result


@router.post(
    "/assess", response={200: AssessOut, 400: ErrorOut, 403: ErrorOut}, summary="付款期限与逾期利息测算"
)
def assess(request: HttpRequest, payload: AssessIn) -> Any:
    if not (getattr(request.user, "roles", set()) & RULES_USERS):
        raise NotPermitted()
    result = assess_payload(payload.model_dump(exclude_unset=True, exclude_none=False))
    if "error" in result:
        return Status(400, error_body(result["error"]["code"], result["error"]["message"]))
    return result
