"""Disputes counted apart, repayment plans with revisions and breach warnings, campaigns, cleared totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from qingqian.core.errors import Conflict, InvalidInput, NotPermitted
from qingqian.ledger import selectors, services
from qingqian.ledger.choices import EntryKind, InstalmentState, PlanStatus, WarningKind
from qingqian.ledger.models import ArrearsItem, LedgerEntry, LedgerWarning
from qingqian.ledger.tests.factories import confirmed_payment, debtor, make_item
from qingqian.notifications.models import Notification
from qingqian.registry.models import Region

pytestmark = pytest.mark.django_db


def test_a_disputed_part_is_counted_apart_and_a_court_outcome_writes_it_off(world):
    item = make_item(actor=world.clerk, arrears="1000.00")
    with pytest.raises(InvalidInput):
        services.dispute_open(
            actor=world.clerk, item=item, amount=Decimal("1000.01"), reason="x", path="court"
        )
    dispute = services.dispute_open(
        actor=world.clerk, item=item, amount=Decimal("300.00"), reason="工程量有争议", path="negotiation"
    )
    item.refresh_from_db()
    assert (item.disputed_amount, item.undisputed_amount) == (Decimal("300.00"), Decimal("700.00"))
    totals = selectors.totals_of(ArrearsItem.objects.filter(pk=item.pk))
    assert (totals.disputed, totals.undisputed) == (Decimal("300.00"), Decimal("700.00"))
    # the undisputed part can be paid, the disputed part not before it is resolved
    with pytest.raises(InvalidInput):
        services.payment_report_create(
            actor=world.clerk,
            item=item,
            amount=Decimal("800.00"),
            paid_on=dt.date(2025, 1, 1),
            method="bank_transfer",
        ) and services.payment_report_confirm(actor=world.enterprise, report=item.payment_reports.get())
    services.dispute_change_path(
        actor=world.clerk, dispute=dispute, path="court", case_ref="(2025)冀01民初7号"
    )
    with pytest.raises(NotPermitted):  # the debtor does not decide its own dispute
        services.dispute_resolve(actor=world.clerk, dispute=dispute, amount_owed=Decimal("0.00"), note="判决")
    services.dispute_resolve(
        actor=world.finance, dispute=dispute, amount_owed=Decimal("100.00"), note="判决支持100元"
    )
    item.refresh_from_db()
    assert item.disputed_amount == 0
    assert item.balance == Decimal("800.00") and item.written_off_total == Decimal("200.00")
    entry = LedgerEntry.objects.get(item=item, kind=EntryKind.WRITE_OFF)
    assert entry.reference == "(2025)冀01民初7号" and entry.dispute == dispute


def test_a_negotiated_outcome_adjusts_the_principal(world):
    item = make_item(actor=world.clerk, arrears="1000.00")
    dispute = services.dispute_open(
        actor=world.clerk, item=item, amount=Decimal("400.00"), reason="质量问题", path="mediation"
    )
    services.dispute_resolve(
        actor=world.office, dispute=dispute, amount_owed=Decimal("150.00"), note="调解书确认"
    )
    item.refresh_from_db()
    assert (item.principal_total, item.balance, item.written_off_total) == (
        Decimal("750.00"),
        Decimal("750.00"),
        Decimal("0.00"),
    )


def _plan(world, item, amounts, start=dt.date(2027, 1, 31)):
    days = [start + dt.timedelta(days=30 * n) for n in range(len(amounts))]
    return services.plan_propose(
        actor=world.clerk,
        item=item,
        instalments=[(d, Decimal(a)) for d, a in zip(days, amounts, strict=True)],
        reason="资金分批到位",
    )


def test_the_responsible_department_approves_a_plan_and_a_revision_keeps_the_original(world):
    item = make_item(actor=world.clerk, arrears="900.00")
    with pytest.raises(InvalidInput):
        _plan(world, item, ["300.00", "300.00"])  # must cover the undisputed balance
    plan = _plan(world, item, ["300.00", "300.00", "300.00"])
    for persona in (world.clerk, world.sasac, world.enterprise):
        with pytest.raises(NotPermitted):
            services.plan_approve(actor=persona, plan=plan)
    services.plan_approve(actor=world.finance, plan=plan, note="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.decided_by == world.finance
    with pytest.raises(InvalidInput):  # a revision needs a reason
        services.plan_propose(
            actor=world.clerk, item=item, instalments=[(dt.date(2027, 6, 30), Decimal("900.00"))]
        )
    revision = services.plan_propose(
        actor=world.clerk,
        item=item,
        instalments=[(dt.date(2027, 6, 30), Decimal("900.00"))],
        reason="财政资金延后拨付",
    )
    assert revision.revises == plan and revision.version == 2
    with pytest.raises(Conflict):
        _plan(world, item, ["900.00"])  # one proposal at a time
    services.plan_approve(actor=world.office, plan=revision)
    plan.refresh_from_db()
    revision.refresh_from_db()
    assert plan.status == PlanStatus.SUPERSEDED and plan.instalments.count() == 3  # the original is kept
    assert revision.status == PlanStatus.APPROVED and revision.reason == "财政资金延后拨付"


def test_a_missed_instalment_raises_one_warning_on_item_debtor_and_plan(world, settings):
    settings.LEDGER_PLAN_GRACE_DAYS = 5
    with time_machine.travel(dt.datetime(2025, 1, 2, 2, 0, tzinfo=dt.UTC), tick=False):
        item = make_item(actor=world.clerk, arrears="600.00")
        plan = services.plan_propose(
            actor=world.clerk,
            item=item,
            instalments=[(dt.date(2025, 2, 1), Decimal("200.00")), (dt.date(2025, 3, 1), Decimal("400.00"))],
        )
        services.plan_approve(actor=world.finance, plan=plan)
    with time_machine.travel(dt.datetime(2025, 2, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        confirmed_payment(item, "200.00", dt.date(2025, 2, 3), world)  # late, but within the grace days
        assert services.plans_check_breaches() == {"met": 0, "breached": 0}
    with time_machine.travel(dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC), tick=False):
        assert services.plans_check_breaches() == {"met": 1, "breached": 1}
        assert services.plans_check_breaches() == {"met": 0, "breached": 0}  # idempotent
    first, second = plan.instalments.order_by("seq")
    assert (first.state, second.state) == (InstalmentState.MET, InstalmentState.BREACHED)
    warning = LedgerWarning.objects.get(kind=WarningKind.PLAN_BREACH)
    assert (warning.item, warning.debtor, warning.plan, warning.instalment) == (
        item,
        item.debtor,
        plan,
        second,
    )
    assert list(selectors.warnings_for(user=world.office, debtor_id=item.debtor_id)) == [warning]
    assert list(selectors.warnings_for(user=world.clerk, plan=plan)) == [warning]
    assert not selectors.warnings_for(user=world.sasac).exists()
    adherence = selectors.plan_adherence(user=world.finance, debtor_id=item.debtor_id)
    assert (adherence.judged, adherence.met, adherence.breached, adherence.rate) == (2, 1, 1, 50)
    # notified once each: the debtor's clerk, its responsible department and the office
    notes = Notification.objects.filter(topic="ledger.plan.breached", channel="inapp", object_id=str(item.pk))
    assert sorted(notes.values_list("recipient__username", flat=True)) == ["clerk", "finance", "office"]
    assert "差额 400.00 元" in notes.get(recipient=world.clerk).body


def test_the_cleared_total_counts_only_confirmed_payments_with_breakdowns(world):
    # a window (2022) with no demo data in it
    old: dict[str, Any] = {
        "signed_on": dt.date(2021, 3, 1),
        "delivered_on": dt.date(2021, 6, 1),
        "confirmed_on": dt.date(2021, 9, 1),
    }
    a = make_item(actor=world.clerk, arrears="1000.00", **old)
    b = make_item(actor=world.office, debtor_org=debtor("长安区教育局"), arrears="500.00", **old)
    before = selectors.cleared_total(user=world.office)
    county_before = selectors.cleared_total(user=world.county)
    confirmed_payment(a, "300.00", dt.date(2022, 1, 15), world)
    confirmed_payment(a, "200.00", dt.date(2022, 2, 15), world)
    report = services.payment_report_create(
        actor=world.office,
        item=b,
        amount=Decimal("100.00"),
        paid_on=dt.date(2022, 2, 1),
        method="bank_transfer",
    )  # reported, not confirmed: not cleared
    assert selectors.cleared_total(user=world.office) - before == Decimal("500.00")
    assert selectors.cleared_total(user=world.county) == county_before  # 长安区 sees only its own bodies
    assert selectors.cleared_total(
        user=world.enterprise, date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 2, 28)
    ) == Decimal("500.00")
    february = selectors.cleared_total(
        user=world.office, date_from=dt.date(2022, 2, 1), date_to=dt.date(2022, 2, 28)
    )
    assert february == Decimal("200.00")
    window: dict[str, Any] = {"date_from": dt.date(2022, 1, 1), "date_to": dt.date(2022, 2, 28)}
    by_month = {
        r.label: r.amount for r in selectors.cleared_breakdown(user=world.office, by="period", **window)
    }
    assert by_month == {"2022年1月": Decimal("300.00"), "2022年2月": Decimal("200.00")}
    kinds = selectors.cleared_breakdown(user=world.office, by="debtor_kind", **window)
    assert [(r.label, r.amount) for r in kinds] == [("机关", Decimal("500.00"))]
    departments = selectors.cleared_breakdown(user=world.office, by="department", **window)
    assert [(r.label, r.amount) for r in departments] == [("石家庄市财政局", Decimal("500.00"))]
    region = selectors.cleared_breakdown(user=world.office, by="region", **window)
    assert sum(r.amount for r in region) == Decimal("500.00")
    services.payment_report_confirm(actor=None, report=report)
    assert selectors.cleared_total(user=world.county, **window) == Decimal("100.00")


def test_a_campaign_measures_progress_against_its_scope_at_the_start(world):
    small = make_item(actor=world.clerk, arrears="400000.00")
    large = make_item(actor=world.clerk, arrears="600000.00")
    city = Region.objects.get(code="130100")
    with pytest.raises(NotPermitted):
        services.campaign_create(
            actor=world.finance,
            name="x",
            region=city,
            starts_on=dt.date(2025, 1, 1),
            deadline=dt.date(2025, 12, 31),
        )
    campaign = services.campaign_create(
        actor=world.office,
        name="50万元以下欠款年底清零",
        region=city,
        starts_on=dt.date(2025, 1, 1),
        deadline=dt.date(2025, 12, 31),
        scope={"balance_max": "500000", "debtor_kinds": ["organ"]},
    )
    services.campaign_start(actor=world.office, campaign=campaign)
    members = set(campaign.members.values_list("item_id", flat=True))
    assert small.pk in members and large.pk not in members
    confirmed_payment(small, "150000.00", dt.date(2025, 6, 1), world)
    progress = selectors.campaign_progress(user=world.office, campaign=campaign)
    mine = ArrearsItem.objects.filter(pk__in=members)
    assert progress.items_at_start == len(members)
    assert progress.cleared == Decimal("150000.00")
    assert progress.left == sum(i.balance for i in mine)
    assert progress.amount_at_start - progress.left == Decimal("150000.00")
