"""Base models without domain knowledge: the append-only event table and idempotency keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyViolation(Exception):
    """Raised on any attempt to update or delete a row of an append-only table."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyViolation(f"{self.model.__name__} rows are append-only: update refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{self.model.__name__} rows are append-only: delete refused")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyViolation(f"{self.model.__name__} rows are append-only: update refused")


class AppendOnlyModel(models.Model):
    """A row is written once. The application has no path to change or remove it."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyViolation(f"{type(self).__name__} rows are append-only: update refused")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyViolation(f"{type(self).__name__} rows are append-only: delete refused")


class Event(AppendOnlyModel):
    """One row per change, written by the service in the same transaction as the change.

    Timelines, statistics and the audit trail are all read from here (pretix `log_action`,
    Zulip `RealmAuditLog`). `action` is a dotted code such as `registry.organisation.created`.
    """

    occurred_at = models.DateTimeField(_("发生时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("动作代码"), max_length=100, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, default="system")
    # The tamper-evident SM3 hash chain (issue 7; qingqian/core/audit_chain.py): the row's position,
    # the previous row's hash, and SM3 over this row's content and that previous hash.
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(_("前一哈希"), max_length=64, blank=True, editable=False)
    row_hash = models.CharField(_("本行哈希"), max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="core_event_object_idx"),
            models.Index(fields=["actor", "occurred_at"], name="core_event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The one row that says where the event chain ends. Appenders lock it (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway), so two concurrent
    transactions never link to the same predecessor. It also lets `verify_audit` see a deleted tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="core_chain_head_single_row")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class AuditAnchor(AppendOnlyModel):
    """A periodic anchor: the chain's (seq, hash) at a moment, sealed with HMAC-SM3 under a key the
    database does not hold. Rewriting the whole chain after an anchor is detected by the anchor."""

    created_at = models.DateTimeField(_("锚定时间"), default=timezone.now, db_index=True)
    seq = models.BigIntegerField(_("链序号"))
    hash = models.CharField(_("链哈希"), max_length=64)
    mac = models.CharField(_("锚定校验码"), max_length=64)

    class Meta:
        verbose_name = _("审计锚点")
        verbose_name_plural = _("审计锚点")
        ordering = ["seq", "id"]

    def __str__(self) -> str:
        return f"anchor #{self.seq} {self.hash[:12]}"


class AuditArchive(AppendOnlyModel):
    """Events moved out of the table by retention pruning: which range, where the file went, and
    the last hash of the range, so the chain still verifies from the first retained row."""

    created_at = models.DateTimeField(_("归档时间"), default=timezone.now)
    from_seq = models.BigIntegerField(_("起始序号"))
    to_seq = models.BigIntegerField(_("截止序号"))
    rows = models.PositiveIntegerField(_("条数"))
    last_hash = models.CharField(_("末行哈希"), max_length=64)
    cutoff = models.DateTimeField(_("归档截止时间"))
    file_name = models.CharField(_("归档文件"), max_length=300)
    file_sm3 = models.CharField(_("文件SM3"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["to_seq"]

    def __str__(self) -> str:
        return f"archive {self.from_seq}–{self.to_seq}"


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for a POST: the first response is stored and replayed.

    Same key + same body → the stored response again; same key + other body → 422;
    the first request still running → 409. Kept for `IDEMPOTENCY_KEY_TTL_HOURS` (≥ 24 h).
    """

    class State(models.TextChoices):
        IN_FLIGHT = "in_flight", _("处理中")
        DONE = "done", _("已完成")

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    body_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="core_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"
