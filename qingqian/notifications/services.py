"""Writes to the outbox and the worker that delivers it.

`notify()` is what other apps call, inside their own transaction, so a notification exists exactly
when the change that caused it committed. Delivery happens later (`deliver_due`), never inside the
business transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, can
from qingqian.notifications.backends import DeliveryError, email_receipt, send_email, send_sms
from qingqian.notifications.models import Channel, Notification, State

DEFAULT_CHANNELS = (Channel.INAPP, Channel.EMAIL)


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6))


def claim_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS", 600)))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failure, at most 6 hours."""
    base = int(getattr(settings, "NOTIFICATIONS_BACKOFF_SECONDS", 60))
    return dt.timedelta(seconds=min(base * 2 ** max(0, attempts - 1), 6 * 3600))


def notify(
    *,
    recipients: Iterable[Any],
    topic: str,
    subject: str,
    body: str = "",
    link: str = "",
    obj: models.Model | None = None,
    channels: Iterable[str] = DEFAULT_CHANNELS,
    dedupe_key: str = "",
) -> list[Notification]:
    """Queue a notification for each recipient and channel, in the caller's transaction.

    In-app rows are delivered by being written; e-mail/SMS rows wait for the worker. Recipients
    without an address for a channel are skipped for it. `dedupe_key` (per event) makes a repeated
    call a no-op for the same recipient and channel.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notify must be called inside the service's transaction.atomic()")
    now = timezone.now()
    wanted = list(dict.fromkeys(channels))
    rows: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel in wanted:
            address = ""
            if channel == Channel.EMAIL:
                address = user.email or ""
            elif channel == Channel.SMS:
                address = getattr(user, "phone", "") or ""
            if channel != Channel.INAPP and not address:
                continue
            key = f"{dedupe_key}|{user.pk}|{channel}"[:200] if dedupe_key else ""
            if key and Notification.objects.filter(dedupe_key=key).exists():
                continue
            inapp = channel == Channel.INAPP
            rows.append(
                Notification(
                    recipient=user,
                    channel=channel,
                    address=address,
                    topic=topic,
                    subject=subject[:200],
                    body=body,
                    link=link[:300],
                    object_type=obj._meta.label_lower if obj is not None else "",
                    object_id=str(obj.pk) if obj is not None else "",
                    dedupe_key=key,
                    state=State.SENT if inapp else State.PENDING,
                    sent_at=now if inapp else None,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Notification.objects.bulk_create(rows)
    if any(r.channel != Channel.INAPP for r in rows):
        transaction.on_commit(_kick_worker)
    return rows


def _kick_worker() -> None:
    """Ask the task backend to deliver soon (the periodic run catches anything this misses)."""
    if not getattr(settings, "NOTIFICATIONS_DELIVER_ON_COMMIT", True):
        return
    try:
        from qingqian.notifications.tasks import deliver_notifications

        deliver_notifications.enqueue()
    except Exception:  # the outbox row is safe; the periodic worker delivers it
        return


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    recovered: int = 0  # left "sending" by a worker that died: queued again
    receipted: int = 0  # left "sending", but the backend's receipt says it went out: marked sent


def _send(n: Notification) -> None:
    text = n.subject if not n.body else f"{n.subject}\n\n{n.body}"
    if n.link:
        text += "\n" + n.link
    if n.channel == Channel.EMAIL:
        send_email(n.address, n.subject, text, message_id=n.message_id)
    elif n.channel == Channel.SMS:
        send_sms(n.address, n.subject)


def _recover(now: dt.datetime, report: DeliveryReport) -> None:
    """A worker that died between claiming a row and recording the outcome leaves it SENDING. After
    `NOTIFICATIONS_CLAIM_TIMEOUT_SECONDS`: sent if the backend has a receipt for its Message-ID (it died
    after sending), otherwise queued again (it died before). Each decision is a compare-and-swap on the
    claim, so two workers recovering at once decide once."""
    stale = Notification.objects.filter(state=State.SENDING, claimed_at__lt=now - claim_timeout())
    for n in stale.only("id", "channel", "created_at", "claimed_at", "attempts"):
        mine = Notification.objects.filter(pk=n.pk, state=State.SENDING, claimed_at=n.claimed_at)
        if n.channel == Channel.EMAIL and email_receipt(n.message_id):
            if mine.update(state=State.SENT, sent_at=timezone.now(), attempts=n.attempts + 1):
                report.receipted += 1
        elif mine.update(state=State.PENDING):
            report.recovered += 1


def deliver_due(*, now: dt.datetime | None = None, limit: int = 200) -> DeliveryReport:
    """Deliver what is due. Each row is claimed with a compare-and-swap, so several workers may run."""
    now = now or timezone.now()
    report = DeliveryReport()
    _recover(now, report)
    due = list(
        Notification.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
        .exclude(channel=Channel.INAPP)
        .order_by("next_attempt_at", "id")[:limit]
    )
    for n in due:
        claimed = Notification.objects.filter(pk=n.pk, state=State.PENDING, attempts=n.attempts).update(
            state=State.SENDING, claimed_at=now
        )
        if claimed != 1:
            continue
        try:
            _send(n)
        except DeliveryError as exc:
            attempts = n.attempts + 1
            if attempts >= max_attempts():
                with transaction.atomic():
                    Notification.objects.filter(pk=n.pk).update(
                        state=State.DEAD, attempts=attempts, last_error=str(exc)[:500]
                    )
                    record_event(
                        actor=None,
                        action="notifications.notification.dead",
                        obj=n,
                        data={"attempts": attempts, "error": str(exc)[:200]},
                    )
                report.dead += 1
            else:
                Notification.objects.filter(pk=n.pk).update(
                    state=State.PENDING,
                    attempts=attempts,
                    last_error=str(exc)[:500],
                    next_attempt_at=now + backoff(attempts),
                )
                report.failed += 1
            continue
        Notification.objects.filter(pk=n.pk).update(
            state=State.SENT, sent_at=timezone.now(), attempts=n.attempts + 1
        )
        report.sent += 1
    return report


def stuck_q(now: dt.datetime | None = None) -> Q:
    """Dead rows, rows that failed three times or more, and rows pending for over an hour."""
    now = now or timezone.now()
    return Q(state=State.DEAD) | (
        Q(state__in=[State.PENDING, State.SENDING])
        & (Q(attempts__gte=3) | Q(created_at__lt=now - dt.timedelta(hours=1)))
    )


@transaction.atomic
def notification_mark_read(*, actor: Any, notification: Notification) -> Notification:
    if notification.recipient_id != getattr(actor, "pk", None):
        raise NotPermitted()
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Any) -> int:
    return Notification.objects.filter(recipient=actor, channel=Channel.INAPP, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_retry(*, actor: Any, notification: Notification) -> Notification:
    """Put a stuck e-mail/SMS back in the queue for an immediate attempt (the office or sysadmin)."""
    if actor is not None and not (
        actor.has_role("taskforce_office", "system_admin") and can(actor, Action.CHANGE, notification)
    ):
        raise NotPermitted()
    if notification.channel == Channel.INAPP or notification.state == State.SENT:
        raise InvalidInput(_("该通知已送达，无需重试。"), code="not_stuck")
    Notification.objects.filter(pk=notification.pk).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
    record_event(
        actor=actor,
        action="notifications.notification.retried",
        obj=notification,
        data={"previous_attempts": notification.attempts},
    )
    notification.refresh_from_db()
    return notification
