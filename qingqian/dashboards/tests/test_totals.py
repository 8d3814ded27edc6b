"""The dashboard's figures equal the ledger and complaint selectors — on the demo city and on a larger city
generated here through the real services — and every chart's drill-down list adds up to its figure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from qingqian.complaints import selectors as complaint_selectors
from qingqian.complaints.models import Complaint
from qingqian.core.permissions import Action
from qingqian.dashboards import conf
from qingqian.dashboards.selectors import RegionReader, build_dashboard, root_region
from qingqian.disclosure.tests.factories import generate_city
from qingqian.ledger import selectors as ledger
from qingqian.ledger.models import Campaign

D = Decimal


def _filters(url: str) -> dict[str, str]:
    return ledger.clean_filters(QueryDict(urlsplit(url).query))


def assert_consistent(user: Any) -> dict[str, Any]:
    from qingqian.ledger.aging import run_aging

    run_aging(as_of=timezone.localdate())
    d = build_dashboard(user)
    items = ledger.item_list_for(user=user)
    t = ledger.totals_of(items)
    o = d["outstanding"]
    assert D(o["totals"]["balance"]) == t.balance
    assert D(o["totals"]["disputed"]) == t.disputed and D(o["totals"]["undisputed"]) == t.undisputed
    assert o["totals"]["count"] == t.count and D(o["totals"]["paid"]) == t.paid
    # every breakdown adds up to the total, and every group's drill-down list has the group's figure
    for key in ("by_kind", "by_region", "by_department", "aging"):
        rows = o[key]
        assert sum(D(r["balance"]) for r in rows) == t.balance, key
        for r in rows:
            drilled = ledger.totals_of(ledger.item_list_for(user=user, filters=_filters(r["url"])))
            assert drilled.balance == D(r["balance"]), (key, r["label"], r["url"])
            assert drilled.disputed == D(r["disputed"]), (key, r["label"])
    assert (
        ledger.totals_of(ledger.item_list_for(user=user, filters=_filters(o["urls"]["disputed"]))).disputed
        == t.disputed
    )

    # cleared: the total, the months and their drill-down lists
    c = d["cleared"]
    total = ledger.cleared_total(user=user)
    assert D(c["total"]) == total
    assert D(c["months"][-1]["cumulative"]) == total
    for m in c["months"]:
        start = dt.date.fromisoformat(m["month"] + "-01")
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        assert D(m["amount"]) == ledger.cleared_total(user=user, date_from=start, date_to=end), m["month"]
    year_start = dt.date(timezone.localdate().year, 1, 1)
    assert D(c["this_year"]) == ledger.cleared_total(user=user, date_from=year_start)

    # plans and campaigns
    a = ledger.plan_adherence(user=user)
    p = d["plans"]
    assert (p["met"], p["breached"], p["pending"], p["plans"], p["rate"]) == (
        a.met,
        a.breached,
        a.pending,
        a.plans,
        a.rate,
    )
    for row in d["campaigns"]:
        progress = ledger.campaign_progress(user=user, campaign=Campaign.objects.get(pk=row["id"]))
        assert D(row["left"]) == progress.left and row["percent"] == progress.percent
        drilled = ledger.totals_of(ledger.item_list_for(user=user, filters=_filters(row["url"])))
        assert drilled.balance == progress.left

    # complaints
    stats = complaint_selectors.statistics(user=user, group_by="department")
    cp = d["complaints"]
    assert cp["total"] == sum(r.total for r in stats) == Complaint.objects.restrict(user, Action.VIEW).count()
    for s in cp["by_status"]:
        assert s["count"] == sum(r.by_status.get(s["key"], 0) for r in stats)
        assert (
            s["count"]
            == complaint_selectors.complaint_list_for(user=user, filters={"status": s["key"]}).count()
        )
    handled = sum(r.handle_done for r in stats)
    on_time = sum(r.handle_on_time for r in stats)
    assert cp["handle_rate"] == (round(on_time / handled, 4) if handled else None)
    rated = sum(r.rated for r in stats)
    assert cp["satisfaction"] == (round(sum(r.satisfied for r in stats) / rated, 4) if rated else None)

    # rankings: only above the minimum volume, with the selector's cleared figure
    cleared_dept = {r.key: r.amount for r in ledger.cleared_breakdown(user=user, by="department")}
    names = {r["label"]: r for r in o["by_department"]}
    for r in d["rankings"]["departments"]:
        assert r["count"] >= conf.ranking_min_items()
        key = names[r["label"]]["key"]
        assert D(r["cleared"]) == cleared_dept.get(key, D("0.00"))
    for r in d["rankings"]["complaint_departments"]:
        assert r["handle_done"] >= conf.ranking_min_complaints()
    return d


def test_the_dashboard_equals_the_selectors_on_the_demo_city(world: Any) -> None:
    d = assert_consistent(world.leader)
    assert D(d["outstanding"]["totals"]["balance"]) > 0 and D(d["cleared"]["total"]) > 0
    assert d["complaints"]["total"] > 0


def test_the_scheduled_reader_sees_what_city_leadership_sees(world: Any) -> None:
    mine = build_dashboard(world.leader)
    system = build_dashboard(RegionReader(root_region()))
    for section in ("cleared", "outstanding", "plans", "complaints", "rankings"):
        assert mine[section] == system[section]


@pytest.mark.slow
def test_the_dashboard_equals_the_selectors_on_a_generated_larger_city(world: Any, settings: Any) -> None:
    settings.DASHBOARD_RANKING_MIN_ITEMS = 5
    settings.DASHBOARD_RANKING_MIN_COMPLAINTS = 1
    generate_city(world, items=220)
    d = assert_consistent(world.leader)
    assert d["outstanding"]["totals"]["count"] >= 220
    assert len(d["outstanding"]["by_region"]) >= 5 and d["rankings"]["counties"]
    assert d["campaigns"] and d["plans"]["judged"] > 0
    # the office and the auditor see the same city
    assert_consistent(world.office)
    # a county handler's dashboard (its region) is consistent too
    assert_consistent(world.county)
