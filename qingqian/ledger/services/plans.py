"""Repayment plans (还款计划): proposed by the debtor side, approved by the responsible department.

An approved plan is never edited. A revision is a new plan (`revises` → the current one) with a
reason; when it is approved the original becomes `superseded` and stays beside it. The sweeper
marks each instalment met or breached once its date plus the grace days have passed; a breach raises
one warning that shows on the item, the debtor and the plan.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import ConcurrentTransition, Conflict, InvalidTransition, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger import conf
from qingqian.ledger.choices import EntryBucket, InstalmentState, PlanStatus, WarningKind
from qingqian.ledger.models import ArrearsItem, Instalment, LedgerEntry, LedgerWarning, RepaymentPlan
from qingqian.ledger.notify import debtor_users, department_users, office_users, tell
from qingqian.ledger.scoping import may_approve_plan
from qingqian.ledger.services._common import fmt, invalid, money, open_item


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_instalments(instalments: list[tuple[dt.date, Decimal]], expected: Decimal) -> None:
    if not instalments:
        raise invalid("instalments", _("请至少填写一期还款。"))
    today = timezone.localdate()
    previous: dt.date | None = None
    for n, (day, amount) in enumerate(instalments, start=1):
        money(amount, "instalments")
        if not isinstance(day, dt.date):
            raise invalid("instalments", _("第%(n)d期缺少还款日期。") % {"n": n})
        if day < today:
            raise invalid("instalments", _("第%(n)d期的还款日期不能早于今天。") % {"n": n})
        if previous is not None and day <= previous:
            raise invalid("instalments", _("各期还款日期须逐期递增。"))
        previous = day
    total = sum((a for _d, a in instalments), Decimal("0.00"))
    if total != expected:
        raise invalid(
            "instalments",
            _("各期合计 %(total)s 元，须等于无分歧欠款余额 %(expected)s 元。")
            % {"total": total, "expected": expected},
        )


@transaction.atomic
def plan_propose(
    *,
    actor: Any,
    item: ArrearsItem,
    instalments: list[tuple[dt.date, Decimal]],
    reason: str = "",
    grace_days: int | None = None,
) -> RepaymentPlan:
    """Propose a plan for the undisputed balance; with an approved plan in force this is a revision."""
    require(actor, Action.CHANGE, item)
    item = open_item(item)
    if item.plans.filter(status=PlanStatus.PROPOSED).exists():
        raise Conflict(_("已有待审批的还款计划，请先审批或撤回。"), code="plan_pending")
    current = item.plans.filter(status=PlanStatus.APPROVED).first()
    reason = (reason or "").strip()
    if current is not None and not reason:
        raise invalid("reason", _("修订还款计划须说明理由。"))
    instalments = sorted(instalments, key=lambda p: p[0])
    _check_instalments(instalments, item.balance - item.disputed_amount)
    grace = conf.plan_grace_days() if grace_days is None else grace_days
    if grace < 0 or grace > 90:
        raise invalid("grace_days", _("宽限天数须在 0 到 90 之间。"))
    version = (item.plans.aggregate(v=Max("version"))["v"] or 0) + 1
    plan = RepaymentPlan.objects.create(
        item=item,
        version=version,
        revises=current,
        reason=reason[:500],
        total=sum((a for _d, a in instalments), Decimal("0.00")),
        grace_days=grace,
        proposed_by=_user(actor),
    )
    Instalment.objects.bulk_create(
        [
            Instalment(plan=plan, seq=n, due_on=day, amount=amount)
            for n, (day, amount) in enumerate(instalments, 1)
        ]
    )
    record_event(
        actor=actor,
        action="ledger.plan.revision_proposed" if current else "ledger.plan.proposed",
        obj=item,
        data={
            "plan": plan.pk,
            "version": version,
            "revises": current.pk if current else None,
            "instalments": [{"due_on": d, "amount": a} for d, a in instalments],
            "reason": plan.reason,
        },
    )
    return plan


def _require_approver(actor: Any, plan: RepaymentPlan) -> None:
    require(actor, Action.VIEW, plan.item)
    if not may_approve_plan(actor, plan.item):
        raise NotPermitted(_("还款计划须由责任部门（或专班办公室、县级清欠办）审批。"))


@transaction.atomic
def plan_approve(*, actor: Any, plan: RepaymentPlan, note: str = "") -> RepaymentPlan:
    _require_approver(actor, plan)
    item = open_item(plan.item)
    plan.refresh_from_db()
    if plan.status != PlanStatus.PROPOSED:
        raise InvalidTransition(_("该还款计划不是待审批状态。"))
    if plan.total != item.balance - item.disputed_amount:
        raise Conflict(
            _("提出计划后欠款余额已变化（现为 %(b)s 元），请修订计划后再审批。")
            % {"b": item.balance - item.disputed_amount},
            code="plan_stale",
        )
    now = timezone.now()
    if plan.revises_id is not None:
        touched = RepaymentPlan.objects.filter(pk=plan.revises_id, status=PlanStatus.APPROVED).update(
            status=PlanStatus.SUPERSEDED
        )
        if touched != 1:
            raise ConcurrentTransition()
        LedgerWarning.objects.filter(plan_id=plan.revises_id, resolved_at__isnull=True).update(
            resolved_at=now, resolution=str(_("计划已修订"))
        )
        Instalment.objects.filter(plan_id=plan.revises_id, state=InstalmentState.PENDING).update(
            checked_at=now
        )
    touched = RepaymentPlan.objects.filter(pk=plan.pk, status=PlanStatus.PROPOSED).update(
        status=PlanStatus.APPROVED,
        decided_at=now,
        decided_by=_user(actor),
        decision_note=(note or "")[:500],
        baseline_paid=item.paid_total,
    )
    if touched != 1:
        raise ConcurrentTransition()
    plan.refresh_from_db()
    record_event(
        actor=actor,
        action="ledger.plan.approved",
        obj=item,
        data={
            "plan": plan.pk,
            "version": plan.version,
            "revises": plan.revises_id,
            "note": plan.decision_note,
            "explain": _("批准第 %(v)d 版还款计划，共 %(n)d 期，合计 %(t)s 元")
            % {"v": plan.version, "n": plan.instalments.count(), "t": fmt(plan.total)},
        },
    )
    return plan


@transaction.atomic
def plan_reject(*, actor: Any, plan: RepaymentPlan, note: str) -> RepaymentPlan:
    _require_approver(actor, plan)
    item = open_item(plan.item)
    note = (note or "").strip()
    if not note:
        raise invalid("note", _("请填写不予批准的理由。"))
    touched = RepaymentPlan.objects.filter(pk=plan.pk, status=PlanStatus.PROPOSED).update(
        status=PlanStatus.REJECTED,
        decided_at=timezone.now(),
        decided_by=_user(actor),
        decision_note=note[:500],
    )
    if touched != 1:
        raise InvalidTransition(_("该还款计划不是待审批状态。"))
    plan.refresh_from_db()
    record_event(
        actor=actor, action="ledger.plan.rejected", obj=item, data={"plan": plan.pk, "reason": note[:500]}
    )
    return plan


def _deadline_end(day: dt.date) -> dt.datetime:
    """The first instant after `day` in the city's time zone."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)


