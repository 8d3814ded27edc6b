"""Security app tables: rate-limit counters (shared by every worker through the database)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateCounter(models.Model):
    """Requests of one client in one fixed window for one rule (`login:1.2.3.4`)."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("限流计数")
        verbose_name_plural = _("限流计数")
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="security_rate_unique")]
        indexes = [models.Index(fields=["window_start"], name="security_rate_window_idx")]

    def __str__(self) -> str:
        return f"{self.key}@{self.window_start}: {self.count}"
