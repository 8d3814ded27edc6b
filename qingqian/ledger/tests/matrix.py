"""Permission matrix of the ledger: every page and API operation, every persona.

The demo 台账 (qingqian/demo/ledger_seed.py) gives 石家庄市教育局 (the clerk's body, a city-level organ
the finance bureau is responsible for) items owed to 石家庄恒信建筑劳务有限公司 (the enterprise persona).
Actions are exercised with inputs that pass the permission check and then fail validation or a business
rule, so nothing changes (a few create rows inside the test's transaction, which is rolled back).
"""

from typing import Any

from qingqian.core.testing.matrix import STAFF, Endpoint, Page

VIEWERS = frozenset({"office", "finance", "clerk", "enterprise", "auditor", "leader"})
DEBTOR_SIDE = frozenset({"office", "finance", "sasac", "county", "clerk"})
CHANGERS = frozenset({"office", "finance", "clerk"})  # may change the 教育局 items
SUPERVISORS = frozenset({"office", "finance"})  # may adjust, write off, reverse, approve for 教育局
SCOPED_READERS = STAFF | {"enterprise"}  # reach some ledger rows (lists answer 200)
API = "/api/v1/ledger"


def _item(w: Any, number: str = "JY-2024-017") -> Any:
    from qingqian.ledger.models import ArrearsItem

    return ArrearsItem.objects.get(contract_number=number, debtor__name="石家庄市教育局")


def item(w: Any) -> dict[str, Any]:
    return {"item_id": _item(w).pk}


def confirmed_report(w: Any) -> dict[str, Any]:
    return {"report_id": _item(w).payment_reports.filter(status="confirmed").earliest("pk").pk}


def entry(w: Any) -> dict[str, Any]:
    return {"entry_id": _item(w).entries.filter(kind="confirmed").earliest("pk").pk}


def dispute(w: Any) -> dict[str, Any]:
    return {"dispute_id": _item(w, "JY-2025-011").disputes.get(status="open").pk}


def plan(w: Any) -> dict[str, Any]:
    return {"plan_id": _item(w, "JY-2025-020").plans.get(status="approved").pk}


def debtor(w: Any) -> dict[str, Any]:
    from qingqian.registry.models import Organisation

    return {"org_id": Organisation.objects.get(name="石家庄市教育局").pk}


def job(w: Any) -> dict[str, Any]:
    from qingqian.ledger.models import ImportJob

    created = ImportJob.objects.create(
        created_by=w.clerk,
        original_name="台账.xlsx",
        stored_path="/nonexistent",
        file_sha256="0" * 64,
        status="succeeded",
    )
    return {"job_id": created.pk}


def campaign(w: Any) -> dict[str, Any]:
    import datetime as dt

    from qingqian.ledger import services
    from qingqian.registry.models import Region

    created = services.campaign_create(
        actor=None,
        name="矩阵测试专项行动",
        region=Region.objects.get(code="130100"),
        starts_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 12, 31),
        scope={"balance_max": "500000"},
    )
    return {"campaign_id": created.pk}


def city(w: Any) -> dict[str, Any]:
    from qingqian.registry.models import Region

    return {
        "name": "",
        "region_id": Region.objects.get(code="130100").pk,
        "starts_on": "2026-01-01",
        "deadline": "2026-12-31",
    }


def new_item(w: Any) -> dict[str, Any]:
    return {
        **debtor_id(w),
        "creditor_uscc": "",
        "arrears_amount": "1.00",
        "contract_number": "MATRIX-1",
        "subject_kind": "works",
        "signed_on": "2025-01-01",
        "contract_amount": "1.00",
    }


def debtor_id(w: Any) -> dict[str, Any]:
    return {"debtor_id": debtor(w)["org_id"]}


S302 = frozenset({302})

