"""Writes of the security app: unmasking personal data, unlocking logins, activating users."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from qingqian.accounts.choices import Role
from qingqian.accounts.models import User
from qingqian.accounts.reauth import require_recent_reauth
from qingqian.core.errors import InvalidInput, NotFound, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, can
from qingqian.security.pii import lookup

# Who may see a personal field in full (besides being able to view the record at all).
UNMASK_ROLES: dict[str, set[str]] = {
    "accounts.user": {Role.SYSTEM_ADMIN},
    "registry.enterprise": {Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER},
    "registry.handler": {Role.TASKFORCE_OFFICE},
    # the handlers who must call the complainant back; clerks of the debtor and readers see it masked
    "complaints.complaint": {Role.TASKFORCE_OFFICE, Role.DEPARTMENT_HANDLER, Role.COUNTY_HANDLER},
}


def may_unmask(user: Any, model_label: str, obj: models.Model | None = None) -> bool:
    """The user's roles allow unmasking this kind of record — and, given `obj`, the user may see it."""
    if not getattr(user, "roles", set()) & UNMASK_ROLES.get(model_label.lower(), set()):
        return False
    return obj is None or _viewable(user, obj)


def resolve(model_label: str, pk: str, field: str) -> models.Model:
    if lookup(model_label, field) is None:
        raise NotFound()
    model = apps.get_model(model_label)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    return obj


def _viewable(user: Any, obj: models.Model) -> bool:
    if isinstance(obj, User):
        return user.has_role(Role.SYSTEM_ADMIN)
    if obj._meta.label_lower == "registry.handler":
        return user.has_role(Role.TASKFORCE_OFFICE)
    return can(user, Action.VIEW, obj)


def pii_unmask(*, actor: User, request: HttpRequest, obj: models.Model, field: str, reason: str) -> str:
    """The full value of one personal field, for a stated reason, after re-authentication; audited."""
    label = obj._meta.label_lower
    if not may_unmask(actor, label, obj):
        raise NotPermitted(_("您无权查看该完整个人信息。"))
    require_recent_reauth(request)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise InvalidInput(
            _("请填写查看原因（至少4个字）。"), fields={"reason": [_("请填写查看原因（至少4个字）。")]}
        )
    value = getattr(obj, field)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="security.pii.unmasked",
            obj=obj,
            data={"field": field, "reason": reason[:300]},
        )
    return value.plain if hasattr(value, "plain") else str(value or "")


@transaction.atomic
def login_unlock(*, actor: User, username: str = "", ip: str = "") -> int:
    """The security administrator releases a lockout (by account and/or address)."""
    from axes.utils import reset

    if not actor.has_role(Role.SECURITY_ADMIN):
        raise NotPermitted(_("只有安全管理员可以解除登录锁定。"))
    count = 0
    if username:
        count += reset(username=username)
    if ip:
        count += reset(ip=ip)
    record_event(
        actor=actor,
        action="accounts.lockout.released",
        data={"username": username, "ip": ip, "attempts": count},
    )
    return count


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> None:
    """The system administrator decides whether an account exists (is usable)."""
    if not actor.has_role(Role.SYSTEM_ADMIN):
        raise NotPermitted(_("只有系统管理员可以启用或停用账号。"))
    if user.pk == actor.pk:
        raise InvalidInput(_("不能停用自己的账号。"))
    if user.is_active == active:
        return
    User.objects.filter(pk=user.pk).update(is_active=active)
    user.is_active = active
    record_event(
        actor=actor, action="accounts.user.activated" if active else "accounts.user.deactivated", obj=user
    )
