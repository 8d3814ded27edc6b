"""`manage.py ledger_verify`: the cached totals on every item equal the sums of its entries (set-based).

Exit status 1 and a list of the items that differ otherwise. The services recompute the totals in the
same transaction as each entry; this command is the independent check (run it after restores too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "核对台账：每条台账的合计字段与分录汇总一致"

    def handle(self, *args: Any, **options: Any) -> None:
        fen = (
            "CAST(ROUND({x} * 100) AS INTEGER)" if connection.vendor == "sqlite" else "(({x}) * 100)::bigint"
        )
        sql = f"""
            SELECT i.id, i.contract_number
            FROM ledger_arrearsitem i
            LEFT JOIN (
                SELECT item_id,
                       SUM(CASE WHEN bucket = 'principal' THEN {fen.format(x="amount")} ELSE 0 END) AS p,
                       SUM(CASE WHEN bucket = 'payment' THEN {fen.format(x="amount")} ELSE 0 END) AS paid,
                       SUM(CASE WHEN bucket = 'write_off' THEN {fen.format(x="amount")} ELSE 0 END) AS off
                FROM ledger_ledgerentry GROUP BY item_id
            ) s ON s.item_id = i.id
            WHERE COALESCE(s.p, 0) <> {fen.format(x="i.principal_total")}
               OR COALESCE(s.paid, 0) <> {fen.format(x="i.paid_total")}
               OR COALESCE(s.off, 0) <> {fen.format(x="i.written_off_total")}
               OR COALESCE(s.p, 0) - COALESCE(s.paid, 0) - COALESCE(s.off, 0) <> {fen.format(x="i.balance")}
        """  # noqa: S608 - constant SQL
        with connection.cursor() as cursor:
            cursor.execute(sql)
            wrong = cursor.fetchall()
        if wrong:
            for pk, number in wrong[:50]:
                self.stderr.write(f"item {pk} {number}: totals differ from its entries")
            raise CommandError(f"{len(wrong)} item(s) differ")
        self.stdout.write("all item totals equal the sums of their entries")
