"""Registering arrears, two-sided payment confirmation, corrections and clearance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from qingqian.core.errors import Conflict, InvalidInput, InvalidTransition, NotPermitted
from qingqian.core.models import Event
from qingqian.ledger import services
from qingqian.ledger.choices import EntryKind, ItemStatus, ReportStatus, WarningKind
from qingqian.ledger.models import ArrearsItem, LedgerEntry, LedgerWarning
from qingqian.ledger.tests.factories import confirmed_payment, make_item

pytestmark = pytest.mark.django_db


def test_a_clerk_registers_an_item_and_the_rules_fix_its_due_date(world):
    item = make_item(actor=world.clerk, arrears="120000.00", delivered_on=dt.date(2024, 4, 1))
    assert item.balance == Decimal("120000.00")
    assert item.principal_total == Decimal("120000.00")
    assert item.creditor_size_class == "small"  # snapshot of the SME's size class
    assert item.regulation == "2020"
    assert item.due_on == dt.date(
        2024, 5, 6
    )  # 30 days → 2024-05-01, a holiday: rolled to the next working day
    assert item.rate_num and item.rate_den  # exact daily rate stored for the aging
    entry = LedgerEntry.objects.get(item=item)
    assert entry.kind == EntryKind.CONFIRMED and entry.amount == Decimal("120000.00")
    assert Event.objects.filter(action="ledger.item.created", object_id=str(item.pk)).exists()


def test_the_same_contract_cannot_be_registered_twice(world):
    item = make_item(actor=world.clerk)
    with pytest.raises(InvalidInput) as exc:
        make_item(actor=world.clerk, contract_number=item.contract_number)
    assert "contract_number" in exc.value.fields


def test_a_clerk_cannot_register_arrears_of_another_body(world):
    from qingqian.ledger.tests.factories import debtor

    with pytest.raises(NotPermitted):
        make_item(actor=world.clerk, debtor_org=debtor("石家庄市民政局"))


def test_a_payment_counts_only_after_the_sme_confirms_it(world):
    item = make_item(actor=world.clerk, arrears="100000.00")
    report = services.payment_report_create(
        actor=world.clerk,
        item=item,
        amount=Decimal("40000.00"),
        paid_on=dt.date(2024, 7, 1),
        method="e_voucher",
    )
    item.refresh_from_db()
    assert item.balance == Decimal("100000.00")  # reported is not cleared
    assert report.non_cash  # e-vouchers are flagged
    services.payment_report_confirm(actor=world.enterprise, report=report)
    item.refresh_from_db()
    assert item.balance == Decimal("60000.00")
    assert item.paid_total == Decimal("40000.00")
    entry = LedgerEntry.objects.get(payment_report=report)
    assert entry.effective_on == dt.date(2024, 7, 1)
    with pytest.raises(InvalidTransition):
        services.payment_report_confirm(actor=world.enterprise, report=report)


def test_only_the_creditor_sme_confirms_or_rejects(world):
    item = make_item(actor=world.clerk)
    report = services.payment_report_create(
        actor=world.clerk,
        item=item,
        amount=Decimal("1.00"),
        paid_on=dt.date(2024, 7, 1),
        method="bank_transfer",
    )
    for persona in (world.clerk, world.office, world.finance):
        with pytest.raises(NotPermitted):
            services.payment_report_confirm(actor=persona, report=report)
    with pytest.raises((NotPermitted,)):
        services.payment_report_confirm(actor=world.sasac, report=report)


def test_the_sme_rejects_a_report_with_a_reason_and_nothing_moves(world):
    item = make_item(actor=world.clerk, arrears="5000.00")
    report = services.payment_report_create(
        actor=world.clerk,
        item=item,
        amount=Decimal("5000.00"),
        paid_on=dt.date(2024, 7, 1),
        method="bank_transfer",
    )
    with pytest.raises(InvalidInput):
        services.payment_report_reject(actor=world.enterprise, report=report, reason=" ")
    services.payment_report_reject(actor=world.enterprise, report=report, reason="未收到该笔款项")
    report.refresh_from_db()
    item.refresh_from_db()
    assert report.status == ReportStatus.REJECTED and report.reject_reason == "未收到该笔款项"
    assert item.balance == Decimal("5000.00")
    assert not LedgerEntry.objects.filter(item=item, kind=EntryKind.PAYMENT).exists()


def test_reports_cannot_exceed_what_is_still_owed(world):
    item = make_item(actor=world.clerk, arrears="1000.00")
    services.payment_report_create(
        actor=world.clerk,
        item=item,
        amount=Decimal("600.00"),
        paid_on=dt.date(2024, 7, 1),
        method="bank_transfer",
    )
    with pytest.raises(Conflict) as exc:  # the balance is taken by the report awaiting confirmation
        services.payment_report_create(
            actor=world.clerk,
            item=item,
            amount=Decimal("500.00"),
            paid_on=dt.date(2024, 7, 2),
            method="bank_transfer",
        )
    assert "amount" in exc.value.fields and exc.value.code == "pending_reports_exceed_balance"


def test_a_reversal_restores_the_balance_and_needs_a_reason(world):
    item = make_item(actor=world.clerk, arrears="1000.00")
    confirmed_payment(item, "400.00", dt.date(2024, 7, 1), world)
    entry = LedgerEntry.objects.get(item=item, kind=EntryKind.PAYMENT)
    with pytest.raises(InvalidInput):
        services.entry_reverse(actor=world.finance, entry=entry, reason="")
    with pytest.raises(NotPermitted):  # the debtor never lowers or restores its own figures
        services.entry_reverse(actor=world.clerk, entry=entry, reason="错误")
    reversal = services.entry_reverse(actor=world.finance, entry=entry, reason="银行退票")
    item.refresh_from_db()
    assert item.balance == Decimal("1000.00") and item.paid_total == 0
    assert reversal.reverses == entry and reversal.effective_on == entry.effective_on
    with pytest.raises(Conflict):
        services.entry_reverse(actor=world.finance, entry=entry, reason="再次")
    with pytest.raises(Conflict):
        services.entry_reverse(actor=world.finance, entry=reversal, reason="冲正的冲正")


def test_a_write_off_by_judgment_reduces_the_balance_but_is_not_cleared(world):
    item = make_item(actor=world.clerk, arrears="1000.00")
    with pytest.raises(InvalidInput):
        services.item_write_off(
            actor=world.finance,
            item=item,
            amount=Decimal("300.00"),
            effective_on=dt.date(2024, 8, 1),
            reference="",
            reason="判决",
        )
    services.item_write_off(
        actor=world.finance,
        item=item,
        amount=Decimal("300.00"),
        effective_on=dt.date(2024, 8, 1),
        reference="(2024)冀01民初1号",
        reason="判决认定部分款项不予支付",
    )
    item.refresh_from_db()
    assert (
        item.balance == Decimal("700.00")
        and item.written_off_total == Decimal("300.00")
        and item.paid_total == 0
    )


def test_clearance_needs_zero_balance_and_the_smes_reconciliation_then_nothing_changes(world):
    item = make_item(actor=world.clerk, arrears="800.00")
    with pytest.raises(Conflict):
        services.item_reconcile(actor=world.enterprise, item=item)
    confirmed_payment(item, "800.00", dt.date(2024, 7, 1), world)
    with pytest.raises(Conflict) as exc:
        services.item_close(actor=world.clerk, item=item)
    assert exc.value.code == "not_reconciled"
    with pytest.raises(NotPermitted):
        services.item_reconcile(actor=world.clerk, item=item)
    services.item_reconcile(actor=world.enterprise, item=item, note="双方账目核对一致")
    services.item_close(actor=world.clerk, item=item)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED and item.close_basis == "payments"

    entry = LedgerEntry.objects.filter(item=item).earliest("pk")
    refused = [
        lambda: services.payment_report_create(
            actor=world.clerk,
            item=item,
            amount=Decimal("1.00"),
            paid_on=dt.date(2024, 7, 1),
            method="bank_transfer",
        ),
        lambda: services.item_update(actor=world.clerk, item=item, contract_name="改名"),
        lambda: services.item_adjust(
            actor=world.finance,
            item=item,
            amount=Decimal("10.00"),
            effective_on=dt.date(2024, 7, 1),
            reason="x",
        ),
        lambda: services.entry_reverse(actor=world.finance, entry=entry, reason="x"),
        lambda: services.dispute_open(
            actor=world.clerk, item=item, amount=Decimal("1.00"), reason="x", path="court"
        ),
        lambda: services.plan_propose(
            actor=world.clerk, item=item, instalments=[(dt.date(2030, 1, 1), Decimal("1.00"))]
        ),
        lambda: services.item_close(actor=world.clerk, item=item),
    ]
    for attempt in refused:
        with pytest.raises(Conflict) as exc:
            attempt()
        assert exc.value.code == "item_closed"


def test_a_new_entry_voids_an_earlier_reconciliation(world):
    item = make_item(actor=world.clerk, arrears="800.00")
    confirmed_payment(item, "800.00", dt.date(2024, 7, 1), world)
    services.item_reconcile(actor=world.enterprise, item=item)
    entry = LedgerEntry.objects.get(item=item, kind=EntryKind.PAYMENT)
    services.entry_reverse(actor=world.finance, entry=entry, reason="银行退票")
    item.refresh_from_db()
    assert item.reconciled_at is None
    with pytest.raises(Conflict):
        services.item_close(actor=world.clerk, item=item)


def test_an_unanswered_report_is_escalated_to_the_office_once(world, settings):
    settings.LEDGER_CONFIRM_ESCALATE_DAYS = 7
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC), tick=False):
        item = make_item(actor=world.clerk)
        report = services.payment_report_create(
            actor=world.clerk,
            item=item,
            amount=Decimal("10.00"),
            paid_on=dt.date(2025, 3, 1),
            method="commercial_bill",
        )
        assert services.payment_reports_escalate() == 0
    with time_machine.travel(dt.datetime(2025, 3, 10, 9, 0, 1, tzinfo=dt.UTC), tick=False):
        assert services.payment_reports_escalate() == 1
        assert services.payment_reports_escalate() == 0  # idempotent
    warning = LedgerWarning.objects.get(payment_report=report)
    assert warning.kind == WarningKind.PAYMENT_UNCONFIRMED and warning.debtor == item.debtor
    assert Event.objects.filter(action="ledger.payment.escalated", object_id=str(item.pk)).count() == 1
    services.payment_report_confirm(actor=world.enterprise, report=report)
    warning.refresh_from_db()
    assert warning.resolved_at is not None


def test_editing_an_input_of_the_rules_refreshes_the_assessment(world):
    item = make_item(actor=world.clerk, delivered_on=dt.date(2024, 4, 1))
    services.item_update(actor=world.clerk, item=item, agreed_term_days=60)
    item.refresh_from_db()
    assert item.due_on == dt.date(2024, 5, 31)
    assert item.explanation["term"] == {"code": "term.agreed", "values": {"days": 60}}
    assert item.shown_assessment.explanation["term_days"] == 60
    event = Event.objects.filter(action="ledger.item.updated", object_id=str(item.pk)).get()
    assert event.after == {"agreed_term_days": 60}


def test_scope_follows_the_debtor(world):
    item = make_item(actor=world.clerk)
    visible = {
        name
        for name, user in world.all().items()
        if ArrearsItem.objects.restrict(user, "view").filter(pk=item.pk).exists()
    }
    assert visible == {"office", "finance", "clerk", "enterprise", "auditor", "leader"}
    changers = {
        name
        for name, user in world.all().items()
        if ArrearsItem.objects.restrict(user, "change").filter(pk=item.pk).exists()
    }
    assert changers == {"office", "finance", "clerk"}
