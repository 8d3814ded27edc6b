"""Settings of the supervision ladder and uploads: a Django setting wins, else the environment, else the default.

| setting / env var | default | meaning |
|---|---|---|
| COMPLAINTS_REMIND_WORKING_DAYS | 2 | 催办: remind the handler this many working days before a deadline |
| COMPLAINTS_SUPERVISE_AFTER_WORKING_DAYS | 3 | 督办: supervision notice this many working days after the deadline |
| COMPLAINTS_ESCALATE_AFTER_WORKING_DAYS | 10 | 提级: referral to the superior this many working days after the deadline |
| COMPLAINTS_UNRATED_CLOSE_DAYS | 15 | the office may close a case the enterprise hasn't rated after this many days |
| COMPLAINTS_MAX_UPLOAD_MB | 20 | largest evidence file |
| COMPLAINTS_KEY_DEBTOR_MIN_OPEN | 3 | open complaints that make a respondent a key debtor (重点欠款单位) |
"""

from __future__ import annotations

from django.conf import settings

from config.env import env_int

_DEFAULTS = {
    "COMPLAINTS_REMIND_WORKING_DAYS": 2,
    "COMPLAINTS_SUPERVISE_AFTER_WORKING_DAYS": 3,
    "COMPLAINTS_ESCALATE_AFTER_WORKING_DAYS": 10,
    "COMPLAINTS_UNRATED_CLOSE_DAYS": 15,
    "COMPLAINTS_MAX_UPLOAD_MB": 20,
    "COMPLAINTS_KEY_DEBTOR_MIN_OPEN": 3,
}


def setting(name: str) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return env_int(name, _DEFAULTS[name])


def remind_days() -> int:
    return setting("COMPLAINTS_REMIND_WORKING_DAYS")


def supervise_days() -> int:
    return setting("COMPLAINTS_SUPERVISE_AFTER_WORKING_DAYS")


def escalate_days() -> int:
    return setting("COMPLAINTS_ESCALATE_AFTER_WORKING_DAYS")


def unrated_close_days() -> int:
    return setting("COMPLAINTS_UNRATED_CLOSE_DAYS")


def max_upload_bytes() -> int:
    return setting("COMPLAINTS_MAX_UPLOAD_MB") * 1024 * 1024


def key_debtor_min_open() -> int:
    return setting("COMPLAINTS_KEY_DEBTOR_MIN_OPEN")
