"""Demo disclosure through the real services. Idempotent: nothing happens once last year is drafted.

* a few contracts paid in full during last year (some late), so payment performance and "paid late"
  have something to show;
* last year's returns drafted for every body; most confirmed, approved and published, some left at
  each step so the completeness board shows laggards; 市教育局 (the `clerk` persona) left to confirm;
* 新华区第一中学 published and then corrected (version 2 with its reason), so the public page shows both;
* payment performance published for two bodies, and last month's progress report generated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qingqian.registry.models import Enterprise, Organisation

# (contract number, debtor, creditor, subject, name, amount, delivered (month, day), term, paid (month, day))
SETTLED: list[tuple[str, str, str, str, str, str, tuple[int, int], int, tuple[int, int]]] = [
    (
        "GK-001",
        "石家庄市第一医院",
        "石家庄华康医疗器械销售有限公司",
        "goods",
        "检验试剂采购",
        "86000.00",
        (3, 10),
        30,
        (4, 2),
    ),
    (
        "GK-002",
        "石家庄市第一医院",
        "石家庄市洁美物业服务有限公司",
        "services",
        "保洁服务",
        "124000.00",
        (5, 20),
        30,
        (8, 15),
    ),
    (
        "GK-003",
        "石家庄市水务局",
        "石家庄润泽水处理设备有限公司",
        "goods",
        "管网配件采购",
        "58000.00",
        (2, 1),
        60,
        (3, 20),
    ),
    (
        "GK-004",
        "石家庄市水务局",
        "河北天工检测技术有限公司",
        "services",
        "水质检测服务",
        "43500.00",
        (6, 1),
        30,
        (10, 30),
    ),
    (
        "GK-005",
        "长安区教育局",
        "石家庄市博文教育装备有限公司",
        "goods",
        "课桌椅采购",
        "97000.00",
        (4, 1),
        30,
        (4, 25),
    ),
    (
        "GK-006",
        "石家庄市第一医院",
        "河北智联信息技术有限公司",
        "services",
        "信息系统运维",
        "210000.00",
        (1, 15),
        60,
        (6, 30),
    ),
]
CLERK_BODY = "石家庄市教育局"
CORRECTED_BODY = "新华区第一中学"


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).order_by("pk").first()


def _seed_settled(year: int, report: Any) -> None:
    from qingqian.ledger import services
    from qingqian.ledger.models import ArrearsItem

    for number, debtor_name, creditor_name, subject, name, amount, delivered, term, paid in SETTLED:
        number = f"{number}-{year}"
        debtor, creditor = _org(debtor_name), Enterprise.objects.filter(name=creditor_name).first()
        if debtor is None or creditor is None:
            continue
        if ArrearsItem.objects.filter(debtor=debtor, creditor=creditor, contract_number=number).exists():
            continue
        delivered_on = dt.date(year, *delivered)
        with transaction.atomic():
            item = services.item_create(
                actor=None,
                debtor=debtor,
                creditor=creditor,
                arrears_amount=Decimal(amount),
                confirmed_on=delivered_on + dt.timedelta(days=5),
                contract_number=number,
                contract_name=name,
                subject_kind=subject,
                signed_on=delivered_on - dt.timedelta(days=30),
                contract_amount=Decimal(amount),
                delivered_on=delivered_on,
                agreed_term_days=term,
                source="self_inspection",
                note="演示数据：年内已付清",
            )
            pr = services.payment_report_create(
                actor=None,
                item=item,
                amount=Decimal(amount),
                paid_on=dt.date(year, *paid),
                method="bank_transfer",
            )
            services.payment_report_confirm(actor=None, report=pr)
            services.item_reconcile(actor=None, item=item, note="演示：双方对账一致")
            services.item_close(actor=None, item=item)
        if report is not None:
            report.add("ledger_items")


def _late_registration(year: int, body: Organisation) -> None:
    from qingqian.ledger import services
    from qingqian.ledger.models import ArrearsItem

    creditor = Enterprise.objects.filter(name="石家庄绿城园林绿化工程有限公司").first()
    number = f"GK-007-{year}"
    if (
        creditor is None
        or ArrearsItem.objects.filter(debtor=body, creditor=creditor, contract_number=number).exists()
    ):
        return
    delivered_on = dt.date(year, 9, 1)
    with transaction.atomic():
        services.item_create(
            actor=None,
            debtor=body,
            creditor=creditor,
            arrears_amount=Decimal("52000.00"),
            contract_number=number,
            contract_name="校园绿化养护工程",
            subject_kind="works",
            signed_on=delivered_on - dt.timedelta(days=60),
            contract_amount=Decimal("52000.00"),
            delivered_on=delivered_on,
            agreed_term_days=30,
            source="self_inspection",
            note="演示数据：公开后自查补登",
        )


def _walk(ret: Any, steps: list[str]) -> Any:
    from qingqian.disclosure.services import return_transition

    for action in steps:
        ret = return_transition(actor=None, disclosure_return=ret, action=action)
    return ret


def seed_disclosure(report: Any = None) -> int:
    """Returns how many returns were published."""
    from qingqian.disclosure.models import DisclosureReturn
    from qingqian.disclosure.services import (
        performance_publish,
        report_generate_scheduled,
        return_reopen,
        returns_draft,
    )

    today = timezone.localdate()
    year = today.year - 1
    if DisclosureReturn.objects.filter(year=year).exists():
        return 0
    _seed_settled(year, report)
    from qingqian.ledger.aging import run_aging

    run_aging(as_of=today)
    returns_draft(actor=None, year=year)
    published = 0
    returns = list(
        DisclosureReturn.objects.filter(year=year)
        .select_related("body")
        .order_by("body__region__path", "body_id")
    )
    for n, ret in enumerate(returns):
        name = ret.body.name
        if name == CLERK_BODY:
            continue  # the clerk persona confirms it in the demo
        slot = n % 10
        if name == CORRECTED_BODY or slot <= 6:
            _walk(ret, ["confirm", "approve", "publish"])
            published += 1
        elif slot == 7:
            _walk(ret, ["confirm", "approve"])
        elif slot == 8:
            _walk(ret, ["confirm"])
    corrected = DisclosureReturn.objects.filter(
        body__name=CORRECTED_BODY, year=year, status="published"
    ).first()
    if corrected is not None:
        # A contract found after publication: registered in the ledger now (the published v1 stays as it
        # was), then the body reopens its disclosure, which re-drafts from the ledger as version 2.
        _late_registration(year, corrected.body)
        new = return_reopen(
            actor=None,
            disclosure_return=corrected,
            reason="单位自查发现一笔年末已逾期未付的工程款未纳入台账，补登后更正逾期未付数据",
        )
        _walk(new, ["confirm", "approve", "publish"])
    for name in ("石家庄市第一医院", "石家庄市水务局"):
        body = _org(name)
        if body is not None:
            performance_publish(actor=None, body=body, year=year, note="演示数据")
    report_generate_scheduled(today=today)
    if report is not None:
        report.created["disclosures_published"] = published
    return published
