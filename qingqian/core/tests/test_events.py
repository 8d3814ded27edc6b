"""The audit trail: written in the service's transaction, stamped with request id and IP, never edited."""

from typing import Any

import pytest
from django.db import transaction

from qingqian.core.events import events_for, record_event
from qingqian.core.models import AppendOnlyViolation, Event
from qingqian.core.timeline import timeline_for
from qingqian.registry import services
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation, Region


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        record_event(actor=None, action="core.test")


def test_events_cannot_be_edited_or_deleted(world: Any) -> None:
    event = Event.objects.first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(AppendOnlyViolation):
        event.save()
    with pytest.raises(AppendOnlyViolation):
        event.delete()
    with pytest.raises(AppendOnlyViolation):
        Event.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyViolation):
        Event.objects.all().delete()
    assert Event.objects.get(pk=event.pk).action != "tampered"


def test_a_failed_service_leaves_neither_the_change_nor_its_event(world: Any) -> None:
    city = Region.objects.get(code="130100")
    before = Event.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        services.organisation_create(
            actor=None, name="回滚单位", kind=OrganisationKind.ORGAN, level=Level.CITY, region=city
        )
        1 / 0  # noqa: B018 - fail after the service wrote, inside the same transaction
    assert not Organisation.objects.filter(name="回滚单位").exists()
    assert Event.objects.count() == before


def test_an_update_records_only_what_changed_with_before_and_after(world: Any) -> None:
    org = Organisation.objects.get(name="石家庄市教育局")
    services.organisation_update(actor=world.office, organisation=org, short_name="市教育局")
    event = events_for(org).filter(action="registry.organisation.updated").get()
    assert event.before == {"short_name": ""}
    assert event.after == {"short_name": "市教育局"}
    assert event.actor == world.office


def test_a_web_request_stamps_request_id_and_ip_on_its_events(world: Any, client_for: Any) -> None:
    c = client_for(world.office)
    region = Region.objects.get(code="130100")
    response = c.post(
        "/api/v1/registry/organisations",
        {"name": "请求编号测试单位", "kind": "organ", "level": "city", "region_id": region.pk},
        content_type="application/json",
        HTTP_X_REQUEST_ID="req-abcdef123456",
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201, response.content
    assert response["X-Request-ID"] == "req-abcdef123456"
    org = Organisation.objects.get(name="请求编号测试单位")
    event = events_for(org).get(action="registry.organisation.created")
    assert (event.request_id, event.ip, event.channel, event.actor) == (
        "req-abcdef123456",
        "10.1.2.3",
        "api",
        world.office,
    )


def test_a_malformed_request_id_is_replaced(world: Any, client_for: Any) -> None:
    response = client_for(None).get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>" and len(response["X-Request-ID"]) == 32


def test_the_timeline_reads_events_as_labelled_steps(world: Any) -> None:
    org = Organisation.objects.get(name="石家庄市教育局")
    steps = timeline_for(org)
    assert [s.label for s in steps][:2] == ["登记单位", "责任部门按转办规则调整"]
    assert "市财政局" in steps[1].detail


def test_logins_and_failures_are_audited(world: Any, client_for: Any) -> None:
    from django.test import Client

    c = Client()
    c.post("/accounts/login/", {"username": "office", "password": "wrong"})
    assert Event.objects.filter(action="accounts.login.failed", data__username="office").exists()
    c.post("/accounts/login/", {"username": "office", "password": world.password("office")})
    assert Event.objects.filter(action="accounts.login.succeeded", actor=world.office).exists()
