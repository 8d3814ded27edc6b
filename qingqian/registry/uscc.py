"""统一社会信用代码 (GB 32100-2015) checks, via python-stdnum.

Malformed (length or characters) is an error. A wrong check character is only a *warning*: some
early pilot codes fail the checksum but are lawful (DOMAIN.md §4).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

WARNING_CHECKSUM = "uscc_checksum_mismatch"

UNIT_TYPES = {
    "11": _("机关"),
    "12": _("事业单位"),
    "13": _("中央编办直接管理机构编制的群众团体"),
    "19": _("其他机构编制"),
    "51": _("社会团体"),
    "52": _("民办非企业单位"),
    "53": _("基金会"),
    "91": _("企业"),
    "92": _("个体工商户"),
    "93": _("农民专业合作社"),
}


@dataclass(frozen=True)
class UsccCheck:
    value: str
    warning: str  # "" or WARNING_CHECKSUM


class UsccError(ValueError):
    pass


def normalise(raw: str) -> str:
    """Upper-case, without spaces or hyphens; full-width letters and digits folded to ASCII."""
    folded = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in raw)
    return stdnum_uscc.compact(folded.replace("\u3000", ""))


def check_uscc(raw: str) -> UsccCheck:
    value = normalise(raw)
    try:
        stdnum_uscc.validate(value)
    except InvalidChecksum:
        return UsccCheck(value=value, warning=WARNING_CHECKSUM)
    except ValidationError as exc:
        raise UsccError(
            str(_("统一社会信用代码格式不正确：应为18位，由数字和除 I、O、S、V、Z 以外的大写字母组成。"))
        ) from exc
    return UsccCheck(value=value, warning="")


def with_check_character(first17: str) -> str:
    """Complete 17 characters with their check character (used by demo and synthetic data)."""
    return first17 + stdnum_uscc.calc_check_digit(first17)


def unit_type_of(value: str) -> str:
    return str(UNIT_TYPES.get(value[:2], _("未知")))