def plans_check_breaches(*, today: dt.date | None = None) -> dict[str, int]:
    """Sweeper: judge every pending instalment whose date + grace has passed (idempotent, CAS per row).

    An instalment is met when the payments the SME confirmed after the plan's approval, recorded by the
    end of its date + grace, cover the plan's cumulative amount up to and including it.
    """
    today = today or timezone.localdate()
    counts = {"met": 0, "breached": 0}
    candidates = (
        Instalment.objects.filter(plan__status=PlanStatus.APPROVED, state=InstalmentState.PENDING)
        .select_related("plan")
        .order_by("plan_id", "seq")
    )
    for inst in candidates:
        grace_end = inst.due_on + dt.timedelta(days=inst.plan.grace_days)
        if grace_end >= today:
            continue
        plan = inst.plan
        planned = plan.instalments.filter(seq__lte=inst.seq).aggregate(t=Sum("amount"))["t"] or Decimal(0)
        paid = LedgerEntry.objects.filter(
            item_id=plan.item_id, bucket=EntryBucket.PAYMENT, recorded_at__lt=_deadline_end(grace_end)
        ).aggregate(t=Sum("amount"))["t"] or Decimal(0)
        progress = paid - (plan.baseline_paid or Decimal(0))
        state = InstalmentState.MET if progress >= planned else InstalmentState.BREACHED
        with transaction.atomic():
            now = timezone.now()
            touched = Instalment.objects.filter(pk=inst.pk, state=InstalmentState.PENDING).update(
                state=state, checked_at=now
            )
            if touched != 1:
                continue
            counts[state] += 1
            if state == InstalmentState.MET:
                continue
            item = ArrearsItem.objects.select_related("debtor__region").get(pk=plan.item_id)
            shortfall = planned - progress
            message = _(
                "还款计划第 %(v)d 版第 %(n)d 期（%(day)s，累计应还 %(planned)s 元）未按期履行，差额 %(short)s 元。"
            ) % {
                "v": plan.version,
                "n": inst.seq,
                "day": inst.due_on.isoformat(),
                "planned": fmt(planned),
                "short": fmt(shortfall),
            }
            LedgerWarning.objects.create(
                kind=WarningKind.PLAN_BREACH,
                item=item,
                debtor=item.debtor,
                plan=plan,
                instalment=inst,
                message=message,
                raised_at=now,
            )
            record_event(
                actor=None,
                action="ledger.plan.breached",
                obj=item,
                data={"plan": plan.pk, "instalment": inst.pk, "shortfall": shortfall, "explain": message},
            )
            tell(
                [*debtor_users(item), *department_users(item), *office_users(item)],
                item,
                topic="ledger.plan.breached",
                subject=_("还款计划未按期履行"),
                body=message,
                dedupe_key=f"ledger.plan.breached:{inst.pk}",
            )
    return counts
