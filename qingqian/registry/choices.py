from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省")
    PREFECTURE_CITY = "prefecture_city", _("地级市")
    DISTRICT = "district", _("市辖区")
    COUNTY = "county", _("县")
    COUNTY_CITY = "county_city", _("县级市")
    FUNCTIONAL_ZONE = "functional_zone", _("功能区")


COUNTY_LEVEL_KINDS = (
    RegionKind.DISTRICT,
    RegionKind.COUNTY,
    RegionKind.COUNTY_CITY,
    RegionKind.FUNCTIONAL_ZONE,
)


class OrganisationKind(models.TextChoices):
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    SOE = "soe", _("国有企业")
    LARGE_ENTERPRISE = "large_enterprise", _("其他大型企业")
    DEPARTMENT = "department", _("职能部门")


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市本级")
    COUNTY = "county", _("县级")


class Industry(models.TextChoices):
    """Industries of the 2011 SME classification (工信部联企业〔2011〕300号) used by the size rules."""

    INDUSTRIAL = "industrial", _("工业")
    CONSTRUCTION = "construction", _("建筑业")
    WHOLESALE = "wholesale", _("批发业")
    RETAIL = "retail", _("零售业")
    TRANSPORT = "transport", _("交通运输业")
    SOFTWARE_IT = "software_it", _("软件和信息技术服务业")
    LEASING_BUSINESS = "leasing_business", _("租赁和商务服务业")
    OTHER = "other", _("其他未列明行业")


class SizeClass(models.TextChoices):
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")
    LARGE = "large", _("大型")
    UNKNOWN = "unknown", _("未确定")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")
