"""Money is Decimal with two places; rounding happens here, with the mode named."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models

CENT = Decimal("0.01")
MONEY_MAX_DIGITS = 18  # up to 10^16 yuan: more than any national total


def quantize_money(value: Decimal, *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to 0.01 yuan. The default mode is ROUND_HALF_UP (四舍五入), as Chinese accounting expects."""
    return value.quantize(CENT, rounding=rounding)


def parse_money(raw: object) -> Decimal:
    """Parse an amount given as str/int/Decimal (never float) into Decimal; raise ValueError if it isn't one."""
    if isinstance(raw, float):
        raise ValueError("money must not be given as float")
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"not an amount: {raw!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {raw!r}")
    return value


class MoneyField(models.DecimalField):
    """DecimalField(18, 2): the one column type for yuan amounts."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_digits") == MONEY_MAX_DIGITS:
            del kwargs["max_digits"]
        if kwargs.get("decimal_places") == 2:
            del kwargs["decimal_places"]
        return name, path, args, kwargs
