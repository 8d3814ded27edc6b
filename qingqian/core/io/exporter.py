"""Exporters: declare columns, yield rows; the base writes xlsx (streaming) or csv."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from qingqian.core.io.xlsx import XlsxWriter, write_csv


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[Any], Any]
    kind: str = "text"  # text | money | date | int | bool
    width: int = 14


class Exporter:
    """Subclasses set `columns`, `sheet_title` and implement `rows()`; `notes()` are lines above the header
    (e.g. the amount unit); `instructions()` become a second sheet."""

    columns: list[Column] = []
    sheet_title = "Sheet1"

    def rows(self) -> Iterable[Any]:
        raise NotImplementedError

    def notes(self) -> list[str]:
        return []

    def instructions(self) -> list[str]:
        return []

    def values(self) -> Iterator[list[Any]]:
        getters = [c.get for c in self.columns]
        for obj in self.rows():
            yield [g(obj) for g in getters]

    def write_xlsx(self, target: str | Path | IO[bytes]) -> int:
        writer = XlsxWriter(target, sheet_title=self.sheet_title)
        writer.set_widths([c.width for c in self.columns])
        for line in self.notes():
            writer.note(line)
        writer.header([c.header for c in self.columns])
        kinds = [c.kind for c in self.columns]
        count = 0
        for values in self.values():
            writer.row(values, kinds)
            count += 1
        lines = self.instructions()
        if lines:
            writer.add_sheet("填写说明", lines)
        writer.close()
        return count

    def xlsx_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.write_xlsx(buffer)
        return buffer.getvalue()

    def csv_text(self) -> str:
        buffer = io.StringIO()
        buffer.write("\ufeff")
        write_csv(buffer, [c.header for c in self.columns], self.values())
        return buffer.getvalue()