PAGES = [
    Page("ledger:item_list", STAFF),
    Page("ledger:item_create", DEBTOR_SIDE),
    Page("ledger:item_detail", VIEWERS, kwargs=item),
    Page("ledger:item_edit", CHANGERS, kwargs=item),
    Page("ledger:report_payment", CHANGERS, kwargs=item, method="POST", ok=S302),
    Page("ledger:adjust", SUPERVISORS, kwargs=item, method="POST", ok=S302),
    Page("ledger:write_off", SUPERVISORS, kwargs=item, method="POST", ok=S302),
    Page("ledger:open_dispute", CHANGERS, kwargs=item, method="POST", ok=S302),
    Page("ledger:propose_plan", CHANGERS, kwargs=item, method="POST", ok=S302),
    Page("ledger:reconcile", frozenset({"enterprise"}), kwargs=item, method="POST", ok=S302),
    Page("ledger:close", CHANGERS, kwargs=item, method="POST", ok=S302),
    Page("ledger:confirm_report", frozenset({"enterprise"}), kwargs=confirmed_report, method="POST", ok=S302),
    Page("ledger:reject_report", frozenset({"enterprise"}), kwargs=confirmed_report, method="POST", ok=S302),
    Page("ledger:withdraw_report", CHANGERS, kwargs=confirmed_report, method="POST", ok=S302),
    Page("ledger:reverse_entry", SUPERVISORS, kwargs=entry, method="POST", ok=S302),
    Page("ledger:resolve_dispute", SUPERVISORS, kwargs=dispute, method="POST", ok=S302),
    Page("ledger:approve_plan", SUPERVISORS, kwargs=plan, method="POST", ok=S302),
    Page("ledger:reject_plan", SUPERVISORS, kwargs=plan, method="POST", ok=S302),
    Page(
        "ledger:debtor_detail", frozenset({"office", "finance", "clerk", "auditor", "leader"}), kwargs=debtor
    ),
    Page("ledger:warning_list", STAFF),
    Page("ledger:cleared", STAFF),
    Page("ledger:export", STAFF),
    Page("ledger:template", DEBTOR_SIDE),
    Page("ledger:portal", frozenset({"enterprise"})),
    Page("ledger:import_upload", DEBTOR_SIDE),
    Page("ledger:import_status", frozenset({"clerk", "office"}), kwargs=job),
    Page("ledger:import_progress", frozenset({"clerk", "office"}), kwargs=job),
    Page("ledger:campaign_list", STAFF),
    Page("ledger:campaign_detail", STAFF, kwargs=campaign),
    Page("ledger:campaign_start", frozenset({"office"}), kwargs=campaign, method="POST", ok=S302),
]

B400, B409 = frozenset({400}), frozenset({409})

