"""The synthetic city generator on a small city (`--scale tiny`), generated once for this module inside a
transaction that is rolled back at the end (each test runs in its own savepoint within it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from qingqian.complaints import deadlines
from qingqian.complaints.choices import Lateness, Status
from qingqian.complaints.models import Complaint, DeadlineHistory
from qingqian.core import audit_chain
from qingqian.core.models import Event
from qingqian.demo.generate import GenerateReport, finished_marker, generate, resolve
from qingqian.ledger.choices import InstalmentState, PaymentMethod, PlanStatus, ReportStatus, WarningKind
from qingqian.ledger.models import (
    ArrearsItem,
    Dispute,
    Instalment,
    ItemAging,
    LedgerEntry,
    LedgerWarning,
    PaymentReport,
    RepaymentPlan,
)
from qingqian.registry.models import Enterprise, Organisation
from qingqian.registry.uscc import check_uscc

AS_OF = dt.date(2026, 6, 30)
SEED = 7


@pytest.fixture(scope="module")
def generated(django_db_setup: Any, django_db_blocker: Any) -> Iterator[GenerateReport]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield generate(scale=resolve("tiny"), seed=SEED, as_of=AS_OF)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _ids(report: GenerateReport, model: Any) -> Any:
    """The rows this run generated (their ids start at the recorded block of the batch events)."""
    table = model._meta.db_table
    first = min(
        e.data["first_id"]
        for e in Event.objects.filter(action="demo.generate.batch", data__table=table)
        if e.data.get("first_id") is not None
    )
    return model.objects.filter(pk__gte=first)


def test_it_reports_what_it_made(generated: GenerateReport, world: Any) -> None:
    assert generated.counts["ledger_arrearsitem"] == 600
    assert generated.counts["complaints_complaint"] == 300
    assert generated.counts["registry_organisation"] == 60
    assert generated.counts["registry_enterprise"] == 150
    assert generated.counts["ledger_paymentreport"] > 1200
    assert set(generated.checksums) == set(generated.counts)
    assert generated.rows_per_second > 0
    marker = finished_marker()
    assert marker is not None and marker["seed"] == SEED and marker["scale"] == "tiny"
    assert marker["checksums"] == generated.checksums


def test_complaints_are_in_every_workflow_state_with_lateness_of_every_kind(
    generated: GenerateReport, world: Any
) -> None:
    cases = _ids(generated, Complaint)
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert set(cases.values_list("lateness", flat=True)) == set(Lateness.values)
    assert cases.filter(reopen_count=1, status=Status.OFFICE_REVIEW).exists()
    assert cases.filter(extension_days__gt=0).exists()
    assert cases.filter(respondent__isnull=True, pending_debtor__isnull=False).exists()


def test_complaint_deadlines_follow_the_working_day_calendar_around_holidays(
    generated: GenerateReport, world: Any
) -> None:
    cases = list(_ids(generated, Complaint))
    resumed = set(
        DeadlineHistory.objects.filter(reason__startswith="补充材料后恢复计时").values_list(
            "complaint_id", flat=True
        )
    )
    spanning = 0
    for c in cases:
        if c.pk not in resumed:
            assert c.review_due_on == deadlines.review_due(c.received_on), c.number
            # ten working days never take more than 14 calendar days, except across a public holiday
            spanning += (c.review_due_on - c.received_on).days > 14
        if c.accepted_on:
            assert c.transfer_due_on == deadlines.transfer_due(c.accepted_on), c.number
        if c.handle_base_on and c.handle_due_on:
            assert c.handle_due_on == deadlines.handle_due(c.handle_base_on, c.extension_days), c.number
        due_on, kind = deadlines.active_deadline(
            c.status,
            review_due_on=c.review_due_on,
            transfer_due_on=c.transfer_due_on,
            handle_due_on=c.handle_due_on,
            upstream_due_on=c.upstream_due_on,
        )
        assert (c.due_on, c.due_kind) == (due_on, kind), c.number
    assert spanning >= 5


def test_the_ledger_shows_every_payment_kind_dispute_and_plan_breach(
    generated: GenerateReport, world: Any
) -> None:
    items = _ids(generated, ArrearsItem)
    reports = PaymentReport.objects.filter(item__in=items)
    assert set(reports.values_list("status", flat=True)) == set(ReportStatus.values)
    assert set(reports.values_list("method", flat=True)) == set(PaymentMethod.values)
    assert reports.filter(status=ReportStatus.REPORTED, escalated_at__isnull=False).exists()
    # nothing is paid after the run's date, and most reports were answered long ago
    assert not reports.filter(paid_on__gt=AS_OF).exists()
    assert not LedgerEntry.objects.filter(item__in=items, effective_on__gt=AS_OF).exists()
    assert reports.filter(status=ReportStatus.REPORTED).count() < reports.count() * 0.15
    entries = LedgerEntry.objects.filter(item__in=items)
    assert set(entries.values_list("kind", flat=True)) == {
        "confirmed",
        "payment",
        "reversal",
        "write_off",
        "adjustment",
    }
    # paid on time, paid late, partly paid, unpaid
    aging = ItemAging.objects.filter(item__in=items)
    assert aging.filter(bucket="settled", overdue_days=0).exists()
    assert aging.filter(bucket="settled", overdue_days__gt=0).exists()
    assert items.filter(paid_total__gt=0, balance__gt=0).exists()
    assert items.filter(paid_total=0, balance__gt=0).exists()
    assert {row["bucket"] for row in aging.values("bucket")} >= {"not_due", "unknown", "settled", "365+"}
    assert set(Dispute.objects.filter(item__in=items).values_list("status", flat=True)) == {
        "open",
        "resolved",
    }
    plans = RepaymentPlan.objects.filter(item__in=items)
    assert set(plans.values_list("status", flat=True)) == set(PlanStatus.values)
    assert plans.filter(revises__isnull=False, status=PlanStatus.APPROVED).exists()
    states = set(Instalment.objects.filter(plan__in=plans).values_list("state", flat=True))
    assert states == set(InstalmentState.values)
    breached = Instalment.objects.filter(plan__in=plans, state=InstalmentState.BREACHED).count()
    warnings = LedgerWarning.objects.filter(item__in=items)
    assert warnings.filter(kind=WarningKind.PLAN_BREACH).count() == breached
    assert warnings.filter(kind=WarningKind.PAYMENT_UNCONFIRMED).exists()
    assert items.filter(status="closed", close_basis="payments").exists()
    assert items.filter(source="complaint").exists()
    amounts = sorted(items.values_list("contract_amount", flat=True))
    assert amounts[0] >= 10_000 and amounts[-1] <= 100_000_000 and amounts[-1] > 100 * amounts[0]


def test_credit_codes_are_valid_and_pilot_codes_are_flagged(generated: GenerateReport, world: Any) -> None:
    for uscc in _ids(generated, Enterprise).values_list("uscc", flat=True):
        assert check_uscc(uscc).warning == "", uscc
    for uscc, warning in _ids(generated, Organisation).values_list("uscc", "uscc_warning"):
        assert check_uscc(uscc).warning == warning, uscc
    kinds = set(_ids(generated, Organisation).values_list("kind", flat=True))
    assert kinds == {"organ", "institution", "soe", "large_enterprise"}
    assert not _ids(generated, Organisation).filter(responsible_department__isnull=True).exists()


def test_stored_figures_agree_with_the_entries_and_the_aging(generated: GenerateReport, world: Any) -> None:
    from qingqian.ledger.aging import run_aging

    call_command("ledger_verify", stdout=StringIO())  # cached totals = sums of the entries
    assert ItemAging.objects.count() == ArrearsItem.objects.count()
    assert run_aging(as_of=AS_OF).changed == 0  # the stored aging is the set-based aging of that date


def test_the_sweepers_agree_with_what_was_generated(generated: GenerateReport, world: Any) -> None:
    """Run at the generator's clock, the sweepers find nothing left undone; the next morning they find the
    day's work (the daily sweep the benchmarks time)."""
    from qingqian.complaints.services import sweep
    from qingqian.demo.generate.common import Context
    from qingqian.ledger.services import payment_reports_escalate, plans_check_breaches

    now = Context(seed=SEED, as_of=AS_OF).now
    assert sweep(now=now).total == 0
    assert payment_reports_escalate(now=now) == 0
    assert plans_check_breaches(today=AS_OF) == {"met": 0, "breached": 0}
    later = sweep(now=now + dt.timedelta(days=7))
    assert later.total > 0


