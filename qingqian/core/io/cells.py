"""Normalising spreadsheet cells. Every parser takes what python-calamine or a person typed and returns
a clean Python value or raises `CellError` with a Chinese message (the caller adds row and column)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

#: full-width ASCII (！ … ～) → ASCII, ideographic space → space, and the usual invisible characters.
_FOLD: dict[int, int | None] = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x200B: None, 0xFEFF: None, 0x2002: 0x20, 0x2003: 0x20})
_FOLD.update({ord("，"): ord(","), ord("。"): ord("."), ord("－"): ord("-"), ord("—"): ord("-")})
#: for names and other texts: only full-width letters, digits and spaces (Chinese punctuation such as
#: （集团） is part of a name and stays as written).
_FOLD_TEXT: dict[int, int | None] = {
    c: c - 0xFEE0 for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]
}
_FOLD_TEXT.update(
    {0x3000: 0x20, 0x00A0: 0x20, 0x200B: None, 0xFEFF: None, 0x2002: 0x20, 0x2003: 0x20, 0xFF0D: 0x2D}
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # the 1900 date system (with Lotus's leap-year bug folded in)
CENT = Decimal("0.01")
WAN = Decimal(10000)
_ZERO = Decimal(0)


class CellError(ValueError):
    """A cell that cannot be read; the message says what was expected."""


def fold(text: str) -> str:
    """Full-width → half-width, invisible characters dropped, outer blanks stripped."""
    return text.translate(_FOLD).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not fold(value))


def text(value: Any, *, keep_width: bool = False) -> str:
    """A text cell: numbers as typed (12.0 → "12"), blanks stripped, a protective leading quote removed."""
    if value is None:
        return ""
    if value.__class__ is str:  # by far the most common: straight to the text rules
        return _text_rules(value, keep_width)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text_rules(value if isinstance(value, str) else str(value), keep_width)


def _text_rules(raw: str, keep_width: bool) -> str:
    out = raw.strip() if keep_width else raw.translate(_FOLD_TEXT).strip()
    if "  " in out or "\t" in out or "\n" in out or "\r" in out:
        out = re.sub(r"\s+", " ", out)
    if len(out) > 1 and out[0] == "'" and out[1] in "=+-@\t\r":
        out = out[1:]  # the quote `safe_text` put in front of a formula-like text on export
    return out


_AMOUNT_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def amount(value: Any, *, multiplier: Decimal = Decimal(1), allow_negative: bool = False) -> Decimal | None:
    """An amount in yuan, exact to the fen. `multiplier` is 10000 for a file in 万元. A text may carry its
    own unit (``12.5万元``, ``¥1,234.00``, ``1 234元``); thousands separators and full-width digits are fine.
    Numbers from Excel arrive as binary floats: they are read by their shortest decimal text."""
    cls = value.__class__
    if cls is float:  # the most common first: a number cell
        return _fen(Decimal(f"{value:.15g}") * multiplier, value, allow_negative)  # = excel_number(value)
    if value is None:
        return None
    if cls is bool:
        raise CellError(_("应为金额"))
    if isinstance(value, int):
        return _fen(Decimal(value) * multiplier, value, allow_negative)
    if isinstance(value, float):
        return _fen(excel_number(value) * multiplier, value, allow_negative)
    if isinstance(value, Decimal):
        return _fen(value * multiplier, value, allow_negative)
    folded = fold(value if isinstance(value, str) else str(value))
    if not folded:
        if isinstance(value, str):
            return None  # a blank text
        raise CellError(_("应为金额（如 12345.67），实际为“%(v)s”") % {"v": str(value).strip()[:30]})
    cleaned = folded.replace(",", "").replace(" ", "").replace("¥", "").replace("￥", "")
    unit = multiplier
    if cleaned.endswith("万元") or cleaned.endswith("万"):
        cleaned, unit = cleaned.rstrip("元").rstrip("万"), WAN
    elif cleaned.endswith("元"):
        cleaned, unit = cleaned[:-1], Decimal(1)
    if not _AMOUNT_TEXT.match(cleaned):
        raise CellError(_("应为金额（如 12345.67），实际为“%(v)s”") % {"v": str(value).strip()[:30]})
    return _fen(Decimal(cleaned) * unit, value, allow_negative)


def excel_number(value: float) -> Decimal:
    """A number from a spreadsheet as Excel shows it: 15 significant digits (so a formula's binary noise,
    0.1 + 0.2 = 0.30000000000000004, reads as 0.3)."""
    return Decimal(f"{value:.15g}")


def _fen(number: Decimal, raw: Any, allow_negative: bool) -> Decimal:
    if not number.is_finite():
        raise CellError(_("应为金额"))
    if number < _ZERO and not allow_negative:
        raise CellError(_("金额不能为负数"))
    rounded = number.quantize(CENT)
    if rounded != number:
        raise CellError(
            _("金额最多精确到分（换算为元后最多两位小数），实际为“%(v)s”") % {"v": str(raw).strip()[:30]}
        )
    return rounded


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def date(value: Any) -> dt.date | None:
    """Excel dates (calamine gives `date`/`datetime`, or a serial number for an unformatted cell), and the
    texts 2024-03-05, 2024/3/5, 2024.3.5, 2024年3月5日, 20240305 (full-width digits too)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("应为日期"))
    if isinstance(value, int | float):
        serial = value
        if serial != int(serial) or not 1 <= serial <= 2958465:
            raise CellError(_("应为日期（如 2024-03-05），实际为“%(v)s”") % {"v": value})
        return EXCEL_EPOCH + dt.timedelta(days=int(serial))
    cleaned = fold(str(value))
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})?$", cleaned):
        cleaned = re.split(r"[ T]", cleaned)[0]  # a date-time text: the date part
    cleaned = cleaned.replace(" ", "")
    if cleaned.isdigit() and 4 < len(cleaned) < 8:  # a serial number typed as text
        return EXCEL_EPOCH + dt.timedelta(days=int(cleaned))
    for pattern in _DATE_PATTERNS:
        m = pattern.match(cleaned)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError as exc:
                raise CellError(_("日期不存在：“%(v)s”") % {"v": str(value).strip()[:30]}) from exc
    raise CellError(
        _("应为日期（如 2024-03-05、2024/3/5 或 2024年3月5日），实际为“%(v)s”")
        % {"v": str(value).strip()[:30]}
    )


