"""Re-assessing the open ledger after the holiday calendar or the LPR table changed: batched, the same
result as one item's own refresh, only changed rows written, and run by the administrators' edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from qingqian.core.models import Event
from qingqian.ledger import services
from qingqian.ledger.assessment import ASSESSMENT_FIELDS, apply_assessment, assess_item
from qingqian.ledger.choices import ItemStatus
from qingqian.ledger.models import ArrearsItem
from qingqian.ledger.tests.factories import confirmed_payment, make_item
from qingqian.registry.reference import calendar_day_set, invalidate
from qingqian.registry.services import lpr_rate_upsert

pytestmark = pytest.mark.django_db

MAY_DAY_ROLLED = dt.date(2024, 5, 6)  # 2024-04-01 + 30 days = 5-01, a holiday: rolled to 5-06


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """The registry caches the calendar and the LPR per process; a test's edits roll back, its cache not."""
    yield
    invalidate()


# 2024-04-01 + 30 days = 5-01, a holiday: rolled to 5-06


def stored(item: ArrearsItem) -> dict:
    """What an item stores of its assessment, without when and why it was refreshed."""
    out = {name: getattr(item, name) for name in ASSESSMENT_FIELDS if name != "assessed_at"}
    out["explanation"] = {k: v for k, v in out["explanation"].items() if k != "because"}
    return out


def alone(item: ArrearsItem) -> dict:
    """What `refresh_assessment` would store for the item on its own (not saved)."""
    fresh = ArrearsItem.objects.select_related("debtor").get(pk=item.pk)
    apply_assessment(fresh, assess_item(fresh))
    return stored(fresh)


def varied_items(world) -> list[ArrearsItem]:
    paid = make_item(actor=world.clerk, arrears="900.00")
    confirmed_payment(paid, "300.00", dt.date(2024, 6, 3), world)
    services.item_write_off(
        actor=world.office,
        item=paid,
        amount=Decimal("100.00"),
        effective_on=dt.date(2024, 6, 4),
        reference="(2024)冀01民初1号",
        reason="判决",
    )
    return [
        make_item(actor=world.clerk),
        paid,
        make_item(actor=world.clerk, agreed_annual_rate=Decimal("2.0"), agreed_term_days=45),
        make_item(
            actor=world.clerk,
            acceptance_required=True,
            acceptance_period_days=20,
            accepted_on=dt.date(2024, 5, 20),
        ),
        make_item(actor=world.clerk, acceptance_required=True),  # no acceptance period: no due date
        make_item(actor=world.clerk, delivered_on=None),
        make_item(actor=world.clerk, clauses={"back_to_back": True, "retention_percent": "5"}),
    ]


def test_the_batched_run_stores_what_each_item_would_get_on_its_own(world):
    items = varied_items(world)
    calendar_day_set(actor=None, day=MAY_DAY_ROLLED, kind="holiday", name="测试调整")
    lpr_rate_upsert(actor=None, effective_on=dt.date(2024, 3, 1), annual_rate_percent=Decimal("5.5"))

    result = services.items_reassess(batch=3)
    assert result.changed >= 2  # the rolled due dates and the raised agreed rate
    for item in items:
        item.refresh_from_db()
        assert stored(item) == alone(item), item.contract_number
    first = items[0]
    assert first.due_on == dt.date(2024, 5, 7)
    assert items[2].annual_rate_percent == Decimal("5.5")  # the agreed 2 % is below the new LPR
    event = Event.objects.filter(action="ledger.item.reassessed", object_id=str(first.pk)).get()
    assert event.before["due_on"] == "2024-05-06" and event.after["due_on"] == "2024-05-07"
    assert first.aging.overdue_days is not None  # the aging follows the new due date

    again = services.items_reassess()
    assert again.changed == 0 and again.items == result.items  # idempotent


def test_since_limits_the_run_to_items_a_change_from_that_date_can_touch(world):
    make_item(actor=world.clerk)
    early = make_item(
        actor=world.clerk,
        signed_on=dt.date(2021, 3, 1),
        delivered_on=dt.date(2021, 3, 2),
        agreed_term_days=10,
    )
    open_items = ArrearsItem.objects.filter(status=ItemStatus.OPEN).count()
    result = services.items_reassess(since=dt.date(2024, 1, 1))
    assert 0 < result.items < open_items
    assert result.changed == 0  # nothing in the reference data changed
    assert not ArrearsItem.objects.filter(pk=early.pk).filter(
        services.reassess.affected_q(dt.date(2024, 1, 1))
    )


def test_a_closed_item_is_never_reassessed(world):
    item = make_item(actor=world.clerk, arrears="10.00")
    confirmed_payment(item, "10.00", dt.date(2024, 6, 3), world)
    services.item_reconcile(actor=world.enterprise, item=item)
    services.item_close(actor=world.clerk, item=item)
    item.refresh_from_db()
    before = (item.due_on, item.assessed_at)
    calendar_day_set(actor=None, day=MAY_DAY_ROLLED, kind="holiday")
    services.items_reassess()
    item.refresh_from_db()
    assert (item.due_on, item.assessed_at) == before


def test_the_command_reports_what_it_did(world, capsys):
    make_item(actor=world.clerk)
    call_command("ledger_reassess", "--since", "2024-01-01")
    out = capsys.readouterr().out
    assert out.startswith("reassessed ") and out.strip().endswith(" 0 changed")


def test_editing_the_calendar_in_the_admin_screen_reassesses_the_items_it_moves(
    world, client_for, django_capture_on_commit_callbacks
):
    item = make_item(actor=world.clerk)
    assert item.due_on == MAY_DAY_ROLLED
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.sysadmin).post(
            "/rules/calendar/", {"date": "2024-05-06", "kind": "holiday", "name": "测试调整"}
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.due_on == dt.date(2024, 5, 7)
    event = Event.objects.get(action="ledger.item.reassessed", object_id=str(item.pk))
    assert event.data == {"reason": "reference_data_changed", "since": "2024-05-06"}


def test_editing_the_lpr_raises_agreed_rates_below_it(world, client_for, django_capture_on_commit_callbacks):
    item = make_item(actor=world.clerk, agreed_annual_rate=Decimal("2.0"))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.sysadmin).post(
            "/rules/lpr/", {"effective_on": "2024-03-01", "annual_rate_percent": "6.5", "note": ""}
        )
    item.refresh_from_db()
    assert item.annual_rate_percent == Decimal("6.5")
    assert item.explanation["rate"]["code"] == "rate.agreed_raised"
    assert item.shown_assessment.explanation["rate_reason"]["code"] == "rate.agreed_raised"


def test_many_edits_in_one_transaction_enqueue_one_run_from_the_earliest_date(
    world, settings, django_capture_on_commit_callbacks
):
    from django_tasks import task_backends
    from django_tasks.backends.dummy import DummyBackend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        lpr_rate_upsert(actor=None, effective_on=dt.date(2024, 9, 1), annual_rate_percent=Decimal("3.3"))
        calendar_day_set(actor=None, day=dt.date(2024, 7, 1), kind="holiday")
        calendar_day_set(actor=None, day=dt.date(2024, 8, 1), kind="holiday")
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    queued = [r for r in backend.results if r.task.name == "reassess_ledger"]
    assert [r.args or r.kwargs for r in queued] == [{"since": "2024-07-01"}]
    with django_capture_on_commit_callbacks(execute=True):
        calendar_day_set(actor=None, day=dt.date(2024, 8, 1), kind="holiday", name="只改名称")
    assert len([r for r in backend.results if r.task.name == "reassess_ledger"]) == 1
