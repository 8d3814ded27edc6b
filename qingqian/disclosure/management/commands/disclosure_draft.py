"""Draft (or refresh the drafts of) every body's annual disclosure from the ledger. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from qingqian.disclosure.services import returns_draft


class Command(BaseCommand):
    help = "Draft the annual disclosure of every body for a year (default: last year)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"] or timezone.localdate().year - 1
        r = returns_draft(actor=None, year=year)
        self.stdout.write(
            f"year {year}: {r.created} drafted, {r.refreshed} refreshed, {r.unchanged} unchanged, "
            f"{r.skipped_published} published (left alone)"
        )
