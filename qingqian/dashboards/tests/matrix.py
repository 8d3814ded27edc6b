"""Permission decisions for the dashboard's pages and endpoints (see qingqian/core/testing/matrix.py).

The dashboard and the lists behind its charts are for leadership, the task-force office and the
auditors (city-wide readers); payment performance is for every staff role, within its scope."""

from qingqian.core.testing.matrix import STAFF, Endpoint, Page

VIEWERS = frozenset({"leader", "office", "auditor"})

PAGES = [
    Page("dashboards:home", VIEWERS),
    Page("dashboards:items", VIEWERS),
    Page("dashboards:payments", VIEWERS),
    Page("dashboards:performance", STAFF),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/dashboards/summary", VIEWERS),
    Endpoint("GET", "/api/v1/dashboards/performance", STAFF),
]
