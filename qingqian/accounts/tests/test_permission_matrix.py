"""Every page and API operation × every persona → allowed or denied, as the apps' matrix.py declare.

A URL pattern or API operation that no matrix declares fails `test_every_url_and_endpoint_is_declared`.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import qingqian
from qingqian.core.testing.matrix import (
    ALL_PERSONAS,
    EXEMPT_NAMESPACES,
    EXEMPT_URL_NAMES,
    Endpoint,
    Page,
)


def _matrix_modules() -> list[Any]:
    modules = []
    for app in pkgutil.iter_modules(qingqian.__path__):
        try:
            modules.append(importlib.import_module(f"qingqian.{app.name}.tests.matrix"))
        except ModuleNotFoundError:
            continue
    return modules


PAGES: list[Page] = [p for m in _matrix_modules() for p in getattr(m, "PAGES", [])]
ENDPOINTS: list[Endpoint] = [e for m in _matrix_modules() for e in getattr(m, "ENDPOINTS", [])]


def _named_patterns(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in EXEMPT_NAMESPACES:
                continue
            if ns == "api":
                names |= {f"api:{n}" for n in ("openapi-json", "openapi-view")}
                continue
            names |= _named_patterns(p, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(p, URLPattern) and p.name:
            names.add(f"{namespace}{p.name}")
    return names


def _api_operations() -> set[tuple[str, str]]:
    from config.api import api

    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_url_and_endpoint_is_declared() -> None:
    declared_pages = {p.url_name for p in PAGES}
    missing_pages = _named_patterns(get_resolver()) - declared_pages - EXEMPT_URL_NAMES
    declared_ops = {(e.method, e.path) for e in ENDPOINTS}
    missing_ops = _api_operations() - declared_ops
    assert not missing_pages, (
        f"pages without a permission decision in any tests/matrix.py: {sorted(missing_pages)}"
    )
    assert not missing_ops, f"API operations without a permission decision: {sorted(missing_ops)}"


def _client(client_for: Any, world: Any, persona: str) -> Any:
    return client_for(None if persona == "public" else getattr(world, persona))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.method} {p.url_name}")
def test_page_permissions(page: Page, world: Any, client_for: Any) -> None:
    url = reverse(page.url_name, kwargs=page.kwargs(world) if page.kwargs else None)
    wrong = []
    for persona in sorted(ALL_PERSONAS):
        c = _client(client_for, world, persona)
        data = page.data(world) if page.data else {}
        response = c.post(url, data) if page.method == "POST" else c.get(url)
        if persona in page.allowed:
            ok = response.status_code in page.ok
        elif persona == "public" and page.public_status is not None:
            ok = response.status_code in page.public_status
        elif persona == "public":
            ok = response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            ok = response.status_code in (403, 404) or (
                page.url_name == "accounts:login" and response.status_code == 302
            )
        if not ok:
            wrong.append(f"{persona}: {response.status_code}")
    assert not wrong, f"{page.method} {url}: unexpected status for " + ", ".join(wrong)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_endpoint_permissions(endpoint: Endpoint, world: Any, client_for: Any) -> None:
    params = endpoint.params(world) if endpoint.params else {}
    path = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), endpoint.path)
    wrong = []
    for persona in sorted(ALL_PERSONAS):
        c = _client(client_for, world, persona)
        if endpoint.method == "GET":
            response = c.get(path, endpoint.query)
        else:
            body = endpoint.body(world) if endpoint.body else {}
            response = c.generic(
                endpoint.method, path, data=json.dumps(body), content_type="application/json"
            )
        if persona in endpoint.allowed:
            ok = response.status_code in endpoint.ok
        elif persona == "public":
            ok = response.status_code == 401
        else:
            ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{persona}: {response.status_code} {response.content[:120]!r}")
    assert not wrong, f"{endpoint.method} {path}: unexpected status for " + "; ".join(wrong)
