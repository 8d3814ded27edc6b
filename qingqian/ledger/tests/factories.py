"""Building ledger data for tests through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from qingqian.ledger import services
from qingqian.ledger.models import ArrearsItem
from qingqian.registry.models import Enterprise, Organisation

_numbers = itertools.count(1)

EDUCATION = "石家庄市教育局"
HENGXIN = "石家庄恒信建筑劳务有限公司"


def debtor(name: str = EDUCATION) -> Organisation:
    return Organisation.objects.get(name=name)


def creditor(name: str = HENGXIN) -> Enterprise:
    return Enterprise.objects.get(name=name)


def make_item(
    *,
    actor: Any = None,
    debtor_org: Organisation | None = None,
    creditor_ent: Enterprise | None = None,
    arrears: str | Decimal = "100000.00",
    signed_on: dt.date = dt.date(2024, 3, 5),
    delivered_on: dt.date | None = dt.date(2024, 4, 1),
    confirmed_on: dt.date | None = dt.date(2024, 6, 1),
    **fields: Any,
) -> ArrearsItem:
    fields.setdefault("contract_number", f"T-{next(_numbers):06d}")
    fields.setdefault("contract_name", "测试合同")
    fields.setdefault("subject_kind", "works")
    fields.setdefault("contract_amount", Decimal(str(arrears)) * 2)
    return services.item_create(
        actor=actor,
        debtor=debtor_org or debtor(),
        creditor=creditor_ent or creditor(),
        arrears_amount=Decimal(str(arrears)),
        confirmed_on=confirmed_on,
        signed_on=signed_on,
        delivered_on=delivered_on,
        **fields,
    )


def confirmed_payment(item: ArrearsItem, amount: str, paid_on: dt.date, world: Any = None) -> Any:
    report = services.payment_report_create(
        actor=world.clerk if world else None,
        item=item,
        amount=Decimal(amount),
        paid_on=paid_on,
        method="bank_transfer",
    )
    return services.payment_report_confirm(actor=world.enterprise if world else None, report=report)
