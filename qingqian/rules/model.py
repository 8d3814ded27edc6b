"""Value types of the rules core: inputs, policies and results.

All types are frozen dataclasses with slots; money is ``Decimal`` (yuan, two places), dates are
``datetime.date``. Nothing here knows about Django or storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

PayerKind = Literal["organ", "institution", "soe_large", "large_enterprise"]
#: 机关, 事业单位, 国有大型企业, 大型企业 (private or state-owned)
PAYER_KINDS: tuple[PayerKind, ...] = ("organ", "institution", "soe_large", "large_enterprise")
#: Payers bound by the 30/60-day rule of Art 9 [8] para 1 (2025 Art 36 [28]: fiscal money too).
PUBLIC_PAYERS: frozenset[str] = frozenset({"organ", "institution"})
#: Payers that are large enterprises (term rules of Art 9 [8] para 2).
LARGE_PAYERS: frozenset[str] = frozenset({"soe_large", "large_enterprise"})

VersionBy = Literal["signing", "delivery"]
Allocation = Literal["principal_first", "civil_code_561"]
VERSION_BY_CHOICES: tuple[VersionBy, ...] = ("signing", "delivery")
ALLOCATION_CHOICES: tuple[Allocation, ...] = ("principal_first", "civil_code_561")

#: The four deposit kinds lawful in construction (2025 Art 13 [2020 Art 12]).
LAWFUL_DEPOSIT_KINDS: frozenset[str] = frozenset({"bid", "performance", "quality_retention", "migrant_wage"})


_FEN = Decimal("0.01")


class PolicyError(ValueError):
    """An unknown policy name or value."""


@dataclass(frozen=True, slots=True)
class Policies:
    """Points the law leaves open; each has a documented default (DOMAIN §1, §1.4)."""

    regulation_version_by: VersionBy = "signing"
    payment_allocation: Allocation = "principal_first"

    def __post_init__(self) -> None:
        if self.regulation_version_by not in VERSION_BY_CHOICES:
            raise PolicyError(f"regulation_version_by: unknown value {self.regulation_version_by!r}")
        if self.payment_allocation not in ALLOCATION_CHOICES:
            raise PolicyError(f"payment_allocation: unknown value {self.payment_allocation!r}")

    def as_dict(self) -> dict[str, str]:
        return {
            "regulation_version_by": self.regulation_version_by,
            "payment_allocation": self.payment_allocation,
        }


DEFAULT_POLICIES = Policies()


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment received by the SME (yuan, > 0)."""

    paid_on: date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Clauses:
    """Contract terms and practices checked for compliance (rules/compliance.py).

    ``retention_percent`` and ``progress_payment_percent`` are percentages (``Decimal("3")`` = 3 %).
    ``deposit_kinds`` are free codes; only ``LAWFUL_DEPOSIT_KINDS`` are lawful.
    """

    back_to_back: bool = False
    audit_settlement: bool = False
    audit_settlement_contract_agreed: bool = False
    forced_bills: bool = False
    deposit_kinds: tuple[str, ...] = ()
    retention_percent: Decimal | None = None
    progress_payment_percent: Decimal | None = None
    contractor_advance_funding: bool = False
    without_budget: bool = False


NO_CLAUSES = Clauses()


