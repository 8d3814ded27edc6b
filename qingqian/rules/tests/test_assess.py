"""The typed API the Django side calls in bulk."""

from __future__ import annotations

import ast
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from qingqian.rules import (
    Assessment,
    Calendar,
    Clauses,
    ContractInput,
    LprSeries,
    Payment,
    Policies,
    accrue,
    assess,
    daily_rate,
    get_parameters,
)

PACKAGE = Path(__file__).resolve().parents[1]


def contract(**changes: object) -> ContractInput:
    fields: dict[str, object] = {
        "payer_kind": "organ",
        "signed_on": date(2025, 2, 1),
        "delivered_on": date(2025, 3, 3),
        "amount": Decimal("100000.00"),
        "as_of": date(2025, 6, 11),
        "payments": (
            Payment(date(2025, 4, 12), Decimal("30000.00")),
            Payment(date(2025, 5, 12), Decimal("50000.00")),
        ),
    }
    fields.update(changes)
    return ContractInput(**fields)  # type: ignore[arg-type]


def test_it_explains_every_step(calendar: Calendar, lpr: LprSeries) -> None:
    result = assess(contract(), calendar=calendar, lpr=lpr)
    assert isinstance(result, Assessment)
    assert result.rule_date == date(2025, 2, 1)
    assert result.regulation == "2020"
    assert result.start_reason is not None
    assert result.start_reason.code == "start.delivery"
    assert result.term_reason is not None
    assert "30" in result.term_reason.zh
    assert result.rate_reason is not None
    assert result.rate_reason.code == "rate.default"
    assert result.daily_rate == Decimal("0.0005")
    assert result.annual_rate_percent is None
    assert result.interest == Decimal("1850.00")
    assert result.interest_paid == Decimal("0.00")  # principal first: payments all went to principal
    assert result.interest_unpaid == Decimal("1850.00")
    assert result.finding_codes == ()
    assert result.policies == Policies()


def test_civil_code_561_pays_interest_first(calendar: Calendar, lpr: LprSeries) -> None:
    result = assess(
        contract(),
        calendar=calendar,
        lpr=lpr,
        parameters=get_parameters(),
        policies=Policies(payment_allocation="civil_code_561"),
    )
    assert result.interest == Decimal("1880.86")
    assert result.interest_paid == Decimal("1557.50")  # 500.00 + 1057.50
    assert result.interest_unpaid == Decimal("323.36")
    assert result.outstanding == Decimal("21557.50")


def test_the_exact_interest_is_available_unrounded() -> None:
    accrual = accrue(
        Decimal("10010.00"),
        [],
        due_on=date(2025, 4, 2),
        as_of=date(2025, 4, 3),
        rate=daily_rate(None, signed_on=date(2025, 2, 1), default_daily=Decimal("0.0005"), lpr=LprSeries([])),
        allocation="principal_first",
    )
    assert accrual.interest_exact == Fraction(5005, 1000)
    assert accrual.interest == Decimal("5.01")
    assert accrual.segments[0].amount_exact == Fraction(5005, 1000)


def test_agreed_rate_is_reported_with_its_floor(calendar: Calendar, lpr: LprSeries) -> None:
    result = assess(
        contract(
            signed_on=date(2025, 7, 1),
            delivered_on=date(2025, 7, 10),
            as_of=date(2025, 12, 31),
            payments=(),
            agreed_annual_rate=Decimal("2.0"),
        ),
        calendar=calendar,
        lpr=lpr,
    )
    assert result.annual_rate_percent == Decimal("3.00")
    assert result.rate_reason is not None
    assert result.rate_reason.code == "rate.agreed_raised"
    assert "3.00" in result.rate_reason.zh
    assert "2.0" in result.rate_reason.zh


def test_overpaid_amount_is_kept_apart(calendar: Calendar, lpr: LprSeries) -> None:
    result = assess(
        contract(payments=(Payment(date(2025, 3, 20), Decimal("100250.00")),)), calendar=calendar, lpr=lpr
    )
    assert result.outstanding == Decimal("0.00")
    assert result.overpaid == Decimal("250.00")
    assert result.finding_codes == ("overpaid",)


def test_clauses_reach_the_findings(calendar: Calendar, lpr: LprSeries) -> None:
    result = assess(contract(clauses=Clauses(without_budget=True)), calendar=calendar, lpr=lpr)
    assert result.finding_codes == ("purchase_without_budget",)


def test_the_package_imports_no_django() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith(("django.", "ninja")) for n in names), path
