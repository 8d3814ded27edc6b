"""Two factors for every staff and administrator role (等保 2.0 8.1.4.1 d): TOTP (django-otp) with
one-time recovery codes; the security administrator can reset a user's second factor."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from qingqian.accounts.choices import ADMIN_ROLES, STAFF_ROLES, Role
from qingqian.accounts.models import RecoveryCode, User
from qingqian.core import crypto
from qingqian.core.errors import NotPermitted
from qingqian.core.events import record_event

RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def requires_two_factor(user: Any) -> bool:
    if not settings.TWO_FACTOR_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    return bool(set(getattr(user, "roles", set())) & (STAFF_ROLES | ADMIN_ROLES))


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (created on first call, kept across reloads)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    return device


def _code_hash(code: str, salt: str) -> str:
    return crypto.sm3_hex(f"{salt}:{code.strip().lower().replace('-', '')}".encode())


def recovery_codes_issue(*, actor: Any, user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; the codes are shown once."""
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        codes = []
        for _i in range(settings.RECOVERY_CODE_COUNT):
            raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
            salt = secrets.token_hex(8)
            RecoveryCode.objects.create(user=user, code_hash=_code_hash(raw, salt), salt=salt)
            codes.append(f"{raw[:5]}-{raw[5:]}")
        record_event(actor=actor, action="accounts.2fa.recovery_issued", obj=user, data={"count": len(codes)})
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _use_recovery_code(user: User, code: str) -> bool:
    for rc in RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True):
        if crypto.constant_time_equal(rc.code_hash, _code_hash(code, rc.salt)):
            RecoveryCode.objects.filter(pk=rc.pk).update(used_at=timezone.now())
            return True
    return False


def enroll_confirm(request: HttpRequest, *, user: User, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns the new recovery codes."""
    with transaction.atomic():
        device = pending_device(user)
        if not device.verify_token(code.strip()):
            record_event(actor=user, action="accounts.2fa.failed", obj=user, data={"method": "enrol"})
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        record_event(actor=user, action="accounts.2fa.enrolled", obj=user)
    otp_login(request, device)
    request.session.cycle_key()
    return recovery_codes_issue(actor=user, user=user)


def verify(request: HttpRequest, *, user: User, code: str) -> str | None:
    """Check a TOTP code or a recovery code; on success the session counts as verified."""
    code = code.strip().replace(" ", "")
    device = confirmed_device(user)
    if device is None:
        return None
    method = None
    with transaction.atomic():
        if code.isdigit() and len(code) == device.digits:
            if device.verify_token(code):
                method = "totp"
        elif _use_recovery_code(user, code):
            method = "recovery"
    with transaction.atomic():
        if method is None:
            record_event(actor=user, action="accounts.2fa.failed", obj=user, data={"method": "verify"})
            return None
        record_event(
            actor=user,
            action="accounts.2fa.verified",
            obj=user,
            data={"method": method, "recovery_codes_left": recovery_codes_left(user)},
        )
    otp_login(request, device)
    request.session.cycle_key()
    return method


@transaction.atomic
def two_factor_reset(*, actor: Any, user: User) -> None:
    """The security administrator removes a user's second factor; the user enrols again at next login."""
    if actor is not None and not actor.has_role(Role.SECURITY_ADMIN):
        raise NotPermitted(_("只有安全管理员可以重置双因素认证。"))
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    record_event(actor=actor, action="accounts.2fa.reset", obj=user)
