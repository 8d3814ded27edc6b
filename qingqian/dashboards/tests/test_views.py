"""The dashboard pages: Chinese, charts fed by JSON (no inline script), as-of times, drill-downs."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.urls import reverse

from qingqian.ledger import selectors as ledger


def test_the_dashboard_is_in_chinese_with_charts_fed_by_json_and_as_of_times(
    world: Any, client_for: Any
) -> None:
    cache.clear()
    html = client_for(world.leader).get(reverse("dashboards:home")).content.decode()
    assert "清理拖欠中小企业账款工作驾驶舱" in html and "累计清偿" in html
    assert html.count('data-chart="') >= 9
    assert html.count("截至 ") >= 10  # every chart and card says when its figures were computed
    assert "账龄计算日" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    raw = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    data = json.loads(raw.group(1))
    assert Decimal(data["cleared"]["total"]) == ledger.cleared_total(user=world.leader)
    assert "定义：清偿率" in html  # the ranking's definition beside it


def test_figures_are_cached_and_a_refresh_recomputes(world: Any, client_for: Any) -> None:
    from qingqian.dashboards.selectors import cache_key, dashboard_for

    cache.clear()
    first = dashboard_for(world.leader)
    assert cache.get(cache_key(world.leader)) is not None
    assert dashboard_for(world.leader)["computed_at"] == first["computed_at"]
    c = client_for(world.leader)
    assert c.get(reverse("dashboards:home") + "?refresh=1").status_code == 200


def test_drill_down_lists_show_the_items_and_payments_behind_a_figure(world: Any, client_for: Any) -> None:
    c = client_for(world.office)
    page = c.get(reverse("dashboards:items") + "?debtor_kind=organ").content.decode()
    total = ledger.totals_of(ledger.item_list_for(user=world.office, filters={"debtor_kind": "organ"}))
    assert "单位类型：机关" in page and f"{total.balance:,.2f}" in page
    payments = c.get(reverse("dashboards:payments")).content.decode()
    assert f"{ledger.cleared_total(user=world.office):,.2f}" in payments


def test_the_summary_api_returns_the_same_figures(world: Any, client_for: Any) -> None:
    body = client_for(world.auditor).get("/api/v1/dashboards/summary").json()
    assert (
        Decimal(body["outstanding"]["totals"]["balance"])
        == ledger.totals_of(ledger.item_list_for(user=world.auditor)).balance
    )
