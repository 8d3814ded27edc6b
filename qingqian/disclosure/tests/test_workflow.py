"""The annual disclosure workflow: drafted → confirmed (or corrected) → approved → published, frozen
snapshots, corrections as new versions, reminders and the completeness board."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from qingqian.core.errors import ConcurrentTransition, Conflict, InvalidInput, InvalidTransition, NotPermitted
from qingqian.core.models import AppendOnlyViolation
from qingqian.disclosure import services
from qingqian.disclosure.models import DisclosureReturn, PublishedDisclosure
from qingqian.disclosure.tests.factories import (
    draft,
    last_year,
    new_body,
    new_enterprise,
    new_item,
    pay,
    publish,
    walk,
)
from qingqian.disclosure.transitions import TRANSITIONS
from qingqian.registry.models import Organisation

EDU = "石家庄市教育局"


def edu_return(world: Any) -> DisclosureReturn:
    return DisclosureReturn.objects.get(body__name=EDU, year=last_year(), status="drafted")


def test_the_demo_drafts_every_disclosure_bound_body_for_last_year(world: Any) -> None:
    from qingqian.disclosure.services.returns import disclosure_bodies

    assert DisclosureReturn.objects.filter(year=last_year()).values("body").distinct().count() == (
        disclosure_bodies().count()
    )
    # drafting again changes nothing
    result = services.returns_draft(actor=None, year=last_year())
    assert result.created == 0 and result.refreshed == 0


def test_only_ended_years_can_be_drafted(world: Any) -> None:
    with pytest.raises(InvalidInput):
        services.returns_draft(actor=world.office, year=dt.date.today().year)


def test_the_clerk_confirms_the_department_approves_and_the_office_publishes(world: Any) -> None:
    ret = edu_return(world)
    with pytest.raises(NotPermitted):  # not the office's side
        services.return_transition(actor=world.office, disclosure_return=ret, action="confirm")
    ret = services.return_transition(actor=world.clerk, disclosure_return=ret, action="confirm")
    assert ret.status == "confirmed" and ret.confirmed_by == world.clerk
    with pytest.raises(NotPermitted):  # the clerk never approves its own figures
        services.return_transition(actor=world.clerk, disclosure_return=ret, action="approve")
    with pytest.raises(NotPermitted):  # 国资委 is not 市教育局's responsible department
        services.return_transition(actor=world.sasac, disclosure_return=ret, action="approve")
    ret = services.return_transition(actor=world.finance, disclosure_return=ret, action="approve")
    assert ret.status == "approved" and ret.approver_org is not None
    assert ret.approver_org.name == "石家庄市财政局"
    ret = services.return_transition(actor=world.office, disclosure_return=ret, action="publish")
    snap = ret.snapshot
    assert ret.status == "published"
    assert (snap.overdue_count, snap.overdue_amount) == (ret.overdue_count, ret.overdue_amount)
    assert snap.approver_name == "石家庄市财政局" and snap.version == 1 and len(snap.content_hash) == 64


def test_a_county_body_is_approved_by_the_county_handler(world: Any) -> None:
    ret = DisclosureReturn.objects.filter(
        year=last_year(), status="drafted", body__region__code="130102", body__level="county"
    ).first()
    if ret is None:  # every 长安区 body got further in the demo: make one
        ret = draft(new_body(kind="organ", level="county", region_code="130102"))
    ret = walk(ret, "confirm")
    ret = services.return_transition(actor=world.county, disclosure_return=ret, action="approve")
    assert ret.status == "approved"


def test_every_row_of_the_transitions_table_is_reachable(world: Any) -> None:
    for (source, action), t in TRANSITIONS.items():
        ret = draft(new_body())
        ret = walk(
            ret, *{"drafted": [], "confirmed": ["confirm"], "approved": ["confirm", "approve"]}[source]
        )
        kwargs: dict[str, Any] = {"reason": "核对后处理"} if t.needs_reason else {}
        if t.needs_figures:
            kwargs["figures_in"] = {"overdue_count": "1", "overdue_amount": "10.00", "paid_late_count": "0"}
        ret = services.return_transition(actor=None, disclosure_return=ret, action=action, **kwargs)
        assert ret.status == t.target, (source, action)


def test_an_action_not_in_the_table_is_refused(world: Any) -> None:
    ret = edu_return(world)
    with pytest.raises(InvalidTransition):
        services.return_transition(actor=None, disclosure_return=ret, action="publish")


def test_a_correction_needs_a_reason_and_different_figures(world: Any) -> None:
    ret = edu_return(world)
    same = {
        "overdue_count": str(ret.overdue_count),
        "overdue_amount": str(ret.overdue_amount),
        "paid_late_count": str(ret.paid_late_count),
        "avg_days_late": "" if ret.avg_days_late is None else str(ret.avg_days_late),
    }
    with pytest.raises(InvalidInput):
        services.return_transition(
            actor=world.clerk, disclosure_return=ret, action="correct", figures_in=same
        )
    with pytest.raises(InvalidInput) as exc:
        services.return_transition(
            actor=world.clerk,
            disclosure_return=ret,
            action="correct",
            figures_in={**same, "overdue_count": "-1"},
            reason="数据有误",
        )
    assert "overdue_count" in exc.value.fields
    changed = {
        **same,
        "overdue_count": str(ret.overdue_count + 1),
        "overdue_amount": str(ret.overdue_amount + 1),
    }
    ret = services.return_transition(
        actor=world.clerk, disclosure_return=ret, action="correct", figures_in=changed, reason="补报一笔"
    )
    assert ret.status == "confirmed" and ret.corrected and ret.correction_reason == "补报一笔"
    assert ret.drafted_overdue_count == ret.overdue_count - 1  # the draft is kept beside the correction


def test_a_concurrent_transition_touches_nothing(world: Any) -> None:
    from unittest import mock

    from qingqian.disclosure.services import returns as r

    ret = edu_return(world)
    stale = r._load(ret.pk)  # read as drafted by a second request ...
    services.return_transition(
        actor=world.clerk, disclosure_return=ret, action="confirm"
    )  # ... the first wins
    with mock.patch.object(r, "_load", return_value=stale), pytest.raises(ConcurrentTransition):
        services.return_transition(actor=world.clerk, disclosure_return=ret, action="confirm")
    ret.refresh_from_db()
    assert ret.status == "confirmed"


def _public_page(client: Any, body: Organisation) -> str:
    html = client.get(reverse("public:body", args=[body.pk])).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_editing_the_ledger_after_publication_leaves_the_published_page_identical(
    world: Any, client: Any
) -> None:
    y = last_year()
    body = new_body()
    ent = new_enterprise()
    item = new_item(body, ent, "88000.00", delivered_on=dt.date(y, 8, 1))
    publish(body)
    before = _public_page(client, body)
    api_before = client.get(f"/api/v1/public/disclosures/{body.pk}").json()
    snapshot = PublishedDisclosure.objects.get(body=body)
    assert snapshot.overdue_count == 1 and snapshot.overdue_amount == Decimal("88000.00")

    # the ledger changes afterwards: a payment dated in the year, a new overdue contract
    pay(item, "8000.00", dt.date(y, 12, 1))
    new_item(body, ent, "5000.00", delivered_on=dt.date(y, 7, 1))
    assert _public_page(client, body) == before
    assert client.get(f"/api/v1/public/disclosures/{body.pk}").json() == api_before
    with pytest.raises(AppendOnlyViolation):
        snapshot.overdue_count = 0
        snapshot.save()
    with pytest.raises(AppendOnlyViolation):
        PublishedDisclosure.objects.filter(pk=snapshot.pk).update(overdue_count=0)


def test_a_correction_is_a_new_version_and_the_page_shows_both_with_the_reason(
    world: Any, client: Any
) -> None:
    y = last_year()
    body = new_body()
    ent = new_enterprise()
    new_item(body, ent, "10000.00", delivered_on=dt.date(y, 8, 1))
    v1 = publish(body)
    new_item(body, ent, "7000.00", delivered_on=dt.date(y, 9, 1))  # found after publication
    with pytest.raises(NotPermitted):
        services.return_reopen(actor=world.finance, disclosure_return=v1, reason="补登一笔合同")
    with pytest.raises(InvalidInput):
        services.return_reopen(actor=world.office, disclosure_return=v1, reason="")
    v2 = services.return_reopen(actor=world.office, disclosure_return=v1, reason="补登一笔年末已逾期的合同")
    assert (v2.version, v2.status, v2.overdue_count, v2.overdue_amount) == (
        2,
        "drafted",
        2,
        Decimal("17000.00"),
    )
    with pytest.raises(Conflict):  # only one open correction at a time
        services.return_reopen(actor=world.office, disclosure_return=v1, reason="再次更正")
    # until it is published the public still sees version 1 only
    assert "补登一笔年末已逾期的合同" not in _public_page(client, body)
    walk(v2, "confirm", "approve", "publish")
    html = _public_page(client, body)
    assert "补登一笔年末已逾期的合同" in html and "17,000.00" in html and "10,000.00" in html
    assert "第 2 版" in html and "此前发布的 1 个版本" in html
    api = client.get(f"/api/v1/public/disclosures/{body.pk}").json()
    assert [v["version"] for v in api["versions"]] == [2, 1]
    assert api["versions"][0]["correction_reason"] == "补登一笔年末已逾期的合同"
    rows = [
        r
        for r in client.get("/disclosure/open-data/disclosures.json").json()["records"]
        if r["body_id"] == body.pk
    ]
    assert [(r["version"], r["is_current"]) for r in rows] == [(1, False), (2, True)]


@pytest.mark.parametrize(
    "reason",
    [
        "与石家庄恒信建筑劳务有限公司核对",
        "合同JY-2024-017漏报",
        "联系人电话13800000000",
        "信用代码91130100MA0000000X",
        "经周洁核实",
    ],
)
def test_a_public_correction_reason_may_not_name_an_enterprise_contract_or_person(
    world: Any, reason: str
) -> None:
    ret = DisclosureReturn.objects.filter(body__name=EDU, year=last_year()).first()
    assert ret is not None
    ret = walk(ret, "confirm", "approve", "publish")
    with pytest.raises(InvalidInput):
        services.return_reopen(actor=world.clerk, disclosure_return=ret, reason=reason)


def test_reminders_go_to_whoever_holds_each_open_return_once_a_day(world: Any) -> None:
    from qingqian.disclosure import conf
    from qingqian.disclosure.services.reminders import reminder_due
    from qingqian.notifications.models import Notification

    y = last_year()
    deadline = conf.deadline_for(y)
    assert reminder_due(deadline - dt.timedelta(days=7), deadline)
    assert not reminder_due(deadline - dt.timedelta(days=8), deadline)
    assert reminder_due(deadline + dt.timedelta(days=14), deadline)
    day = deadline - dt.timedelta(days=7)
    result = services.disclosure_remind(today=day, year=y)
    assert result.due_today and result.notifications > 0
    assert Notification.objects.filter(recipient=world.clerk, topic="disclosure.reminder").exists()
    again = services.disclosure_remind(today=day, year=y)
    assert again.notifications == 0


def test_the_completeness_board_counts_each_status_against_the_deadline(world: Any, client_for: Any) -> None:
    from qingqian.disclosure.selectors import board_for

    board = board_for(user=world.office, year=last_year())
    assert board.total == sum(v for k, v in board.counts.items() if k not in ("published_any", "correcting"))
    assert 0 < board.published < board.total
    assert board.deadline == dt.date(last_year() + 1, 3, 31)
    mine = board_for(user=world.clerk, year=last_year())
    assert [r.body.name for r in mine.rows] == [EDU]
    page = client_for(world.office).get(reverse("disclosure:board") + f"?year={last_year()}")
    assert page.status_code == 200 and "已公开" in page.content.decode()


def test_the_office_publishes_via_the_page_after_reauthentication(world: Any, client_for: Any) -> None:
    ret = walk(edu_return(world), "confirm", "approve")
    c = client_for(world.office)
    url = reverse("disclosure:return_act", args=[ret.pk, "publish"])
    first = c.post(url)
    assert first.status_code == 302 and "/accounts/reauth/" in first["Location"]
    from qingqian.accounts.session_policy import REAUTH_AT, now

    session = c.session
    session[REAUTH_AT] = now()
    session.save()
    assert c.post(url).status_code == 302
    ret.refresh_from_db()
    assert ret.status == "published"


def test_publishing_and_publishing_a_correction_need_a_fresh_reauthentication_and_are_audited(
    world: Any, client_for: Any, settings: Any
) -> None:
    from qingqian.accounts.session_policy import REAUTH_AT, now
    from qingqian.core.models import Event

    c = client_for(world.office)

    def reauthenticated(at: float) -> None:
        session = c.session
        session[REAUTH_AT] = at
        session.save()

    def published_events() -> list[Event]:
        return list(
            Event.objects.filter(action="security.content.published", actor=world.office).order_by("id")
        )

    v1 = walk(edu_return(world), "confirm", "approve")
    url = reverse("disclosure:return_act", args=[v1.pk, "publish"])
    assert c.post(url)["Location"].startswith("/accounts/reauth/")
    v1.refresh_from_db()
    assert v1.status == "approved" and published_events() == []
    reauthenticated(now())
    c.post(url)
    v1.refresh_from_db()
    assert v1.status == "published"
    [first] = published_events()
    assert first.actor == world.office and first.object_id == str(v1.snapshot.pk)
    assert first.data["correction"] is False and first.data["version"] == 1
    # the correction: a new version, published again only after a fresh re-authentication
    v2 = services.return_reopen(actor=world.office, disclosure_return=v1, reason="补登一笔年末已逾期的合同")
    v2 = walk(v2, "confirm", "approve")
    url2 = reverse("disclosure:return_act", args=[v2.pk, "publish"])
    reauthenticated(now() - settings.REAUTH_MAX_AGE_SECONDS - 1)
    assert c.post(url2)["Location"].startswith("/accounts/reauth/")
    v2.refresh_from_db()
    assert v2.status == "approved" and len(published_events()) == 1
    reauthenticated(now())
    c.post(url2)
    v2.refresh_from_db()
    assert v2.status == "published"
    second = published_events()[-1]
    assert second.object_id == str(v2.snapshot.pk) and second.data["correction"] is True
    assert second.data["version"] == 2


def test_publishing_payment_performance_needs_a_fresh_reauthentication_and_is_audited(
    world: Any, client_for: Any
) -> None:
    from qingqian.accounts.session_policy import REAUTH_AT, now
    from qingqian.core.models import Event
    from qingqian.disclosure.models import PublishedPerformance

    y = last_year()
    body = new_body()
    pay(
        new_item(body, new_enterprise(), "20000.00", delivered_on=dt.date(y, 4, 1)),
        "20000.00",
        dt.date(y, 4, 20),
    )
    c = client_for(world.office)
    url = reverse("disclosure:performance_publish")
    assert c.post(url, {"body": body.pk, "year": y})["Location"].startswith("/accounts/reauth/")
    assert not PublishedPerformance.objects.filter(body=body).exists()
    session = c.session
    session[REAUTH_AT] = now()
    session.save()
    c.post(url, {"body": body.pk, "year": y})
    row = PublishedPerformance.objects.get(body=body)
    event = Event.objects.get(action="security.content.published", actor=world.office)
    assert event.object_id == str(row.pk) and event.data["what"] == "disclosure.performance"
