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

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "occurred_at"], name="core_event_object_idx")
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_repr}"


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
