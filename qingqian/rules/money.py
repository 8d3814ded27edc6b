"""Money and rate helpers: exact arithmetic inside, one named rounding at the edge."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
#: places shown for a daily rate that is not a short decimal (e.g. 3.0 % ÷ 365)
RATE_DISPLAY = Decimal("1E-12")


def round_yuan(value: Fraction | Decimal) -> Decimal:
    """Round a non-negative exact amount to 0.01 yuan, ROUND_HALF_UP (the one rounding step)."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("amounts are never negative")
    hundredths = value * 100
    cents = (2 * hundredths.numerator + hundredths.denominator) // (2 * hundredths.denominator)
    return Decimal(cents).scaleb(-2)


def display_rate(value: Fraction) -> Decimal:
    """A daily rate for display: exact when it is a short decimal, else 12 places (ROUND_HALF_UP)."""
    shown = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(RATE_DISPLAY, ROUND_HALF_UP)
    return shown.normalize() if shown else Decimal(0)


def format_decimal(value: Decimal) -> str:
    """Plain (never scientific) text for a Decimal."""
    return format(value, "f")