def integer(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("应为整数"))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("应为整数，实际为“%(v)s”") % {"v": value})
    cleaned = fold(str(value)).replace(",", "").replace(" ", "").removesuffix("天").removesuffix("日")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(_("应为整数，实际为“%(v)s”") % {"v": str(value).strip()[:30]}) from exc
    if number != number.to_integral_value():
        raise CellError(_("应为整数，实际为“%(v)s”") % {"v": str(value).strip()[:30]})
    return int(number)


def decimal(value: Any) -> Decimal | None:
    """A plain number (rates, percents): floats by their shortest text, a trailing % allowed."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("应为数字"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return excel_number(value)
    cleaned = fold(str(value)).replace(",", "").replace(" ", "").removesuffix("%")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise CellError(_("应为数字，实际为“%(v)s”") % {"v": str(value).strip()[:30]}) from exc
    if not number.is_finite():
        raise CellError(_("应为数字"))
    return number


TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√", "✓", "需要"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", "×", "不需要", ""}


def boolean(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise CellError(_("应为“是”或“否”"))
    word = fold(str(value)).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False if word else None
    raise CellError(_("应为“是”或“否”，实际为“%(v)s”") % {"v": str(value).strip()[:30]})


def choice(value: Any, choices: list[tuple[str, Any]]) -> str | None:
    """A code from its label (中文) or the code itself."""
    return choice_parser(choices)(value)


def choice_parser(choices: list[tuple[str, Any]]) -> Callable[[Any], str | None]:
    """A parser for one column of codes: the label table is built once, on first use (labels are lazy
    translations; turning each into text per cell would dominate a large import)."""
    table: dict[str, str] = {}

    def parse(value: Any) -> str | None:
        if is_blank(value):
            return None
        if not table:
            table.update({code: code for code, _label in choices})
            table.update({str(label): code for code, label in choices})
        word = fold(str(value))
        code = table.get(word)
        if code is not None:
            return code
        allowed = "、".join(str(label) for _code, label in choices)
        raise CellError(_("应为以下之一：%(a)s；实际为“%(v)s”") % {"a": allowed, "v": word[:30]})

    return parse
