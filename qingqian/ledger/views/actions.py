"""POST actions from the item page: each validates a form, calls one service and goes back."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.core.permissions import Action
from qingqian.ledger import services
from qingqian.ledger.forms import (
    AdjustForm,
    DecisionForm,
    DisputeForm,
    DisputeResolveForm,
    PaymentReportForm,
    PlanForm,
    ReasonForm,
    RejectForm,
    WriteOffForm,
)
from qingqian.ledger.models import ArrearsItem, Dispute, LedgerEntry, PaymentReport, RepaymentPlan
from qingqian.ledger.views.common import DEBTOR_SIDE_ROLES, SUPERVISOR_ROLES, run_action
from qingqian.ledger.views.items import item_url


def _item(request: HttpRequest, item_id: int, action: str = Action.CHANGE) -> ArrearsItem:
    return get_object_or_404(
        ArrearsItem.objects.restrict(request.user, action).select_related("debtor__region", "creditor"),
        pk=item_id,
    )


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/ledger/") else default


@require_POST
@role_required(*DEBTOR_SIDE_ROLES)
def report_payment(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        PaymentReportForm(request.POST),
        lambda d: services.payment_report_create(actor=request.user, item=item, **d),
        back=item_url(item.pk),
        success=_("付款已报告，等待企业确认；企业确认后才计入已清偿。"),
    )


def _report(request: HttpRequest, report_id: int) -> PaymentReport:
    return get_object_or_404(
        PaymentReport.objects.restrict(request.user, Action.VIEW).select_related(
            "item__debtor", "item__creditor"
        ),
        pk=report_id,
    )


@require_POST
@role_required(Role.ENTERPRISE_USER)
def confirm_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return run_action(
        request,
        None,
        lambda d: services.payment_report_confirm(actor=request.user, report=report),
        back=_back(request, item_url(report.item_id)),
        success=_("已确认收款 %(a)s 元。") % {"a": report.amount},
    )


@require_POST
@role_required(Role.ENTERPRISE_USER)
def reject_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return run_action(
        request,
        RejectForm(request.POST),
        lambda d: services.payment_report_reject(actor=request.user, report=report, reason=d["reason"]),
        back=_back(request, item_url(report.item_id)),
        success=_("已驳回该付款报告。"),
    )


@require_POST
@role_required(*DEBTOR_SIDE_ROLES)
def withdraw_report(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    return run_action(
        request,
        None,
        lambda d: services.payment_report_withdraw(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        ),
        back=item_url(report.item_id),
        success=_("付款报告已撤回。"),
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def adjust(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        AdjustForm(request.POST),
        lambda d: services.item_adjust(actor=request.user, item=item, **d),
        back=item_url(item.pk),
        success=_("已登记调整分录。"),
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def write_off(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        WriteOffForm(request.POST),
        lambda d: services.item_write_off(actor=request.user, item=item, **d),
        back=item_url(item.pk),
        success=_("已登记判决核销。"),
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def reverse_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_object_or_404(
        LedgerEntry.objects.restrict(request.user, Action.CHANGE).select_related("item"), pk=entry_id
    )
    return run_action(
        request,
        ReasonForm(request.POST),
        lambda d: services.entry_reverse(actor=request.user, entry=entry, reason=d["reason"]),
        back=item_url(entry.item_id),
        success=_("已冲正该分录。"),
    )


@require_POST
@role_required(*DEBTOR_SIDE_ROLES)
def open_dispute(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        DisputeForm(request.POST),
        lambda d: services.dispute_open(actor=request.user, item=item, **d),
        back=item_url(item.pk),
        success=_("已登记分歧，有分歧部分单独统计。"),
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def resolve_dispute(request: HttpRequest, dispute_id: int) -> HttpResponse:
    dispute = get_object_or_404(
        Dispute.objects.restrict(request.user, Action.CHANGE).select_related("item__debtor"), pk=dispute_id
    )
    return run_action(
        request,
        DisputeResolveForm(request.POST),
        lambda d: services.dispute_resolve(actor=request.user, dispute=dispute, **d),
        back=item_url(dispute.item_id),
        success=_("已登记分歧解决结果。"),
    )


@require_POST
@role_required(*DEBTOR_SIDE_ROLES)
def propose_plan(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        PlanForm(request.POST),
        lambda d: services.plan_propose(
            actor=request.user, item=item, instalments=d["instalments"], reason=d["reason"]
        ),
        back=item_url(item.pk),
        success=_("还款计划已提交，待责任部门审批。"),
    )


def _plan(request: HttpRequest, plan_id: int) -> RepaymentPlan:
    return get_object_or_404(
        RepaymentPlan.objects.restrict(request.user, Action.VIEW).select_related("item__debtor__region"),
        pk=plan_id,
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def approve_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return run_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.plan_approve(actor=request.user, plan=plan, note=d["note"]),
        back=item_url(plan.item_id),
        success=_("还款计划已批准。"),
    )


@require_POST
@role_required(*SUPERVISOR_ROLES)
def reject_plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    return run_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.plan_reject(actor=request.user, plan=plan, note=d["note"]),
        back=item_url(plan.item_id),
        success=_("已退回该还款计划。"),
    )


@require_POST
@role_required(Role.ENTERPRISE_USER)
def reconcile(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id, Action.VIEW)
    return run_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.item_reconcile(actor=request.user, item=item, note=d["note"]),
        back=_back(request, item_url(item.pk)),
        success=_("已确认对账：该合同款项已结清。"),
    )


@require_POST
@role_required(*DEBTOR_SIDE_ROLES)
def close(request: HttpRequest, item_id: int) -> HttpResponse:
    item = _item(request, item_id)
    return run_action(
        request,
        DecisionForm(request.POST),
        lambda d: services.item_close(actor=request.user, item=item, note=d["note"]),
        back=item_url(item.pk),
        success=_("已对账销号。"),
    )
