"""The ledger API (/api/v1/ledger): every action of the 台账 as an endpoint.

Lists are scoped by the caller; POSTs that create accept an `Idempotency-Key` header (middleware).
Errors share the one shape {code, message, fields}."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from qingqian.core.api import ErrorOut, Pagination
from qingqian.core.permissions import Action, require
from qingqian.ledger import selectors, services
from qingqian.ledger.api.outputs import (
    Mapped,
    _filters,
    _item,
    campaign_out,
    import_out,
    item_detail_out,
    item_out,
    plan_out,
    totals_out,
)
from qingqian.ledger.api.schemas import (
    AdherenceRowOut,
    AdjustIn,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    ClearedOut,
    ClearedQuery,
    DebtorOut,
    DecisionIn,
    DisputeIn,
    DisputeOut,
    DisputePathIn,
    DisputeResolveIn,
    EntryOut,
    ImportOut,
    ItemDetailOut,
    ItemFilters,
    ItemIn,
    ItemOut,
    ItemPatch,
    NoteIn,
    PlanIn,
    PlanOut,
    ReasonIn,
    RejectIn,
    ReportIn,
    ReportOut,
    TotalsOut,
    WarningOut,
    WriteOffIn,
)
from qingqian.ledger.models import (
    ArrearsItem,
    Campaign,
    Dispute,
    ImportJob,
    LedgerEntry,
    LedgerWarning,
    PaymentReport,
    RepaymentPlan,
)
from qingqian.ledger.services.imports import import_job_create
from qingqian.registry.models import Organisation, Region

router = Router(tags=["ledger"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


# --- helpers ---------------------------------------------------------------------------------------


# --- items -----------------------------------------------------------------------------------------


@router.get("/items", response=list[ItemOut], summary="台账列表（按权限范围，可筛选）")
@paginate(Pagination)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    require(request.user, Action.VIEW, ArrearsItem)
    return Mapped(selectors.item_list_for(user=request.user, filters=_filters(filters)), item_out)


@router.post("/items", response={201: ItemDetailOut, **ERRORS}, summary="登记台账（确认欠款）")
def create_item(request: HttpRequest, payload: ItemIn) -> Status:
    require(request.user, Action.CREATE, ArrearsItem)
    debtor = get_object_or_404(Organisation.objects.restrict(request.user, Action.VIEW), pk=payload.debtor_id)
    data = payload.dict()
    creditor = services.creditor_for(
        actor=request.user,
        uscc=data.pop("creditor_uscc"),
        name=data.pop("creditor_name"),
        size_class=data.get("creditor_size_class"),
    )
    data.pop("debtor_id")
    if not data.get("creditor_size_class"):
        data.pop("creditor_size_class", None)
    item = services.item_create(
        actor=request.user,
        debtor=debtor,
        creditor=creditor,
        arrears_amount=data.pop("arrears_amount"),
        confirmed_on=data.pop("confirmed_on"),
        **data,
    )
    return Status(201, item_detail_out(item))


@router.get("/items/{item_id}", response=ItemDetailOut, summary="台账详情（含规则评估说明）")
def get_item(request: HttpRequest, item_id: int) -> Any:
    return item_detail_out(_item(request, item_id))


@router.patch("/items/{item_id}", response={200: ItemDetailOut, **ERRORS}, summary="修改合同信息（重新评估）")
def update_item(request: HttpRequest, item_id: int, payload: ItemPatch) -> Any:
    item = _item(request, item_id)
    changes = payload.dict(exclude_unset=True)
    item = services.item_update(actor=request.user, item=item, **changes)
    return item_detail_out(item)


@router.get("/items/{item_id}/entries", response=list[EntryOut], summary="台账分录（只增不改）")
def list_entries(request: HttpRequest, item_id: int) -> Any:
    item = _item(request, item_id)
    return list(LedgerEntry.objects.filter(item=item).order_by("recorded_at", "id"))


@router.post("/items/{item_id}/reconcile", response={200: ItemDetailOut, **ERRORS}, summary="企业确认对账")
def reconcile_item(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    item = services.item_reconcile(actor=request.user, item=_item(request, item_id), note=payload.note)
    return item_detail_out(item)


@router.post("/items/{item_id}/close", response={200: ItemDetailOut, **ERRORS}, summary="对账销号")
def close_item(request: HttpRequest, item_id: int, payload: NoteIn) -> Any:
    item = services.item_close(actor=request.user, item=_item(request, item_id), note=payload.note)
    return item_detail_out(item)


@router.post("/items/{item_id}/adjustments", response={201: EntryOut, **ERRORS}, summary="调整确认欠款")
def adjust_item(request: HttpRequest, item_id: int, payload: AdjustIn) -> Status:
    entry = services.item_adjust(actor=request.user, item=_item(request, item_id), **payload.dict())
    return Status(201, entry)


@router.post("/items/{item_id}/write-offs", response={201: EntryOut, **ERRORS}, summary="判决核销")
def write_off_item(request: HttpRequest, item_id: int, payload: WriteOffIn) -> Status:
    entry = services.item_write_off(actor=request.user, item=_item(request, item_id), **payload.dict())
    return Status(201, entry)


@router.post("/entries/{entry_id}/reverse", response={201: EntryOut, **ERRORS}, summary="冲正分录")
def reverse_entry(request: HttpRequest, entry_id: int, payload: ReasonIn) -> Status:
    entry = get_object_or_404(LedgerEntry.objects.restrict(request.user, Action.VIEW), pk=entry_id)
    return Status(201, services.entry_reverse(actor=request.user, entry=entry, reason=payload.reason))


# --- payment reports (two-sided confirmation) ---------------------------------------------------------


@router.get("/items/{item_id}/payment-reports", response=list[ReportOut], summary="付款报告")
def list_item_reports(request: HttpRequest, item_id: int) -> Any:
    return list(PaymentReport.objects.filter(item=_item(request, item_id)))


@router.post(
    "/items/{item_id}/payment-reports", response={201: ReportOut, **ERRORS}, summary="报告付款（待企业确认）"
)
def report_payment(request: HttpRequest, item_id: int, payload: ReportIn) -> Status:
    report = services.payment_report_create(
        actor=request.user, item=_item(request, item_id), **payload.dict()
    )
    return Status(201, report)


@router.get("/payment-reports", response=list[ReportOut], summary="付款报告列表（企业：待我确认）")
@paginate(Pagination)
def list_reports(request: HttpRequest, status: str | None = None) -> Any:
    require(request.user, Action.VIEW, PaymentReport)
    return selectors.reports_for(user=request.user, status=status).order_by("-reported_at", "-id")


def _report(request: HttpRequest, report_id: int) -> PaymentReport:
    return get_object_or_404(
        PaymentReport.objects.restrict(request.user, Action.VIEW).select_related(
            "item__debtor", "item__creditor"
        ),
        pk=report_id,
    )


@router.post(
    "/payment-reports/{report_id}/confirm", response={200: ReportOut, **ERRORS}, summary="企业确认收款"
)
def confirm_report(request: HttpRequest, report_id: int) -> Any:
    return services.payment_report_confirm(actor=request.user, report=_report(request, report_id))


@router.post(
    "/payment-reports/{report_id}/reject", response={200: ReportOut, **ERRORS}, summary="企业驳回付款"
)
def reject_report(request: HttpRequest, report_id: int, payload: RejectIn) -> Any:
    return services.payment_report_reject(
        actor=request.user, report=_report(request, report_id), reason=payload.reason
    )


@router.post(
    "/payment-reports/{report_id}/withdraw", response={200: ReportOut, **ERRORS}, summary="撤回付款报告"
)
def withdraw_report(request: HttpRequest, report_id: int, payload: ReasonIn) -> Any:
    return services.payment_report_withdraw(
        actor=request.user, report=_report(request, report_id), reason=payload.reason
    )


# --- disputes ----------------------------------------------------------------------------------------


@router.post("/items/{item_id}/disputes", response={201: DisputeOut, **ERRORS}, summary="登记分歧")
def open_dispute(request: HttpRequest, item_id: int, payload: DisputeIn) -> Status:
    return Status(
        201, services.dispute_open(actor=request.user, item=_item(request, item_id), **payload.dict())
    )


def _dispute(request: HttpRequest, dispute_id: int) -> Dispute:
    return get_object_or_404(
        Dispute.objects.restrict(request.user, Action.VIEW).select_related("item__debtor"), pk=dispute_id
    )


@router.post("/disputes/{dispute_id}/path", response={200: DisputeOut, **ERRORS}, summary="变更分歧解决途径")
def change_dispute_path(request: HttpRequest, dispute_id: int, payload: DisputePathIn) -> Any:
    return services.dispute_change_path(
        actor=request.user, dispute=_dispute(request, dispute_id), **payload.dict()
    )


@router.post(
    "/disputes/{dispute_id}/resolve", response={200: DisputeOut, **ERRORS}, summary="登记分歧解决结果"
)
def resolve_dispute(request: HttpRequest, dispute_id: int, payload: DisputeResolveIn) -> Any:
    return services.dispute_resolve(
        actor=request.user, dispute=_dispute(request, dispute_id), **payload.dict()
    )


# --- repayment plans ---------------------------------------------------------------------------------


@router.get("/items/{item_id}/plans", response=list[PlanOut], summary="还款计划（含历次修订）")
def list_plans(request: HttpRequest, item_id: int) -> Any:
    return [
        plan_out(p) for p in RepaymentPlan.objects.filter(item=_item(request, item_id)).order_by("version")
    ]


@router.post("/items/{item_id}/plans", response={201: PlanOut, **ERRORS}, summary="提出（或修订）还款计划")
def propose_plan(request: HttpRequest, item_id: int, payload: PlanIn) -> Status:
    plan = services.plan_propose(
        actor=request.user,
        item=_item(request, item_id),
        instalments=[(i.due_on, i.amount) for i in payload.instalments],
        reason=payload.reason,
        grace_days=payload.grace_days,
    )
    return Status(201, plan_out(plan))


def _plan(request: HttpRequest, plan_id: int) -> RepaymentPlan:
    return get_object_or_404(
        RepaymentPlan.objects.restrict(request.user, Action.VIEW).select_related("item__debtor__region"),
        pk=plan_id,
    )


@router.post(
    "/plans/{plan_id}/approve", response={200: PlanOut, **ERRORS}, summary="批准还款计划（责任部门）"
)
def approve_plan(request: HttpRequest, plan_id: int, payload: DecisionIn) -> Any:
    return plan_out(
        services.plan_approve(actor=request.user, plan=_plan(request, plan_id), note=payload.note)
    )


@router.post("/plans/{plan_id}/reject", response={200: PlanOut, **ERRORS}, summary="不予批准还款计划")
def reject_plan(request: HttpRequest, plan_id: int, payload: DecisionIn) -> Any:
    return plan_out(services.plan_reject(actor=request.user, plan=_plan(request, plan_id), note=payload.note))


# --- figures -----------------------------------------------------------------------------------------


@router.get("/totals", response=TotalsOut, summary="合计（有分歧与无分歧分列）")
def totals(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    require(request.user, Action.VIEW, ArrearsItem)
    return totals_out(
        selectors.totals_of(selectors.item_list_for(user=request.user, filters=_filters(filters)))
    )


@router.get("/cleared", response={200: ClearedOut, **ERRORS}, summary="累计清偿金额（企业确认的还款）及分组")
def cleared(request: HttpRequest, query: Query[ClearedQuery]) -> Any:
    require(request.user, Action.VIEW, ArrearsItem)
    from qingqian.core.errors import InvalidInput

    if query.by not in ("period", *selectors.BREAKDOWNS):
        raise InvalidInput(fields={"by": ["period, region, department, debtor_kind, debtor"]})
    flt = _filters(query)
    rows = selectors.cleared_breakdown(
        user=request.user,
        by=query.by,
        period=query.period,
        date_from=query.date_from,
        date_to=query.date_to,
        filters=flt,
    )
    total = selectors.cleared_total(
        user=request.user, date_from=query.date_from, date_to=query.date_to, filters=flt
    )
    return {
        "total": total,
        "by": query.by,
        "rows": [
            {
                "key": None if r.key is None else str(r.key),
                "label": r.label,
                "amount": r.amount,
                "payments": r.payments,
                "items": r.items,
            }
            for r in rows
        ],
    }


@router.get("/debtors/{org_id}", response=DebtorOut, summary="欠款单位：合计、计划履约、预警")
def debtor(request: HttpRequest, org_id: int) -> Any:
    require(request.user, Action.VIEW, ArrearsItem)
    org = get_object_or_404(Organisation, pk=org_id)
    if not ArrearsItem.objects.restrict(request.user, Action.VIEW).filter(debtor=org).exists():
        get_object_or_404(Organisation.objects.restrict(request.user, Action.VIEW), pk=org_id)
    summary = selectors.debtor_summary(user=request.user, debtor_id=org.pk)
    a = summary.adherence
    return {
        "id": org.pk,
        "name": org.name,
        "totals": totals_out(summary.totals),
        "cleared": summary.cleared,
        "adherence": {
            "judged": a.judged,
            "met": a.met,
            "breached": a.breached,
            "pending": a.pending,
            "rate": a.rate,
            "plans": a.plans,
        },
        "warnings": summary.warnings,
    }


@router.get("/adherence", response=list[AdherenceRowOut], summary="还款计划履约情况（按欠款单位）")
def adherence(request: HttpRequest, filters: Query[ItemFilters]) -> Any:
    require(request.user, Action.VIEW, ArrearsItem)
    return selectors.plan_adherence_by_debtor(user=request.user, filters=_filters(filters))


@router.get("/warnings", response=list[WarningOut], summary="预警（付款超期未确认、计划违约）")
@paginate(Pagination)
def warnings(request: HttpRequest, open_only: bool = True) -> Any:
    require(request.user, Action.VIEW, LedgerWarning)
    return selectors.warnings_for(user=request.user, open_only=open_only)


# --- campaigns -----------------------------------------------------------------------------------------


@router.get("/campaigns", response=list[CampaignOut], summary="专项行动")
def list_campaigns(request: HttpRequest) -> Any:
    require(request.user, Action.VIEW, Campaign)
    return [campaign_out(c, request.user) for c in Campaign.objects.restrict(request.user, Action.VIEW)]


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, summary="创建专项行动（专班办公室）")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    require(request.user, Action.CHANGE, Campaign)
    region = get_object_or_404(Region, pk=payload.region_id)
    data = payload.dict()
    data.pop("region_id")
    campaign = services.campaign_create(actor=request.user, region=region, **data)
    return Status(201, campaign_out(campaign, request.user))


def _campaign(request: HttpRequest, campaign_id: int) -> Campaign:
    return get_object_or_404(
        Campaign.objects.restrict(request.user, Action.VIEW).select_related("region"), pk=campaign_id
    )


@router.get(
    "/campaigns/{campaign_id}", response=CampaignDetailOut, summary="专项行动进度（以启动时范围为基数）"
)
def get_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return campaign_out(_campaign(request, campaign_id), request.user, progress=True)


@router.post(
    "/campaigns/{campaign_id}/start", response={200: CampaignDetailOut, **ERRORS}, summary="启动专项行动"
)
def start_campaign(request: HttpRequest, campaign_id: int) -> Any:
    campaign = services.campaign_start(actor=request.user, campaign=_campaign(request, campaign_id))
    return campaign_out(campaign, request.user, progress=True)


@router.post("/campaigns/{campaign_id}/end", response={200: CampaignOut, **ERRORS}, summary="结束专项行动")
def end_campaign(request: HttpRequest, campaign_id: int) -> Any:
    return campaign_out(
        services.campaign_end(actor=request.user, campaign=_campaign(request, campaign_id)), request.user
    )


# --- import / export -------------------------------------------------------------------------------------


@router.post("/imports", response={202: ImportOut, **ERRORS}, summary="上传台账文件（后台导入，全有或全无）")
def create_import(
    request: HttpRequest,
    file: UploadedFile | None = File(None),  # noqa: B008 - ninja declares multipart fields this way
    unit: str = Form("auto"),
) -> Status:
    require(request.user, Action.CREATE, ArrearsItem)
    if file is None:
        from qingqian.core.errors import InvalidInput

        raise InvalidInput(fields={"file": [_("请上传台账文件（multipart 字段 file）。")]})
    job = import_job_create(actor=request.user, name=file.name or "", chunks=file.chunks(), unit=unit)
    job.refresh_from_db()
    return Status(202, import_out(job))


@router.get("/imports/{job_id}", response=ImportOut, summary="导入进度与结果")
def get_import(request: HttpRequest, job_id: int) -> Any:
    return import_out(get_object_or_404(ImportJob.objects.restrict(request.user, Action.VIEW), pk=job_id))


@router.get("/export", summary="导出台账（xlsx，导入模板格式）")
def export(request: HttpRequest, filters: Query[ItemFilters]) -> HttpResponse:
    require(request.user, Action.VIEW, ArrearsItem)
    from qingqian.ledger.io.exporter import LedgerExporter

    data = LedgerExporter(user=request.user, filters=_filters(filters)).xlsx_bytes()
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"ledger-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
