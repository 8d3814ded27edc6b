"""API base: one error shape, pagination, and the exception handlers every router shares.

Errors always look like ``{"code": "...", "message": "...", "fields": {"field": ["..."]}}``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PageNumberPagination

from qingqian.core.errors import DomainError


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


def error_body(code: str, message: str, fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def _validation_fields(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        msg = err.get("msg", "")
        if isinstance(msg, str) and msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        fields.setdefault(_field_name(err.get("loc", ())), []).append(msg)
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        body = error_body(exc.code, str(exc.message), exc.fields)
        if exc.extra:
            body["extra"] = exc.extra
        return api.create_response(request, body, status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("invalid", _("输入有误，请检查标出的字段。"), _validation_fields(list(exc.errors))),
            status=400,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, error_body("unauthenticated", _("请先登录或提供有效的访问令牌。")), status=401
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body("forbidden", _("您没有执行此操作的权限。")), status=403
        )

    @api.exception_handler(ObjectDoesNotExist)
    def object_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        # e.g. a filter naming a region that does not exist: the client's mistake, never a 500
        return api.create_response(
            request, error_body("not_found", _("未找到该对象，或您无权查看。")), status=404
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, error_body("not_found", _("未找到该对象，或您无权查看。")), status=404
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, error_body(f"http_{exc.status_code}", str(exc)), status=exc.status_code
        )


class Pagination(PageNumberPagination):
    """`?page=1&page_size=50` → ``{"items": [...], "count": N, "page": 1, "page_size": 50}``."""

    class Input(Schema):
        page: int = 1
        page_size: int = 50

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any = None, **params: Any) -> Any:
        page = min(max(1, pagination.page), 1_000_000)  # beyond any real page; keeps offsets in range
        size = min(max(1, pagination.page_size), 500)
        offset = (page - 1) * size
        return {
            "items": queryset[offset : offset + size],
            "count": queryset.count(),
            "page": page,
            "page_size": size,
        }
