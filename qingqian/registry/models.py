"""The registry: regions, organisations (debtor bodies and departments), the task force, enterprises,
the routing table "谁主管谁负责", and the dated reference data (working-day calendar, 1-year LPR)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qingqian.core.models import TimeStampedModel
from qingqian.core.permissions import Action, Grant, RestrictedQuerySet
from qingqian.core.personal import PHONE, BlindIndexField, EncryptedCharField
from qingqian.registry.choices import (
    CalendarDayKind,
    Industry,
    Level,
    OrganisationKind,
    RegionKind,
    SizeClass,
)

# Roles are plain strings here (accounts depends on registry, not the other way round).
CITY_WIDE_READERS = {"taskforce_office", "auditor", "leadership"}
REGISTRY_EDITORS = {"taskforce_office", "system_admin"}


def _region_subtree(grant: Grant, prefix: str = "") -> Q:
    """Rows whose region lies in the grant's region (or everywhere when the grant has no region)."""
    if grant.region_id is None:
        return Q()
    return Q(**{f"{prefix}region__path__startswith": Region.path_of(grant.region_id)})


class Region(TimeStampedModel):
    """A division with its GB/T 2260 code. `path` (codes from the root, '/'-joined) makes subtree queries cheap."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("路径"), max_length=200, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级深度"), default=0, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def path_of(cls, region_id: int) -> str:
        return cls.objects.values_list("path", flat=True).get(pk=region_id)

    def compute_path(self) -> None:
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        self.depth = self.parent.depth + 1 if self.parent else 0

    @property
    def is_county_level(self) -> bool:
        from qingqian.registry.choices import COUNTY_LEVEL_KINDS

        return self.kind in COUNTY_LEVEL_KINDS

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW:
            return Q()
        return Q() if grant.role in REGISTRY_EDITORS else None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None


class Organisation(TimeStampedModel):
    """A government organ, public institution, SOE, large enterprise, or a functional department."""

    name = models.CharField(_("单位名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    uscc_warning = models.CharField(_("信用代码提示"), max_length=40, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=OrganisationKind.choices)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="organisations"
    )
    supervising_department = models.ForeignKey(
        "self",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_bodies",
    )
    # Denormalised from the routing table (refreshed by services.routing_refresh): makes the
    # department handler's scope an indexed filter. `explain_routing()` says why.
    responsible_department = models.ForeignKey(
        "self",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_for",
        editable=False,
    )
    is_example = models.BooleanField(_("示例数据"), default=False)
    active = models.BooleanField(_("有效"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="registry_org_name_unique_in_region"),
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="registry_org_uscc_unique"),
        ]
        indexes = [models.Index(fields=["kind", "level"], name="registry_org_kind_level_idx")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW:
            if grant.role in CITY_WIDE_READERS:
                return _region_subtree(grant)
            if grant.role == "county_handler":
                return _region_subtree(grant)
            if grant.role == "department_handler":
                return (
                    Q(pk=grant.organisation_id)
                    | Q(supervising_department_id=grant.organisation_id)
                    | Q(responsible_department_id=grant.organisation_id)
                )
            if grant.role == "debtor_clerk":
                return Q(pk=grant.organisation_id)
            if grant.role in ("enterprise_user", "system_admin"):
                return Q(active=True) if grant.role == "enterprise_user" else Q()
            return None
        if grant.role in REGISTRY_EDITORS:
            return Q() if grant.role == "system_admin" else _region_subtree(grant)
        return None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q(active=True) if action == Action.VIEW else None


class TaskForce(TimeStampedModel):
    """清欠工作专班 of a region: its office, member departments and named handlers."""

    name = models.CharField(_("名称"), max_length=100)
    region = models.OneToOneField(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="taskforce"
    )
    office = models.ForeignKey(
        Organisation, verbose_name=_("专班办公室所在单位"), on_delete=models.PROTECT, related_name="+"
    )
    hotline = models.CharField(_("投诉举报电话"), max_length=40, blank=True)
    mailbox = models.EmailField(_("投诉举报邮箱"), blank=True)
    address = models.CharField(_("来信地址"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("清欠工作专班")
        verbose_name_plural = _("清欠工作专班")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW:
            return Q()
        return Q() if grant.role in REGISTRY_EDITORS else None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None


class TaskForceMember(TimeStampedModel):
    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(Organisation, verbose_name=_("成员单位"), on_delete=models.PROTECT)
    responsibility = models.CharField(_("职责"), max_length=300, blank=True)
    is_office = models.BooleanField(_("专班办公室"), default=False)
    is_example = models.BooleanField(_("示例数据"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("专班成员单位")
        verbose_name_plural = _("专班成员单位")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["taskforce", "organisation"], name="registry_taskforce_member_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Handler(TimeStampedModel):
    """A named person who accepts and forwards leads (明确专人负责，受理转办投诉线索)."""

    taskforce = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="handlers")
    organisation = models.ForeignKey(Organisation, verbose_name=_("所在单位"), on_delete=models.PROTECT)
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("职责"), max_length=200, blank=True)
    # personal data (PIPL): SM4-GCM at rest; a published handler's work phone is public by purpose
    phone = EncryptedCharField(_("电话"), kind=PHONE, max_length=40, blank=True, index_field="phone_bidx")
    phone_bidx = BlindIndexField()
    email = models.EmailField(_("邮箱"), blank=True)
    published = models.BooleanField(_("对外公布"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("系统账号"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("专人")
        verbose_name_plural = _("专人")

    def __str__(self) -> str:
        return self.name


class Enterprise(TimeStampedModel):
    """An enterprise that is (or may be) owed money. Its size class is dated: contracts snapshot it."""

    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    uscc_warning = models.CharField(_("信用代码提示"), max_length=40, blank=True)
    industry = models.CharField(_("行业"), max_length=20, choices=Industry.choices, default=Industry.OTHER)
    size_class = models.CharField(
        _("企业规模"), max_length=10, choices=SizeClass.choices, default=SizeClass.UNKNOWN
    )
    size_determined_on = models.DateField(_("规模认定日期"), null=True, blank=True)
    size_basis = models.CharField(_("规模认定依据"), max_length=300, blank=True)
    employees = models.PositiveIntegerField(_("从业人员"), null=True, blank=True)
    revenue_wan = models.DecimalField(
        _("营业收入（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    assets_wan = models.DecimalField(
        _("资产总额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    # personal data (PIPL): SM4-GCM at rest, searchable by the keyed SM3 blind index
    contact_phone = EncryptedCharField(
        _("联系电话"), kind=PHONE, max_length=40, blank=True, index_field="contact_phone_bidx"
    )
    contact_phone_bidx = BlindIndexField()
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    is_example = models.BooleanField(_("示例数据"), default=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role == "enterprise_user":
            return Q(pk=grant.enterprise_id)
        if action == Action.VIEW:
            if grant.role in CITY_WIDE_READERS or grant.role == "system_admin":
                return Q()
            if grant.role == "county_handler":
                return _region_subtree(grant)
            return None
        if grant.role in REGISTRY_EDITORS:
            return Q()
        return None


class RoutingRule(TimeStampedModel):
    """One row of the routing table "谁主管谁负责": debtor kind × level × region (× supervising department).

    Empty criteria match anything. The most specific matching rule wins (more criteria, then the
    deeper region, then the lower priority number); `explain_routing()` reports the winner and why.
    """

    name = models.CharField(_("规则名称"), max_length=100)
    debtor_kind = models.CharField(
        _("欠款单位类型"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("区划（含下级）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    supervising_department = models.ForeignKey(
        Organisation,
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible = models.ForeignKey(
        Organisation, verbose_name=_("责任部门"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    priority = models.PositiveSmallIntegerField(_("优先级（小者优先）"), default=100)
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("转办规则")
        verbose_name_plural = _("转办规则")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def criteria_count(self) -> int:
        return sum(
            1
            for c in (self.debtor_kind, self.level, self.region_id, self.supervising_department_id)
            if c not in ("", None)
        )

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if action == Action.VIEW:
            return Q() if grant.role != "enterprise_user" else None
        return Q() if grant.role in REGISTRY_EDITORS else None


class CalendarYear(TimeStampedModel):
    """A year whose holiday schedule is known. Dates in other years fall back to weekends only."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("节假日年度")
        verbose_name_plural = _("节假日年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if action == Action.VIEW or grant.role == "system_admin" else None


class CalendarDay(TimeStampedModel):
    """A statutory holiday (rest day) or an adjusted working day (调休上班日)."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("节日"), max_length=50, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if action == Action.VIEW or grant.role == "system_admin" else None


class LprRate(TimeStampedModel):
    """A 1-year Loan Prime Rate change point: in force from `effective_on` until the next row."""

    effective_on = models.DateField(_("生效日期"), unique=True)
    annual_rate_percent = models.DecimalField(_("年利率（%）"), max_digits=6, decimal_places=3)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("一年期LPR")
        verbose_name_plural = _("一年期LPR")
        ordering = ["effective_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_rate_percent__gt=0) & Q(annual_rate_percent__lt=100),
                name="registry_lpr_rate_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_on} {self.annual_rate_percent}%"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if action == Action.VIEW or grant.role == "system_admin" else None

    @classmethod
    def public_q(cls, action: str) -> Q | None:
        return Q() if action == Action.VIEW else None
