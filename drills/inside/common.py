"""Set-up and checks shared by the drills (run inside Django on the drill's database)."""

from __future__ import annotations

import time
from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Sum

EDUCATION = "石家庄市教育局"
HENGXIN = "石家庄恒信建筑劳务有限公司"
CITY = "130100"


def demo_city() -> None:
    """The demo city (regions, bodies, enterprises, personas, 台账), through the real services."""
    from qingqian.accounts.models import User
    from qingqian.demo.seed import seed_all

    if not User.objects.filter(username="office").exists():
        seed_all()


def drill_user(username: str, role: str, **scope: Any) -> dict[str, Any]:
    """A user with an e-mail address (so notifications go through the outbox) and a write token."""
    from qingqian.accounts.models import User
    from qingqian.accounts.services import role_grant, token_create, user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(
            actor=None, username=username, password=None, display_name=username, email=f"{username}@drill.cn"
        )
        role_grant(actor=None, user=user, role=role, **scope)
    token = token_create(actor=None, user=user, name="drill", scope="write")
    return {"id": user.pk, "token": token.secret}


def standard_users() -> dict[str, dict[str, Any]]:
    """The three parties of the drills: the office (city), the SME 恒信 and the clerk of 市教育局."""
    from qingqian.registry.models import Enterprise, Organisation, Region

    return {
        "office": drill_user("drill_office", "taskforce_office", region=Region.objects.get(code=CITY)),
        "enterprise": drill_user(
            "drill_enterprise", "enterprise_user", enterprise=Enterprise.objects.get(name=HENGXIN)
        ),
        "clerk": drill_user(
            "drill_clerk", "debtor_clerk", organisation=Organisation.objects.get(name=EDUCATION)
        ),
    }


def audit_chain() -> dict[str, Any]:
    from qingqian.core import audit_chain as chain

    report = chain.verify()
    problems = report.problems or []
    return {"rows": report.rows, "problems": [str(p) for p in problems[:5]], "ok": not problems}


def drain_outbox(timeout: float = 120.0) -> dict[str, Any]:
    """Run the outbox worker's own code until no e-mail/SMS row is pending or mid-send (rows left
    mid-send by a killed worker are settled once `NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS` has passed)."""
    from qingqian.notifications.models import Channel, Notification, State
    from qingqian.notifications.services import deliver_due

    totals: Counter[str] = Counter()
    deadline = time.monotonic() + timeout
    open_rows = Notification.objects.exclude(channel=Channel.INAPP).filter(
        state__in=[State.PENDING, State.SENDING]
    )
    while open_rows.exists() and time.monotonic() < deadline:
        r = deliver_due()
        totals.update(
            {"sent": r.sent, "failed": r.failed, "recovered": r.recovered, "receipted": r.receipted}
        )
        time.sleep(0.2)
    return {**totals, "left_open": open_rows.count()}


def outbox_vs_spool() -> dict[str, Any]:
    """Every e-mail row of the outbox against the spool: each sent exactly once, nothing extra."""
    from qingqian.notifications.models import Channel, Notification, State
    from qingqian.notifications.spool import deliveries, file_key

    spooled = deliveries()
    rows = list(Notification.objects.filter(channel=Channel.EMAIL))
    keys = {file_key(n.message_id): n for n in rows}
    not_sent = [n.pk for n in rows if n.state != State.SENT]
    lost = [n.pk for key, n in keys.items() if spooled.get(key, 0) == 0]
    twice = [n.pk for key, n in keys.items() if spooled.get(key, 0) > 1]
    strangers = [key for key in spooled if key not in keys]
    return {
        "email_rows": len(rows),
        "spool_files": sum(spooled.values()),
        "not_sent": not_sent[:10],
        "lost": lost[:10],
        "sent_twice": twice[:10],
        "unknown_files": strangers[:10],
        "ok": not (not_sent or lost or twice or strangers),
    }


def item_invariants(item_ids: list[int]) -> list[str]:
    """Totals equal the sums of the entries, the balance is principal − paid − written off and never
    negative, and reports awaiting confirmation never exceed the balance."""
    from qingqian.ledger.choices import EntryBucket, ReportStatus
    from qingqian.ledger.models import ArrearsItem, LedgerEntry, PaymentReport

    problems: list[str] = []
    for item in ArrearsItem.objects.filter(pk__in=item_ids):
        sums = {
            row["bucket"]: row["t"]
            for row in LedgerEntry.objects.filter(item=item).values("bucket").annotate(t=Sum("amount"))
        }
        principal = sums.get(EntryBucket.PRINCIPAL) or Decimal(0)
        paid = sums.get(EntryBucket.PAYMENT) or Decimal(0)
        written_off = sums.get(EntryBucket.WRITE_OFF) or Decimal(0)
        pending = PaymentReport.objects.filter(item=item, status=ReportStatus.REPORTED).aggregate(
            t=Sum("amount")
        )["t"] or Decimal(0)
        if (item.principal_total, item.paid_total, item.written_off_total) != (principal, paid, written_off):
            problems.append(f"item {item.pk}: stored totals differ from the entries")
        if item.balance != principal - paid - written_off or item.balance < 0:
            problems.append(f"item {item.pk}: balance {item.balance} ≠ {principal} − {paid} − {written_off}")
        if pending > item.balance:
            problems.append(f"item {item.pk}: reports awaiting confirmation {pending} exceed the balance")
    return problems
