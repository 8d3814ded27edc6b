"""Regulation version, start of the payment term, the term, and the due date (DOMAIN §1.1–1.3).

* Version: ``regulation_for(date)``; the date is the signing date (default) or the delivery date
  (policy ``regulation_version_by``).
* Start (Art 9–10 [8–9]): delivery; the settlement-confirmed date for progress/periodic settlement;
  when acceptance is a payment condition, the acceptance date — or the end of the agreed
  acceptance period when acceptance came late or has not come by ``as_of``. A missing acceptance
  period is a finding, never a guess.
* Term (Art 9 [8]): the agreed term (organs/institutions capped at 60), else the statutory default
  (organs/institutions 30; large enterprises 60 under 2025, none under 2020).
* Due date (Civil Code Arts 201, 203): ``start + term`` calendar days (start day not counted); a
  last day that is a rest day moves to the first working day after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .catalogue import reason
from .model import PUBLIC_PAYERS, ContractInput, Policies, Reason
from .params import Parameters, RulesAt, get_parameters
from .workcalendar import Calendar


def regulation_for(on: date, parameters: Parameters | None = None) -> str | None:
    """``"2020"``, ``"2025"`` or ``None`` (before 2020-09-01) for the version in force on ``on``."""
    return (parameters or get_parameters()).rules_at(on).regulation


def rule_date(contract: ContractInput, policies: Policies) -> date:
    """The date that selects the regulation version and the dated parameters."""
    return contract.signed_on if policies.regulation_version_by == "signing" else contract.delivered_on


@dataclass(frozen=True, slots=True)
class StartResult:
    start_on: date | None
    reason: Reason
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TermResult:
    term_days: int | None
    reason: Reason
    findings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DueResult:
    due_on: date
    rolled: bool
    calendar_year_unknown: bool


def payment_start(contract: ContractInput) -> StartResult:
    """When the payment term starts running (Art 9 para on settlement, Art 10 [8, 9])."""
    if contract.settlement_confirmed_on is not None:
        day = contract.settlement_confirmed_on
        return StartResult(day, reason("start.settlement_confirmed", date=day.isoformat()))
    if not contract.acceptance_required:
        day = contract.delivered_on
        return StartResult(day, reason("start.delivery", date=day.isoformat()))
    accepted_on = contract.accepted_on
    period = contract.acceptance_period_days
    if period is None:
        if accepted_on is None:
            return StartResult(
                None, reason("start.acceptance_unknown"), ("acceptance_period_missing", "acceptance_pending")
            )
        return StartResult(
            accepted_on,
            reason("start.acceptance_no_period", date=accepted_on.isoformat()),
            ("acceptance_period_missing",),
        )
    period_end = contract.delivered_on + timedelta(days=period)
    if accepted_on is not None and accepted_on <= period_end:
        return StartResult(accepted_on, reason("start.acceptance_passed", date=accepted_on.isoformat()))
    if accepted_on is None and contract.as_of <= period_end:
        return StartResult(
            None,
            reason("start.acceptance_pending", period_end=period_end.isoformat()),
            ("acceptance_pending",),
        )
    return StartResult(
        period_end,
        reason(
            "start.acceptance_period_end",
            date=period_end.isoformat(),
            delivered=contract.delivered_on.isoformat(),
            days=period,
        ),
        ("acceptance_delayed",),
    )


def payment_term(payer_kind: str, agreed_term_days: int | None, rules: RulesAt) -> TermResult:
    """The payment term in calendar days under the version in force (``rules.regulation``)."""
    if rules.regulation is None:
        return TermResult(None, reason("term.not_in_force"))
    public = payer_kind in PUBLIC_PAYERS
    if public:
        default, cap = rules.organ_term_days, rules.organ_term_cap_days
    else:
        default, cap = rules.large_default_term_days, None
    if agreed_term_days is not None:
        if cap is not None and agreed_term_days > cap:
            return TermResult(
                cap, reason("term.agreed_capped", agreed=agreed_term_days, cap=cap), ("term_exceeds_cap",)
            )
        return TermResult(agreed_term_days, reason("term.agreed", days=agreed_term_days))
    if default is None:
        return TermResult(None, reason("term.missing"), ("term_missing",))
    return TermResult(
        default, reason("term.default_public" if public else "term.default_large", days=default)
    )


def due_date(start_on: date, term_days: int, calendar: Calendar) -> DueResult:
    """Civil Code Art 201 (start day not counted) and Art 203 (rest day → next working day)."""
    last_day = start_on + timedelta(days=term_days)
    due_on, unknown = calendar.roll_forward_checked(last_day)
    return DueResult(due_on=due_on, rolled=due_on != last_day, calendar_year_unknown=unknown)
