"""Demo 台账 through the real ledger services. Idempotent: items are keyed by their contract number.

Dates are relative to today, so the demo reads the same whenever it is seeded. The items of
石家庄市教育局 owed to 石家庄恒信建筑劳务有限公司 belong to the `clerk` and `enterprise` personas.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from qingqian.registry.models import Enterprise, Organisation

EDUCATION = "石家庄市教育局"
HENGXIN = "石家庄恒信建筑劳务有限公司"

# (contract number, debtor, creditor, subject, name, arrears, days since delivery, agreed term, extras)
ITEMS: list[tuple[str, str, str, str, str, str, int, int | None, dict[str, Any]]] = [
    (
        "JY-2024-017",
        EDUCATION,
        HENGXIN,
        "works",
        "市直学校校舍维修改造工程",
        "1280000.00",
        420,
        30,
        {"paid": ["480000.00"], "report": "200000.00"},
    ),
    ("JY-2025-003", EDUCATION, HENGXIN, "works", "第一中学操场翻修工程", "80000.00", 150, None, {}),
    (
        "JY-2025-011",
        EDUCATION,
        HENGXIN,
        "works",
        "教学楼防水工程",
        "360000.00",
        240,
        45,
        {"dispute": ("60000.00", "防水层返修费用有争议", "negotiation")},
    ),
    (
        "JY-2025-020",
        EDUCATION,
        "石家庄市博文教育装备有限公司",
        "goods",
        "教学设备采购",
        "615000.00",
        300,
        30,
        {"plan": 3},
    ),
    (
        "JY-2025-031",
        EDUCATION,
        "河北智联信息技术有限公司",
        "services",
        "智慧校园运维服务",
        "98000.00",
        60,
        30,
        {},
    ),
    (
        "YY-2024-102",
        "石家庄市第一医院",
        "石家庄华康医疗器械销售有限公司",
        "goods",
        "医用耗材采购",
        "520000.00",
        380,
        60,
        {"plan": 4, "paid": ["40000.00"]},
    ),
    (
        "YY-2025-015",
        "石家庄市第一医院",
        "石家庄市洁美物业服务有限公司",
        "services",
        "院区物业服务",
        "186500.00",
        95,
        30,
        {},
    ),
    (
        "RL-2023-088",
        "石家庄市热力集团有限公司",
        "石家庄市鑫源机械制造有限公司",
        "goods",
        "换热机组采购",
        "2300000.00",
        700,
        60,
        {"paid": ["300000.00", "500000.00"]},
    ),
    (
        "CT-2024-051",
        "石家庄市城市建设投资控股集团有限公司",
        "石家庄市正阳市政工程有限公司",
        "works",
        "道路提升改造工程",
        "4650000.00",
        510,
        60,
        {"dispute": ("650000.00", "结算审计核减争议", "court")},
    ),
    (
        "SW-2025-007",
        "石家庄市水务局",
        "石家庄润泽水处理设备有限公司",
        "goods",
        "水处理设备采购",
        "276000.00",
        200,
        30,
        {"report_old": "76000.00"},
    ),
    (
        "MZ-2024-033",
        "石家庄市民政局",
        "石家庄东方印务有限公司",
        "services",
        "宣传资料印制",
        "42000.00",
        330,
        30,
        {"close": True},
    ),
    (
        "CA-2025-004",
        "长安区教育局",
        "石家庄安泰消防工程有限公司",
        "works",
        "校园消防改造工程",
        "158000.00",
        210,
        30,
        {"paid": ["58000.00"]},
    ),
    (
        "CA-2025-009",
        "长安区人民医院",
        "河北天工检测技术有限公司",
        "services",
        "设备检测服务",
        "36800.00",
        120,
        30,
        {},
    ),
    (
        "CA-2024-061",
        "长安区住房和城乡建设局",
        "河北畅通道路养护有限公司",
        "works",
        "背街小巷养护工程",
        "890000.00",
        450,
        60,
        {"plan": 2},
    ),
    (
        "QX-2025-012",
        "桥西区交通运输局",
        "石家庄光明照明工程有限公司",
        "works",
        "路灯节能改造",
        "312000.00",
        260,
        30,
        {},
    ),
    (
        "XH-2024-019",
        "新华区第一中学",
        "石家庄新华办公用品商行有限公司",
        "goods",
        "办公用品采购",
        "18600.00",
        500,
        None,
        {},
    ),
    (
        "SJ-2025-006",
        "石家庄市商务局",
        "河北云端数据服务有限公司",
        "services",
        "数据平台租用",
        "128000.00",
        100,
        30,
        {"paid": ["28000.00"]},
    ),
    (
        "JZ-2024-077",
        "冀中建设工程集团有限公司",
        "石家庄安居装饰工程有限公司",
        "works",
        "住宅装饰分包工程",
        "735000.00",
        400,
        60,
        {},
    ),
]


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).order_by("pk").first()


def seed_ledger(report: Any = None) -> int:
    """Create the demo items that are missing; returns how many were created."""
    from qingqian.ledger import services
    from qingqian.ledger.aging import run_aging
    from qingqian.ledger.models import ArrearsItem

    today = timezone.localdate()
    created = 0
    for number, debtor_name, creditor_name, subject, name, arrears, age, term, extra in ITEMS:
        debtor = _org(debtor_name)
        creditor = Enterprise.objects.filter(name=creditor_name).first()
        if debtor is None or creditor is None:
            continue
        if ArrearsItem.objects.filter(debtor=debtor, creditor=creditor, contract_number=number).exists():
            continue
        delivered = today - dt.timedelta(days=age)
        with transaction.atomic():
            item = services.item_create(
                actor=None,
                debtor=debtor,
                creditor=creditor,
                arrears_amount=Decimal(arrears),
                confirmed_on=delivered + dt.timedelta(days=10),
                contract_number=number,
                contract_name=name,
                subject_kind=subject,
                signed_on=delivered - dt.timedelta(days=40),
                contract_amount=Decimal(arrears) * Decimal("1.25"),
                delivered_on=delivered,
                agreed_term_days=term,
                source="self_inspection",
                note="演示数据",
            )
            _extras(item, extra, delivered, today)
        created += 1
        if report is not None:
            report.add("ledger_items")
    if created:
        run_aging(as_of=today)
    return created


def _extras(item: Any, extra: dict[str, Any], delivered: dt.date, today: dt.date) -> None:
    from qingqian.ledger import services

    for n, amount in enumerate(extra.get("paid", []), start=1):
        paid_on = min(today, delivered + dt.timedelta(days=60 * n))
        report = services.payment_report_create(
            actor=None,
            item=item,
            amount=Decimal(amount),
            paid_on=paid_on,
            method="bank_transfer",
            reference=f"DEMO-{n}",
        )
        services.payment_report_confirm(actor=None, report=report)
    if "report" in extra:
        services.payment_report_create(
            actor=None,
            item=item,
            amount=Decimal(extra["report"]),
            paid_on=today - dt.timedelta(days=2),
            method="commercial_bill",
            reference="DEMO-BILL",
            note="以商业汇票支付",
        )
    if "report_old" in extra:
        report = services.payment_report_create(
            actor=None,
            item=item,
            amount=Decimal(extra["report_old"]),
            paid_on=today - dt.timedelta(days=20),
            method="bank_transfer",
        )
        from qingqian.ledger.models import PaymentReport

        # an old report the SME never answered: due for escalation by the sweeper
        PaymentReport.objects.filter(pk=report.pk).update(
            reported_at=timezone.now() - dt.timedelta(days=20),
            confirm_due_at=timezone.now() - dt.timedelta(days=10),
        )
        services.payment_reports_escalate()
    if "dispute" in extra:
        amount, reason, path = extra["dispute"]
        services.dispute_open(actor=None, item=item, amount=Decimal(amount), reason=reason, path=path)
    if "plan" in extra:
        item.refresh_from_db()
        n = extra["plan"]
        owed = item.balance - item.disputed_amount
        share = (owed / n).quantize(Decimal("0.01"))
        amounts = [share] * (n - 1) + [owed - share * (n - 1)]
        days = [today + dt.timedelta(days=30 * (k + 1)) for k in range(n)]
        plan = services.plan_propose(
            actor=None,
            item=item,
            instalments=list(zip(days, amounts, strict=True)),
            reason="财政资金分期拨付",
        )
        services.plan_approve(actor=None, plan=plan, note="同意按计划分期清偿")
    if extra.get("close"):
        item.refresh_from_db()
        report = services.payment_report_create(
            actor=None,
            item=item,
            amount=item.balance,
            paid_on=today - dt.timedelta(days=30),
            method="bank_transfer",
        )
        services.payment_report_confirm(actor=None, report=report)
        services.item_reconcile(actor=None, item=item, note="双方账目核对一致")
        services.item_close(actor=None, item=item)
