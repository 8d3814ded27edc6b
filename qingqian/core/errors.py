"""Business errors raised by services. The API turns them into one JSON shape with a stable code."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the action. `code` is stable; `message` is for people (Chinese first)."""

    status = 400
    default_code = "domain_error"
    default_message: Any = _("操作未能完成。")

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        self.extra = extra or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status = 400
    default_code = "invalid"
    default_message = _("输入有误，请检查后重试。")


class NotPermitted(DomainError):
    status = 403
    default_code = "forbidden"
    default_message = _("您没有执行此操作的权限。")


class NotFound(DomainError):
    status = 404
    default_code = "not_found"
    default_message = _("未找到该对象，或您无权查看。")


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_message = _("该对象已被他人修改，请刷新后重试。")


class ConcurrentTransition(Conflict):
    default_code = "concurrent_transition"
    default_message = _("状态已被他人变更，本次操作未执行，请刷新后重试。")


class InvalidTransition(Conflict):
    default_code = "invalid_transition"
    default_message = _("当前状态下不能执行此操作。")
