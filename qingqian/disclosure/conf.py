"""Settings of disclosure and reports: a Django setting wins, else the environment, else the default.

| setting / env var | default | meaning |
|---|---|---|
| DISCLOSURE_BODY_KINDS | organ,institution,department | organisation kinds that must disclose (Art 18 [16]: 机关、事业单位) |
| DISCLOSURE_DEADLINE | 03-31 | month-day after the year end by which the figures are published |
| DISCLOSURE_REMINDER_DAYS | 30,14,7,3,1 | reminders this many days before the deadline (and weekly after it) |
| DISCLOSURE_PUBLIC_MAX_AGE | 300 | seconds public pages and open data may be cached (Cache-Control max-age) |
| DISCLOSURE_LICENCE_NAME | 知识共享署名 4.0 国际许可协议（CC BY 4.0）, translated | licence of the open data |
| DISCLOSURE_LICENCE_URL | https://creativecommons.org/licenses/by/4.0/deed.zh-hans | its text |
| REPORT_ISSUER | (task force name + 办公室) | 发文机关 of the monthly report |
| REPORT_DOC_PREFIX | 石清欠办 | 机关代字 of the 发文字号, e.g. 石清欠办〔2026〕3号 |
"""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext

from config.env import env_int

_DEFAULT_KINDS = ("organ", "institution", "department")


def _text(name: str, default: str) -> str:
    if hasattr(settings, name):
        return str(getattr(settings, name))
    return os.environ.get(name, "").strip() or default


def body_kinds() -> tuple[str, ...]:
    raw = getattr(settings, "DISCLOSURE_BODY_KINDS", None) or os.environ.get("DISCLOSURE_BODY_KINDS", "")
    if not raw:
        return _DEFAULT_KINDS
    values = raw if isinstance(raw, list | tuple) else [p.strip() for p in str(raw).split(",") if p.strip()]
    return tuple(values)


def deadline_for(year: int) -> dt.date:
    """The publication deadline for the figures at the end of `year` (default 31 March of the next year)."""
    raw = _text("DISCLOSURE_DEADLINE", "03-31")
    try:
        month, day = (int(p) for p in raw.split("-"))
        return dt.date(year + 1, month, day)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DISCLOSURE_DEADLINE must be MM-DD, not {raw!r}") from exc


def reminder_days() -> tuple[int, ...]:
    raw = _text("DISCLOSURE_REMINDER_DAYS", "30,14,7,3,1")
    try:
        return tuple(sorted({int(p) for p in raw.split(",") if p.strip()}, reverse=True))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DISCLOSURE_REMINDER_DAYS must be integers, not {raw!r}") from exc


def public_max_age() -> int:
    name = "DISCLOSURE_PUBLIC_MAX_AGE"
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return env_int(name, 300)


def licence_name() -> str:
    return _text("DISCLOSURE_LICENCE_NAME", "") or gettext("知识共享署名 4.0 国际许可协议（CC BY 4.0）")


def licence_url() -> str:
    return _text("DISCLOSURE_LICENCE_URL", "https://creativecommons.org/licenses/by/4.0/deed.zh-hans")


def report_doc_prefix() -> str:
    return _text("REPORT_DOC_PREFIX", "石清欠办")


def report_issuer() -> str:
    configured = _text("REPORT_ISSUER", "")
    if configured:
        return configured
    from qingqian.registry.models import TaskForce

    tf = TaskForce.objects.order_by("region__depth").first()
    return f"{tf.name}办公室" if tf else "清理拖欠企业账款工作专班办公室"
