"""Public pages and open data: debtor-side aggregates only, cacheable, with a stable schema."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from qingqian.disclosure import services
from qingqian.disclosure.selectors import DISCLOSURE_COLUMNS, PERFORMANCE_COLUMNS
from qingqian.disclosure.tests.factories import last_year, new_body, new_enterprise, new_item, pay, publish
from qingqian.registry.models import Organisation

PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")


def _public_urls(bodies: list[Organisation]) -> list[str]:
    urls = [
        reverse("public:bodies"),
        reverse("public:bodies") + "?q=测试",
        reverse("public:bodies") + f"?year={last_year()}&kind=institution",
        reverse("public:regions"),
        reverse("public:methodology"),
        reverse("public:open_data"),
        "/api/v1/public/disclosures?page_size=500",
        "/api/v1/public/regions",
        "/api/v1/public/performance",
    ]
    for dataset in ("disclosures", "payment-performance"):
        for fmt in ("csv", "json"):
            urls.append(reverse("public:open_data_file", args=[dataset, fmt]))
    for b in bodies:
        urls += [reverse("public:body", args=[b.pk]), f"/api/v1/public/disclosures/{b.pk}"]
    return urls


def _forbidden_strings() -> set[str]:
    """Everything that identifies an SME, a contract or a person, as stored anywhere."""
    from qingqian.accounts.models import User
    from qingqian.complaints.models import Complaint, ComplaintContract
    from qingqian.ledger.models import ArrearsItem
    from qingqian.registry.models import Enterprise

    out: set[str] = set()
    for e in Enterprise.objects.all():
        out |= {e.name, e.uscc, e.contact_name, e.contact_phone, e.contact_email}
    out |= {o.uscc for o in Organisation.objects.all()}
    out |= set(ArrearsItem.objects.values_list("contract_number", flat=True))
    out |= set(ComplaintContract.objects.values_list("number", flat=True))
    for c in Complaint.objects.all():
        out |= {c.complainant_name, c.complainant_uscc, c.contact_name, str(c.contact_phone)}
    for u in User.objects.all():
        out |= {u.display_name, str(u.phone or "")}
        if u.display_name and 2 <= len(u.display_name.split()[-1]) <= 4:
            out.add(u.display_name.split()[-1])
    return {s for s in out if s and len(s) >= 2}


def test_public_pages_and_open_data_never_show_an_enterprise_contract_or_person(world: Any) -> None:
    from qingqian.complaints.tests.factories import make_case

    y = last_year()
    body = new_body("测试公开医院")
    secret = new_enterprise(
        "石家庄机密测试建材有限公司",
        contact_name="王小明",
        contact_phone="13912345678",
        contact_email="wang@example.cn",
    )
    late = new_item(body, secret, "64000.00", delivered_on=dt.date(y, 3, 1), number="SECRET-HT-778899")
    pay(late, "64000.00", dt.date(y, 6, 1))
    new_item(body, secret, "51000.00", delivered_on=dt.date(y, 8, 1), number="SECRET-HT-778900")
    make_case(world, "transferred")  # a complaint with its contact person and phone, against 市教育局
    publish(body)
    publish(Organisation.objects.get(name="石家庄市教育局"))
    services.performance_publish(actor=None, body=body, year=y)

    forbidden = _forbidden_strings()
    assert {"石家庄机密测试建材有限公司", "王小明", "13912345678", "SECRET-HT-778899", "周洁"} <= forbidden
    client = Client()
    checked = 0
    for url in _public_urls([body, Organisation.objects.get(name="石家庄市教育局")]):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8")
        if response["Content-Type"].startswith("application/json"):
            text = json.dumps(response.json(), ensure_ascii=False)  # the API escapes non-ASCII
        text = re.sub(r"\b[0-9a-f]{64}\b", "", text)  # content hashes are not phone numbers
        leaks = sorted(s for s in forbidden if s in text)
        assert not leaks, f"{url} shows {leaks}"
        assert not PHONE.search(text), f"{url} shows a phone number: {PHONE.search(text)}"
        checked += 1
    # the figures are there, only the identities are not
    page = client.get(reverse("public:body", args=[body.pk])).content.decode()
    assert "51,000.00" in page and "测试公开医院" in page
    assert checked >= 15


def test_anonymous_pages_are_cacheable_and_answer_a_conditional_get_with_304(world: Any) -> None:
    client = Client()
    url = reverse("public:regions")
    first = client.get(url)
    assert first["Cache-Control"].startswith("public, max-age=")
    assert first["ETag"] and "Accept-Language" in first["Vary"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    # publishing changes the ETag
    publish(new_body())
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_signed_in_users_are_never_served_from_a_shared_cache(world: Any, client_for: Any) -> None:
    response = client_for(world.leader).get(reverse("public:bodies"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and "ETag" not in response


def test_open_data_has_a_stable_schema_and_a_licence(world: Any) -> None:
    client = Client()
    raw = client.get(reverse("public:open_data_file", args=["disclosures", "csv"]))
    assert raw["Content-Type"].startswith("text/csv") and 'rel="license"' in raw["Link"]
    text = raw.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [c[0] for c in DISCLOSURE_COLUMNS]
    assert len(rows) > 1 and all(len(r) == len(DISCLOSURE_COLUMNS) for r in rows)
    body = client.get(reverse("public:open_data_file", args=["payment-performance", "json"])).json()
    assert body["schema_version"] == 1 and body["licence"]["url"].startswith("https://")
    assert [f["name"] for f in body["fields"]] == [c[0] for c in PERFORMANCE_COLUMNS]
    assert all(set(r) == {c[0] for c in PERFORMANCE_COLUMNS} for r in body["records"])
    one_year = client.get(
        reverse("public:open_data_file", args=["disclosures", "json"]) + f"?year={last_year()}"
    )
    assert {r["year"] for r in one_year.json()["records"]} == {last_year()}


def test_search_finds_bodies_by_name_region_and_kind(world: Any) -> None:
    client = Client()
    html = client.get(reverse("public:bodies") + "?q=教育局").content.decode()
    assert "石家庄市教育局" in html and "石家庄市第一医院" not in html
    from qingqian.registry.models import Region

    changan = Region.objects.get(code="130102")
    html = client.get(reverse("public:bodies") + f"?region={changan.pk}&kind=institution").content.decode()
    assert "长安区人民医院" in html and "长安区教育局" not in html and "石家庄市教育局" not in html


def test_region_totals_add_up_to_the_city_total(world: Any) -> None:
    from qingqian.disclosure.selectors import current_snapshots, region_totals

    total, rows = region_totals(year=last_year())
    assert sum(r.overdue_amount for r in rows) == total.overdue_amount
    assert sum(r.published for r in rows) == total.published == current_snapshots(year=last_year()).count()
    assert any(r.is_root for r in rows)


@pytest.mark.parametrize(
    "url_name", ["public:bodies", "public:regions", "public:methodology", "public:open_data"]
)
def test_public_pages_carry_no_inline_script(world: Any, url_name: str) -> None:
    html = Client().get(reverse(url_name)).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
