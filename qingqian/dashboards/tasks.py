"""Background jobs of the dashboard (read-only): warming the cache so the first visitor is fast."""

from __future__ import annotations

from django_tasks import task


@task()
def warm_dashboard() -> str:
    """Periodic (every DASHBOARD_CACHE_SECONDS): recompute the city-wide dashboard into the cache."""
    from qingqian.dashboards.selectors import RegionReader, dashboard_for, root_region

    data = dashboard_for(RegionReader(root_region()), refresh=True)
    return str(data["computed_at"])
