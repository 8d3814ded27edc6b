"""Delivery backends. E-mail goes through Django's mail backend; SMS through an adapter chosen by
the `NOTIFICATIONS_SMS_BACKEND` setting (dotted path), by default one that only logs.

Every e-mail carries the notification's own Message-ID, so a message sent again after a crash is
recognisably the same message. A backend that can tell whether a message already left offers
`delivered(message_id) -> bool` (the spool backend does); `receipt()` asks it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

logger = logging.getLogger("qingqian.notifications")


class DeliveryError(Exception):
    """A backend could not deliver; the worker retries later."""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LoggingSmsBackend:
    """Writes the message to the log instead of sending it (development, demo, tests)."""

    sent: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        masked = phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)
        LoggingSmsBackend.sent.append((phone, text))


class FailingSmsBackend:
    """Always fails: for tests of retries and the stuck list."""

    def send(self, phone: str, text: str) -> None:
        raise DeliveryError("sms gateway unavailable")


def sms_backend() -> SmsBackend:
    path = getattr(settings, "NOTIFICATIONS_SMS_BACKEND", "qingqian.notifications.backends.LoggingSmsBackend")
    return import_string(path)()


def send_email(address: str, subject: str, body: str, *, message_id: str = "") -> None:
    headers = {"Message-ID": message_id} if message_id else None
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers).send(
            fail_silently=False
        )
    except Exception as exc:
        raise DeliveryError(str(exc)[:400]) from exc


def email_receipt(message_id: str) -> bool | None:
    """Did the e-mail with this Message-ID already leave? True/False from a backend that keeps
    receipts, None when it cannot tell (then the worker sends again, with the same Message-ID, and a
    receiving system that de-duplicates by Message-ID drops the copy). SMS adapters keep none yet."""
    check = getattr(import_string(settings.EMAIL_BACKEND), "delivered", None)
    if check is None:
        return None
    try:
        return bool(check(message_id))
    except Exception:  # a receipt store that is down is "cannot tell", never "delivered"
        logger.warning("delivery receipt lookup failed for %s", message_id, exc_info=True)
        return None


def send_sms(phone: str, text: str) -> None:
    try:
        sms_backend().send(phone, text)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError(str(exc)[:400]) from exc
