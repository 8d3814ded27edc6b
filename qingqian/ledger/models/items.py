"""Arrears items: one per contract between a debtor body and a creditor SME."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.money import MoneyField
from qingqian.core.permissions import Grant, RestrictedQuerySet
from qingqian.ledger.choices import CloseBasis, ItemSource, ItemStatus, SubjectKind
from qingqian.ledger.scoping import item_scope_q
from qingqian.registry.choices import SizeClass

if TYPE_CHECKING:
    from qingqian.ledger.assessment import ShownAssessment

ZERO = Decimal("0.00")


class ArrearsItem(models.Model):
    """欠款台账条目. Money lives in `LedgerEntry` rows; the totals here are recomputed from them in the
    same transaction as every entry (verified by `ledger_verify` and the tests), never edited."""

    debtor = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("欠款单位"),
        on_delete=models.PROTECT,
        related_name="arrears_items",
        db_index=False,  # (debtor, status) covers it
    )
    creditor = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("债权企业"),
        on_delete=models.PROTECT,
        related_name="arrears_items",
        db_index=False,  # (creditor, status) covers it
    )
    creditor_size_class = models.CharField(
        _("企业规模（签约时）"), max_length=10, choices=SizeClass.choices, default=SizeClass.UNKNOWN
    )
    contract_number = models.CharField(_("合同编号"), max_length=100)
    contract_name = models.CharField(_("合同名称"), max_length=200, blank=True)
    subject_kind = models.CharField(_("标的类型"), max_length=10, choices=SubjectKind.choices)
    signed_on = models.DateField(_("合同签订日期"))
    contract_amount = MoneyField(_("合同金额"))
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    acceptance_required = models.BooleanField(_("以验收为付款条件"), default=False)
    acceptance_period_days = models.PositiveIntegerField(_("约定验收期限（天）"), null=True, blank=True)
    accepted_on = models.DateField(_("验收合格日期"), null=True, blank=True)
    settlement_confirmed_on = models.DateField(_("结算确认日期"), null=True, blank=True)
    agreed_term_days = models.PositiveIntegerField(_("约定付款期限（天）"), null=True, blank=True)
    agreed_annual_rate = models.DecimalField(
        _("约定逾期利率（年%）"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    clauses = models.JSONField(_("合同条款"), default=dict, blank=True)
    project_name = models.CharField(_("所属项目"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=ItemSource.choices)
    source_ref = models.CharField(_("来源编号"), max_length=64, blank=True)
    note = models.TextField(_("备注"), blank=True)
    # Items that came in through an import: the job (whose one event and stored file are the record).
    import_job = models.ForeignKey(
        "ledger.ImportJob",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        editable=False,
        db_index=False,  # a partial index (Meta): most items were not imported
    )
    # not indexed alone: two values, read with the debtor or the creditor (their indexes lead with them)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN)

    # The rules module's assessment (refreshed whenever an input changes).
    assessed_at = models.DateTimeField(_("评估时间"), null=True, blank=True, editable=False)
    regulation = models.CharField(_("适用条例版本"), max_length=8, blank=True, editable=False)
    start_on = models.DateField(_("付款期限起算日"), null=True, blank=True, editable=False)
    term_days = models.PositiveIntegerField(_("付款期限（天）"), null=True, blank=True, editable=False)
    due_on = models.DateField(_("应付款日"), null=True, blank=True, editable=False, db_index=True)
    annual_rate_percent = models.DecimalField(
        _("适用年利率（%）"), max_digits=9, decimal_places=4, null=True, blank=True, editable=False
    )
    # The exact daily late-payment rate as a fraction: what the set-based aging multiplies with.
    rate_num = models.BigIntegerField(null=True, blank=True, editable=False)
    rate_den = models.BigIntegerField(null=True, blank=True, editable=False)
    findings = models.JSONField(_("合规提示"), default=list, blank=True, editable=False)
    # When the assessment must be re-run although no input changed (an acceptance period ends).
    reassess_on = models.DateField(_("待重新评估日"), null=True, blank=True, editable=False)  # partial index
    explanation = models.JSONField(_("评估说明"), default=dict, blank=True, editable=False)

    # Totals, recomputed from the entries in the same transaction as each entry (never edited).
    principal_total = MoneyField(_("确认欠款"), default=ZERO, editable=False)
    paid_total = MoneyField(_("已确认还款"), default=ZERO, editable=False)
    written_off_total = MoneyField(_("核销金额"), default=ZERO, editable=False)
    balance = MoneyField(_("欠款余额"), default=ZERO, editable=False, db_index=True)
    disputed_amount = MoneyField(_("有分歧金额"), default=ZERO, editable=False)

    # Clearance (对账销号).
    reconciled_at = models.DateTimeField(_("企业确认对账时间"), null=True, blank=True, editable=False)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认对账人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # users are deactivated, never deleted: nothing looks items up by user
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("销号人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # users are deactivated, never deleted: nothing looks items up by user
    )
    close_basis = models.CharField(
        _("销号依据"), max_length=20, choices=CloseBasis.choices, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # users are deactivated, never deleted: nothing looks items up by user
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("欠款台账")
        verbose_name_plural = _("欠款台账")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["debtor", "creditor", "contract_number"], name="ledger_item_one_per_contract"
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="ledger_item_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(disputed_amount__gte=0) & Q(disputed_amount__lte=models.F("balance")),
                name="ledger_item_disputed_within_balance",
            ),
            models.CheckConstraint(
                condition=~Q(status=ItemStatus.CLOSED) | Q(balance=0), name="ledger_item_closed_is_zero"
            ),
            models.CheckConstraint(condition=Q(contract_amount__gt=0), name="ledger_item_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["debtor", "status"], name="ledger_item_debtor_status_idx"),
            models.Index(fields=["creditor", "status"], name="ledger_item_creditor_idx"),
            # the sweeper's and the import page's lookups; the column is empty on nearly every row
            models.Index(
                fields=["reassess_on"],
                name="ledger_item_reassess_idx",
                condition=Q(reassess_on__isnull=False),
            ),
            models.Index(
                fields=["import_job"],
                name="ledger_item_import_job_idx",
                condition=Q(import_job__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number}（{self.debtor_id}→{self.creditor_id}）"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action)

    @property
    def is_closed(self) -> bool:
        return self.status == ItemStatus.CLOSED

    @property
    def undisputed_amount(self) -> Decimal:
        return self.balance - self.disputed_amount

    def as_label(self) -> str:
        return f"{self.contract_number} {self.contract_name}".strip()

    @property
    def shown_assessment(self) -> ShownAssessment:
        """The stored assessment with its texts (findings and reasons), as the item page shows it."""
        from qingqian.ledger.assessment import shown_assessment

        return shown_assessment(self)


class ItemAging(models.Model):
    """The daily aging of one item, written set-based by `aging.run_aging` (one narrow row per item)."""

    item = models.OneToOneField(
        ArrearsItem, primary_key=True, on_delete=models.CASCADE, related_name="aging", verbose_name=_("台账")
    )
    overdue_days = models.IntegerField(_("逾期天数"), null=True, blank=True)
    bucket = models.CharField(_("账龄区间"), max_length=16, db_index=True)
    interest = MoneyField(_("逾期利息（截至计算日）"), null=True, blank=True)
    settled_on = models.DateField(_("本金结清日"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("账龄")
        verbose_name_plural = _("账龄")

    def __str__(self) -> str:
        return f"{self.item_id} {self.bucket}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")


class AgingRun(models.Model):
    """One run of the daily aging: the date it computed for and how many rows changed."""

    as_of = models.DateField(_("计算日"), db_index=True)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    seconds = models.DecimalField(_("耗时（秒）"), max_digits=10, decimal_places=3)
    items = models.PositiveIntegerField(_("台账数"))
    changed = models.PositiveIntegerField(_("变化行数"))
    edges = models.CharField(_("账龄区间"), max_length=100)

    class Meta:
        verbose_name = _("账龄计算")
        verbose_name_plural = _("账龄计算")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.as_of} {self.changed}/{self.items}"


#: organisation kind → the rules' payer kind (a functional department pays as an organ)
PAYER_KINDS = {
    "organ": "organ",
    "institution": "institution",
    "soe": "soe_large",
    "large_enterprise": "large_enterprise",
    "department": "organ",
}


def payer_kind_of(org_kind: str) -> Any:
    """Organisation kind → the rules' payer kind (a functional department pays as an organ)."""
    return PAYER_KINDS[org_kind]
