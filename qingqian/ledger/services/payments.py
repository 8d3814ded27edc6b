"""Two-sided payment confirmation: the debtor side reports, the SME confirms or rejects.

Only a confirmed report becomes a ledger entry and counts as cleared. Reports the SME leaves
unanswered past `LEDGER_CONFIRM_ESCALATE_DAYS` are escalated to the office by the sweeper.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qingqian.core.errors import ConcurrentTransition, Conflict, InvalidTransition, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.money import quantize_money
from qingqian.core.permissions import Action, require
from qingqian.ledger import conf
from qingqian.ledger.choices import (
    NON_CASH_METHODS,
    EntryBucket,
    EntryKind,
    PaymentMethod,
    ReportStatus,
    WarningKind,
)
from qingqian.ledger.models import ArrearsItem, LedgerWarning, PaymentReport
from qingqian.ledger.notify import debtor_users, enterprise_users, office_users, portal_link, tell
from qingqian.ledger.scoping import is_creditor_user
from qingqian.ledger.services._common import append_entry, fmt, invalid, money, not_future, open_item


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def pending_reported(item: ArrearsItem) -> Decimal:
    total = item.payment_reports.filter(status=ReportStatus.REPORTED).aggregate(t=Sum("amount"))["t"]
    return quantize_money(total or Decimal("0.00"))  # SQLite's SUM drops the scale


@transaction.atomic
def payment_report_create(
    *,
    actor: Any,
    item: ArrearsItem,
    amount: Decimal,
    paid_on: dt.date,
    method: str,
    reference: str = "",
    note: str = "",
) -> PaymentReport:
    """The debtor body (or its supervisors) reports a payment made to the SME."""
    require(actor, Action.CHANGE, item)
    item = open_item(item)
    money(amount, "amount")
    not_future(paid_on, "paid_on")
    if method not in PaymentMethod.values:
        raise invalid("method", _("请选择支付方式。"))
    pending = pending_reported(item)
    available = item.balance - pending
    if amount > item.balance:
        raise invalid(
            "amount",
            _("报告金额超过欠款余额（扣除待确认的报告后还剩 %(left)s 元）。") % {"left": available},
        )
    if amount > available:
        # Not a wrong input but the item's state (other reports await confirmation, perhaps filed a
        # moment ago): 409, like any other conflict with a concurrent change. The item lock serialises this.
        message = _(
            "其他待企业确认的付款报告已占用部分余额：本次最多可报告 %(left)s 元（余额 %(balance)s 元，待确认 %(pending)s 元）。"
        ) % {"left": available, "balance": item.balance, "pending": pending}
        raise Conflict(message, code="pending_reports_exceed_balance", fields={"amount": [message]})
    now = timezone.now()
    report = PaymentReport.objects.create(
        item=item,
        amount=amount,
        paid_on=paid_on,
        method=method,
        non_cash=method in NON_CASH_METHODS,
        reference=(reference or "").strip()[:100],
        note=(note or "").strip()[:500],
        reported_at=now,
        reported_by=_user(actor),
        confirm_due_at=now + dt.timedelta(days=conf.confirm_escalate_days()),
    )
    record_event(
        actor=actor,
        action="ledger.payment.reported",
        obj=item,
        data={
            "report": report.pk,
            "amount": amount,
            "paid_on": paid_on,
            "method": method,
            "non_cash": report.non_cash,
            "explain": _("报告付款 %(amount)s 元（%(method)s%(flag)s），待企业确认")
            % {
                "amount": fmt(amount),
                "method": PaymentMethod(method).label,
                "flag": _("，非现金") if report.non_cash else "",
            },
        },
    )
    tell(
        enterprise_users(item),
        item,
        topic="ledger.payment.reported",
        subject=_("请确认收款"),
        body=_("%(debtor)s 报告已于 %(paid_on)s 付款 %(amount)s 元（%(method)s），请登录企业服务确认或驳回。")
        % {
            "debtor": item.debtor.name,
            "paid_on": paid_on.isoformat(),
            "amount": fmt(amount),
            "method": PaymentMethod(method).label,
        },
        link=portal_link(),
        dedupe_key=f"ledger.payment.reported:{report.pk}",
    )
    return report


def _decide(report: PaymentReport, status: str, actor: Any, **extra: Any) -> dt.datetime:
    now = timezone.now()
    touched = PaymentReport.objects.filter(pk=report.pk, status=ReportStatus.REPORTED).update(
        status=status, decided_at=now, decided_by=_user(actor), **extra
    )
    if touched != 1:
        raise ConcurrentTransition()
    report.status, report.decided_at, report.decided_by = status, now, _user(actor)
    for key, value in extra.items():
        setattr(report, key, value)
    LedgerWarning.objects.filter(payment_report=report, resolved_at__isnull=True).update(
        resolved_at=now, resolution=str(ReportStatus(status).label)
    )
    return now


def _require_creditor(actor: Any, report: PaymentReport) -> None:
    require(actor, Action.VIEW, report.item)
    if actor is not None and not is_creditor_user(actor, report.item):
        raise NotPermitted(_("只有收款企业可以确认或驳回付款。"))


def _require_reported(report: PaymentReport) -> None:
    if report.status != ReportStatus.REPORTED:
        raise InvalidTransition(_("该付款报告已处理（%(s)s）。") % {"s": report.get_status_display()})


@transaction.atomic
def payment_report_confirm(*, actor: Any, report: PaymentReport) -> PaymentReport:
    """The SME confirms receipt: the payment enters the ledger and counts as cleared."""
    _require_creditor(actor, report)
    item = open_item(report.item)
    report.refresh_from_db()
    _require_reported(report)
    _decide(report, ReportStatus.CONFIRMED, actor)
    entry = append_entry(
        actor=actor,
        item=item,
        kind=EntryKind.PAYMENT,
        bucket=EntryBucket.PAYMENT,
        amount=report.amount,
        effective_on=report.paid_on,
        reason=_("企业确认收款"),
        reference=report.reference,
        payment_report=report,
    )
    record_event(
        actor=actor,
        action="ledger.payment.confirmed",
        obj=item,
        data={
            "report": report.pk,
            "entry": entry.pk,
            "amount": report.amount,
            "balance": item.balance,
            "explain": _("企业确认收到 %(amount)s 元，余额 %(balance)s 元")
            % {"amount": fmt(report.amount), "balance": fmt(item.balance)},
        },
    )
    _tell_answer(
        report,
        item,
        _("企业确认收到 %(paid_on)s 付款 %(amount)s 元，欠款余额 %(balance)s 元。")
        % {"paid_on": report.paid_on.isoformat(), "amount": fmt(report.amount), "balance": fmt(item.balance)},
    )
    return report


ANSWER_SUBJECTS = {
    ReportStatus.CONFIRMED: gettext_lazy("企业已确认收款"),
    ReportStatus.REJECTED: gettext_lazy("企业驳回了付款报告"),
}


def _tell_answer(report: PaymentReport, item: ArrearsItem, body: str) -> None:
    """The SME's answer goes to the debtor's clerks and to whoever reported the payment."""
    tell(
        [*debtor_users(item), report.reported_by],
        item,
        topic=f"ledger.payment.{report.status}",
        subject=str(ANSWER_SUBJECTS[ReportStatus(report.status)]),
        body=body,
        dedupe_key=f"ledger.payment.{report.status}:{report.pk}",
    )


@transaction.atomic
def payment_report_reject(*, actor: Any, report: PaymentReport, reason: str) -> PaymentReport:
    """The SME says the money did not arrive (or not as reported), with a reason."""
    _require_creditor(actor, report)
    reason = (reason or "").strip()
    if not reason:
        raise invalid("reason", _("请填写驳回理由。"))
    item = open_item(report.item)
    report.refresh_from_db()
    _require_reported(report)
    _decide(report, ReportStatus.REJECTED, actor, reject_reason=reason[:500])
    record_event(
        actor=actor,
        action="ledger.payment.rejected",
        obj=item,
        data={"report": report.pk, "amount": report.amount, "reason": reason[:500]},
    )
    _tell_answer(
        report,
        item,
        _("%(paid_on)s 付款 %(amount)s 元未获企业确认，理由：%(reason)s")
        % {"paid_on": report.paid_on.isoformat(), "amount": fmt(report.amount), "reason": reason[:500]},
    )
    return report


@transaction.atomic
def payment_report_withdraw(*, actor: Any, report: PaymentReport, reason: str = "") -> PaymentReport:
    """The debtor side withdraws a report it made in error (before the SME answered)."""
    require(actor, Action.CHANGE, report.item)
    item = open_item(report.item)
    report.refresh_from_db()
    _require_reported(report)
    _decide(report, ReportStatus.WITHDRAWN, actor)
    record_event(
        actor=actor,
        action="ledger.payment.withdrawn",
        obj=item,
        data={"report": report.pk, "amount": report.amount, "reason": (reason or "")[:500]},
    )
    return report


def payment_reports_escalate(*, now: dt.datetime | None = None) -> int:
    """Sweeper: escalate reports unanswered past their deadline (idempotent; each row claimed by CAS)."""
    now = now or timezone.now()
    due = list(
        PaymentReport.objects.filter(
            status=ReportStatus.REPORTED, escalated_at__isnull=True, confirm_due_at__lte=now
        ).values_list("pk", flat=True)
    )
    escalated = 0
    for pk in due:
        with transaction.atomic():
            touched = PaymentReport.objects.filter(
                pk=pk, status=ReportStatus.REPORTED, escalated_at__isnull=True
            ).update(escalated_at=now)
            if touched != 1:
                continue
            report = PaymentReport.objects.select_related("item__debtor__region", "item__creditor").get(pk=pk)
            item = report.item
            days = (now - report.reported_at).days
            message = _(
                "付款报告（%(amount)s 元，%(paid_on)s）已 %(days)d 天未获企业确认，已上报专班办公室。"
            ) % {
                "amount": report.amount,
                "paid_on": report.paid_on.isoformat(),
                "days": days,
            }
            LedgerWarning.objects.create(
                kind=WarningKind.PAYMENT_UNCONFIRMED,
                item=item,
                debtor=item.debtor,
                payment_report=report,
                message=message,
                raised_at=now,
            )
            record_event(
                actor=None,
                action="ledger.payment.escalated",
                obj=item,
                data={"report": pk, "days": days, "explain": message},
            )
            tell(
                office_users(item),
                item,
                topic="ledger.payment.escalated",
                subject=_("付款报告超期未获企业确认"),
                body=message,
                dedupe_key=f"ledger.payment.escalated:{pk}",
            )
            escalated += 1
    return escalated
