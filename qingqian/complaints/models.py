"""Complaints and leads (投诉线索): the case, its contracts, evidence, routing, deadlines and pauses.

Deadlines are stored, indexed columns (`review_due_on`, `transfer_due_on`, `handle_due_on`, the
active `due_on` and the sweeper's `next_reminder_at`); every change of one is a `DeadlineHistory`
row. State changes only through `transitions.apply_transition` (compare-and-swap on `status`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.complaints.choices import (
    Channel,
    DeadlineKind,
    EvidenceKind,
    LadderStep,
    Lateness,
    NoteKind,
    Outcome,
    PendingStatus,
    RejectReason,
    SizeBasis,
    Status,
)
from qingqian.core.models import TimeStampedModel
from qingqian.core.money import MoneyField
from qingqian.core.permissions import Action, Grant, RestrictedQuerySet
from qingqian.core.personal import PHONE, BlindIndexField, EncryptedCharField
from qingqian.registry.choices import OrganisationKind, SizeClass

OFFICE = "taskforce_office"
READERS = ("auditor", "leadership")


def _grant_region_path(grant: Grant) -> str | None:
    region: Any = getattr(grant, "region", None)
    if region is not None and region.path:
        return str(region.path)
    if grant.region_id is None:
        return None
    from qingqian.registry.models import Region

    return Region.path_of(grant.region_id)


def case_scope_q(grant: Grant, action: str, prefix: str = "") -> Q | None:
    """Which complaints a grant reaches. `prefix` lets child tables reuse it (`complaint__`)."""
    role = grant.role
    pk = f"{prefix}id" if prefix else "pk"

    def region_q() -> Q:
        path = _grant_region_path(grant)
        return Q() if path is None else Q(**{f"{prefix}region_path__startswith": path})

    if role == OFFICE:
        return region_q()
    if role in READERS:
        return region_q() if action == Action.VIEW else None
    if action == Action.CREATE:
        return Q(**{f"{prefix}complainant_id": grant.enterprise_id}) if role == "enterprise_user" else None
    if role == "department_handler":
        cohandled = CoHandler.objects.filter(organisation_id=grant.organisation_id or 0).values(
            "complaint_id"
        )
        return Q(**{f"{prefix}responsible_department_id": grant.organisation_id}) | Q(
            **{f"{pk}__in": cohandled}
        )
    if role == "county_handler":
        return region_q()
    if role == "debtor_clerk":
        return Q(**{f"{prefix}respondent_id": grant.organisation_id}) & ~Q(
            **{
                f"{prefix}status__in": [
                    Status.REGISTERED,
                    Status.UNDER_REVIEW,
                    Status.AWAITING_MATERIAL,
                    Status.NOT_ACCEPTED,
                ]
            }
        )
    if role == "enterprise_user":
        return Q(**{f"{prefix}complainant_id": grant.enterprise_id})
    return None


class ComplaintCounter(models.Model):
    """One row per year: the last serial handed out. Incremented with an atomic UPDATE (never reused)."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("投诉编号计数器")
        verbose_name_plural = _("投诉编号计数器")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class PendingDebtor(TimeStampedModel):
    """A respondent the complainant named but the registry doesn't know: staff confirm or create it."""

    name = models.CharField(_("单位名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrganisationKind.choices, blank=True)
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=200, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=PendingStatus.choices, default=PendingStatus.PENDING
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("确认为"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("待确认被投诉单位")
        verbose_name_plural = _("待确认被投诉单位")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role != OFFICE:
            return None
        path = _grant_region_path(grant)
        return Q() if path is None else Q(region_path__startswith=path)


class Complaint(TimeStampedModel):
    """One complaint lead, from any channel, through its whole life."""

    number = models.CharField(_("投诉编号"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.REGISTERED, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=0, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)

    # Complainant: the enterprise (when known to the registry) and a snapshot as filed.
    complainant = models.ForeignKey(
        "registry.Enterprise",
        verbose_name=_("投诉企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant_name = models.CharField(_("企业名称"), max_length=200)
    complainant_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    complainant_uscc_warning = models.CharField(_("信用代码提示"), max_length=40, blank=True)
    complainant_size = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices)
    complainant_size_basis = models.CharField(
        _("规模认定方式"), max_length=20, choices=SizeBasis.choices, default=SizeBasis.SELF_DECLARED
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    # personal data (PIPL): SM4-GCM at rest, masked on every page and export (docs/security.md §4)
    contact_phone = EncryptedCharField(
        _("联系电话"), kind=PHONE, max_length=40, index_field="contact_phone_bidx"
    )
    contact_phone_bidx = BlindIndexField()
    contact_email = models.EmailField(_("联系邮箱"), blank=True)

    # Respondent: a registry organisation, or a pending entry for staff to confirm.
    respondent = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("被投诉单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    pending_debtor = models.ForeignKey(
        PendingDebtor,
        verbose_name=_("待确认单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    respondent_name = models.CharField(_("被投诉单位名称"), max_length=200)
    respondent_kind = models.CharField(
        _("被投诉单位类型"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("属地"), on_delete=models.PROTECT, related_name="+"
    )
    region_path = models.CharField(max_length=200, db_index=True, editable=False)

    amount_claimed = MoneyField(_("投诉金额（元）"))
    amount_resolved = MoneyField(_("已解决金额（元）"), default=0)
    summary = models.TextField(_("投诉事项"), max_length=5000)
    original_text = models.TextField(_("来信来电原文"), max_length=20000, blank=True)
    pledge = models.BooleanField(_("已作出承诺"), default=False)
    eligibility = models.JSONField(_("受理条件自查"), default=dict, blank=True)

    upstream_ref = models.CharField(_("上级平台编号"), max_length=64, blank=True, db_index=True)
    upstream_due_on = models.DateField(_("上级平台办理期限"), null=True, blank=True)

    # Routing (谁主管谁负责)
    responsible_department = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
    )
    routing_explain = models.TextField(_("转办依据"), blank=True)

    # Dates and deadlines (indexed columns)
    received_on = models.DateField(_("收到日期"))
    review_due_on = models.DateField(_("审查期限"), null=True, blank=True, db_index=True)
    reviewed_on = models.DateField(_("审查完成日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    transfer_due_on = models.DateField(_("转办期限"), null=True, blank=True, db_index=True)
    transferred_on = models.DateField(_("转办日期"), null=True, blank=True)
    handle_base_on = models.DateField(_("收到材料日期"), null=True, blank=True)
    handle_due_on = models.DateField(_("办理期限"), null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(_("已批准延期（日）"), default=0)
    result_submitted_on = models.DateField(_("报送结果日期"), null=True, blank=True)
    feedback_sent_on = models.DateField(_("反馈日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    due_on = models.DateField(_("当前期限"), null=True, blank=True)
    due_kind = models.CharField(_("当前期限类型"), max_length=10, choices=DeadlineKind.choices, blank=True)
    next_reminder_at = models.DateTimeField(_("下次督促时间"), null=True, blank=True, db_index=True)
    ladder_step = models.PositiveSmallIntegerField(
        _("督促阶段"), choices=LadderStep.choices, default=LadderStep.NONE
    )
    lateness = models.CharField(
        _("超期情况"), max_length=20, choices=Lateness.choices, default=Lateness.ON_TIME, db_index=True
    )
    manual_supervision_count = models.PositiveSmallIntegerField(_("人工督办次数"), default=0)

    # Review, handling and rating outcomes
    material_request = models.TextField(_("需补充的材料"), blank=True)
    reject_reason = models.CharField(
        _("不予受理理由"), max_length=20, choices=RejectReason.choices, blank=True
    )
    reject_text = models.TextField(_("不予受理说明"), blank=True)
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期（日）"), default=0)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    result_text = models.TextField(_("办理情况"), blank=True)
    amount_paid = MoneyField(_("已支付金额（元）"), default=0)
    amount_planned = MoneyField(_("计划支付金额（元）"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    satisfied = models.BooleanField(_("企业满意"), null=True, blank=True)
    unsatisfied_reason = models.TextField(_("不满意理由"), blank=True)
    close_note = models.TextField(_("办结说明"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("投诉线索")
        verbose_name_plural = _("投诉线索")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="complaints_status_due_idx"),
            models.Index(fields=["responsible_department", "status"], name="complaints_dept_status_idx"),
            models.Index(fields=["respondent", "status"], name="complaints_resp_status_idx"),
            models.Index(fields=["complainant", "status"], name="complaints_compl_status_idx"),
            models.Index(fields=["region_path", "status"], name="complaints_region_status_idx"),
            models.Index(fields=["lateness", "status"], name="complaints_late_status_idx"),
            models.Index(fields=["channel", "status"], name="complaints_channel_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_claimed__gt=0), name="complaints_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return case_scope_q(grant, action)

    @property
    def is_open(self) -> bool:
        from qingqian.complaints.choices import OPEN_STATES

        return self.status in OPEN_STATES

    @property
    def is_paused(self) -> bool:
        return self.status == Status.AWAITING_MATERIAL


class _ChildOfCase(models.Model):
    """Rows that belong to one complaint: visible to whoever sees the complaint."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return case_scope_q(grant, Action.VIEW if action == Action.VIEW else Action.CHANGE, "complaint__")


class ComplaintContract(_ChildOfCase):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="contracts")
    number = models.CharField(_("合同编号"), max_length=100, blank=True, db_index=True)
    signed_on = models.DateField(_("签订日期"))
    subject = models.CharField(_("合同标的"), max_length=200)
    amount = MoneyField(_("合同金额（元）"))
    delivered_on = models.DateField(_("交付日期"), null=True, blank=True)
    acceptance_on = models.DateField(_("验收日期"), null=True, blank=True)
    due_on = models.DateField(_("约定付款日期"), null=True, blank=True)
    paid_amount = MoneyField(_("已付金额（元）"), default=0)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="complaints_contract_amount_positive"),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="complaints_contract_paid_nonneg"),
        ]

    def __str__(self) -> str:
        return self.number or self.subject


def evidence_path(instance: Evidence, filename: str) -> str:
    """Stored under MEDIA_ROOT (outside the web root) with a random name; the original name is a column."""
    import uuid

    now = timezone.now()
    return f"complaints/{now:%Y/%m}/{uuid.uuid4().hex}"


class Evidence(_ChildOfCase):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(
        _("类别"), max_length=10, choices=EvidenceKind.choices, default=EvidenceKind.EVIDENCE
    )
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CoHandler(models.Model):
    """A co-handling department (协办): sees the case and may comment."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="cohandlers")
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("协办部门"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("协办部门")
        verbose_name_plural = _("协办部门")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "organisation"], name="complaints_cohandler_unique")
        ]
        indexes = [models.Index(fields=["organisation", "complaint"], name="complaints_cohandler_org_idx")]

    def __str__(self) -> str:
        return str(self.organisation_id)


class RoutingRecord(_ChildOfCase):
    """Each routing of a case: proposed vs chosen department, override reason, and any return (退回)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="routings")
    proposed = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    explain = models.TextField(_("规则说明"), blank=True)
    override_reason = models.TextField(_("改派理由"), blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(default=timezone.now)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["routed_at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} → {self.department_id}"


class DeadlineHistory(_ChildOfCase):
    """Every change of a deadline column, with why."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="deadline_history")
    kind = models.CharField(_("期限类型"), max_length=10, choices=DeadlineKind.choices)
    old_value = models.DateField(_("原期限"), null=True, blank=True)
    new_value = models.DateField(_("新期限"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("期限变更记录")
        verbose_name_plural = _("期限变更记录")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.old_value} → {self.new_value}"


class Pause(_ChildOfCase):
    """The clock stopped while waiting for the complainant's material (补充材料)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("暂停的期限"), max_length=10, choices=DeadlineKind.choices)
    started_on = models.DateField(_("开始"))
    ended_on = models.DateField(_("结束"), null=True, blank=True)
    remaining_working_days = models.PositiveSmallIntegerField(_("暂停时剩余工作日"), default=0)
    request_text = models.TextField(_("需补充的材料"))

    class Meta:
        verbose_name = _("期限暂停")
        verbose_name_plural = _("期限暂停")
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.started_on} – {self.ended_on or ''}"


class CaseNote(_ChildOfCase):
    """A comment (co-handler), an answer or payment report (debtor clerk), or the complainant's reply."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("类别"), max_length=20, choices=NoteKind.choices)
    text = models.TextField(_("内容"), max_length=5000)
    amount = MoneyField(_("金额（元）"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "registry.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理意见")
        verbose_name_plural = _("办理意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:40]