ENDPOINTS = [
    Endpoint("GET", f"{API}/items", SCOPED_READERS),
    Endpoint("POST", f"{API}/items", CHANGERS, body=new_item, ok=B400),
    Endpoint("GET", f"{API}/items/{{item_id}}", VIEWERS, params=item),
    Endpoint(
        "PATCH",
        f"{API}/items/{{item_id}}",
        CHANGERS,
        params=item,
        body=lambda w: {"contract_number": ""},
        ok=B400,
    ),
    Endpoint("GET", f"{API}/items/{{item_id}}/entries", VIEWERS, params=item),
    Endpoint("POST", f"{API}/items/{{item_id}}/reconcile", frozenset({"enterprise"}), params=item, ok=B409),
    Endpoint("POST", f"{API}/items/{{item_id}}/close", CHANGERS, params=item, ok=B409),
    Endpoint(
        "POST",
        f"{API}/items/{{item_id}}/adjustments",
        SUPERVISORS,
        params=item,
        body=lambda w: {"amount": "0", "effective_on": "2025-01-01", "reason": "x"},
        ok=B400,
    ),
    Endpoint(
        "POST",
        f"{API}/items/{{item_id}}/write-offs",
        SUPERVISORS,
        params=item,
        body=lambda w: {"amount": "1.00", "effective_on": "2025-01-01", "reference": "", "reason": "x"},
        ok=B400,
    ),
    Endpoint(
        "POST",
        f"{API}/entries/{{entry_id}}/reverse",
        SUPERVISORS,
        params=entry,
        body=lambda w: {"reason": ""},
        ok=B400,
    ),
    Endpoint("GET", f"{API}/items/{{item_id}}/payment-reports", VIEWERS, params=item),
    Endpoint(
        "POST",
        f"{API}/items/{{item_id}}/payment-reports",
        CHANGERS,
        params=item,
        body=lambda w: {"amount": "0", "paid_on": "2025-01-01", "method": "bank_transfer"},
        ok=B400,
    ),
    Endpoint("GET", f"{API}/payment-reports", SCOPED_READERS),
    Endpoint(
        "POST",
        f"{API}/payment-reports/{{report_id}}/confirm",
        frozenset({"enterprise"}),
        params=confirmed_report,
        ok=B409,
    ),
    Endpoint(
        "POST",
        f"{API}/payment-reports/{{report_id}}/reject",
        frozenset({"enterprise"}),
        params=confirmed_report,
        body=lambda w: {"reason": ""},
        ok=B400,
    ),
    Endpoint(
        "POST", f"{API}/payment-reports/{{report_id}}/withdraw", CHANGERS, params=confirmed_report, ok=B409
    ),
    Endpoint(
        "POST",
        f"{API}/items/{{item_id}}/disputes",
        CHANGERS,
        params=item,
        body=lambda w: {"amount": "0", "reason": "x", "path": "court"},
        ok=B400,
    ),
    Endpoint(
        "POST",
        f"{API}/disputes/{{dispute_id}}/path",
        CHANGERS,
        params=dispute,
        body=lambda w: {"path": "x"},
        ok=B400,
    ),
    Endpoint(
        "POST",
        f"{API}/disputes/{{dispute_id}}/resolve",
        SUPERVISORS,
        params=dispute,
        body=lambda w: {"amount_owed": "0", "note": ""},
        ok=B400,
    ),
    Endpoint("GET", f"{API}/items/{{item_id}}/plans", VIEWERS, params=item),
    Endpoint(
        "POST",
        f"{API}/items/{{item_id}}/plans",
        CHANGERS,
        params=item,
        body=lambda w: {"instalments": []},
        ok=B400,
    ),
    Endpoint("POST", f"{API}/plans/{{plan_id}}/approve", SUPERVISORS, params=plan, ok=B409),
    Endpoint(
        "POST",
        f"{API}/plans/{{plan_id}}/reject",
        SUPERVISORS,
        params=plan,
        body=lambda w: {"note": ""},
        ok=B400,
    ),
    Endpoint("GET", f"{API}/totals", SCOPED_READERS),
    Endpoint("GET", f"{API}/cleared", SCOPED_READERS),
    Endpoint("GET", f"{API}/debtors/{{org_id}}", VIEWERS, params=debtor),
    Endpoint("GET", f"{API}/adherence", SCOPED_READERS),
    Endpoint("GET", f"{API}/warnings", SCOPED_READERS),
    Endpoint("GET", f"{API}/campaigns", STAFF),
    Endpoint("POST", f"{API}/campaigns", frozenset({"office"}), body=city, ok=B400),
    Endpoint("GET", f"{API}/campaigns/{{campaign_id}}", STAFF, params=campaign),
    Endpoint("POST", f"{API}/campaigns/{{campaign_id}}/start", frozenset({"office"}), params=campaign),
    Endpoint("POST", f"{API}/campaigns/{{campaign_id}}/end", frozenset({"office"}), params=campaign, ok=B409),
    Endpoint("POST", f"{API}/imports", DEBTOR_SIDE, ok=B400),
    Endpoint("GET", f"{API}/imports/{{job_id}}", frozenset({"clerk", "office"}), params=job),
    Endpoint("GET", f"{API}/export", SCOPED_READERS),
]