def test_dashboards_and_ledger_selectors_work_on_the_generated_city(
    generated: GenerateReport, world: Any, settings: Any
) -> None:
    from qingqian.complaints.selectors import complaint_list_for
    from qingqian.dashboards.tests.test_totals import assert_consistent
    from qingqian.ledger import selectors as ledger

    settings.DASHBOARD_RANKING_MIN_ITEMS = 5
    settings.DASHBOARD_RANKING_MIN_COMPLAINTS = 1
    d = assert_consistent(world.leader)
    assert d["outstanding"]["totals"]["count"] >= 600
    assert d["plans"]["breached"] > 0 and d["campaigns"]
    assert_consistent(world.county)
    office = ledger.item_list_for(user=world.office, filters={"overdue": "1"})
    totals = ledger.totals_of(office)
    assert totals.count == office.count() > 0 and totals.balance > 0
    assert list(complaint_list_for(user=world.office, filters={"status": "open"})[:50])
    finance = ledger.totals_of(ledger.item_list_for(user=world.finance))
    assert 0 < finance.count < totals.count + ArrearsItem.objects.count()


def test_the_audit_chain_verifies_and_covers_every_batch(generated: GenerateReport, world: Any) -> None:
    report = audit_chain.verify()
    assert report.ok, report.problems
    batches = Event.objects.filter(action="demo.generate.batch")
    covered: dict[str, int] = {}
    for e in batches:
        covered[e.data["table"]] = covered.get(e.data["table"], 0) + e.data["rows"]
        assert len(e.data["sm3"]) == 64
    assert covered == generated.counts


def test_it_refuses_a_database_that_already_holds_a_generated_city(
    generated: GenerateReport, world: Any
) -> None:
    with pytest.raises(CommandError, match="already holds a generated city"):
        call_command("generate_city", "--scale", "tiny", stdout=StringIO())


def test_the_generated_rows_are_spread_over_kinds_and_regions(generated: GenerateReport, world: Any) -> None:
    per_region = _ids(generated, ArrearsItem).values("debtor__region").annotate(n=Count("id"))
    assert len(per_region) >= 10
