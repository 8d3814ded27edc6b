"""Value types and money helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from qingqian.rules import ContractInput, Payment, Policies, PolicyError, round_yuan
from qingqian.rules.money import display_rate, format_decimal

BASE: dict[str, Any] = {
    "payer_kind": "organ",
    "signed_on": date(2025, 7, 1),
    "delivered_on": date(2025, 7, 10),
    "amount": Decimal("100.00"),
    "as_of": date(2025, 12, 31),
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"payer_kind": "company"}, "payer_kind"),
        ({"amount": Decimal(0)}, "amount must be > 0"),
        ({"amount": Decimal("1.001")}, "whole number of fen"),
        ({"amount": Decimal("Infinity")}, "whole number of fen"),
        ({"agreed_term_days": -1}, "agreed_term_days must be >= 0"),
        ({"acceptance_period_days": -1}, "acceptance_period_days must be >= 0"),
        ({"agreed_annual_rate": Decimal(-1)}, "agreed_annual_rate must be >= 0"),
        ({"payments": (Payment(date(2025, 8, 1), Decimal(0)),)}, "payment amount must be > 0"),
        ({"payments": (Payment(date(2025, 8, 1), Decimal("0.001")),)}, "whole number of fen"),
    ],
)
def test_contract_input_checks_its_invariants(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ContractInput(**{**BASE, **changes})


def test_contract_input_accepts_whole_fen_in_any_spelling() -> None:
    contract = ContractInput(
        **{**BASE, "amount": Decimal("100"), "agreed_term_days": 0, "acceptance_period_days": 5}
    )
    assert contract.amount == Decimal("100.00")


def test_policies_reject_unknown_values() -> None:
    assert Policies().as_dict() == {
        "regulation_version_by": "signing",
        "payment_allocation": "principal_first",
    }
    with pytest.raises(PolicyError, match="regulation_version_by"):
        Policies(regulation_version_by="payment")  # type: ignore[arg-type]
    with pytest.raises(PolicyError, match="payment_allocation"):
        Policies(payment_allocation="lifo")  # type: ignore[arg-type]


def test_round_yuan_rounds_half_up_once() -> None:
    assert round_yuan(Fraction(5005, 1000)) == Decimal("5.01")
    assert round_yuan(Fraction(5004999, 1000000)) == Decimal("5.00")
    assert round_yuan(Decimal("2.345")) == Decimal("2.35")
    assert str(round_yuan(Fraction(0))) == "0.00"
    with pytest.raises(ValueError, match="never negative"):
        round_yuan(Fraction(-1, 100))


def test_daily_rates_display_exactly_or_to_twelve_places() -> None:
    assert format_decimal(display_rate(Fraction(5, 10000))) == "0.0005"
    assert format_decimal(display_rate(Fraction(3, 36500))) == "0.000082191781"
    assert format_decimal(display_rate(Fraction(0))) == "0"
    assert format_decimal(display_rate(Fraction(1, 10**7))) == "0.0000001"
