"""Reading with python-calamine and writing with XlsxWriter (constant memory), formula-injection safe."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """A text cell a spreadsheet will never run: one starting with = + - @ (or a tab / carriage return)
    gets a leading apostrophe (OWASP CSV injection). `cells.text` removes it again on import."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def open_sheet(path: str | Path, *, sheet: int | str = 0) -> tuple[int, Iterator[list[Any]]]:
    """(number of rows, the rows) of one sheet; cells are str, int/float, bool, date, datetime or None.

    calamine parses the sheet in Rust; rows are handed to Python one at a time (no list of the whole
    sheet is built), which keeps a 100,000-row import well inside its memory budget."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    worksheet = (
        workbook.get_sheet_by_index(sheet) if isinstance(sheet, int) else workbook.get_sheet_by_name(sheet)
    )

    def rows() -> Iterator[list[Any]]:
        for row in worksheet.iter_rows():
            yield [None if cell == "" else cell for cell in row]

    return int(worksheet.height), rows()


def read_rows(path: str | Path, *, sheet: int | str = 0) -> Iterator[list[Any]]:
    return open_sheet(path, sheet=sheet)[1]


class XlsxWriter:
    """Streams rows into an .xlsx: text / money / date / int / bool columns, formula-safe text."""

    def __init__(self, target: str | Path | IO[bytes], *, sheet_title: str = "Sheet1") -> None:
        import xlsxwriter

        self._book = xlsxwriter.Workbook(
            str(target) if isinstance(target, Path) else target,
            {
                "constant_memory": True,
                "in_memory": not isinstance(target, str | Path),
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self._sheet = self._book.add_worksheet(sheet_title[:31])
        self._formats = {
            "date": self._book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": self._book.add_format({"num_format": "#,##0.00"}),
            "header": self._book.add_format(
                {"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True}
            ),
            "note": self._book.add_format({"italic": True, "font_color": "#555555"}),
        }
        self._row = 0

    @property
    def book(self) -> Any:
        return self._book

    def set_widths(self, widths: list[int]) -> None:
        for col, width in enumerate(widths):
            self._sheet.set_column(col, col, width)

    def note(self, text: str) -> None:
        self._sheet.write_string(self._row, 0, safe_text(text), self._formats["note"])
        self._row += 1

    def header(self, names: list[str]) -> None:
        for col, name in enumerate(names):
            self._sheet.write_string(self._row, col, safe_text(name), self._formats["header"])
        self._sheet.freeze_panes(self._row + 1, 0)
        self._row += 1

    def row(self, values: list[Any], kinds: list[str]) -> None:
        sheet, row = self._sheet, self._row
        for col, (value, kind) in enumerate(zip(values, kinds, strict=True)):
            if value is None or value == "":
                continue
            if kind == "money" or isinstance(value, Decimal):
                sheet.write_number(row, col, value, self._formats["money"])
            elif isinstance(value, bool):
                sheet.write_string(row, col, "是" if value else "否")
            elif isinstance(value, int):
                sheet.write_number(row, col, value)
            elif isinstance(value, dt.date):
                day = (
                    value
                    if isinstance(value, dt.datetime)
                    else dt.datetime(value.year, value.month, value.day)
                )
                sheet.write_datetime(row, col, day, self._formats["date"])
            else:
                sheet.write_string(row, col, safe_text(str(value)))
        self._row += 1

    def add_sheet(self, title: str, lines: Iterable[str]) -> None:
        sheet = self._book.add_worksheet(title[:31])
        sheet.set_column(0, 0, 110)
        for n, line in enumerate(lines):
            sheet.write_string(n, 0, safe_text(line))

    def close(self) -> None:
        self._book.close()


def write_csv(target: IO[str], header: list[str], rows: Iterable[list[Any]]) -> None:
    """UTF-8 with BOM (so Excel opens Chinese correctly), formula-safe text."""
    writer = csv.writer(target)
    writer.writerow([safe_text(h) for h in header])
    for values in rows:
        out = []
        for value in values:
            if value is None:
                out.append("")
            elif isinstance(value, bool):
                out.append("是" if value else "否")
            elif isinstance(value, dt.date):
                out.append(value.isoformat())
            elif isinstance(value, Decimal | int):
                out.append(str(value))
            else:
                out.append(safe_text(str(value)))
        writer.writerow(out)
