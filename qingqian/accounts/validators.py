"""Password policy (等保 2.0 8.1.4.1 a: complexity and periodic change).

≥ 8 characters (MinimumLengthValidator), 3 of 4 character classes, not a common password, not the
username, no reuse of the last 5. Expiry after PASSWORD_EXPIRY_DAYS for staff: SessionPolicyMiddleware.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def character_classes(password: str) -> int:
    lower = any(c.islower() for c in password)
    upper = any(c.isupper() for c in password)
    digit = any(c.isdigit() for c in password)
    other = any(not c.isalnum() for c in password)
    return sum((lower, upper, digit, other))


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须至少包含大写字母、小写字母、数字、符号中的%(n)d类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含大写字母、小写字母、数字、符号中的%(n)d类。") % {"n": self.min_classes}


class NotUsernameValidator:
    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").strip().lower()
        if not username:
            return
        lowered = password.lower()
        if lowered in (username, username[::-1]):
            raise ValidationError(_("密码不能与用户名相同。"), code="password_is_username")

    def get_help_text(self) -> str:
        return _("不能与用户名相同。")


class PasswordHistoryValidator:
    """No reuse of the last `count` passwords; records each new password's hash when it changes."""

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def _recent(self, user: Any) -> list[str]:
        from qingqian.accounts.models import PasswordHistory

        if user is None or not getattr(user, "pk", None) or self.count <= 0:
            return []
        return list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("encoded", flat=True)[: self.count]
        )

    def validate(self, password: str, user: Any = None) -> None:
        encoded = self._recent(user)
        current = getattr(user, "password", "") if getattr(user, "pk", None) else ""
        from qingqian.accounts.models import User

        if current and getattr(user, "pk", None):
            stored = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
            if stored:
                encoded.append(stored)
        for old in encoded:
            if old and check_password(password, old):
                raise ValidationError(
                    _("不能重复使用最近%(n)d次用过的密码。") % {"n": self.count}, code="password_reused"
                )

    def password_changed(self, password: str, user: Any = None) -> None:
        from qingqian.accounts.models import PasswordHistory, User

        if user is None or not getattr(user, "pk", None) or not user.password:
            return
        now = timezone.now()
        PasswordHistory.objects.create(user_id=user.pk, encoded=user.password, created_at=now)
        keep = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("pk", flat=True)[: self.count]
        )
        PasswordHistory.objects.filter(user_id=user.pk).exclude(pk__in=keep).delete()
        User.objects.filter(pk=user.pk).update(password_changed_at=now)
        user.password_changed_at = now

    def get_help_text(self) -> str:
        return _("不能重复使用最近%(n)d次用过的密码。") % {"n": self.count}
