"""JSON interface: ``assess_json(obj) -> dict``. Validates everything and never raises.

Input (amounts, rates and percents are **strings**; dates ``YYYY-MM-DD``; required fields marked *)::

    {"payer_kind"*: "organ|institution|soe_large|large_enterprise",
     "signed_on"*: "2025-07-01", "delivered_on"*: "2025-07-10", "as_of"*: "2025-12-31",
     "amount"*: "100000.00",                      # yuan, > 0, at most 2 decimals
     "acceptance_required": false, "acceptance_period_days": null, "accepted_on": null,
     "settlement_confirmed_on": null, "agreed_term_days": null,
     "agreed_annual_rate": null,                  # percent per year: "3.0" means 3 % a year
     "payments": [{"paid_on": "2025-09-30", "amount": "40000.00"}],
     "clauses": {"back_to_back": false, "audit_settlement": false,
                 "audit_settlement_contract_agreed": false, "forced_bills": false,
                 "deposit_kinds": [], "retention_percent": null, "progress_payment_percent": null,
                 "contractor_advance_funding": false, "without_budget": false},
     "policies": {"regulation_version_by": "signing|delivery",
                  "payment_allocation": "principal_first|civil_code_561"}}

Output: ``regulation, start_on, start_reason, term_days, term_reason, due_on, overdue_days,
outstanding, interest, segments, findings, policies`` (reasons are ``{"code", "zh", "en"}``), or
``{"error": {"code", "message"}}`` with one of ``ERROR_CODES`` and a Chinese message.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from .assess import assess
from .lpr import LprSeries
from .model import (
    ALLOCATION_CHOICES,
    PAYER_KINDS,
    VERSION_BY_CHOICES,
    Assessment,
    Clauses,
    ContractInput,
    Payment,
    Policies,
)
from .money import format_decimal
from .params import Parameters
from .workcalendar import Calendar

ERROR_CODES: dict[str, str] = {
    "invalid_input": "输入必须是 JSON 对象",
    "missing_field": "缺少必填字段：{field}",
    "unknown_field": "未知字段：{field}",
    "invalid_type": "字段 {field} 类型错误：应为{expected}",
    "invalid_date": "字段 {field} 不是有效日期，应为 YYYY-MM-DD 格式（如 2025-07-01），收到：{value}",
    "invalid_date_order": "字段 {field} 不得早于 {other}",
    "invalid_amount": '字段 {field} 金额无效：应为大于 0 的金额字符串（元，最多两位小数，如 "100000.00"），收到：{value}',
    "invalid_rate": '字段 {field} 利率无效：应为年利率百分数字符串（"3.0" 表示年利率 3%），取值 0–100，收到：{value}',
    "invalid_days": "字段 {field} 天数无效：应为 0 到 36500 之间的整数，收到：{value}",
    "invalid_percent": '字段 {field} 百分比无效：应为 0 到 100 之间的数字字符串（如 "3"），收到：{value}',
    "invalid_enum": "字段 {field} 取值无效：应为 {choices} 之一，收到：{value}",
    "unknown_policy": "策略无效：{field}；可用策略：{choices}",
    "internal_error": "测算时发生内部错误，请联系系统管理员（{detail}）",
}

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,2})?")
_NUMBER = re.compile(r"\d{1,3}(\.\d{1,6})?")
_MAX_DAYS = 36500
_HUNDRED = Decimal(100)

_REQUIRED = ("payer_kind", "signed_on", "delivered_on", "amount", "as_of")
_OPTIONAL = (
    "acceptance_required",
    "acceptance_period_days",
    "accepted_on",
    "settlement_confirmed_on",
    "agreed_term_days",
    "agreed_annual_rate",
    "payments",
    "clauses",
    "policies",
)
_CLAUSE_FIELDS = (
    "back_to_back",
    "audit_settlement",
    "audit_settlement_contract_agreed",
    "forced_bills",
    "deposit_kinds",
    "retention_percent",
    "progress_payment_percent",
    "contractor_advance_funding",
    "without_budget",
)
_POLICY_CHOICES: dict[str, tuple[str, ...]] = {
    "regulation_version_by": VERSION_BY_CHOICES,
    "payment_allocation": ALLOCATION_CHOICES,
}


class InputError(Exception):
    """A bad input field; becomes ``{"error": {"code", "message"}}``."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.message = ERROR_CODES[code].format(**values)
        super().__init__(self.message)


def _check_keys(obj: dict[str, Any], allowed: tuple[str, ...], prefix: str = "") -> None:
    for key in obj:
        if key not in allowed:
            raise InputError("unknown_field", field=f"{prefix}{key}")


def _date(value: object, field: str) -> date:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError("invalid_date", field=field, value=repr(value))


def _optional_date(value: object, field: str) -> date | None:
    return None if value is None else _date(value, field)


def _amount(value: object, field: str) -> Decimal:
    if isinstance(value, str) and _AMOUNT.fullmatch(value):
        amount = Decimal(value)
        if amount > 0:
            return amount
    raise InputError("invalid_amount", field=field, value=repr(value))


