"""The crash drill's set-up and final check (see drills/crash.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from drills.inside.common import (
    CITY,
    EDUCATION,
    HENGXIN,
    audit_chain,
    demo_city,
    drain_outbox,
    item_invariants,
    outbox_vs_spool,
    standard_users,
)

ORG_PREFIX = "崩溃演练单位"
COMPLAINT_MARK = "DRILL-C-"
PAYMENT_MARK = "DRILL-P-"


def setup(_payload: Any) -> dict[str, Any]:
    from qingqian.ledger.choices import ItemStatus
    from qingqian.ledger.models import ArrearsItem
    from qingqian.registry.models import Organisation, Region

    demo_city()
    users = standard_users()
    items = list(
        ArrearsItem.objects.filter(
            debtor__name=EDUCATION, creditor__name=HENGXIN, status=ItemStatus.OPEN, disputed_amount=0
        ).values_list("pk", flat=True)
    )
    return {
        "tokens": {name: u["token"] for name, u in users.items()},
        "region_id": Region.objects.get(code=CITY).pk,
        "respondent_id": Organisation.objects.get(name=EDUCATION).pk,
        "items": items,
    }


def _by_marker(rows: list[tuple[str, int]], mark: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for text, pk in rows:
        start = text.find(mark)
        if start >= 0:
            out.setdefault(text[start : start + len(mark) + 5], []).append(pk)
    return out


def verify(payload: dict[str, Any]) -> dict[str, Any]:
    """`payload["acked"][kind][marker] = id` for every request that got a 2xx; `payload["sent"][kind]`
    lists every marker sent. Checks each kind's rows, creation events and notifications."""
    from qingqian.complaints.models import Complaint
    from qingqian.core.models import Event
    from qingqian.ledger.models import PaymentReport
    from qingqian.notifications.models import Channel, Notification
    from qingqian.registry.models import Organisation

    outbox_run = drain_outbox()
    found = {
        "organisation": _by_marker(
            list(Organisation.objects.filter(name__startswith=ORG_PREFIX).values_list("name", "id")),
            ORG_PREFIX,
        ),
        "complaint": _by_marker(
            list(Complaint.objects.filter(summary__contains=COMPLAINT_MARK).values_list("summary", "id")),
            COMPLAINT_MARK,
        ),
        "payment": _by_marker(
            list(
                PaymentReport.objects.filter(reference__startswith=PAYMENT_MARK).values_list(
                    "reference", "id"
                )
            ),
            PAYMENT_MARK,
        ),
    }
    created_events = {
        "organisation": Counter(
            Event.objects.filter(action="registry.organisation.created").values_list("object_id", flat=True)
        ),
        "complaint": Counter(
            Event.objects.filter(action="complaints.case.filed").values_list("object_id", flat=True)
        ),
        "payment": Counter(
            str(d.get("report"))
            for d in Event.objects.filter(action="ledger.payment.reported").values_list("data", flat=True)
        ),
    }
    # one e-mail per acknowledged filing (to the drill's office user) and per payment report (to the SME)
    mails = {
        "complaint": Counter(
            Notification.objects.filter(
                channel=Channel.EMAIL, topic="complaints.case.filed", object_type="complaints.complaint"
            ).values_list("object_id", flat=True)
        ),
        "payment": Counter(
            key.split("|")[0].rsplit(":", 1)[1]
            for key in Notification.objects.filter(
                channel=Channel.EMAIL, dedupe_key__startswith="ledger.payment.reported:"
            ).values_list("dedupe_key", flat=True)
        ),
    }
    kinds: dict[str, Any] = {}
    for kind, acked in payload["acked"].items():
        rows = found[kind]
        ids = rows
        kinds[kind] = {
            "acknowledged": len(acked),
            "rows": sum(len(v) for v in rows.values()),
            "lost": [m for m in acked if m not in ids][:5],
            "duplicated": [m for m, pks in ids.items() if len(pks) > 1][:5],
            "wrong_id": [m for m, pk in acked.items() if m in ids and ids[m] != [pk]][:5],
            "event_not_once": [m for m, pks in ids.items() if created_events[kind].get(str(pks[0]), 0) != 1][
                :5
            ],
            "mail_not_once": [
                m for m, pks in ids.items() if kind in mails and mails[kind].get(str(pks[0]), 0) != 1
            ][:5],
            "unknown": [m for m in ids if m not in payload["sent"][kind]][:5],
        }
        kinds[kind]["ok"] = not any(
            kinds[kind][k]
            for k in ("lost", "duplicated", "wrong_id", "event_not_once", "mail_not_once", "unknown")
        )
    touched = list(
        PaymentReport.objects.filter(reference__startswith=PAYMENT_MARK).values_list("item_id", flat=True)
    )
    return {
        "kinds": kinds,
        "outbox_run": outbox_run,
        "outbox": outbox_vs_spool(),
        "items": item_invariants(sorted(set(touched))),
        "audit": audit_chain(),
    }
