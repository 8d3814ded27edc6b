"""POST actions from the item page and the SME portal. Every action is one row — who may, which object
(restricted to the user), which form, which service — and one function, `post_action`, handles them all:
load the object, validate the form, call the service, say what happened, go back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy
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
    OptionalReasonForm,
    PaymentReportForm,
    PlanForm,
    ReasonForm,
    RejectForm,
    WriteOffForm,
)
from qingqian.ledger.models import ArrearsItem, Dispute, LedgerEntry, PaymentReport, RepaymentPlan
from qingqian.ledger.views.common import DEBTOR_SIDE_ROLES, SUPERVISOR_ROLES, run_action
from qingqian.ledger.views.items import item_url

Item, Report, Entry, Plan = ArrearsItem, PaymentReport, LedgerEntry, RepaymentPlan
#: per object: its URL prefix, the related rows its page needs, and the service's keyword for it
OBJECTS: dict[type[models.Model], tuple[str, tuple[str, ...], str]] = {
    Item: ("items/<int:item_id>/", ("debtor__region", "creditor"), "item"),
    Report: ("reports/<int:report_id>/", ("item__debtor", "item__creditor"), "report"),
    Entry: ("entries/<int:entry_id>/", ("item",), "entry"),
    Dispute: ("disputes/<int:dispute_id>/", ("item__debtor",), "dispute"),
    Plan: ("plans/<int:plan_id>/", ("item__debtor__region",), "plan"),
}
DEBTOR, SUPERVISOR, SME = DEBTOR_SIDE_ROLES, SUPERVISOR_ROLES, (Role.ENTERPRISE_USER,)
CHANGE, VIEW = Action.CHANGE, Action.VIEW
svc = services
Row = tuple[str, tuple[str, ...], type[models.Model], str, type[forms.Form] | None, Callable[..., Any]]
#: name: (URL, who, the object, what the user must be allowed to do with it, the form, the service)
ACTIONS: dict[str, Row] = {
    "report_payment": ("report-payment", DEBTOR, Item, CHANGE, PaymentReportForm, svc.payment_report_create),
    "adjust": ("adjust", SUPERVISOR, Item, CHANGE, AdjustForm, svc.item_adjust),
    "write_off": ("write-off", SUPERVISOR, Item, CHANGE, WriteOffForm, svc.item_write_off),
    "open_dispute": ("disputes", DEBTOR, Item, CHANGE, DisputeForm, svc.dispute_open),
    "propose_plan": ("plans", DEBTOR, Item, CHANGE, PlanForm, svc.plan_propose),
    "reconcile": ("reconcile", SME, Item, VIEW, DecisionForm, svc.item_reconcile),
    "close": ("close", DEBTOR, Item, CHANGE, DecisionForm, svc.item_close),
    "confirm_report": ("confirm", SME, Report, VIEW, None, svc.payment_report_confirm),
    "reject_report": ("reject", SME, Report, VIEW, RejectForm, svc.payment_report_reject),
    "withdraw_report": ("withdraw", DEBTOR, Report, VIEW, OptionalReasonForm, svc.payment_report_withdraw),
    "reverse_entry": ("reverse", SUPERVISOR, Entry, CHANGE, ReasonForm, svc.entry_reverse),
    "resolve_dispute": ("resolve", SUPERVISOR, Dispute, CHANGE, DisputeResolveForm, svc.dispute_resolve),
    "approve_plan": ("approve", SUPERVISOR, Plan, VIEW, DecisionForm, svc.plan_approve),
    "reject_plan": ("reject", SUPERVISOR, Plan, VIEW, DecisionForm, svc.plan_reject),
}
#: what the user is told afterwards (``%(amount)s``: the object's amount)
SUCCESS = {
    "report_payment": gettext_lazy("付款已报告，等待企业确认；企业确认后才计入已清偿。"),
    "adjust": gettext_lazy("已登记调整分录。"),
    "write_off": gettext_lazy("已登记判决核销。"),
    "open_dispute": gettext_lazy("已登记分歧，有分歧部分单独统计。"),
    "propose_plan": gettext_lazy("还款计划已提交，待责任部门审批。"),
    "reconcile": gettext_lazy("已确认对账：该合同款项已结清。"),
    "close": gettext_lazy("已对账销号。"),
    "confirm_report": gettext_lazy("已确认收款 %(amount)s 元。"),
    "reject_report": gettext_lazy("已驳回该付款报告。"),
    "withdraw_report": gettext_lazy("付款报告已撤回。"),
    "reverse_entry": gettext_lazy("已冲正该分录。"),
    "resolve_dispute": gettext_lazy("已登记分歧解决结果。"),
    "approve_plan": gettext_lazy("还款计划已批准。"),
    "reject_plan": gettext_lazy("已退回该还款计划。"),
}
#: the SME's portal posts these with ``next``: back to the portal instead of the item page
RETURN_TO_NEXT = frozenset({"reconcile", "confirm_report", "reject_report"})


def _back(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next", "")
    return nxt if nxt.startswith("/ledger/") else default


def post_action(name: str) -> Callable[..., HttpResponse]:
    """The view of one row of `ACTIONS`: load the object through the user's scope, validate the form,
    call the service, say what happened, go back to the item (or the portal)."""
    _url, roles, model, access, form_class, service = ACTIONS[name]
    _prefix, related, keyword = OBJECTS[model]

    @require_POST
    @role_required(*roles)
    def view(request: HttpRequest, **url: int) -> HttpResponse:
        (pk,) = url.values()  # item_id, report_id, entry_id, dispute_id or plan_id
        target: Any = get_object_or_404(
            model.objects.restrict(request.user, access).select_related(*related),  # type: ignore[attr-defined]
            pk=pk,
        )
        back = item_url(target.pk if isinstance(target, ArrearsItem) else target.item_id)
        return run_action(
            request,
            form_class(request.POST) if form_class is not None else None,
            lambda data: service(actor=request.user, **{keyword: target}, **data),
            back=_back(request, back) if name in RETURN_TO_NEXT else back,
            success=str(SUCCESS[name]) % {"amount": getattr(target, "amount", "")},
        )

    view.__name__ = view.__qualname__ = name
    return view


urlpatterns = [
    path(f"{OBJECTS[row[2]][0]}{row[0]}/", post_action(name), name=name) for name, row in ACTIONS.items()
]