def _number(value: object, field: str, code: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        number = Decimal(value)
        if number <= _HUNDRED:
            return number
    raise InputError(code, field=field, value=repr(value))


def _days(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_DAYS:
        return value
    raise InputError("invalid_days", field=field, value=repr(value))


def _flag(value: object, field: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    raise InputError("invalid_type", field=field, expected="布尔值 true/false")


def _object(value: object, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    raise InputError("invalid_type", field=field, expected="JSON 对象")


def _list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise InputError("invalid_type", field=field, expected="数组")


def _payments(value: object) -> tuple[Payment, ...]:
    payments: list[Payment] = []
    for index, item in enumerate(_list(value, "payments")):
        prefix = f"payments[{index}]."
        if not isinstance(item, dict):
            raise InputError("invalid_type", field=f"payments[{index}]", expected="JSON 对象")
        _check_keys(item, ("paid_on", "amount"), prefix)
        for name in ("paid_on", "amount"):
            if item.get(name) is None:
                raise InputError("missing_field", field=prefix + name)
        payments.append(
            Payment(
                paid_on=_date(item["paid_on"], prefix + "paid_on"),
                amount=_amount(item["amount"], prefix + "amount"),
            )
        )
    return tuple(payments)


def _clauses(value: object) -> Clauses:
    raw = _object(value, "clauses")
    _check_keys(raw, _CLAUSE_FIELDS, "clauses.")
    kinds = _list(raw.get("deposit_kinds"), "clauses.deposit_kinds")
    if not all(isinstance(kind, str) and kind for kind in kinds):
        raise InputError("invalid_type", field="clauses.deposit_kinds", expected="非空字符串数组")

    def flag(name: str) -> bool:
        return _flag(raw.get(name), f"clauses.{name}")

    def percent(name: str) -> Decimal | None:
        return _number(raw.get(name), f"clauses.{name}", "invalid_percent")

    return Clauses(
        back_to_back=flag("back_to_back"),
        audit_settlement=flag("audit_settlement"),
        audit_settlement_contract_agreed=flag("audit_settlement_contract_agreed"),
        forced_bills=flag("forced_bills"),
        deposit_kinds=tuple(kinds),
        retention_percent=percent("retention_percent"),
        progress_payment_percent=percent("progress_payment_percent"),
        contractor_advance_funding=flag("contractor_advance_funding"),
        without_budget=flag("without_budget"),
    )


def _policies(value: object) -> Policies:
    raw = _object(value, "policies")
    for name, choice in raw.items():
        options = _POLICY_CHOICES.get(name)
        if options is None:
            raise InputError("unknown_policy", field=f"{name}", choices="、".join(_POLICY_CHOICES))
        if choice not in options:
            raise InputError(
                "unknown_policy", field=f"{name}={choice!r}", choices=f"{name} 取 {' / '.join(options)}"
            )
    return Policies(**raw)


def parse_contract(obj: object) -> tuple[ContractInput, Policies]:
    """Validate a JSON object into a ``ContractInput`` and ``Policies``; raises ``InputError``."""
    if not isinstance(obj, dict):
        raise InputError("invalid_input")
    _check_keys(obj, (*_REQUIRED, *_OPTIONAL))
    for name in _REQUIRED:
        if obj.get(name) is None:
            raise InputError("missing_field", field=name)
    payer_kind = obj["payer_kind"]
    if payer_kind not in PAYER_KINDS:
        raise InputError(
            "invalid_enum", field="payer_kind", choices=" / ".join(PAYER_KINDS), value=repr(payer_kind)
        )
    delivered_on = _date(obj["delivered_on"], "delivered_on")
    accepted_on = _optional_date(obj.get("accepted_on"), "accepted_on")
    if accepted_on is not None and accepted_on < delivered_on:
        raise InputError("invalid_date_order", field="accepted_on", other="delivered_on")
    contract = ContractInput(
        payer_kind=payer_kind,
        signed_on=_date(obj["signed_on"], "signed_on"),
        delivered_on=delivered_on,
        amount=_amount(obj["amount"], "amount"),
        as_of=_date(obj["as_of"], "as_of"),
        acceptance_required=_flag(obj.get("acceptance_required"), "acceptance_required"),
        acceptance_period_days=_days(obj.get("acceptance_period_days"), "acceptance_period_days"),
        accepted_on=accepted_on,
        settlement_confirmed_on=_optional_date(obj.get("settlement_confirmed_on"), "settlement_confirmed_on"),
        agreed_term_days=_days(obj.get("agreed_term_days"), "agreed_term_days"),
        agreed_annual_rate=_number(obj.get("agreed_annual_rate"), "agreed_annual_rate", "invalid_rate"),
        payments=_payments(obj.get("payments")),
        clauses=_clauses(obj.get("clauses")),
    )
    return contract, _policies(obj.get("policies"))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def assessment_to_json(result: Assessment) -> dict[str, Any]:
    """The public JSON shape of an ``Assessment``."""
    return {
        "regulation": result.regulation,
        "start_on": _iso(result.start_on),
        "start_reason": result.start_reason.as_dict() if result.start_reason is not None else None,
        "term_days": result.term_days,
        "term_reason": result.term_reason.as_dict() if result.term_reason is not None else None,
        "due_on": _iso(result.due_on),
        "overdue_days": result.overdue_days,
        "outstanding": format_decimal(result.outstanding),
        "interest": format_decimal(result.interest) if result.interest is not None else None,
        "segments": [s.as_dict() for s in result.segments],
        "findings": [f.as_dict() for f in result.findings],
        "policies": result.policies.as_dict(),
    }


def assess_json(
    obj: object,
    *,
    calendar: Calendar,
    lpr: LprSeries,
    parameters: Parameters | None = None,
) -> dict[str, Any]:
    """Assess one contract given as JSON-shaped data; never raises (errors come back as data)."""
    try:
        contract, policies = parse_contract(obj)
    except InputError as exc:
        return {"error": {"code": exc.code, "message": exc.message}}
    try:
        result = assess(contract, calendar=calendar, lpr=lpr, parameters=parameters, policies=policies)
    except Exception as exc:
        return {
            "error": {
                "code": "internal_error",
                "message": ERROR_CODES["internal_error"].format(detail=type(exc).__name__),
            }
        }
    return assessment_to_json(result)
