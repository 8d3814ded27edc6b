"""The API base: one error shape, session and token auth, OpenAPI and local docs, health check."""

import datetime as dt
import json
from typing import Any

from django.utils import timezone

from qingqian.accounts.models import ApiToken
from qingqian.accounts.services import token_create
from qingqian.registry.models import Region


def test_validation_errors_have_the_common_shape_with_fields(world: Any, client_for: Any) -> None:
    response = client_for(world.office).post(
        "/api/v1/registry/organisations", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert {"kind", "level", "region_id"} <= set(body["fields"])


def test_business_errors_have_the_common_shape(world: Any, client_for: Any) -> None:
    region = Region.objects.get(code="130100")
    response = client_for(world.office).post(
        "/api/v1/registry/organisations",
        json.dumps(
            {"name": "坏代码", "kind": "organ", "level": "city", "region_id": region.pk, "uscc": "123"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "uscc_malformed"
    assert "格式不正确" in response.json()["fields"]["uscc"][0]


def test_unauthenticated_calls_get_401_in_the_common_shape(world: Any, client_for: Any) -> None:
    response = client_for(None).get("/api/v1/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_missing_object_is_404_in_the_common_shape(world: Any, client_for: Any) -> None:
    response = client_for(world.office).get("/api/v1/registry/organisations/99999999/routing")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该对象，或您无权查看。", "fields": {}}


def test_the_browser_session_needs_a_csrf_token_for_writes(world: Any) -> None:
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(world.office)
    response = c.post("/api/v1/accounts/tokens", json.dumps({"name": "x"}), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_read_token_reads_but_cannot_write(world: Any, client_for: Any) -> None:
    issued = token_create(actor=world.office, user=world.office, name="机器客户端", scope="read")
    c = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert c.get("/api/v1/accounts/me", **auth).json()["username"] == "office"
    denied = c.post(
        "/api/v1/accounts/tokens", json.dumps({"name": "y"}), content_type="application/json", **auth
    )
    assert denied.status_code == 401


def test_a_write_token_writes(world: Any, client_for: Any) -> None:
    issued = token_create(actor=world.office, user=world.office, name="写入", scope="write")
    response = client_for(None).post(
        "/api/v1/accounts/tokens",
        json.dumps({"name": "由令牌创建"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 201
    assert response.json()["token"].startswith("qq_")


def test_tokens_are_stored_hashed_and_stop_working_when_revoked_or_expired(
    world: Any, client_for: Any
) -> None:
    issued = token_create(actor=world.office, user=world.office, name="临时")
    assert issued.secret not in issued.token.token_hash
    c = client_for(None)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}
    assert c.get("/api/v1/accounts/me", **auth).status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert c.get("/api/v1/accounts/me", **auth).status_code == 401
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    office = client_for(world.office)
    assert office.post(f"/api/v1/accounts/tokens/{issued.token.pk}/revoke").status_code == 204
    assert c.get("/api/v1/accounts/me", **auth).status_code == 401


def test_lists_are_paginated(world: Any, client_for: Any) -> None:
    body = client_for(world.office).get("/api/v1/registry/organisations?page=2&page_size=10").json()
    assert body["page"] == 2 and body["page_size"] == 10 and len(body["items"]) == 10
    assert body["count"] > 100


def test_the_openapi_document_and_local_docs_are_served(world: Any, client_for: Any) -> None:
    c = client_for(None)
    schema = c.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "清欠 API"
    assert "/api/v1/registry/organisations" in schema["paths"]
    docs = c.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_healthz_reports_database_and_migrations(world: Any, client_for: Any) -> None:
    response = client_for(None).get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["migrations"] == {"status": "ok", "pending": 0}


def test_a_token_client_needs_no_csrf_token_even_when_csrf_is_enforced(world: Any) -> None:
    from django.test import Client

    issued = token_create(actor=world.office, user=world.office, name="机器", scope="write")
    c = Client(enforce_csrf_checks=True)
    response = c.post(
        "/api/v1/accounts/tokens",
        json.dumps({"name": "无需CSRF"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 201


def test_an_anonymous_post_is_unauthenticated_not_a_csrf_failure(world: Any) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/accounts/tokens", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert response.status_code == 401
