"""Settings of the leadership dashboard: a Django setting wins, else the environment, else the default.

| setting / env var | default | meaning |
|---|---|---|
| DASHBOARD_RANKING_MIN_ITEMS | 3 | a department or county enters the clearance ranking only with at least this many ledger items |
| DASHBOARD_RANKING_MIN_COMPLAINTS | 3 | a department enters the complaint-handling ranking only with at least this many handled complaints |
| DASHBOARD_CACHE_SECONDS | 300 | how long computed figures are reused (each figure shows when it was computed) |
| DASHBOARD_TREND_MONTHS | 24 | months shown in the cleared-amount trend |
"""

from __future__ import annotations

from django.conf import settings

from config.env import env_int

_DEFAULTS = {
    "DASHBOARD_RANKING_MIN_ITEMS": 3,
    "DASHBOARD_RANKING_MIN_COMPLAINTS": 3,
    "DASHBOARD_CACHE_SECONDS": 300,
    "DASHBOARD_TREND_MONTHS": 24,
}


def setting(name: str) -> int:
    if hasattr(settings, name):
        return int(getattr(settings, name))
    return env_int(name, _DEFAULTS[name])


def ranking_min_items() -> int:
    return setting("DASHBOARD_RANKING_MIN_ITEMS")


def ranking_min_complaints() -> int:
    return setting("DASHBOARD_RANKING_MIN_COMPLAINTS")


def cache_seconds() -> int:
    return setting("DASHBOARD_CACHE_SECONDS")


def trend_months() -> int:
    return setting("DASHBOARD_TREND_MONTHS")
