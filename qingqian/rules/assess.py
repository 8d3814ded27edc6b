"""``assess``: one contract in, one explained ``Assessment`` out. Pure and fast (bulk use)."""

from __future__ import annotations

from decimal import Decimal

from .catalogue import finding
from .compliance import compliance_codes
from .due import due_date, payment_start, payment_term, rule_date
from .interest import DailyRate, accrue, daily_rate, overdue_days
from .lpr import LprSeries
from .model import DEFAULT_POLICIES, Assessment, ContractInput, Policies
from .params import Parameters, get_parameters
from .workcalendar import Calendar

_ZERO = Decimal("0.00")


def assess(
    contract: ContractInput,
    *,
    calendar: Calendar,
    lpr: LprSeries,
    parameters: Parameters | None = None,
    policies: Policies = DEFAULT_POLICIES,
    interest: bool = True,
) -> Assessment:
    """Due date, outstanding principal, overdue days, late-payment interest and findings.

    Never guesses: where the law or the data leave the due date open, ``due_on``, ``interest`` and
    ``overdue_days`` are ``None`` and a finding says why; the outstanding amount is always reported.

    ``interest=False`` skips applying the payments and accruing interest, for callers that keep only
    what does not depend on the amount or the payments (the ledger's stored assessment): ``interest``
    and ``overdue_days`` are ``None``, ``segments`` empty, ``outstanding`` the amount, interest paid,
    unpaid and ``overpaid`` zero; the findings are the same but ``overpaid``, which is not checked.
    """
    rules = (parameters or get_parameters()).rules_at(rule_date(contract, policies))
    version = rules.regulation
    codes: list[str] = []
    if version is None:
        codes.append("regulation_not_in_force")

    as_of = contract.as_of
    payments = [p for p in contract.payments if p.paid_on <= as_of]
    if len(payments) != len(contract.payments):
        codes.append("payment_after_as_of")

    start = payment_start(contract)
    codes.extend(start.findings)
    term = payment_term(contract.payer_kind, contract.agreed_term_days, rules)
    codes.extend(term.findings)

    due_on = None
    rate: DailyRate | None = None
    if start.start_on is not None and term.term_days is not None:
        due = due_date(start.start_on, term.term_days, calendar)
        due_on = due.due_on
        if due.rolled:
            codes.append("due_date_rolled")
        if due.calendar_year_unknown:
            codes.append("calendar_year_unknown")
        assert rules.default_daily_rate is not None
        rate = daily_rate(
            contract.agreed_annual_rate,
            signed_on=contract.signed_on,
            default_daily=rules.default_daily_rate,
            lpr=lpr,
        )
        codes.extend(rate.findings)

    accrual = None
    if interest:
        accrual = accrue(
            contract.amount,
            payments,
            due_on=due_on,
            as_of=as_of,
            rate=rate,
            allocation=policies.payment_allocation,
        )
        if accrual.overpaid:
            codes.append("overpaid")
    codes.extend(compliance_codes(contract.payer_kind, contract.clauses, rules))

    findings = tuple(finding(code, version) for code in dict.fromkeys(codes))
    return Assessment(
        regulation=version,
        rule_date=rules.on,
        start_on=start.start_on,
        start_reason=start.reason,
        term_days=term.term_days,
        term_reason=term.reason,
        due_on=due_on,
        overdue_days=overdue_days(due_on, accrual.settled_on, as_of) if accrual is not None else None,
        outstanding=accrual.principal if accrual is not None else contract.amount,
        interest=accrual.interest if accrual is not None and due_on is not None else None,
        interest_paid=accrual.interest_paid if accrual is not None else _ZERO,
        interest_unpaid=accrual.interest_unpaid if accrual is not None else _ZERO,
        overpaid=accrual.overpaid if accrual is not None else _ZERO,
        annual_rate_percent=rate.annual_percent if rate is not None else None,
        daily_rate=rate.display if rate is not None else None,
        rate_reason=rate.reason if rate is not None else None,
        segments=accrual.segments if accrual is not None else (),
        findings=findings,
        policies=policies,
    )
