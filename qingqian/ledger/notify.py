"""Who hears about what in the ledger, through `qingqian.notifications.notify` — the outbox row is written
in the service's own transaction, so a notification exists exactly when the change that caused it
committed; delivery (in-app at once, e-mail by the worker) happens after.

| event | topic | to |
|---|---|---|
| a payment is reported | ``ledger.payment.reported`` | the creditor SME's users (link: their portal) |
| the SME confirms or rejects it | ``ledger.payment.confirmed`` / ``.rejected`` | the debtor's clerks and whoever reported it |
| a report stays unanswered past its deadline | ``ledger.payment.escalated`` | the task-force office over the debtor's region |
| an instalment is breached | ``ledger.plan.breached`` | the debtor's clerks, its responsible department, the office |
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from qingqian.accounts.models import User
from qingqian.ledger.models import ArrearsItem
from qingqian.ledger.scoping import CLERK, DEPARTMENT, ENTERPRISE, OFFICE
from qingqian.notifications.services import notify


def tell(
    recipients: Iterable[Any],
    item: ArrearsItem,
    *,
    topic: str,
    subject: str,
    body: str = "",
    dedupe_key: str = "",
    link: str = "",
) -> int:
    """Queue one notification per recipient about `item` (subject prefixed with its contract number)."""
    rows = notify(
        recipients=list(recipients),
        topic=topic,
        subject=f"[{item.contract_number}] {subject}",
        body=body,
        link=link or reverse("ledger:item_detail", args=[item.pk]),
        obj=item,
        dedupe_key=dedupe_key,
    )
    return len(rows)


def portal_link() -> str:
    return reverse("ledger:portal")


# --- recipients ---------------------------------------------------------------------------------------


def _users(q: Q) -> QuerySet[User]:
    """Active users holding an active grant matching `q`."""
    return User.objects.filter(
        is_active=True, pk__in=User.objects.filter(q, grants__active=True).values("pk")
    )


def _region_prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def office_users(item: ArrearsItem) -> QuerySet[User]:
    """The task-force office over the debtor's region (a grant without a region covers the city)."""
    covers = Q(grants__region__isnull=True) | Q(
        grants__region__path__in=_region_prefixes(item.debtor.region.path)
    )
    return _users(Q(grants__role=OFFICE) & covers)


def enterprise_users(item: ArrearsItem) -> QuerySet[User]:
    return _users(Q(grants__role=ENTERPRISE, grants__enterprise_id=item.creditor_id))


def debtor_users(item: ArrearsItem) -> QuerySet[User]:
    """The debtor body's own clerks."""
    return _users(Q(grants__role=CLERK, grants__organisation_id=item.debtor_id))


def department_users(item: ArrearsItem) -> QuerySet[User]:
    """The handlers of the debtor's responsible department (谁主管谁负责), else its supervising one."""
    debtor = item.debtor
    department = debtor.responsible_department_id or debtor.supervising_department_id
    if department is None:
        return User.objects.none()
    return _users(Q(grants__role=DEPARTMENT, grants__organisation_id=department))
