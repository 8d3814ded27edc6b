"""Arrears items: register, edit, reconcile (SME), close (销号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingqian.core.errors import ConcurrentTransition, Conflict, InvalidInput, NotPermitted
from qingqian.core.events import changed, record_event, snapshot
from qingqian.core.permissions import Action, require
from qingqian.ledger.assessment import (
    ASSESSED_FACTS,
    ASSESSMENT_FIELDS,
    CLAUSE_BOOLS,
    CLAUSE_PERCENTS,
    refresh_assessment,
)
from qingqian.ledger.choices import (
    CloseBasis,
    DisputeStatus,
    EntryBucket,
    EntryKind,
    ItemSource,
    ItemStatus,
    ReportStatus,
    SubjectKind,
)
from qingqian.ledger.models import ArrearsItem, LedgerWarning
from qingqian.ledger.scoping import is_creditor_user, may_act_for_debtor
from qingqian.ledger.services._common import age_now, append_entry, fmt, invalid, money, not_future, open_item
from qingqian.registry.choices import OrganisationKind, SizeClass
from qingqian.registry.models import Enterprise, Organisation

#: Fields an item is registered with (besides debtor, creditor and the confirmed arrears amount).
ITEM_FIELDS = [
    "creditor_size_class",
    "contract_number",
    "contract_name",
    "subject_kind",
    "signed_on",
    "contract_amount",
    "delivered_on",
    "acceptance_required",
    "acceptance_period_days",
    "accepted_on",
    "settlement_confirmed_on",
    "agreed_term_days",
    "agreed_annual_rate",
    "clauses",
    "project_name",
    "source",
    "source_ref",
    "note",
]
#: Changing one of these re-runs the rules.
ASSESSMENT_INPUTS = frozenset(ASSESSED_FACTS)
EVENT_FIELDS = ["debtor", "creditor", *ITEM_FIELDS, "status"]
PAYER_ORG_KINDS = {
    OrganisationKind.ORGAN,
    OrganisationKind.INSTITUTION,
    OrganisationKind.SOE,
    OrganisationKind.LARGE_ENTERPRISE,
    OrganisationKind.DEPARTMENT,
}
TEXT_LIMITS = {"contract_number": 100, "contract_name": 200, "project_name": 200, "source_ref": 64}


def validate_clauses(raw: Any) -> tuple[dict[str, Any], list[str]]:
    if raw is None or raw == "" or raw == {}:
        return {}, []
    if not isinstance(raw, dict):
        return {}, [_("合同条款格式无效。")]
    errors: list[str] = []
    allowed = set(CLAUSE_BOOLS) | set(CLAUSE_PERCENTS) | {"deposit_kinds"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        errors.append(
            _("未知的合同条款：%(keys)s") % {"keys": pgettext("list separator", "、").join(unknown)}
        )
    clean: dict[str, Any] = {k: bool(raw[k]) for k in CLAUSE_BOOLS if raw.get(k)}
    for k in CLAUSE_PERCENTS:
        if raw.get(k) not in (None, ""):
            try:
                value = Decimal(str(raw[k]))
            except ArithmeticError:
                errors.append(_("条款百分比须为数字。"))
                continue
            if not value.is_finite() or value < 0 or value > 100:
                errors.append(_("条款百分比须在 0 到 100 之间。"))
            else:
                clean[k] = str(value)
    kinds = raw.get("deposit_kinds") or []
    if kinds:
        clean["deposit_kinds"] = [str(k) for k in kinds]
    return clean, errors


CENT = Decimal("0.01")
_ZERO, _HUNDRED = Decimal(0), Decimal(100)
_DEFAULT_SOURCE, _DEFAULT_SIZE = ItemSource.SELF_INSPECTION, SizeClass.UNKNOWN
SUBJECTS = frozenset(SubjectKind.values)
SOURCES = frozenset(ItemSource.values)
SIZES = frozenset(SizeClass.values)


def validate_item_fields(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, list[str]]:
    """Business checks shared by the form, the import and the services. Returns {field: [messages]}."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    get = data.get  # called once per imported row: look-ups kept local
    number = str(get("contract_number") or "").strip()
    if not number:
        add("contract_number", _("请填写合同编号。"))
    for field, limit in TEXT_LIMITS.items():
        if len(str(get(field) or "")) > limit:
            add(field, _("不能超过%(n)d个字符。") % {"n": limit})
    if get("subject_kind") not in SUBJECTS:
        add("subject_kind", _("标的类型须为货物、工程或服务。"))
    if get("source", _DEFAULT_SOURCE) not in SOURCES:
        add("source", _("来源无效。"))
    if get("creditor_size_class", _DEFAULT_SIZE) not in SIZES:
        add("creditor_size_class", _("企业规模无效。"))
    signed = get("signed_on")
    if not isinstance(signed, dt.date):
        add("signed_on", _("请填写合同签订日期。"))
    elif signed > today:
        add("signed_on", _("合同签订日期不能晚于今天。"))
    amount = get("contract_amount")
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= _ZERO:
        add("contract_amount", _("合同金额须大于零。"))
    elif amount != amount.quantize(CENT):
        add("contract_amount", _("金额最多保留两位小数。"))
    delivered, accepted = get("delivered_on"), get("accepted_on")
    if isinstance(delivered, dt.date) and delivered > today:
        add("delivered_on", _("交付日期不能晚于今天。"))
    if isinstance(delivered, dt.date) and isinstance(accepted, dt.date) and accepted < delivered:
        add("accepted_on", _("验收合格日期不能早于交付日期。"))
    for field in ("acceptance_period_days", "agreed_term_days"):
        days = get(field)
        if days is not None and (not isinstance(days, int) or days < 0 or days > 36500):
            add(field, _("天数须为 0 到 36500 之间的整数。"))
    rate = get("agreed_annual_rate")
    if rate is not None and (
        not isinstance(rate, Decimal) or not rate.is_finite() or rate < _ZERO or rate >= _HUNDRED
    ):
        add("agreed_annual_rate", _("约定年利率须在 0 到 100 之间（填百分数，如 3.45）。"))
    _clean, clause_errors = validate_clauses(data.get("clauses"))
    for message in clause_errors:
        add("clauses", message)
    return errors


