"""Delivery backends. E-mail goes through Django's mail backend; SMS through an adapter chosen by
the `NOTIFICATIONS_SMS_BACKEND` setting (dotted path), by default one that only logs."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
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


def send_email(address: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except Exception as exc:
        raise DeliveryError(str(exc)[:400]) from exc


def send_sms(phone: str, text: str) -> None:
    try:
        sms_backend().send(phone, text)
    except DeliveryError:
        raise
    except Exception as exc:
        raise DeliveryError(str(exc)[:400]) from exc
