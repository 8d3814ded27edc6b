"""Writes to accounts: users, role grants, API tokens. Each is one transaction with its events."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.accounts.choices import ADMIN_ROLES, SCOPE_OF_ROLE, Role, TokenScope
from qingqian.accounts.models import ApiToken, RoleGrant, User
from qingqian.core.errors import InvalidInput
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.registry.choices import OrganisationKind
from qingqian.registry.models import Enterprise, Organisation, Region

TOKEN_PREFIX = "qq_"  # noqa: S105 - a public marker, not a secret


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    phone: str = "",
) -> User:
    require(actor, Action.CREATE, User)
    username = username.strip()
    if not username or len(username) > 150:
        raise InvalidInput(_("用户名须为1–150个字符。"), fields={"username": [_("用户名须为1–150个字符。")]})
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            _("该用户名已被使用。"), fields={"username": [_("该用户名已被使用。")]}, code="duplicate"
        )
    user = User(username=username, display_name=display_name, email=email, phone=phone)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise InvalidInput(
                _("密码不符合要求。"), fields={"password": list(exc.messages)}, code="weak_password"
            ) from exc
        user.set_password(password)
        user.password_changed_at = timezone.now()
    user.save()
    record_event(actor=actor, action="accounts.user.created", obj=user, after={"username": username})
    return user


def _check_scope(
    role: str, region: Region | None, organisation: Organisation | None, enterprise: Enterprise | None
) -> None:
    need = SCOPE_OF_ROLE[role]
    given = {"region": region, "organisation": organisation, "enterprise": enterprise}
    wrong = [name for name, value in given.items() if value is not None and name != need]
    if wrong or (need != "none" and given[need] is None):
        raise InvalidInput(
            _("角色“%(role)s”必须且只能绑定到%(scope)s。")
            % {
                "role": Role(role).label,
                "scope": {
                    "region": _("区划"),
                    "organisation": _("单位"),
                    "enterprise": _("企业"),
                    "none": _("全系统（不绑定范围）"),
                }[need],
            },
            code="scope_mismatch",
        )
    if (
        role == Role.DEPARTMENT_HANDLER
        and organisation is not None
        and organisation.kind != OrganisationKind.DEPARTMENT
    ):
        raise InvalidInput(_("部门经办人只能绑定到职能部门。"), code="scope_mismatch")


@transaction.atomic
def role_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    enterprise: Enterprise | None = None,
) -> RoleGrant:
    """Give a user a role in a scope. Administrator roles (三权分立) exclude each other and business roles."""
    require(actor, Action.CREATE, RoleGrant)
    if role not in Role.values:
        raise InvalidInput(_("未知的角色。"), fields={"role": [_("未知的角色。")]})
    _check_scope(role, region, organisation, enterprise)
    held = set(user.grants.filter(active=True).values_list("role", flat=True))
    if held:
        if role in ADMIN_ROLES and (held - {role}):
            raise InvalidInput(
                _("系统管理员、安全管理员、审计管理员三者互斥，且不能兼任业务角色。"),
                code="separation_of_duties",
            )
        if role not in ADMIN_ROLES and held & ADMIN_ROLES:
            raise InvalidInput(
                _("系统管理员、安全管理员、审计管理员三者互斥，且不能兼任业务角色。"),
                code="separation_of_duties",
            )
    grant, created = RoleGrant.objects.get_or_create(
        user=user,
        role=role,
        scope_key=RoleGrant.key_for(
            region.pk if region else None,
            organisation.pk if organisation else None,
            enterprise.pk if enterprise else None,
        ),
        defaults={
            "region": region,
            "organisation": organisation,
            "enterprise": enterprise,
            "granted_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    if not created and not grant.active:
        RoleGrant.objects.filter(pk=grant.pk).update(active=True)
        grant.active = True
        created = True
    if created:
        record_event(
            actor=actor,
            action="accounts.role.granted",
            obj=user,
            after={"role": role, "region": region, "organisation": organisation, "enterprise": enterprise},
        )
    user.forget_grants()
    return grant


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    require(actor, Action.CHANGE, grant)
    if not grant.active:
        return
    RoleGrant.objects.filter(pk=grant.pk).update(active=False)
    record_event(
        actor=actor,
        action="accounts.role.revoked",
        obj=grant.user,
        before={"role": grant.role, "grant": grant.pk},
    )


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, actor: Any, user: User, name: str, scope: str = TokenScope.READ, days: int | None = None
) -> IssuedToken:
    if actor is not None and actor != user:
        require(actor, Action.CREATE, ApiToken)
    if scope not in TokenScope.values:
        raise InvalidInput(_("未知的令牌权限。"), fields={"scope": [_("未知的令牌权限。")]})
    days = days or settings.API_TOKEN_DEFAULT_DAYS
    if not 1 <= days <= 366:
        raise InvalidInput(_("令牌有效期须为1–366天。"), fields={"days": [_("令牌有效期须为1–366天。")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "api",
        prefix=secret[:10],
        token_hash=_hash(secret),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record_event(
        actor=actor,
        action="accounts.token.created",
        obj=user,
        data={"token": token.pk, "scope": scope, "days": days},
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    if actor is not None and actor != token.user:
        require(actor, Action.CHANGE, token)
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        record_event(actor=actor, action="accounts.token.revoked", obj=token.user, data={"token": token.pk})


def token_authenticate(secret: str) -> tuple[User, ApiToken] | None:
    """The user behind a bearer token, if the token exists, is unexpired and unrevoked."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=_hash(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
