"""The permission matrix: every page and API endpoint, for every persona, allowed or denied.

Each app declares its rows in `qingqian/<app>/tests/matrix.py` as `PAGES` and `ENDPOINTS`.
`qingqian/accounts/tests/test_permission_matrix.py` runs them all and **fails on any URL pattern or
API operation no app declared** — so a new endpoint without a permission decision breaks the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Every persona of qingqian.accounts.testing plus the anonymous public.
ALL_PERSONAS = frozenset(
    {
        "office",
        "finance",
        "sasac",
        "county",
        "clerk",
        "enterprise",
        "auditor",
        "leader",
        "sysadmin",
        "secadmin",
        "auditadmin",
        "public",
    }
)
STAFF = frozenset({"office", "finance", "sasac", "county", "clerk", "auditor", "leader"})
ADMINS = frozenset({"sysadmin", "secadmin", "auditadmin"})
LOGGED_IN = ALL_PERSONAS - {"public"}


@dataclass(frozen=True)
class Page:
    """A server-rendered URL by name. `allowed` personas get `ok`; others are redirected to login
    (public) or refused with 403/404."""

    url_name: str
    allowed: frozenset[str]
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    method: str = "GET"
    data: Callable[[Any], dict[str, Any]] | None = None
    ok: frozenset[int] = frozenset({200})
    # what the anonymous public gets when not allowed (None: a redirect to the login page)
    public_status: frozenset[int] | None = None


@dataclass(frozen=True)
class Endpoint:
    """An API operation as it appears in the OpenAPI document (`path` with `{param}` placeholders)."""

    method: str
    path: str
    allowed: frozenset[str]
    params: Callable[[Any], dict[str, Any]] | None = None
    body: Callable[[Any], dict[str, Any]] | None = None
    query: dict[str, Any] = field(default_factory=dict)
    ok: frozenset[int] = frozenset({200})


# URL names that are not business pages: framework machinery, covered by their own tests.
EXEMPT_URL_NAMES = frozenset({"set_language", "healthz", "api:openapi-json", "api:openapi-view"})
EXEMPT_NAMESPACES = frozenset({"admin", "djdt"})
