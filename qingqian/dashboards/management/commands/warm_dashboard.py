"""Recompute the city-wide dashboard figures into the cache (run every DASHBOARD_CACHE_SECONDS)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute the city-wide leadership dashboard into the cache, so the first visitor is fast."

    def handle(self, *args: Any, **options: Any) -> None:
        from qingqian.dashboards.selectors import RegionReader, dashboard_for, root_region

        started = time.monotonic()
        data = dashboard_for(RegionReader(root_region()), refresh=True)
        self.stdout.write(
            f"dashboard computed at {data['computed_at']} in {time.monotonic() - started:.1f} s"
        )
