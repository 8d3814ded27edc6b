"""Append-only ledger entries: the only place money is recorded. Corrections are reversing entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.models import AppendOnlyModel, AppendOnlyQuerySet
from qingqian.core.money import MoneyField
from qingqian.core.permissions import Grant, RestrictedQuerySet
from qingqian.ledger.choices import EntryBucket, EntryKind
from qingqian.ledger.scoping import item_scope_q


class EntryQuerySet(AppendOnlyQuerySet, RestrictedQuerySet):  # type: ignore[override]
    pass


class LedgerEntry(AppendOnlyModel):
    """One movement on an item. `amount` is signed within its `bucket`:

    * principal: confirmed arrears (+), adjustments (±), their reversals;
    * payment: payments the SME confirmed (+) and their reversals (−);
    * write_off: amounts extinguished by a judgment or a recorded settlement (+) and their reversals (−).

    `effective_on` is the economic date (a payment's date); a reversal carries the date of the entry it
    reverses, so for interest the reversed movement never happened. `recorded_at` is when it was written.
    """

    item = models.ForeignKey(  # indexed by (item, bucket, effective_on)
        "ledger.ArrearsItem",
        verbose_name=_("台账"),
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    bucket = models.CharField(_("科目"), max_length=10, choices=EntryBucket.choices)
    amount = MoneyField(_("金额"))
    effective_on = models.DateField(_("业务日期"))
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    reference = models.CharField(_("凭证或文书编号"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的分录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    payment_report = models.OneToOneField(
        "ledger.PaymentReport",
        verbose_name=_("付款报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entry",
    )
    dispute = models.ForeignKey(
        "ledger.Dispute",
        verbose_name=_("分歧"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        db_index=False,  # a partial index (Meta): few entries settle a dispute
    )
    # read per item (the item's index), never across items by time
    recorded_at = models.DateTimeField(_("记账时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记账人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # users are deactivated, never deleted: nothing looks entries up by user
    )

    objects = EntryQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("台账分录")
        verbose_name_plural = _("台账分录")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_amount_not_zero"),
            models.CheckConstraint(
                condition=(Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=False))
                | (~Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=True)),
                name="ledger_entry_reversal_points_back",
            ),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.REVERSAL) | Q(kind=EntryKind.ADJUSTMENT) | Q(amount__gt=0),
                name="ledger_entry_positive_unless_adjusted",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "bucket", "effective_on"], name="ledger_entry_item_bucket_idx"),
            models.Index(fields=["bucket", "effective_on"], name="ledger_entry_bucket_date_idx"),
            models.Index(
                fields=["dispute"], name="ledger_entry_dispute_idx", condition=Q(dispute__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.effective_on}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")
