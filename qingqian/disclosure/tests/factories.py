"""Building disclosure test data through the real services (registry, ledger, disclosure)."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from qingqian.demo.seed import demo_uscc
from qingqian.disclosure import services
from qingqian.disclosure.models import DisclosureReturn
from qingqian.ledger import services as ledger
from qingqian.ledger.models import ArrearsItem
from qingqian.registry import services as registry
from qingqian.registry.models import Enterprise, Organisation, Region

_n = itertools.count(1)
CITY = "130100"


def last_year() -> int:
    return timezone.localdate().year - 1


def region(code: str = CITY) -> Region:
    return Region.objects.get(code=code)


def new_body(
    name: str | None = None, *, kind: str = "institution", level: str = "city", region_code: str = CITY
) -> Organisation:
    name = name or f"测试公开单位{next(_n):04d}"
    r = region(region_code)
    return registry.organisation_create(
        actor=None, name=name, kind=kind, level=level, region=r, uscc=demo_uscc("12", r.code, name)
    )


def new_enterprise(name: str | None = None, **extra: Any) -> Enterprise:
    name = name or f"测试中小企业{next(_n):04d}有限公司"
    return registry.enterprise_create(
        actor=None,
        name=name,
        uscc=demo_uscc("91", CITY, name),
        size_class="small",
        region=region(),
        **extra,
    )


def new_item(
    body: Organisation,
    creditor: Enterprise,
    amount: str,
    *,
    delivered_on: dt.date | None,
    term: int | None = 30,
    number: str | None = None,
    confirmed_on: dt.date | None = None,
    signed_on: dt.date | None = None,
) -> ArrearsItem:
    base = delivered_on or signed_on or dt.date(last_year(), 1, 10)
    return ledger.item_create(
        actor=None,
        debtor=body,
        creditor=creditor,
        arrears_amount=Decimal(amount),
        confirmed_on=confirmed_on or min(base + dt.timedelta(days=3), timezone.localdate()),
        contract_number=number or f"HT-{next(_n):06d}",
        contract_name="测试合同",
        subject_kind="goods",
        signed_on=signed_on or base - dt.timedelta(days=20),
        contract_amount=Decimal(amount),
        delivered_on=delivered_on,
        agreed_term_days=term,
    )


def pay(item: ArrearsItem, amount: str, paid_on: dt.date) -> Any:
    report = ledger.payment_report_create(
        actor=None, item=item, amount=Decimal(amount), paid_on=paid_on, method="bank_transfer"
    )
    return ledger.payment_report_confirm(actor=None, report=report)


def draft(body: Organisation, year: int | None = None) -> DisclosureReturn:
    year = year or last_year()
    services.returns_draft(actor=None, year=year, bodies=Organisation.objects.filter(pk=body.pk))
    return DisclosureReturn.objects.filter(body=body, year=year).order_by("-version").first()  # type: ignore[return-value]


def walk(ret: DisclosureReturn, *actions: str, actor: Any = None) -> DisclosureReturn:
    for action in actions:
        ret = services.return_transition(actor=actor, disclosure_return=ret, action=action)
    return ret


def publish(body: Organisation, year: int | None = None) -> DisclosureReturn:
    return walk(draft(body, year), "confirm", "approve", "publish")


def generate_city(world: Any, *, items: int, seed: int = 20261124) -> None:
    """A larger city through the real services: new bodies of every payer kind in the city and in
    counties, enterprises, items over two years, confirmed payments, disputes, plans, a campaign, complaints."""
    from qingqian.complaints.tests.factories import make_case
    from qingqian.ledger import services
    from qingqian.registry.models import Region

    D = Decimal
    rng = random.Random(seed)
    today = timezone.localdate()
    counties = ["130102", "130104", "130105", "130108"]
    bodies = []
    for n in range(24):
        kind = ["organ", "institution", "soe", "large_enterprise"][n % 4]
        if n % 3 == 0:
            bodies.append(new_body(kind=kind, level="city"))
        else:
            bodies.append(new_body(kind=kind, level="county", region_code=counties[n % len(counties)]))
    enterprises = [new_enterprise() for _ in range(12)]
    made = []
    for _n in range(items):
        delivered = today - dt.timedelta(days=rng.randint(20, 700))
        amount = D(rng.randint(5_000, 2_000_000)) + D(rng.randint(0, 99)) / 100
        item = new_item(
            rng.choice(bodies),
            rng.choice(enterprises),
            str(amount),
            delivered_on=delivered,
            term=rng.choice([None, 30, 45, 60]),
        )
        made.append(item)
        roll = rng.random()
        if roll < 0.35:
            part = (amount * D(rng.choice(["0.25", "0.5", "1"]))).quantize(D("0.01"))
            paid_on = min(today, delivered + dt.timedelta(days=rng.randint(5, 400)))
            pay(item, str(part), paid_on)
        elif roll < 0.45:
            services.dispute_open(
                actor=None,
                item=item,
                amount=(amount / 4).quantize(D("0.01")),
                reason="金额有争议",
                path="negotiation",
            )
        elif roll < 0.52:
            half = (amount / 2).quantize(D("0.01"))
            plan = services.plan_propose(
                actor=None,
                item=item,
                instalments=[
                    (today + dt.timedelta(days=10), half),
                    (today + dt.timedelta(days=40), amount - half),
                ],
                reason="分期清偿",
            )
            services.plan_approve(actor=None, plan=plan)
            if rng.random() < 0.5:
                pay(item, str(half), today)
    services.plans_check_breaches(today=today + dt.timedelta(days=60))
    city = Region.objects.get(code="130100")
    campaign = services.campaign_create(
        actor=None,
        name="测试专项行动",
        region=city,
        starts_on=today,
        deadline=today + dt.timedelta(days=90),
        scope={"balance_max": "500000.00"},
    )
    services.campaign_start(actor=None, campaign=campaign)
    for item in made[:10]:
        item.refresh_from_db()
        if item.balance > 0 and item.disputed_amount == 0 and not item.plans.exists():
            pay(item, str(item.balance), today)
    for state in [
        "registered",
        "under_review",
        "accepted",
        "transferred",
        "in_handling",
        "feedback_sent",
        "closed",
        "closed",
        "not_accepted",
        "withdrawn",
        "result_submitted",
        "office_review",
    ]:
        make_case(world, state)
