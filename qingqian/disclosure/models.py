"""Annual disclosure (Regulation Art 18 [16]): a return per body and year that goes drafted → confirmed →
approved → published, the frozen snapshots it publishes, published payment performance, and the
monthly progress reports (调度/通报) kept with a serial number."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.models import AppendOnlyModel, AppendOnlyQuerySet
from qingqian.core.money import MoneyField
from qingqian.core.permissions import Action, Grant, RestrictedQuerySet
from qingqian.disclosure.choices import OPEN_RETURN_STATES, ReportTrigger, ReturnStatus
from qingqian.registry.models import Region

USER = settings.AUTH_USER_MODEL
ZERO = Decimal("0.00")

OFFICE = "taskforce_office"
COUNTY = "county_handler"
DEPARTMENT = "department_handler"
CLERK = "debtor_clerk"
READERS = frozenset({"auditor", "leadership"})


def body_q(grant: Grant, prefix: str = "body__", id_field: str = "body_id") -> Q | None:
    """The bodies (debtor organisations) a staff grant reaches, as a filter through `prefix`."""
    role = grant.role
    if role in {OFFICE, COUNTY} | READERS:
        if grant.region_id is None:
            return Q()
        return Q(**{f"{prefix}region__path__startswith": Region.path_of(grant.region_id)})
    if role == DEPARTMENT:
        org = grant.organisation_id
        return (
            Q(**{f"{prefix}responsible_department_id": org})
            | Q(**{f"{prefix}supervising_department_id": org})
            | Q(**{id_field: org})
        )
    if role == CLERK:
        return Q(**{id_field: grant.organisation_id})
    return None


class DisclosureReturn(models.Model):
    """One body's disclosure for one year, in one version. Figures are drafted from the ledger; the clerk
    confirms them or corrects them with a reason; the responsible department approves; the office
    publishes, which freezes a `PublishedDisclosure`. A later correction is a new return (version + 1)."""

    body = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("公开单位"),
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.DRAFTED, db_index=True
    )
    as_of = models.DateField(_("数据截至"))
    deadline = models.DateField(_("公开期限"))

    # What the system drafted from the ledger (kept, so a correction is visible against it).
    drafted_at = models.DateTimeField(_("起草时间"), default=timezone.now)
    drafted_overdue_count = models.PositiveIntegerField(_("系统起草：逾期未付合同数"), default=0)
    drafted_overdue_amount = MoneyField(_("系统起草：逾期未付金额"), default=ZERO)
    drafted_paid_late_count = models.PositiveIntegerField(_("系统起草：年内逾期付清合同数"), default=0)
    drafted_avg_days_late = models.DecimalField(
        _("系统起草：平均逾期天数"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    drafted_undated_count = models.PositiveIntegerField(_("系统起草：到期日未定的未付合同数"), default=0)

    # The figures as they stand (equal to the draft unless the clerk corrected them).
    overdue_count = models.PositiveIntegerField(_("逾期未付合同数"), default=0)
    overdue_amount = MoneyField(_("逾期未付金额（元）"), default=ZERO)
    paid_late_count = models.PositiveIntegerField(_("年内逾期付清合同数"), default=0)
    avg_days_late = models.DecimalField(
        _("平均逾期天数"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    corrected = models.BooleanField(_("单位更正了系统数据"), default=False)
    correction_reason = models.CharField(_("单位更正理由"), max_length=500, blank=True)
    # A new version of a published disclosure says why it was reopened (shown publicly).
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    reopen_reason = models.CharField(_("更正公开的理由"), max_length=500, blank=True)

    confirmed_at = models.DateTimeField(_("单位确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        USER, verbose_name=_("单位确认人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approver_org = models.ForeignKey(
        "registry.Organisation",
        verbose_name=_("审核部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_back_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        USER, verbose_name=_("创建人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度公开报送")
        verbose_name_plural = _("年度公开报送")
        ordering = ["-year", "body__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["body", "year", "version"], name="disclosure_return_version_unique"
            ),
            models.UniqueConstraint(
                fields=["body", "year"],
                condition=Q(status__in=list(OPEN_RETURN_STATES)),
                name="disclosure_return_one_open",
            ),
            models.CheckConstraint(
                condition=Q(corrected=False) | ~Q(correction_reason=""),
                name="disclosure_return_correction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | ~Q(reopen_reason=""),
                name="disclosure_return_reopen_has_reason",
            ),
            models.CheckConstraint(condition=Q(overdue_amount__gte=0), name="disclosure_return_amount_ok"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="disclosure_return_year_idx")]

    def __str__(self) -> str:
        return f"{self.body_id} {self.year} v{self.version} {self.get_status_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW:
            return body_q(grant)
        if action == Action.CREATE:
            return body_q(grant) if grant.role in (OFFICE, CLERK) else None
        return body_q(grant) if grant.role in (OFFICE, COUNTY, DEPARTMENT, CLERK) else None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RETURN_STATES


class SnapshotQuerySet(AppendOnlyQuerySet, RestrictedQuerySet):  # type: ignore[override]
    def current(self) -> SnapshotQuerySet:
        """Only the latest published version of each body and year."""
        newer = self.model.objects.filter(
            body_id=models.OuterRef("body_id"),
            year=models.OuterRef("year"),
            version__gt=models.OuterRef("version"),
        )
        return self.filter(~models.Exists(newer))


class PublishedDisclosure(AppendOnlyModel):
    """What the public sees, frozen at publication: written once, never changed. A correction publishes a
    new row with a higher version and its reason; both stay visible."""

    disclosure_return = models.OneToOneField(
        DisclosureReturn, verbose_name=_("报送"), on_delete=models.PROTECT, related_name="snapshot"
    )
    body = models.ForeignKey(
        "registry.Organisation", verbose_name=_("公开单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    # the body as it was named and placed when published
    body_name = models.CharField(_("单位名称"), max_length=200)
    body_kind = models.CharField(_("单位类型"), max_length=20)
    body_level = models.CharField(_("层级"), max_length=10)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=200, db_index=True)
    as_of = models.DateField(_("数据截至"))
    overdue_count = models.PositiveIntegerField(_("逾期未付合同数"))
    overdue_amount = MoneyField(_("逾期未付金额（元）"))
    paid_late_count = models.PositiveIntegerField(_("年内逾期付清合同数"))
    avg_days_late = models.DecimalField(_("平均逾期天数"), max_digits=8, decimal_places=1, null=True)
    corrected_by_body = models.BooleanField(_("单位更正了系统数据"), default=False)
    approver_name = models.CharField(_("审核部门"), max_length=200)
    approved_at = models.DateTimeField(_("审核时间"))
    approved_by = models.ForeignKey(
        USER, verbose_name=_("审核人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    publisher_name = models.CharField(_("发布单位"), max_length=200)
    correction_reason = models.CharField(_("更正理由"), max_length=500, blank=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("更正的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64)

    objects = SnapshotQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("已公开数据")
        verbose_name_plural = _("已公开数据")
        ordering = ["-year", "body_name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "version"], name="disclosure_snapshot_unique"),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(correction_reason=""),
                name="disclosure_snapshot_correction_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "region_path"], name="disclosure_snapshot_year_idx"),
            models.Index(fields=["body", "year", "version"], name="disclosure_snapshot_body_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.body_name} {self.year} v{self.version}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None


class PublishedPerformance(AppendOnlyModel):
    """A body's payment performance for a year (UK payment-practices style), published by the office.
    Frozen like `PublishedDisclosure`; publishing again adds a version."""

    body = models.ForeignKey(
        "registry.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    version = models.PositiveSmallIntegerField(_("版本"))
    body_name = models.CharField(_("单位名称"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=200, db_index=True)
    as_of = models.DateField(_("数据截至"))
    paid_count = models.PositiveIntegerField(_("年内付清合同数"))
    within_term_pct = models.DecimalField(
        _("在约定期限内付清（%）"), max_digits=5, decimal_places=1, null=True
    )
    within_30_pct = models.DecimalField(_("30日内付清（%）"), max_digits=5, decimal_places=1, null=True)
    within_60_pct = models.DecimalField(_("60日内付清（%）"), max_digits=5, decimal_places=1, null=True)
    over_60_pct = models.DecimalField(_("超过60日付清（%）"), max_digits=5, decimal_places=1, null=True)
    avg_days_to_pay = models.DecimalField(_("平均付款天数"), max_digits=8, decimal_places=1, null=True)
    avg_days_late = models.DecimalField(_("逾期者平均逾期天数"), max_digits=8, decimal_places=1, null=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    published_by = models.ForeignKey(
        USER, verbose_name=_("发布人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    content_hash = models.CharField(_("内容摘要（SHA-256）"), max_length=64)

    objects = SnapshotQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("已公开付款表现")
        verbose_name_plural = _("已公开付款表现")
        ordering = ["-year", "body_name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "version"], name="disclosure_performance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body_name} {self.year} v{self.version}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None


class ReportCounter(models.Model):
    """The last serial number used in a year (发文字号 〔year〕n号), taken under a row lock."""

    year = models.PositiveSmallIntegerField(_("年份"), primary_key=True)
    last = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("通报编号")
        verbose_name_plural = _("通报编号")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class MonthlyReport(models.Model):
    """A monthly progress report (调度/通报): the figures it was built from and the two files, kept."""

    period = models.DateField(_("报告月份"), help_text=_("该月第一天"))
    serial = models.PositiveIntegerField(_("序号"))
    serial_year = models.PositiveSmallIntegerField(_("编号年份"))
    doc_number = models.CharField(_("发文字号"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    trigger = models.CharField(_("生成方式"), max_length=10, choices=ReportTrigger.choices)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        USER, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, verbose_name=_("范围"), on_delete=models.PROTECT, related_name="+")
    figures = models.JSONField(_("数据"), default=dict)
    docx = models.BinaryField(_("Word 文件"))
    xlsx = models.BinaryField(_("Excel 文件"))
    docx_sha256 = models.CharField(max_length=64)
    xlsx_sha256 = models.CharField(max_length=64)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度通报")
        verbose_name_plural = _("月度通报")
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["serial_year", "serial"], name="disclosure_report_serial_unique"),
            models.UniqueConstraint(
                fields=["period", "region"],
                condition=Q(trigger=ReportTrigger.SCHEDULED),
                name="disclosure_report_one_scheduled",
            ),
        ]

    def __str__(self) -> str:
        return self.doc_number

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role in {OFFICE} | READERS and action == Action.VIEW:
            return (
                Q()
                if grant.region_id is None
                else Q(region__path__startswith=Region.path_of(grant.region_id))
            )
        if grant.role == OFFICE and action == Action.CREATE:
            return Q()
        return None
