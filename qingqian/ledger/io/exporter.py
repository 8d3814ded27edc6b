"""Export any filtered ledger view to xlsx (or csv) in the import template: it imports back unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import translation

from qingqian.core.io.exporter import Column, Exporter
from qingqian.ledger import selectors
from qingqian.ledger.choices import Bucket, ItemSource, ItemStatus, SubjectKind
from qingqian.ledger.io.template import COLUMNS, INSTRUCTIONS, UNIT_NOTE
from qingqian.ledger.models import ArrearsItem
from qingqian.registry.choices import SizeClass

SUBJECTS = dict(SubjectKind.choices)
SOURCES = dict(ItemSource.choices)
SIZES = dict(SizeClass.choices)
STATUSES = dict(ItemStatus.choices)
BUCKETS = dict(Bucket.choices)


def _aging(item: ArrearsItem, name: str) -> Any:
    try:
        aging = item.aging
    except ArrearsItem.aging.RelatedObjectDoesNotExist:
        return None
    value = getattr(aging, name)
    if name == "bucket":
        return str(BUCKETS.get(value, value))
    return value


GETTERS: dict[str, Any] = {
    "_seq": None,
    "debtor_name": lambda i: i.debtor.name,
    "debtor_uscc": lambda i: i.debtor.uscc,
    "creditor_name": lambda i: i.creditor.name,
    "creditor_uscc": lambda i: i.creditor.uscc,
    "creditor_size_class": lambda i: str(SIZES.get(i.creditor_size_class, "")),
    "subject_kind": lambda i: str(SUBJECTS.get(i.subject_kind, "")),
    "source": lambda i: str(SOURCES.get(i.source, "")),
    "arrears_amount": lambda i: i.principal_total,
    "confirmed_on": lambda i: i.first_confirmed_on if hasattr(i, "first_confirmed_on") else None,
    "acceptance_required": lambda i: i.acceptance_required,
    "x_balance": lambda i: i.balance,
    "x_paid": lambda i: i.paid_total,
    "x_written_off": lambda i: i.written_off_total,
    "x_disputed": lambda i: i.disputed_amount,
    "x_due_on": lambda i: i.due_on,
    "x_overdue_days": lambda i: _aging(i, "overdue_days"),
    "x_bucket": lambda i: _aging(i, "bucket"),
    "x_interest": lambda i: _aging(i, "interest"),
    "x_regulation": lambda i: i.regulation,
    "x_status": lambda i: str(STATUSES.get(i.status, i.status)),
}
KIND = {"money": "money", "date": "date", "int": "int", "bool": "bool"}


class LedgerExporter(Exporter):
    sheet_title = "台账"

    def __init__(self, *, user: Any, filters: dict[str, str] | None = None) -> None:
        self.user = user
        self.filters = filters or {}
        self.columns = [self._column(n, c) for n, c in enumerate(COLUMNS)]
        self._seq = 0

    def _column(self, n: int, c: Any) -> Column:
        getter = GETTERS.get(c.field, lambda i, f=c.field: getattr(i, f))
        if c.field == "_seq":
            getter = self._next_seq
        return Column(c.header, getter, KIND.get(c.kind, "text"), c.width)

    def _next_seq(self, item: Any) -> int:
        self._seq += 1
        return self._seq

    def rows(self) -> Iterable[ArrearsItem]:
        from django.db.models import Min, Q

        from qingqian.ledger.choices import EntryKind

        qs = (
            selectors.item_list_for(user=self.user, filters=self.filters)
            .select_related("debtor", "creditor", "aging")
            .annotate(
                first_confirmed_on=Min("entries__effective_on", filter=Q(entries__kind=EntryKind.CONFIRMED))
            )
            .order_by("debtor__name", "contract_number", "id")
        )
        return qs.iterator(chunk_size=2000)

    # The file is the import template with its documented Chinese headers and labels (docs/i18n.md), so
    # it imports back whatever language the person exporting it reads the pages in.
    def write_xlsx(self, target: str | Path | IO[bytes]) -> int:
        with translation.override(settings.LANGUAGE_CODE):
            return super().write_xlsx(target)

    def csv_text(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return super().csv_text()

    def notes(self) -> list[str]:
        return [UNIT_NOTE]

    def instructions(self) -> list[str]:
        return INSTRUCTIONS


class TemplateExporter(LedgerExporter):
    """The blank template: the header and the instructions, no rows."""

    def __init__(self) -> None:
        super().__init__(user=None)
        self.columns = [c for c, t in zip(self.columns, COLUMNS, strict=True) if not t.export_only]

    def rows(self) -> Iterable[ArrearsItem]:
        return []
