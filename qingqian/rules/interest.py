"""Outstanding principal, overdue days and late-payment interest (逾期利息), DOMAIN §1.4.

Method (documented default):

* simple interest on the outstanding principal, from the day after ``due_on`` through each
  payment date inclusive, and through ``as_of`` inclusive for what is still unpaid;
* daily rate: the agreed annual rate (percent) ÷ 365, raised to the 1-year LPR in force at signing
  when lower (finding ``agreed_rate_below_lpr``); 0.0005 a day when no rate was agreed;
* payments on the same day are one payment; payments on or before ``due_on`` just reduce principal;
* allocation policy ``principal_first`` (payments go to principal, then to accrued interest) or
  ``civil_code_561`` (accrued interest first, then principal; costs are zero here);
* whatever exceeds principal and accrued interest is ``overpaid`` — never a negative balance;
* arithmetic is exact (integers in fractions of a fen); each reported figure is rounded **once**, to 0.01 yuan
  ROUND_HALF_UP, from its exact value. Segment amounts are rounded for display only; the total is
  rounded from the exact sum, so displayed segments may differ from it by a few fen.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .catalogue import reason
from .lpr import LprSeries
from .model import Allocation, Payment, Reason, Segment
from .money import display_rate, format_decimal

_ONE_DAY = timedelta(days=1)
_DAYS_PER_YEAR = 365


@dataclass(frozen=True, slots=True)
class DailyRate:
    value: Fraction
    display: Decimal
    annual_percent: Decimal | None
    reason: Reason
    findings: tuple[str, ...] = ()


def daily_rate(
    agreed_annual_percent: Decimal | None,
    *,
    signed_on: date,
    default_daily: Decimal,
    lpr: LprSeries,
) -> DailyRate:
    """The daily late-payment rate (Art 17 [15]) and why."""
    floor = lpr.rate_on(signed_on) if agreed_annual_percent is not None else None
    return _daily_rate(
        None if agreed_annual_percent is None else str(agreed_annual_percent),
        None if floor is None else str(floor),
        str(default_daily),
    )


@functools.lru_cache(maxsize=4096)
def _daily_rate(agreed_text: str | None, floor_text: str | None, default_text: str) -> DailyRate:
    """Memoised on the exact texts (so ``3.0`` and ``3`` explain themselves as given)."""
    if agreed_text is None:
        value = Fraction(Decimal(default_text))
        display = display_rate(value)
        return DailyRate(value, display, None, reason("rate.default", daily=format_decimal(display)))
    agreed = Decimal(agreed_text)
    floor = None if floor_text is None else Decimal(floor_text)
    if floor is not None and agreed < floor:
        annual = floor
        why = reason("rate.agreed_raised", rate=agreed_text, lpr=str(floor_text))
        findings: tuple[str, ...] = ("agreed_rate_below_lpr",)
    else:
        annual = agreed
        why = reason("rate.agreed", rate=agreed_text)
        findings = ("lpr_not_available",) if floor is None else ()
    value = Fraction(annual) / (100 * _DAYS_PER_YEAR)
    return DailyRate(value, display_rate(value), annual, why, findings)


@dataclass(frozen=True, slots=True)
class Accrual:
    """Exact results of applying payments and accruing interest.

    Every ``*_units`` figure is an integer number of ``1/scale`` fen (exact); the properties give
    each figure rounded once to 0.01 yuan ROUND_HALF_UP.
    """

    scale: int
    principal_units: int
    interest_units: int
    interest_paid_units: int
    interest_unpaid_units: int
    overpaid_units: int
    settled_on: date | None
    segments: tuple[Segment, ...]

    @property
    def principal(self) -> Decimal:
        return _round(self.principal_units, self.scale)

    @property
    def interest(self) -> Decimal:
        return _round(self.interest_units, self.scale)

    @property
    def interest_exact(self) -> Fraction:
        return Fraction(self.interest_units, 100 * self.scale)

    @property
    def interest_paid(self) -> Decimal:
        return _round(self.interest_paid_units, self.scale)

    @property
    def interest_unpaid(self) -> Decimal:
        return _round(self.interest_unpaid_units, self.scale)

    @property
    def overpaid(self) -> Decimal:
        return _round(self.overpaid_units, self.scale)


def _round(units: int, scale: int) -> Decimal:
    """``units``/``scale`` fen (>= 0) to yuan, ROUND_HALF_UP to the fen."""
    return Decimal((2 * units + scale) // (2 * scale)).scaleb(-2)


def merge_same_day(payments: Iterable[Payment]) -> list[tuple[date, Decimal]]:
    """Payments summed per day, in date order."""
    by_day: dict[date, Decimal] = {}
    for payment in payments:
        by_day[payment.paid_on] = by_day.get(payment.paid_on, Decimal(0)) + payment.amount
    return sorted(by_day.items())


def accrue(
    amount: Decimal,
    payments: Iterable[Payment],
    *,
    due_on: date | None,
    as_of: date,
    rate: DailyRate | None,
    allocation: Allocation,
) -> Accrual:
    """Apply ``payments`` (all on or before ``as_of``) to ``amount`` and accrue interest after ``due_on``.

    With ``due_on`` or ``rate`` ``None`` no interest accrues; payments only reduce the principal.
    Exact integer arithmetic: amounts are whole fen, held as units of ``1/scale`` fen; ``scale``
    grows by the rate's denominator whenever an interest amount would not be a whole unit.
    """
    scale = 1
    principal = int(amount.scaleb(2))
    accrued = total = paid_interest = excess = 0
    settled_on: date | None = None
    segments: list[Segment] = []
    if due_on is not None and rate is not None:
        accrues, next_from = True, due_on + _ONE_DAY
        per_day, per_day_denominator, display = rate.value.numerator, rate.value.denominator, rate.display
    else:
        accrues, next_from = False, as_of
        per_day, per_day_denominator, display = 0, 1, Decimal(0)
    interest_first = allocation == "civil_code_561"
    events: list[tuple[date, Decimal | None]] = [*merge_same_day(payments), (as_of, None)]
    for day, paid in events:
        if accrues and principal and day >= next_from:
            days = (day - next_from).days + 1
            interest = principal * days * per_day
            if interest % per_day_denominator:
                # not a whole unit: refine the unit so everything stays an exact integer
                scale *= per_day_denominator
                principal *= per_day_denominator
                accrued *= per_day_denominator
                total *= per_day_denominator
                paid_interest *= per_day_denominator
                excess *= per_day_denominator
            else:
                interest //= per_day_denominator
            total += interest
            accrued += interest
            segments.append(
                Segment(
                    start=next_from,
                    end=day,
                    days=days,
                    principal=_round(principal, scale),
                    daily_rate=display,
                    amount=_round(interest, scale),
                    amount_ratio=(interest, 100 * scale),
                )
            )
            next_from = day + _ONE_DAY
        if paid is None:
            continue  # the closing event at as_of only accrues
        pay = int(paid.scaleb(2)) * scale
        if interest_first and accrued:
            to_interest = min(pay, accrued)
            accrued -= to_interest
            paid_interest += to_interest
            pay -= to_interest
        if principal:
            to_principal = min(pay, principal)
            principal -= to_principal
            pay -= to_principal
            if not principal:
                settled_on = day
        if pay and accrued:
            to_interest = min(pay, accrued)
            accrued -= to_interest
            paid_interest += to_interest
            pay -= to_interest
        excess += pay
    return Accrual(
        scale=scale,
        principal_units=principal,
        interest_units=total,
        interest_paid_units=paid_interest,
        interest_unpaid_units=accrued,
        overpaid_units=excess,
        settled_on=settled_on,
        segments=tuple(segments),
    )


def overdue_days(due_on: date | None, settled_on: date | None, as_of: date) -> int | None:
    """Days from ``due_on`` to full payment of principal (or to ``as_of`` while unpaid); 0 if never late."""
    if due_on is None:
        return None
    end = settled_on if settled_on is not None else as_of
    return max(0, (end - due_on).days)
