from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role, TokenScope
from qingqian.core.permissions import Action, Grant, RestrictedQuerySet
from qingqian.core.personal import PHONE, BlindIndexField, EncryptedCharField


class UserQuerySet(RestrictedQuerySet):
    pass


class QingqianUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their role grants."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # personal data (PIPL): SM4-GCM at rest, masked on screens (qingqian/core/personal.py)
    phone = EncryptedCharField(_("手机号"), kind=PHONE, max_length=40, blank=True, index_field="phone_bidx")
    phone_bidx = BlindIndexField()
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    objects = QingqianUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def scope_grants(self) -> list[RoleGrant]:
        cached: list[RoleGrant] | None = getattr(self, "_grants_cache", None)
        if cached is None:
            cached = list(
                self.grants.filter(active=True).select_related("region", "organisation", "enterprise")
            )
            self._grants_cache = cached
        return cached

    def forget_grants(self) -> None:
        self.__dict__.pop("_grants_cache", None)

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.scope_grants()}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_staff_user(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    @property
    def is_enterprise_user(self) -> bool:
        return Role.ENTERPRISE_USER in self.roles

    @property
    def is_admin_user(self) -> bool:
        return bool(self.roles & ADMIN_ROLES)

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
            return Q()
        return None


class RoleGrant(models.Model):
    """A role bound to a scope: a region (its whole subtree), an organisation, or an enterprise."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("区划范围"), null=True, blank=True, on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("单位范围"), null=True, blank=True, on_delete=models.PROTECT
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("企业范围"), null=True, blank=True, on_delete=models.PROTECT
    )
    # "r:<id>", "o:<id>", "e:<id>" or "-": one grant per user, role and scope on every database.
    scope_key = models.CharField(max_length=30, editable=False)
    active = models.BooleanField(_("有效"), default=True)
    granted_at = models.DateTimeField(_("授权时间"), default=timezone.now)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授权人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "scope_key"], name="accounts_grant_unique"),
            models.CheckConstraint(
                condition=(
                    Q(role="enterprise_user", enterprise__isnull=False, organisation__isnull=True)
                    | Q(
                        role__in=["department_handler", "debtor_clerk"],
                        organisation__isnull=False,
                        enterprise__isnull=True,
                    )
                    | Q(
                        role__in=["taskforce_office", "county_handler", "auditor", "leadership"],
                        region__isnull=False,
                        organisation__isnull=True,
                        enterprise__isnull=True,
                    )
                    | Q(
                        role__in=["system_admin", "security_admin", "audit_admin"],
                        region__isnull=True,
                        organisation__isnull=True,
                        enterprise__isnull=True,
                    )
                ),
                name="accounts_grant_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.region or self.organisation or self.enterprise or _("全系统")
        return f"{self.get_role_display()} @ {scope}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.scope_key = self.key_for(self.region_id, self.organisation_id, self.enterprise_id)
        super().save(*args, **kwargs)

    @staticmethod
    def key_for(region_id: int | None, organisation_id: int | None, enterprise_id: int | None) -> str:
        if region_id:
            return f"r:{region_id}"
        if organisation_id:
            return f"o:{organisation_id}"
        if enterprise_id:
            return f"e:{enterprise_id}"
        return "-"

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        if grant.role == Role.SECURITY_ADMIN:
            return Q()
        if grant.role in (Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN) and action == Action.VIEW:
            return Q()
        return None


class ApiToken(models.Model):
    """A machine client's token. Only a SHA-256 hash is stored; the token is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(_("权限"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def is_usable(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @classmethod
    def scope_q(cls, grant: Grant, action: str) -> Q | None:
        return Q() if grant.role == Role.SECURITY_ADMIN else None


def acting_user(request: Any) -> User:
    """The authenticated user of a request that passed authentication (API auth or role_required)."""
    user = request.user
    if not isinstance(user, User):
        raise TypeError("acting_user() needs an authenticated request")
    return user


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords (no reuse of the last PASSWORD_HISTORY_COUNT)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    encoded = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"


class RecoveryCode(models.Model):
    """A one-time recovery code for the second factor. Only a salted SM3 hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("恢复码")
        verbose_name_plural = _("恢复码")

    def __str__(self) -> str:
        return f"{self.user_id} {'used' if self.used_at else 'unused'}"
