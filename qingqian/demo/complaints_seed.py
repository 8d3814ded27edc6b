"""Demo complaints through the real services, in several states. Idempotent: seeded once."""

from __future__ import annotations

import zlib
from typing import Any

from qingqian.accounts.models import User
from qingqian.complaints import services
from qingqian.complaints.models import Complaint
from qingqian.registry.models import Enterprise, Organisation, Region

MARK = "【演示】"


def _data(
    enterprise: Enterprise | None, respondent: str, amount: str, summary: str, **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "respondent_name": respondent,
        "contact_name": "联系人",
        "contact_phone": "0311-80000000",
        "complainant_size": enterprise.size_class
        if enterprise and enterprise.size_class != "unknown"
        else "small",
        "amount_claimed": amount,
        "summary": MARK + summary,
        "contracts": [
            {
                "number": f"DEMO-{zlib.crc32(summary.encode()) % 10000:04d}",
                "subject": summary[:20],
                "signed_on": "2024-03-01",
                "amount": amount,
                "paid_amount": "0",
                "delivered_on": "2024-06-30",
                "due_on": "2024-07-30",
            }
        ],
        "pledge": True,
        "eligibility": dict.fromkeys(
            ("bound_payer", "has_contract", "performed", "overdue", "no_other_procedure"), True
        ),
    }
    if enterprise is not None:
        data.update(complainant_name=enterprise.name, complainant_uscc=enterprise.uscc)
    data.update(extra)
    return data


def _walk(case: Complaint, steps: list[tuple[str, dict[str, Any]]]) -> Complaint:
    for action, payload in steps:
        case = services.apply_transition(actor=None, complaint=case, action=action, payload=payload)
    return case


def seed_complaints(report: Any) -> None:
    if Complaint.objects.filter(summary__startswith=MARK).exists():
        return
    enterprise_user = User.objects.filter(username="enterprise").first()
    enterprises = list(Enterprise.objects.order_by("name"))
    finance = Organisation.objects.get(name="石家庄市财政局")
    route = {"department_id": finance.pk}
    result = {"outcome": "partly_paid", "text": "已支付部分款项，余款列入还款计划", "amount_paid": "50000.00"}
    if enterprise_user is not None:
        services.complaint_file(
            actor=enterprise_user,
            data=_data(None, "石家庄市第一医院", "86000.00", "医疗设备维保费用逾期未付"),
        )
    cases: list[tuple[Enterprise, str, str, str, list[tuple[str, dict[str, Any]]]]] = [
        (
            enterprises[1],
            "石家庄市教育局",
            "230000.00",
            "教育信息化系统开发款验收后逾期未付",
            [("start_review", {})],
        ),
        (
            enterprises[2],
            "石家庄市水务局",
            "58000.50",
            "管网配件货款逾期",
            [("request_material", {"text": "请补充送货单和验收记录"})],
        ),
        (
            enterprises[3],
            "石家庄市民政局",
            "120000.00",
            "养老服务设备货款逾期",
            [("accept", {}), ("route", route)],
        ),
        (
            enterprises[4],
            "石家庄市第二医院",
            "76000.00",
            "绿化养护费逾期",
            [("accept", {}), ("route", route), ("receive", {})],
        ),
        (
            enterprises[5],
            "石家庄市商务局",
            "99000.00",
            "物流服务费逾期",
            [
                ("accept", {}),
                ("route", route),
                ("receive", {}),
                ("submit_result", result),
                ("approve_result", {}),
            ],
        ),
        (
            enterprises[6],
            "石家庄市图书馆",
            "45000.00",
            "图书采购款逾期",
            [
                ("accept", {}),
                ("route", route),
                ("receive", {}),
                (
                    "submit_result",
                    {"outcome": "paid_in_full", "text": "已全额支付", "amount_paid": "45000.00"},
                ),
                ("approve_result", {}),
                ("confirm_satisfied", {}),
            ],
        ),
        (enterprises[7], "长安区住房和城乡建设局", "310000.00", "消防工程款逾期", [("accept", {})]),
    ]
    for ent, respondent, amount, summary, steps in cases:
        case = services.complaint_register_lead(
            actor=None, channel="hotline", data=_data(ent, respondent, amount, summary)
        )
        _walk(case, steps)
        report.add("complaints")
    services.complaint_receive_upstream(
        actor=None,
        data=_data(
            enterprises[8],
            "石家庄市城市管理综合行政执法局",
            "150000.00",
            "国家平台转办：环卫设备款逾期",
            upstream_ref="GJPT-2025-0001234",
            upstream_due_on="2099-12-31",
        ),
    )
    services.complaint_register_lead(
        actor=None,
        channel="letter",
        data=_data(
            enterprises[9],
            "石家庄某街道办事处（名录外）",
            "23000.00",
            "来信反映街道办拖欠物业服务费",
            respondent_kind="organ",
            respondent_region=Region.objects.get(code="130102"),
            original_text="尊敬的领导：我公司为某街道办提供物业服务……",
        ),
    )
    report.add("complaints")
