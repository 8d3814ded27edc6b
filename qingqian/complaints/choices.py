"""Choices of the complaints app: states, channels, outcomes, reasons, lateness."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    UNDER_REVIEW = "under_review", _("审查中")
    AWAITING_MATERIAL = "awaiting_material", _("待补充材料")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    ACCEPTED = "accepted", _("已受理待转办")
    TRANSFERRED = "transferred", _("已转办")
    IN_HANDLING = "in_handling", _("办理中")
    EXTENSION_REQUESTED = "extension_requested", _("延期审批中")
    RESULT_SUBMITTED = "result_submitted", _("结果待审核")
    FEEDBACK_SENT = "feedback_sent", _("已反馈待评价")
    OFFICE_REVIEW = "office_review", _("专班复核")
    CLOSED = "closed", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


TERMINAL_STATES = frozenset({Status.NOT_ACCEPTED, Status.CLOSED, Status.WITHDRAWN, Status.TERMINATED})
OPEN_STATES = frozenset(set(Status.values) - set(TERMINAL_STATES))


class Channel(models.TextChoices):
    PORTAL = "portal", _("网上投诉")
    HOTLINE = "hotline", _("热线电话")
    MAILBOX = "mailbox", _("投诉邮箱")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    UPSTREAM = "upstream", _("上级平台转办")


STAFF_CHANNELS = (Channel.HOTLINE, Channel.MAILBOX, Channel.LETTER, Channel.VISIT)


class DeadlineKind(models.TextChoices):
    REVIEW = "review", _("审查期限")
    TRANSFER = "transfer", _("转办期限")
    HANDLE = "handle", _("办理期限")
    UPSTREAM = "upstream", _("上级平台期限")


class Lateness(models.TextChoices):
    ON_TIME = "on_time", _("未超期")
    DUE_SOON = "due_soon", _("临近期限")
    OVERDUE = "overdue", _("超期")
    SERIOUSLY_OVERDUE = "seriously_overdue", _("严重超期")


class LadderStep(models.IntegerChoices):
    NONE = 0, _("无")
    REMINDED = 1, _("已催办")
    OVERDUE = 2, _("已超期")
    SUPERVISED = 3, _("已督办")
    ESCALATED = 4, _("已提级")


class RejectReason(models.TextChoices):
    NOT_BOUND_PAYER = "not_bound_payer", _("被投诉方不是机关、事业单位或大型企业")
    NOT_PURCHASE = "not_purchase", _("不属于采购货物、工程、服务所形成的款项")
    NO_CONTRACT = "no_contract", _("投诉人与被投诉人之间没有合同关系")
    BEFORE_COURT = "before_court", _("已进入诉讼、仲裁、调解或其他部门处理程序")
    ALREADY_HANDLED = "already_handled", _("已处理完毕且无新的事实和理由")
    NOT_SME = "not_sme", _("投诉人不属于中小企业")
    NOT_OVERDUE = "not_overdue", _("款项尚未到期")
    OTHER = "other", _("其他原因")


class Outcome(models.TextChoices):
    PAID_IN_FULL = "paid_in_full", _("已全额支付")
    PARTLY_PAID = "partly_paid", _("已部分支付")
    PLAN_AGREED = "plan_agreed", _("已达成还款计划")
    DISPUTED = "disputed", _("存在争议，已引导诉讼或调解")
    NOT_ARREARS = "not_arrears", _("经核实不属于拖欠")


class NoteKind(models.TextChoices):
    COMMENT = "comment", _("办理意见")
    ANSWER = "answer", _("被投诉单位答复")
    PAYMENT_REPORT = "payment_report", _("付款情况报告")
    MATERIAL = "material", _("补充材料说明")


class EvidenceKind(models.TextChoices):
    EVIDENCE = "evidence", _("证据材料")
    ORIGINAL = "original", _("来信来件原件")
    MATERIAL = "material", _("补充材料")
    RESULT = "result", _("办理结果附件")


class SizeBasis(models.TextChoices):
    SELF_DECLARED = "self_declared", _("企业自报（依据工信部联企业〔2011〕300号）")
    REGISTRY = "registry", _("企业名录已认定")
    STAFF_CHECKED = "staff_checked", _("工作人员核实")


class PendingStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
