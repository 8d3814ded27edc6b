"""The concurrency drill's set-up and final check (see drills/concurrency.py)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from drills.inside.common import audit_chain, demo_city, item_invariants, standard_users

TRANSITIONS = ("complaints.case.accept", "complaints.case.reject")
DECISIONS = ("ledger.payment.confirmed", "ledger.payment.rejected")


def setup(payload: dict[str, Any]) -> dict[str, Any]:
    """A case under review, an item of 1,000.00 with one report of 100.00 awaiting the SME, and an
    item of 1,000.00 with nothing reported yet."""
    import datetime as dt

    from qingqian.accounts.testing import build_world
    from qingqian.complaints.choices import Status
    from qingqian.complaints.models import Complaint
    from qingqian.complaints.tests.factories import make_case
    from qingqian.ledger import services as ledger
    from qingqian.ledger.tests.factories import make_item

    demo_city()
    users = standard_users()
    world = build_world()
    case = make_case(world, Status.UNDER_REVIEW)
    decided = make_item(actor=world.clerk, arrears="1000.00", contract_number="RACE-DECIDE")
    report = ledger.payment_report_create(
        actor=world.clerk,
        item=decided,
        amount=Decimal("100.00"),
        paid_on=dt.date(2025, 6, 1),
        method="bank_transfer",
    )
    overpaid = make_item(actor=world.clerk, arrears="1000.00", contract_number="RACE-OVERPAY")
    return {
        "tokens": {name: u["token"] for name, u in users.items()},
        "complaint": case.pk,
        "version": Complaint.objects.get(pk=case.pk).version,
        "report": report.pk,
        "decided_item": decided.pk,
        "overpaid_item": overpaid.pk,
        "respondent_id": case.respondent_id,
        "complaints_before": Complaint.objects.count(),
    }


def verify(payload: dict[str, Any]) -> dict[str, Any]:
    """What the database says after the races, next to what the clients were told."""
    from qingqian.complaints.models import Complaint
    from qingqian.core.models import Event
    from qingqian.ledger.choices import EntryKind, ReportStatus
    from qingqian.ledger.models import LedgerEntry, PaymentReport
    from qingqian.notifications.models import Notification

    case = Complaint.objects.get(pk=payload["complaint"])
    transition_events = Counter(
        Event.objects.filter(object_id=str(case.pk), action__in=TRANSITIONS).values_list("action", flat=True)
    )
    report = PaymentReport.objects.get(pk=payload["report"])
    decision_events = Counter(
        a
        for a, d in Event.objects.filter(action__in=DECISIONS).values_list("action", "data")
        if d.get("report") == report.pk
    )
    overpaid = list(
        PaymentReport.objects.filter(item_id=payload["overpaid_item"]).values_list("id", "amount", "status")
    )
    overpaid_events = Counter(
        d.get("report")
        for d in Event.objects.filter(
            action="ledger.payment.reported", object_id=str(payload["overpaid_item"])
        ).values_list("data", flat=True)
    )
    filed = list(
        Complaint.objects.filter(pk__in=payload["filed_ids"])
        .order_by("number")
        .values_list("number", flat=True)
    )
    serials = [int(n[-6:]) for n in filed]
    return {
        "complaint": {
            "status": case.status,
            "version_step": case.version - payload["version"],
            "events": dict(transition_events),
            "notifications": dict(
                Counter(
                    Notification.objects.filter(
                        object_type="complaints.complaint", object_id=str(case.pk), topic__in=TRANSITIONS
                    ).values_list("topic", flat=True)
                )
            ),
        },
        "report": {
            "status": report.status,
            "events": dict(decision_events),
            "payment_entries": LedgerEntry.objects.filter(
                payment_report=report, kind=EntryKind.PAYMENT
            ).count(),
        },
        "overpay": {
            "reports": sorted(pk for pk, _a, _s in overpaid),
            "total": str(sum((a for _pk, a, s in overpaid if s == ReportStatus.REPORTED), Decimal(0))),
            "events_not_once": [pk for pk, _a, _s in overpaid if overpaid_events.get(pk, 0) != 1],
        },
        "filings": {
            "rows": len(filed),
            "distinct_numbers": len(set(filed)),
            "consecutive": serials == list(range(serials[0], serials[0] + len(serials)))
            if serials
            else False,
        },
        "items": item_invariants([payload["decided_item"], payload["overpaid_item"]]),
        "audit": audit_chain(),
    }
