"""Navigation per role: what each kind of user sees in the top bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qingqian.accounts.choices import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: Any
    roles: frozenset[str] | None  # None: everyone, including the public


NAV: list[NavItem] = [
    NavItem("public:home", _("首页"), None),
    NavItem("public:bodies", _("信息公开"), None),
    NavItem(
        "dashboards:home",
        _("领导驾驶舱"),
        frozenset({Role.LEADERSHIP, Role.TASKFORCE_OFFICE, Role.AUDITOR}),
    ),
    NavItem(
        "disclosure:board",
        _("年度公开"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.DEBTOR_CLERK,
                Role.AUDITOR,
                Role.LEADERSHIP,
            }
        ),
    ),
    NavItem(
        "accounts:staff_home",
        _("工作台"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.DEBTOR_CLERK,
                Role.AUDITOR,
                Role.LEADERSHIP,
            }
        ),
    ),
    NavItem(
        "registry:organisation_list",
        _("单位名录"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.AUDITOR,
                Role.LEADERSHIP,
                Role.SYSTEM_ADMIN,
            }
        ),
    ),
    NavItem(
        "complaints:queue",
        _("投诉线索"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.DEBTOR_CLERK,
                Role.AUDITOR,
                Role.LEADERSHIP,
            }
        ),
    ),
    NavItem(
        "ledger:item_list",
        _("欠款台账"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.DEBTOR_CLERK,
                Role.AUDITOR,
                Role.LEADERSHIP,
            }
        ),
    ),
    NavItem(
        "rules:calculator",
        _("逾期利息计算器"),
        frozenset(
            {
                Role.TASKFORCE_OFFICE,
                Role.DEPARTMENT_HANDLER,
                Role.COUNTY_HANDLER,
                Role.DEBTOR_CLERK,
                Role.AUDITOR,
                Role.ENTERPRISE_USER,
            }
        ),
    ),
    NavItem("rules:lpr", _("LPR与节假日"), frozenset({Role.SYSTEM_ADMIN})),
    NavItem("accounts:portal_home", _("企业服务"), frozenset({Role.ENTERPRISE_USER})),
    NavItem("ledger:portal", _("我的应收账款"), frozenset({Role.ENTERPRISE_USER})),
    NavItem("complaints:mine", _("我的投诉"), frozenset({Role.ENTERPRISE_USER})),
    NavItem("notifications:inbox", _("消息"), frozenset(Role.values)),
    NavItem("notifications:stuck", _("通知投递"), frozenset({Role.SYSTEM_ADMIN})),
    NavItem(
        "accounts:admin_home",
        _("系统管理"),
        frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}),
    ),
    NavItem("security:user_list", _("用户管理"), frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})),
    NavItem("security:unlock", _("登录锁定"), frozenset({Role.SECURITY_ADMIN})),
    NavItem(
        "security:pii_registry",
        _("个人信息清单"),
        frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN}),
    ),
    NavItem("security:audit_search", _("审计日志"), frozenset({Role.AUDIT_ADMIN})),
]


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    roles: set[str] = (
        set(getattr(user, "roles", set())) if getattr(user, "is_authenticated", False) else set()
    )
    out = []
    for item in NAV:
        if item.roles is not None and not (roles & item.roles):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        out.append({"url": url, "label": item.label, "active": active})
    return out
