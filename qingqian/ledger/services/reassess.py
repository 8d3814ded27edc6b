"""Re-running the rules over the open ledger after the reference data changed (the holiday calendar, the
LPR table): due dates roll over a different set of rest days, agreed rates meet a different LPR floor.

Batched: the facts of up to `batch` items are read (and row-locked) in one query, assessed by one
`BatchAssessor` (reference data loaded once, one `assess` per distinct set of facts), and only the rows
whose stored assessment changed are written — with one ``ledger.item.reassessed`` event each and their
aging refreshed, in the batch's transaction. A second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger.assessment import ASSESSED_FACTS, ASSESSMENT_FIELDS, BatchAssessor
from qingqian.ledger.choices import ItemStatus
from qingqian.ledger.models import ArrearsItem

#: what an event says changed (the explanation and findings follow from these)
SHOWN = ("regulation", "start_on", "term_days", "due_on", "annual_rate_percent")
#: stored fields compared to decide whether an item changed (not when or why it was assessed)
_COMPARED = [i for i, name in enumerate(ASSESSMENT_FIELDS) if name != "assessed_at"]
_EXPLANATION = ASSESSMENT_FIELDS.index("explanation")


@dataclass(frozen=True)
class ReassessResult:
    items: int  # open items looked at
    changed: int  # items whose stored assessment changed


def affected_q(since: dt.date) -> Q:
    """Open items whose assessment may change when the calendar or the LPR changes from `since` on: a due
    date on or after it (it may roll over a different rest day), or a signing date on or after it (the
    LPR in force at signing is the floor of an agreed rate)."""
    return Q(due_on__gte=since) | Q(signed_on__gte=since)


def items_reassess(
    *,
    actor: Any = None,
    since: dt.date | None = None,
    today: dt.date | None = None,
    reason: str = "reference_data_changed",
    batch: int = 2000,
) -> ReassessResult:
    """Re-assess every open item (or those `affected_q(since)`), `batch` items per transaction."""
    from qingqian.registry.reference import invalidate

    require(actor, Action.CHANGE, ArrearsItem)
    today = today or timezone.localdate()
    invalidate()  # the calendar and LPR as they are now, not as this process last cached them
    open_items = ArrearsItem.objects.filter(status=ItemStatus.OPEN)
    if since is not None:
        open_items = open_items.filter(affected_q(since))
    ids = list(open_items.order_by("pk").values_list("pk", flat=True))
    assessor = BatchAssessor(today=today, reason=reason)
    changed = 0
    for start in range(0, len(ids), batch):
        changed += _reassess_batch(actor, ids[start : start + batch], assessor, since)
    return ReassessResult(items=len(ids), changed=changed)


@transaction.atomic
def _reassess_batch(actor: Any, ids: list[int], assessor: BatchAssessor, since: dt.date | None) -> int:
    from qingqian.ledger.aging import age_items

    rows = (
        ArrearsItem.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, status=ItemStatus.OPEN)  # closed since the ids were read: immutable
        .values_list(
            "pk",
            "contract_number",
            "debtor_id",
            "creditor_id",
            "debtor__kind",
            "principal_total",
            *ASSESSED_FACTS,
            *ASSESSMENT_FIELDS,
        )
    )
    now = timezone.now()
    width = len(ASSESSED_FACTS)
    updates: list[ArrearsItem] = []
    for pk, number, debtor_id, creditor_id, kind, principal, *values in rows:
        facts, before = tuple(values[:width]), tuple(values[width:])
        after = assessor.stored(kind, facts, now, owed=principal > 0)
        if _same(before, after):
            continue
        item = ArrearsItem(
            pk=pk, contract_number=number, debtor_id=debtor_id, creditor_id=creditor_id, updated_at=now
        )
        for name, value in zip(ASSESSMENT_FIELDS, after, strict=True):
            setattr(item, name, value)
        updates.append(item)
        record_event(
            actor=actor,
            action="ledger.item.reassessed",
            obj=item,
            before={name: before[ASSESSMENT_FIELDS.index(name)] for name in SHOWN},
            after={name: after[ASSESSMENT_FIELDS.index(name)] for name in SHOWN},
            data={"reason": assessor.reason, "since": since},
        )
    if updates:
        ArrearsItem.objects.bulk_update(updates, [*ASSESSMENT_FIELDS, "updated_at"], batch_size=500)
        age_items([item.pk for item in updates])
    return len(updates)


def _same(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    for i in _COMPARED:
        old, new = before[i], after[i]
        if i == _EXPLANATION:  # why it was last refreshed is not part of the assessment
            old = {k: v for k, v in (old or {}).items() if k != "because"}
            new = {k: v for k, v in (new or {}).items() if k != "because"}
        if old != new:
            return False
    return True
