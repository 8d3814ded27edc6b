"""Security events: the small API other apps call (codes listed in docs/security.md §3).

    from qingqian.security.audit import audit, audit_export, audit_publication

    audit_export(request.user, what="complaints.case", rows=len(rows), fmt="xlsx", filters=params)
    audit_publication(actor, obj=snapshot, data={"year": 2026})

Each writes one hash-chained `core.Event` (in the caller's transaction if there is one).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from qingqian.core.events import record_event
from qingqian.core.models import Event

ACTION_LABELS = {
    "security.pii.unmasked": _("查看完整个人信息"),
    "security.data.exported": _("导出数据"),
    "security.content.published": _("发布信息"),
    "security.audit.exported": _("导出审计日志"),
    "security.audit.verified": _("校验审计日志"),
    "security.audit.anchored": _("审计日志锚定"),
    "security.audit.pruned": _("审计日志归档清理"),
    "security.pii.key_rotated": _("轮换个人信息加密密钥"),
}

# The security events an assessor asks for, by category (docs/security.md).
SECURITY_ACTIONS = {
    "login": [
        "accounts.login.succeeded",
        "accounts.login.failed",
        "accounts.logout",
        "accounts.session.expired",
    ],
    "lockout": ["accounts.login.locked_out", "accounts.lockout.released"],
    "two_factor": [
        "accounts.2fa.enrolled",
        "accounts.2fa.verified",
        "accounts.2fa.failed",
        "accounts.2fa.reset",
        "accounts.2fa.recovery_issued",
        "accounts.reauth.succeeded",
        "accounts.reauth.failed",
    ],
    "permissions": [
        "accounts.role.granted",
        "accounts.role.revoked",
        "accounts.user.created",
        "accounts.user.deactivated",
        "accounts.user.activated",
        "accounts.password.changed",
        "accounts.token.created",
        "accounts.token.revoked",
    ],
    "unmasking": ["security.pii.unmasked"],
    "exports": ["security.data.exported", "security.audit.exported"],
    "publication": ["security.content.published"],
    "audit": [
        "security.audit.verified",
        "security.audit.anchored",
        "security.audit.pruned",
        "security.pii.key_rotated",
    ],
}


def audit(
    actor: Any, action: str, *, obj: models.Model | None = None, data: dict[str, Any] | None = None
) -> Event:
    with transaction.atomic():
        return record_event(actor=actor, action=action, obj=obj, data=data)


def audit_export(
    actor: Any,
    *,
    what: str,
    rows: int,
    fmt: str,
    filters: dict[str, Any] | None = None,
    unmasked: bool = False,
) -> Event:
    """Call once per export (spreadsheet, CSV, archive) with what was exported and how many rows."""
    return audit(
        actor,
        "security.data.exported",
        data={"what": what, "rows": rows, "format": fmt, "filters": filters or {}, "unmasked": unmasked},
    )


def audit_publication(
    actor: Any, *, obj: models.Model | None = None, data: dict[str, Any] | None = None
) -> Event:
    """Call when something becomes public (disclosure snapshot, statistics, a published notice)."""
    return audit(actor, "security.content.published", obj=obj, data=data)
