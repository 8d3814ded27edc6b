"""Build complaints in any state through the real services (tests, matrix rows, benchmarks)."""

from __future__ import annotations

from typing import Any

from qingqian.complaints import services
from qingqian.complaints.choices import Status
from qingqian.complaints.models import Complaint
from qingqian.registry.models import Organisation

EDU = "石家庄市教育局"
FINANCE = "石家庄市财政局"

PAYLOADS: dict[str, dict[str, Any]] = {
    "request_material": {"text": "请补充验收单"},
    "provide_material": {"text": "已补充验收单"},
    "reject": {"reason": "before_court", "text": "已起诉"},
    "return_misrouted": {"text": "非本部门职责"},
    "request_extension": {"days": 30, "text": "情况复杂"},
    "refuse_extension": {"text": "理由不充分"},
    "submit_result": {"outcome": "paid_in_full", "text": "已全额支付", "amount_paid": "120000.00"},
    "return_result": {"text": "结果不完整"},
    "confirm_satisfied": {"text": "满意"},
    "rate_unsatisfied": {"text": "仍未收到款项"},
    "rate_unsatisfied_again": {"text": "还是没有收到"},
    "office_close": {"text": "复核属实，已办结"},
    "withdraw": {"text": "已协商解决"},
    "terminate": {"text": "企业已起诉"},
}


def intake_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "eligibility": {
            "bound_payer": True,
            "has_contract": True,
            "performed": True,
            "overdue": True,
            "no_other_procedure": True,
        },
        "respondent_name": EDU,
        "contact_name": "陈刚",
        "contact_phone": "13800000000",
        "contact_email": "chen@example.cn",
        "complainant_size": "small",
        "amount_claimed": "120000.00",
        "summary": "2024年为市教育局完成校舍维修工程，验收合格后逾期未付款。",
        "contracts": [
            {
                "number": "SJZ-EDU-2024-017",
                "subject": "校舍维修工程",
                "signed_on": "2024-03-01",
                "amount": "150000.00",
                "paid_amount": "30000.00",
                "delivered_on": "2024-06-30",
                "due_on": "2024-07-30",
            }
        ],
        "pledge": True,
    }
    data.update(overrides)
    return data


def department(name: str = FINANCE) -> Organisation:
    return Organisation.objects.get(name=name)


def route_payload(name: str = FINANCE) -> dict[str, Any]:
    return {"department_id": department(name).pk}


PATHS: dict[str, list[str]] = {
    Status.REGISTERED: [],
    Status.UNDER_REVIEW: ["start_review"],
    Status.AWAITING_MATERIAL: ["start_review", "request_material"],
    Status.NOT_ACCEPTED: ["start_review", "reject"],
    Status.ACCEPTED: ["start_review", "accept"],
    Status.TRANSFERRED: ["accept", "route"],
    Status.IN_HANDLING: ["accept", "route", "receive"],
    Status.EXTENSION_REQUESTED: ["accept", "route", "receive", "request_extension"],
    Status.RESULT_SUBMITTED: ["accept", "route", "receive", "submit_result"],
    Status.FEEDBACK_SENT: ["accept", "route", "receive", "submit_result", "approve_result"],
    Status.OFFICE_REVIEW: [
        "accept",
        "route",
        "receive",
        "submit_result",
        "approve_result",
        "rate_unsatisfied",
        "submit_result",
        "approve_result",
        "rate_unsatisfied_again",
    ],
    Status.CLOSED: ["accept", "route", "receive", "submit_result", "approve_result", "confirm_satisfied"],
    Status.WITHDRAWN: ["withdraw"],
    Status.TERMINATED: ["start_review", "terminate"],
}


def payload_for(action: str) -> dict[str, Any]:
    if action in ("route", "reassign"):
        return route_payload()
    return dict(PAYLOADS.get(action, {}))


def make_case(world: Any, state: str = Status.REGISTERED, **overrides: Any) -> Complaint:
    case = services.complaint_file(actor=world.enterprise, data=intake_data(**overrides))
    for action in PATHS[state]:
        case = services.apply_transition(
            actor=None, complaint=case, action=action, payload=payload_for(action)
        )
    assert case.status == state, (case.status, state)
    return case
