"""Choices of the arrears ledger (台账). Codes are stable; labels are Chinese source strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    GOODS = "goods", _("货物")
    WORKS = "works", _("工程")
    SERVICES = "services", _("服务")


class ItemSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉线索")
    SELF_INSPECTION = "self_inspection", _("自查排查")
    AUDIT = "audit", _("审计发现")
    UPSTREAM = "upstream", _("上级平台转办")
    IMPORT = "import", _("台账导入")


class ItemStatus(models.TextChoices):
    OPEN = "open", _("未销号")
    CLOSED = "closed", _("已销号")


class CloseBasis(models.TextChoices):
    PAYMENTS = "payments", _("已确认还款清偿")
    LEGAL_OUTCOME = "legal_outcome", _("依法律结果核销")


class EntryKind(models.TextChoices):
    CONFIRMED = "confirmed", _("确认欠款")
    ADJUSTMENT = "adjustment", _("调整")
    PAYMENT = "payment", _("已确认还款")
    WRITE_OFF = "write_off", _("判决核销")
    REVERSAL = "reversal", _("冲正")


class EntryBucket(models.TextChoices):
    """What an entry moves: the principal owed, the payments made, or the amount written off.

    balance = Σ principal − Σ payment − Σ write_off (reversals carry the bucket of what they reverse).
    """

    PRINCIPAL = "principal", _("欠款本金")
    PAYMENT = "payment", _("还款")
    WRITE_OFF = "write_off", _("核销")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("银行转账")
    COMMERCIAL_BILL = "commercial_bill", _("商业汇票")
    E_VOUCHER = "e_voucher", _("应收账款电子凭证")


NON_CASH_METHODS = frozenset({PaymentMethod.COMMERCIAL_BILL, PaymentMethod.E_VOUCHER})


class ReportStatus(models.TextChoices):
    REPORTED = "reported", _("待企业确认")
    CONFIRMED = "confirmed", _("企业已确认")
    REJECTED = "rejected", _("企业已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")


class DisputePath(models.TextChoices):
    NEGOTIATION = "negotiation", _("协商")
    MEDIATION = "mediation", _("调解")
    COURT = "court", _("诉讼")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("处理中")
    RESOLVED = "resolved", _("已解决")


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("执行中")
    SUPERSEDED = "superseded", _("已被修订")
    REJECTED = "rejected", _("未获批准")


class InstalmentState(models.TextChoices):
    PENDING = "pending", _("未到期")
    MET = "met", _("按期履行")
    BREACHED = "breached", _("违约")


class WarningKind(models.TextChoices):
    PAYMENT_UNCONFIRMED = "payment_unconfirmed", _("付款超期未确认")
    PLAN_BREACH = "plan_breach", _("还款计划违约")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("进行中")
    ENDED = "ended", _("已结束")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("处理中")
    SUCCEEDED = "succeeded", _("导入成功")
    FAILED = "failed", _("导入失败")


class AmountUnit(models.TextChoices):
    AUTO = "auto", _("按文件声明（默认元）")
    YUAN = "yuan", _("元")
    WAN = "wan", _("万元")


class Bucket(models.TextChoices):
    """Aging buckets stored by the daily aging. Overdue ranges come from settings (LEDGER_AGING_EDGES)."""

    NOT_DUE = "not_due", _("未到期")
    UNKNOWN = "unknown", _("到期日未定")
    SETTLED = "settled", _("已结清")