def creditor_for(*, actor: Any, uscc: str, name: str = "", size_class: str | None = None) -> Enterprise:
    """The creditor SME by its credit code; registered on the spot when it is not in the registry yet."""
    from qingqian.registry import services as registry
    from qingqian.registry.uscc import UsccError, check_uscc

    try:
        code = check_uscc(uscc or "").value
    except UsccError as exc:
        raise invalid("creditor_uscc", str(exc)) from exc
    found = Enterprise.objects.filter(uscc=code).first()
    if found is not None:
        return found
    name = (name or "").strip()
    if not name:
        raise invalid("creditor_name", _("该企业尚未登记，请填写企业名称。"))
    return registry.enterprise_create(
        actor=actor,
        name=name,
        uscc=code,
        size_class=size_class or SizeClass.UNKNOWN,
        size_basis=_("登记台账时填报"),
    )


def _check_debtor(actor: Any, debtor: Organisation) -> None:
    if debtor.kind not in PAYER_ORG_KINDS:
        raise invalid("debtor", _("欠款单位类型无效。"))
    if not may_act_for_debtor(actor, debtor):
        raise NotPermitted(_("该欠款单位不在您的权限范围内。"))


@transaction.atomic
def item_create(
    *,
    actor: Any,
    debtor: Organisation,
    creditor: Enterprise,
    arrears_amount: Decimal,
    confirmed_on: dt.date | None = None,
    **fields: Any,
) -> ArrearsItem:
    """Register one contract's arrears; the confirmed amount becomes the first ledger entry."""
    require(actor, Action.CREATE, ArrearsItem)
    _check_debtor(actor, debtor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(
            _("未知字段：%(f)s") % {"f": pgettext("list separator", "、").join(sorted(unknown))}
        )
    fields.setdefault("source", ItemSource.SELF_INSPECTION)
    fields.setdefault("creditor_size_class", creditor.size_class)
    fields["contract_number"] = str(fields.get("contract_number") or "").strip()
    errors = validate_item_fields(fields)
    if errors:
        raise InvalidInput(_("台账信息有误，请检查标出的字段。"), fields=errors)
    money(arrears_amount, "arrears_amount")
    confirmed_on = not_future(confirmed_on or timezone.localdate(), "confirmed_on")
    clauses, _errs = validate_clauses(fields.get("clauses"))
    fields["clauses"] = clauses
    if ArrearsItem.objects.filter(
        debtor=debtor, creditor=creditor, contract_number=fields["contract_number"]
    ).exists():
        raise InvalidInput(
            _("该欠款单位与企业之间的此合同已登记。"),
            code="duplicate",
            fields={"contract_number": [_("同一欠款单位、企业和合同编号的台账已存在。")]},
        )
    item = ArrearsItem(debtor=debtor, creditor=creditor, created_by=_user(actor), **fields)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError as exc:
        raise Conflict(_("该合同的台账刚被他人登记，请刷新后查看。"), code="duplicate") from exc
    append_entry(
        actor=actor,
        item=item,
        kind=EntryKind.CONFIRMED,
        bucket=EntryBucket.PRINCIPAL,
        amount=arrears_amount,
        effective_on=confirmed_on,
        reason=_("登记确认欠款"),
    )
    refresh_assessment(item, reason="created")
    record_event(
        actor=actor,
        action="ledger.item.created",
        obj=item,
        after={**snapshot(item, EVENT_FIELDS), "arrears_amount": arrears_amount},
        data={
            "explain": _("确认欠款 %(a)s 元（%(s)s），应付款日 %(d)s")
            % {
                "a": fmt(arrears_amount),
                "s": item.get_source_display(),
                "d": item.due_on.isoformat() if item.due_on else _("未定"),
            }
        },
    )
    return item


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def item_update(*, actor: Any, item: ArrearsItem, **changes: Any) -> ArrearsItem:
    """Edit an open item's contract facts; the rules re-run when an input of the assessment changed."""
    require(actor, Action.CHANGE, item)
    item = open_item(item)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(
            _("不能修改的字段：%(f)s") % {"f": pgettext("list separator", "、").join(sorted(unknown))}
        )
    if "contract_number" in changes:
        changes["contract_number"] = str(changes["contract_number"] or "").strip()
    merged = {f: getattr(item, f) for f in ITEM_FIELDS} | changes
    errors = validate_item_fields(merged)
    if errors:
        raise InvalidInput(_("台账信息有误，请检查标出的字段。"), fields=errors)
    if "clauses" in changes:
        changes["clauses"], _errs = validate_clauses(changes["clauses"])
    before = snapshot(item, ITEM_FIELDS)
    for field, value in changes.items():
        setattr(item, field, value)
    after = snapshot(item, ITEM_FIELDS)
    old, new = changed(before, after)
    if not new:
        return item
    if "contract_number" in new and (
        ArrearsItem.objects.filter(
            debtor_id=item.debtor_id, creditor_id=item.creditor_id, contract_number=item.contract_number
        )
        .exclude(pk=item.pk)
        .exists()
    ):
        raise InvalidInput(
            _("该欠款单位与企业之间的此合同已登记。"),
            code="duplicate",
            fields={"contract_number": [_("同一欠款单位、企业和合同编号的台账已存在。")]},
        )
    item.save(update_fields=[*new.keys(), "updated_at"])
    if ASSESSMENT_INPUTS & set(new):
        refresh_assessment(item, reason="inputs_changed")
    record_event(actor=actor, action="ledger.item.updated", obj=item, before=old, after=new)
    return item


@transaction.atomic
def item_reconcile(*, actor: Any, item: ArrearsItem, note: str = "") -> ArrearsItem:
    """The SME confirms the reconciliation (对账): nothing more is owed under this contract."""
    require(actor, Action.VIEW, item)
    if actor is not None and not is_creditor_user(actor, item):
        raise NotPermitted(_("只有债权企业可以确认对账。"))
    item = open_item(item)
    if item.balance != 0:
        raise Conflict(_("欠款余额不为零，不能确认对账。"), code="balance_not_zero")
    if item.payment_reports.filter(status=ReportStatus.REPORTED).exists():
        raise Conflict(_("尚有待确认的付款报告，请先确认或驳回。"), code="reports_pending")
    if item.reconciled_at is not None:
        return item
    now = timezone.now()
    touched = ArrearsItem.objects.filter(
        pk=item.pk, status=ItemStatus.OPEN, reconciled_at__isnull=True, balance=0
    ).update(reconciled_at=now, reconciled_by=_user(actor))
    if touched != 1:
        raise ConcurrentTransition()
    item.reconciled_at, item.reconciled_by = now, _user(actor)
    record_event(
        actor=actor,
        action="ledger.item.reconciled",
        obj=item,
        data={"note": note[:500], "paid_total": item.paid_total, "written_off_total": item.written_off_total},
    )
    return item


@transaction.atomic
def item_close(*, actor: Any, item: ArrearsItem, note: str = "") -> ArrearsItem:
    """对账销号: only with a zero balance (by confirmed payments or a recorded legal outcome) and the
    SME's reconciliation. Afterwards the item and its money never change."""
    require(actor, Action.CHANGE, item)
    item = open_item(item)
    if item.balance != 0:
        raise Conflict(_("欠款余额不为零，不能销号。"), code="balance_not_zero")
    if item.reconciled_at is None:
        raise Conflict(_("企业尚未确认对账，不能销号。"), code="not_reconciled")
    if item.payment_reports.filter(status=ReportStatus.REPORTED).exists():
        raise Conflict(_("尚有待确认的付款报告，不能销号。"), code="reports_pending")
    if item.disputes.filter(status=DisputeStatus.OPEN).exists():
        raise Conflict(_("尚有未解决的分歧，不能销号。"), code="disputes_open")
    basis = CloseBasis.LEGAL_OUTCOME if item.written_off_total > 0 else CloseBasis.PAYMENTS
    now = timezone.now()
    touched = ArrearsItem.objects.filter(
        pk=item.pk, status=ItemStatus.OPEN, balance=0, reconciled_at__isnull=False
    ).update(status=ItemStatus.CLOSED, closed_at=now, closed_by=_user(actor), close_basis=basis)
    if touched != 1:
        raise ConcurrentTransition()
    item.status, item.closed_at, item.closed_by, item.close_basis = (
        ItemStatus.CLOSED,
        now,
        _user(actor),
        basis,
    )
    LedgerWarning.objects.filter(item=item, resolved_at__isnull=True).update(
        resolved_at=now, resolution=str(_("已销号"))
    )
    age_now(item)
    record_event(
        actor=actor,
        action="ledger.item.closed",
        obj=item,
        data={"basis": basis, "note": note[:500], "paid_total": item.paid_total},
    )
    return item


__all__ = [
    "ASSESSMENT_FIELDS",
    "ITEM_FIELDS",
    "creditor_for",
    "item_close",
    "item_create",
    "item_reconcile",
    "item_update",
    "validate_item_fields",
]
