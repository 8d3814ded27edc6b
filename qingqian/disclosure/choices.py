"""Choices of disclosure. Codes are stable; labels are Chinese source strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    DRAFTED = "drafted", _("待单位确认")
    CONFIRMED = "confirmed", _("待主管部门审核")
    APPROVED = "approved", _("待专班发布")
    PUBLISHED = "published", _("已公开")


OPEN_RETURN_STATES = (ReturnStatus.DRAFTED, ReturnStatus.CONFIRMED, ReturnStatus.APPROVED)


class ReturnAction(models.TextChoices):
    REFRESH = "refresh", _("按台账重新起草")
    CONFIRM = "confirm", _("确认数据")
    CORRECT = "correct", _("更正数据并确认")
    SEND_BACK = "send_back", _("退回单位")
    APPROVE = "approve", _("审核通过")
    PUBLISH = "publish", _("发布")


class ReportTrigger(models.TextChoices):
    SCHEDULED = "scheduled", _("定时生成")
    MANUAL = "manual", _("手动生成")
