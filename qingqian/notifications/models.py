"""The notification outbox and in-app inbox.

Services write `Notification` rows in their own transaction (`services.notify`); a worker
(`services.deliver_due`, run by `manage.py deliver_notifications` or the task) sends e-mail and SMS
after commit, retrying with exponential backoff; rows that keep failing become *dead* and show on
the "stuck notifications" page. In-app rows are delivered by being written: they are the inbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.permissions import Grant, RestrictedQuerySet


class Channel(models.TextChoices):
    INAPP = "inapp", _("站内消息")
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")


class State(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已送达")
    DEAD = "dead", _("发送失败")


NOTIFICATION_ADMINS = frozenset({"taskforce_office", "system_admin"})


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=254, blank=True)
    topic = models.CharField(_("主题代码"), max_length=100, db_index=True)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    dedupe_key = models.CharField(_("去重键"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notif_outbox_due_idx"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="notif_dedupe_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient_id}: {self.subject}"

    @property
    def message_id(self) -> str:
        """This notification's own Message-ID: the same on every attempt, unique per row and deployment."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "localhost"
        return f"<qq-notification-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        """The office and the system administrator see the outbox (stuck notifications); everyone their own."""
        if grant.role in NOTIFICATION_ADMINS:
            return Q()
        user_id = getattr(grant, "user_id", None)
        return Q(recipient_id=user_id) if user_id is not None else None
