"""The columns of an import, found by their headers, and the errors it reports per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from qingqian.core.io.cells import fold, is_blank


@dataclass(frozen=True)
class ImportColumn:
    header: str  # the template's header, e.g. "合同编号"
    field: str  # the form field (or a key the importer reads itself)
    parse: Callable[[Any], Any] | None = None  # cell → value; raises CellError
    required: bool = False
    aliases: tuple[str, ...] = ()
    export_only: bool = False  # in the exported template for reading; ignored on import

    def names(self) -> set[str]:
        return {_norm(self.header), *(_norm(a) for a in self.aliases)}


def _norm(header: Any) -> str:
    text = fold(str(header or "")).replace(" ", "").replace("*", "").replace("（", "(").replace("）", ")")
    return text


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based spreadsheet row number
    column: str  # header text, or "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("第%(row)d行：%(col)s：%(msg)s") % {
                "row": self.row,
                "col": self.column,
                "msg": self.message,
            }
        return _("第%(row)d行：%(msg)s") % {"row": self.row, "msg": self.message}

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class HeaderError(ValueError):
    pass


@dataclass
class Layout:
    header_row: int  # 0-based index of the header row
    columns: dict[int, ImportColumn]  # sheet column index → column
    preamble: list[str]  # texts above the header (e.g. "金额单位：万元")


def locate(rows: Sequence[list[Any]], columns: Sequence[ImportColumn], *, scan: int = 15) -> Layout:
    """The header row is the first of the top `scan` rows that names every required column."""
    wanted = [c for c in columns if not c.export_only]
    for index, row in enumerate(rows[:scan]):
        found: dict[int, ImportColumn] = {}
        for col, cell in enumerate(row):
            name = _norm(cell)
            for spec in wanted:
                if name and name in spec.names() and spec not in found.values():
                    found[col] = spec
                    break
        present = set(found.values())
        if all(c in present for c in wanted if c.required):
            preamble = [fold(str(c)) for r in rows[:index] for c in r if not is_blank(c)]
            return Layout(index, found, preamble)
    missing = "、".join(c.header for c in wanted if c.required)
    raise HeaderError(
        _("未找到表头：前%(n)d行中没有一行同时包含必填列（%(cols)s）。请使用台账模板。")
        % {"n": scan, "cols": missing}
    )
