"""Payment performance per body: staff see it in their scope; the office publishes it per body."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.disclosure import services
from qingqian.disclosure.models import PublishedPerformance
from qingqian.disclosure.tests.factories import last_year, new_body, new_enterprise, new_item, pay, publish


def test_the_office_publishes_a_frozen_version_that_the_body_page_shows(world: Any, client: Any) -> None:
    y = last_year()
    body = new_body()
    ent = new_enterprise()
    item = new_item(body, ent, "20000.00", delivered_on=dt.date(y, 4, 1))
    pay(item, "20000.00", dt.date(y, 4, 20))
    publish(body)
    with pytest.raises(NotPermitted):
        services.performance_publish(actor=world.leader, body=body, year=y)
    with pytest.raises(InvalidInput):
        services.performance_publish(actor=world.office, body=body, year=y + 1)
    row = services.performance_publish(actor=world.office, body=body, year=y)
    assert (row.version, row.paid_count, str(row.within_term_pct), str(row.within_30_pct)) == (
        1,
        1,
        "100.0",
        "100.0",
    )
    # later payments change nothing published; publishing again is a new version
    item2 = new_item(body, ent, "5000.00", delivered_on=dt.date(y, 1, 5))
    pay(item2, "5000.00", dt.date(y, 5, 30))
    assert PublishedPerformance.objects.get(pk=row.pk).paid_count == 1
    row2 = services.performance_publish(actor=world.office, body=body, year=y)
    assert row2.version == 2 and row2.paid_count == 2
    html = client.get(reverse("public:body", args=[body.pk])).content.decode()
    assert "付款表现" in html and "50.0%" in html


def test_staff_see_payment_performance_within_their_scope(world: Any, client_for: Any) -> None:
    y = last_year()
    url = reverse("dashboards:performance") + f"?year={y}"
    office = client_for(world.office).get(url).content.decode()
    assert "石家庄市第一医院" in office and "石家庄市水务局" in office
    clerk = client_for(world.clerk).get(url).content.decode()
    assert "石家庄市第一医院" not in clerk  # another body
    api = client_for(world.finance).get(f"/api/v1/dashboards/performance?year={y}").json()
    names = {r["body_name"] for r in api}
    assert (
        "石家庄市第一医院" in names and "长安区教育局" not in names
    )  # 市财政局 answers for city-level bodies
