"""Payment reports (two-sided confirmation), disputes, repayment plans and warnings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.money import MoneyField
from qingqian.core.permissions import Grant, RestrictedQuerySet
from qingqian.ledger.choices import (
    DisputePath,
    DisputeStatus,
    InstalmentState,
    PaymentMethod,
    PlanStatus,
    ReportStatus,
    WarningKind,
)
from qingqian.ledger.scoping import item_scope_q

USER = settings.AUTH_USER_MODEL


class PaymentReport(models.Model):
    """The debtor side reports a payment; only the SME's confirmation turns it into a ledger entry."""

    item = models.ForeignKey(
        "ledger.ArrearsItem", verbose_name=_("台账"), on_delete=models.PROTECT, related_name="payment_reports"
    )
    amount = MoneyField(_("付款金额"))
    paid_on = models.DateField(_("付款日期"))
    method = models.CharField(_("支付方式"), max_length=20, choices=PaymentMethod.choices)
    non_cash = models.BooleanField(_("非现金支付"), default=False, editable=False)
    reference = models.CharField(_("凭证号"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.REPORTED, db_index=True
    )
    reported_at = models.DateTimeField(_("报告时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        USER, verbose_name=_("报告人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    # The deadline for the SME's answer, a stored column the sweeper claims (escalation to the office).
    confirm_due_at = models.DateTimeField(_("确认期限"), db_index=True)
    escalated_at = models.DateTimeField(_("超期上报时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("确认或驳回时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("确认或驳回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reject_reason = models.CharField(_("驳回理由"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("付款报告")
        verbose_name_plural = _("付款报告")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_report_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.REJECTED) | ~Q(reject_reason=""),
                name="ledger_report_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount} {self.get_status_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")


class Dispute(models.Model):
    """The disputed part (有分歧) of an item; the rest is undisputed (无分歧) and must be paid on time."""

    item = models.ForeignKey(
        "ledger.ArrearsItem", verbose_name=_("台账"), on_delete=models.PROTECT, related_name="disputes"
    )
    amount = MoneyField(_("有分歧金额"))
    reason = models.CharField(_("分歧事由"), max_length=500)
    path = models.CharField(_("解决途径"), max_length=12, choices=DisputePath.choices)
    case_ref = models.CharField(_("案号或调解文书号"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN, db_index=True
    )
    raised_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    raised_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, verbose_name=_("解决登记人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount_owed = MoneyField(_("认定应付金额"), null=True, blank=True)
    outcome_note = models.CharField(_("解决结果"), max_length=500, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("分歧")
        verbose_name_plural = _("分歧")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_dispute_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_owed__isnull=True)
                | (Q(amount_owed__gte=0) & Q(amount_owed__lte=models.F("amount"))),
                name="ledger_dispute_owed_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_path_display()} {self.get_status_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")


class RepaymentPlan(models.Model):
    """还款计划. An approved plan is never edited: a revision is a new plan that `revises` it, with the
    reason and approver; the original stays beside it as `superseded`."""

    item = models.ForeignKey(
        "ledger.ArrearsItem", verbose_name=_("台账"), on_delete=models.PROTECT, related_name="plans"
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    revises = models.OneToOneField(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revised_by",
    )
    reason = models.CharField(_("制定或修订理由"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PROPOSED, db_index=True
    )
    total = MoneyField(_("计划还款合计"))
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"))
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("提出人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    # Confirmed payments on the item when the plan was approved: instalments count what came after.
    baseline_paid = MoneyField(_("批准时已确认还款"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("还款计划")
        verbose_name_plural = _("还款计划")
        ordering = ["item", "version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="ledger_plan_version_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status=PlanStatus.APPROVED), name="ledger_plan_one_active"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status=PlanStatus.PROPOSED), name="ledger_plan_one_proposed"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version} {self.get_status_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")


class Instalment(models.Model):
    plan = models.ForeignKey(
        RepaymentPlan, verbose_name=_("还款计划"), on_delete=models.CASCADE, related_name="instalments"
    )
    seq = models.PositiveSmallIntegerField(_("期次"))
    due_on = models.DateField(_("计划还款日"))
    amount = MoneyField(_("计划金额"))
    state = models.CharField(
        _("履行情况"),
        max_length=10,
        choices=InstalmentState.choices,
        default=InstalmentState.PENDING,
        db_index=True,
    )
    checked_at = models.DateTimeField(_("判定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("还款计划分期")
        verbose_name_plural = _("还款计划分期")
        ordering = ["plan", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "seq"], name="ledger_instalment_seq_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.seq}: {self.due_on} {self.amount}"


class LedgerWarning(models.Model):
    """A warning raised by a sweeper, shown on the item, its debtor and (for breaches) the plan."""

    kind = models.CharField(_("类型"), max_length=20, choices=WarningKind.choices, db_index=True)
    item = models.ForeignKey(
        "ledger.ArrearsItem", verbose_name=_("台账"), on_delete=models.PROTECT, related_name="warnings"
    )
    debtor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("欠款单位"),
        on_delete=models.PROTECT,
        related_name="ledger_warnings",
    )
    plan = models.ForeignKey(
        RepaymentPlan,
        verbose_name=_("还款计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warnings",
    )
    instalment = models.OneToOneField(
        Instalment,
        verbose_name=_("分期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warning",
    )
    payment_report = models.OneToOneField(
        PaymentReport,
        verbose_name=_("付款报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warning",
    )
    message = models.CharField(_("内容"), max_length=500)
    raised_at = models.DateTimeField(_("预警时间"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolution = models.CharField(_("解除原因"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账预警")
        verbose_name_plural = _("台账预警")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.message}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")
