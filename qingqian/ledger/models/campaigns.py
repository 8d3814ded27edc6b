"""Campaigns (专项行动) as data: a scope filter, a deadline, and the items in scope at the start."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.money import MoneyField
from qingqian.core.permissions import Action, Grant, RestrictedQuerySet
from qingqian.ledger.choices import AmountUnit, CampaignStatus, ImportStatus
from qingqian.ledger.scoping import DEBTOR_SIDE, OFFICE, READERS, item_scope_q


class Campaign(models.Model):
    """e.g. "arrears ≤ 500,000 yuan per contract cleared by 2025-12-31". Progress is measured against the
    items in scope when the campaign starts (`CampaignItem`)."""

    name = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("范围区划（含下级）"), on_delete=models.PROTECT, related_name="+"
    )
    # Scope filter: {"balance_max": "500000.00", "debtor_kinds": [...], "levels": [...],
    #                "subject_kinds": [...], "sources": [...]} — every key optional.
    scope = models.JSONField(_("范围条件"), default=dict, blank=True)
    starts_on = models.DateField(_("开始日期"))
    deadline = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    started_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")), name="ledger_campaign_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW and grant.role in DEBTOR_SIDE | READERS:
            return Q()
        if grant.role == OFFICE:
            return Q()
        return None


class CampaignItem(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="members")
    item = models.ForeignKey(
        "ledger.ArrearsItem", on_delete=models.PROTECT, related_name="campaign_memberships"
    )
    balance_at_start = MoneyField(_("启动时余额"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项行动台账")
        verbose_name_plural = _("专项行动台账")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "item"], name="ledger_campaign_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.item_id}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return item_scope_q(grant, action, prefix="item__")


class ImportJob(models.Model):
    """One uploaded 台账 file and its background import: all-or-nothing, with progress."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    original_name = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=500, editable=False)
    file_sha256 = models.CharField(_("文件SHA-256"), max_length=64, editable=False)
    unit = models.CharField(_("金额单位"), max_length=6, choices=AmountUnit.choices, default=AmountUnit.AUTO)
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    phase = models.CharField(_("阶段"), max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变化"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} {self.get_status_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role == OFFICE and action == Action.VIEW:
            return Q()
        if grant.role in DEBTOR_SIDE:
            return Q(created_by_id=getattr(grant, "user_id", None))
        return None

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
