from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of ARCHITECTURE.md §4. Each grant binds one role to one scope."""

    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    TASKFORCE_OFFICE = "taskforce_office", _("专班办公室")
    DEPARTMENT_HANDLER = "department_handler", _("部门经办人")
    COUNTY_HANDLER = "county_handler", _("县（市、区）经办人")
    DEBTOR_CLERK = "debtor_clerk", _("欠款单位联络员")
    AUDITOR = "auditor", _("审计人员")
    LEADERSHIP = "leadership", _("领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
STAFF_ROLES = frozenset(
    {
        Role.TASKFORCE_OFFICE,
        Role.DEPARTMENT_HANDLER,
        Role.COUNTY_HANDLER,
        Role.DEBTOR_CLERK,
        Role.AUDITOR,
        Role.LEADERSHIP,
    }
)

# Which scope each role must be bound to.
SCOPE_OF_ROLE: dict[str, str] = {
    Role.ENTERPRISE_USER: "enterprise",
    Role.TASKFORCE_OFFICE: "region",
    Role.DEPARTMENT_HANDLER: "organisation",
    Role.COUNTY_HANDLER: "region",
    Role.DEBTOR_CLERK: "organisation",
    Role.AUDITOR: "region",
    Role.LEADERSHIP: "region",
    Role.SYSTEM_ADMIN: "none",
    Role.SECURITY_ADMIN: "none",
    Role.AUDIT_ADMIN: "none",
}


class TokenScope(models.TextChoices):
    READ = "read", _("只读")
    WRITE = "write", _("读写")