@dataclass(frozen=True, slots=True)
class ContractInput:
    """One contract between a bound payer and an SME, as of ``as_of``.

    ``agreed_annual_rate`` is the agreed late-payment rate in **percent per year**
    (``Decimal("3.0")`` means 3 % a year); ``None`` means no rate was agreed.
    Day counts are calendar days. Construction checks the cheap invariants and raises ``ValueError``.
    """

    payer_kind: PayerKind
    signed_on: date
    delivered_on: date
    amount: Decimal
    as_of: date
    acceptance_required: bool = False
    acceptance_period_days: int | None = None
    accepted_on: date | None = None
    settlement_confirmed_on: date | None = None
    agreed_term_days: int | None = None
    agreed_annual_rate: Decimal | None = None
    payments: tuple[Payment, ...] = ()
    clauses: Clauses = NO_CLAUSES

    def __post_init__(self) -> None:
        if self.payer_kind not in PAYER_KINDS:
            raise ValueError(f"payer_kind: unknown value {self.payer_kind!r}")
        _check_fen("amount", self.amount)
        if not self.amount > 0:
            raise ValueError("amount must be > 0")
        for name in ("acceptance_period_days", "agreed_term_days"):
            days = getattr(self, name)
            if days is not None and days < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.agreed_annual_rate is not None and self.agreed_annual_rate < 0:
            raise ValueError("agreed_annual_rate must be >= 0")
        for payment in self.payments:
            _check_fen("payment amount", payment.amount)
            if not payment.amount > 0:
                raise ValueError("payment amount must be > 0")


def _check_fen(name: str, amount: Decimal) -> None:
    if not amount.is_finite() or amount != amount.quantize(_FEN):
        raise ValueError(f"{name} must be a whole number of fen (at most two decimal places): {amount}")


#: a reason's template values as stored: field name → text or whole number (JSON values)
ReasonValues = tuple[tuple[str, str | int], ...]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a date or number was chosen: a stable code plus Chinese and English text.

    ``values`` are the template values the texts were filled with (``catalogue.reason``), so a stored
    reference (``as_ref()``) rebuilds the same texts (``catalogue.reason_from_ref``).
    """

    code: str
    zh: str
    en: str
    values: ReasonValues = field(default=(), compare=False)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "zh": self.zh, "en": self.en}

    def as_ref(self) -> dict[str, object]:
        """The JSON reference stored instead of the texts: ``{"code", "values"?}`` (no values, no key)."""
        if not self.values:
            return {"code": self.code}
        return {"code": self.code, "values": dict(self.values)}


@dataclass(frozen=True, slots=True)
class Finding:
    """A stable finding code with its message and the article it rests on."""

    code: str
    message_zh: str
    message_en: str
    citation: str

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "citation": self.citation,
        }


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of late-payment interest on a constant principal.

    ``start``..``end`` inclusive; ``principal``, ``daily_rate`` and ``amount`` are for display
    (``amount`` rounded to 0.01); ``amount_ratio`` is the exact amount in yuan as
    ``(numerator, denominator)``, the unrounded value the total is summed from (``amount_exact``).
    """

    start: date
    end: date
    days: int
    principal: Decimal
    daily_rate: Decimal
    amount: Decimal
    amount_ratio: tuple[int, int]

    @property
    def amount_exact(self) -> Fraction:
        return Fraction(*self.amount_ratio)

    def as_dict(self) -> dict[str, object]:
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "days": self.days,
            "principal": str(self.principal),
            "daily_rate": format(self.daily_rate, "f"),
            "amount": str(self.amount),
        }


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of ``assess``: figures plus the explanation of every step.

    ``due_on``/``interest``/``overdue_days`` are ``None`` when the due date cannot be determined
    (see ``findings``). ``outstanding`` is unpaid principal; ``interest`` is all late-payment
    interest accrued to ``as_of`` (paid or not), rounded once; ``interest_unpaid`` is what is left
    of it after payments allocated to interest.
    """

    regulation: str | None
    rule_date: date
    start_on: date | None
    start_reason: Reason | None
    term_days: int | None
    term_reason: Reason | None
    due_on: date | None
    overdue_days: int | None
    outstanding: Decimal
    interest: Decimal | None
    interest_paid: Decimal
    interest_unpaid: Decimal
    overpaid: Decimal
    annual_rate_percent: Decimal | None
    daily_rate: Decimal | None
    rate_reason: Reason | None
    segments: tuple[Segment, ...]
    findings: tuple[Finding, ...]
    policies: Policies = field(default=DEFAULT_POLICIES)

    @property
    def finding_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings)
