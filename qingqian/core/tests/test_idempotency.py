"""Idempotency-Key on POSTs that create: replay, 422 on a different body, 409 while in flight."""

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from qingqian.core.models import IdempotencyKey
from qingqian.registry.models import Organisation, Region


@pytest.fixture
def body(world: Any) -> dict[str, Any]:
    return {
        "name": "幂等测试单位",
        "kind": "organ",
        "level": "city",
        "region_id": Region.objects.get(code="130100").pk,
    }


def _post(c: Any, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return c.post(
        "/api/v1/registry/organisations", json.dumps(body), content_type="application/json", **headers
    )


def test_the_same_key_and_body_replays_the_first_response_and_creates_once(
    world: Any, client_for: Any, body: Any
) -> None:
    c = client_for(world.office)
    first = _post(c, body)
    second = _post(c, body)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second["Idempotent-Replayed"] == "true"
    assert Organisation.objects.filter(name="幂等测试单位").count() == 1


def test_the_same_key_with_another_body_is_refused(world: Any, client_for: Any, body: Any) -> None:
    c = client_for(world.office)
    _post(c, body)
    other = _post(c, {**body, "name": "另一个单位"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert not Organisation.objects.filter(name="另一个单位").exists()


def test_a_duplicate_while_the_first_is_in_flight_gets_409(world: Any, client_for: Any, body: Any) -> None:
    _in_flight_row(world, body, age_seconds=1)
    response = _post(client_for(world.office), body)
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_flight"
    assert not Organisation.objects.filter(name="幂等测试单位").exists()


def test_keys_are_per_caller(world: Any, client_for: Any, body: Any) -> None:
    assert _post(client_for(world.office), body).status_code == 201
    # Another user with the same key is a different request: the system administrator gets 400
    # (duplicate name), not the office's stored 201.
    response = _post(client_for(world.sysadmin), body)
    assert response.status_code == 400


def test_an_expired_key_can_be_used_again(world: Any, client_for: Any, body: Any) -> None:
    c = client_for(world.office)
    _post(c, body)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    again = _post(c, {**body, "name": "过期后新单位"})
    assert again.status_code == 201


def test_keys_are_kept_at_least_24_hours(world: Any, client_for: Any, body: Any) -> None:
    _post(client_for(world.office), body)
    record = IdempotencyKey.objects.get()
    assert record.expires_at - record.created_at >= dt.timedelta(hours=24)


def test_an_overlong_key_is_refused(world: Any, client_for: Any, body: Any) -> None:
    response = _post(client_for(world.office), body, key="x" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"


def test_a_post_without_a_key_works_as_usual(world: Any, client_for: Any, body: Any) -> None:
    assert _post(client_for(world.office), body, key=None).status_code == 201
    assert not IdempotencyKey.objects.exists()


def _in_flight_row(world: Any, body: dict[str, Any], *, age_seconds: int) -> IdempotencyKey:
    import hashlib

    path = "/api/v1/registry/organisations"
    raw = json.dumps(body).encode()
    return IdempotencyKey.objects.create(
        principal=f"user:{world.office.pk}",
        key="key-1",
        method="POST",
        path=path,
        body_hash=hashlib.sha256(b"POST" + path.encode() + raw).hexdigest(),
        created_at=timezone.now() - dt.timedelta(seconds=age_seconds),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )


def test_a_key_left_in_flight_by_a_dead_process_is_taken_over_by_a_retry(
    world: Any, client_for: Any, body: Any
) -> None:
    _in_flight_row(world, body, age_seconds=3600)
    response = _post(client_for(world.office), body)
    assert response.status_code == 201
    assert Organisation.objects.filter(name="幂等测试单位").count() == 1
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.DONE


def test_a_server_error_rolls_the_work_back_and_releases_the_key(
    world: Any, client_for: Any, body: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qingqian.core import events

    def explode(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    c = client_for(world.office)
    c.raise_request_exception = False
    # The organisation row is written, then recording its event fails: everything must roll back.
    monkeypatch.setattr("qingqian.registry.services.record_event", explode)
    failed = _post(c, body)
    assert failed.status_code == 500
    assert not Organisation.objects.filter(name="幂等测试单位").exists()
    assert not IdempotencyKey.objects.exists()
    monkeypatch.setattr("qingqian.registry.services.record_event", events.record_event)
    assert _post(c, body).status_code == 201
    assert Organisation.objects.filter(name="幂等测试单位").count() == 1
