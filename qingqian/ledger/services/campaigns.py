"""Campaigns as data: a scope filter, a window and a deadline; progress against the scope at the start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from qingqian.core.errors import ConcurrentTransition, InvalidInput, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.ledger.choices import CampaignStatus, ItemSource, ItemStatus, SubjectKind
from qingqian.ledger.models import ArrearsItem, Campaign, CampaignItem
from qingqian.ledger.scoping import is_office_user
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Region

SCOPE_KEYS = {
    "balance_max": None,
    "debtor_kinds": OrganisationKind.values,
    "levels": Level.values,
    "subject_kinds": SubjectKind.values,
    "sources": ItemSource.values,
}


def clean_scope(raw: dict[str, Any] | None) -> dict[str, Any]:
    raw = raw or {}
    unknown = sorted(set(raw) - set(SCOPE_KEYS))
    if unknown:
        raise InvalidInput(
            _("未知的范围条件：%(k)s") % {"k": pgettext("list separator", "、").join(unknown)},
            fields={"scope": [", ".join(unknown)]},
        )
    scope: dict[str, Any] = {}
    if raw.get("balance_max") not in (None, ""):
        try:
            limit = Decimal(str(raw["balance_max"]))
        except InvalidOperation as exc:
            raise InvalidInput(_("金额上限须为数字。"), fields={"scope": [_("金额上限须为数字。")]}) from exc
        if not limit.is_finite() or limit <= 0:
            raise InvalidInput(_("金额上限须大于零。"), fields={"scope": [_("金额上限须大于零。")]})
        scope["balance_max"] = str(limit.quantize(Decimal("0.01")))
    for key, allowed in SCOPE_KEYS.items():
        if allowed is None or not raw.get(key):
            continue
        values = [str(v) for v in raw[key]]
        bad = [v for v in values if v not in allowed]
        if bad:
            raise InvalidInput(
                _("范围条件取值无效：%(v)s") % {"v": pgettext("list separator", "、").join(bad)},
                fields={"scope": bad},
            )
        scope[key] = values
    return scope


def scope_queryset(campaign: Campaign) -> QuerySet[ArrearsItem]:
    """Open items with a balance inside the campaign's region and filters (what a start snapshots)."""
    qs = ArrearsItem.objects.filter(
        status=ItemStatus.OPEN, balance__gt=0, debtor__region__path__startswith=campaign.region.path
    )
    scope = campaign.scope or {}
    if scope.get("balance_max"):
        qs = qs.filter(balance__lte=Decimal(scope["balance_max"]))
    filters = {
        "debtor_kinds": "debtor__kind__in",
        "levels": "debtor__level__in",
        "subject_kinds": "subject_kind__in",
        "sources": "source__in",
    }
    for key, lookup in filters.items():
        if scope.get(key):
            qs = qs.filter(Q(**{lookup: scope[key]}))
    return qs


def _require_office(actor: Any) -> None:
    require(actor, Action.CHANGE, Campaign)
    if actor is not None and not is_office_user(actor):
        raise NotPermitted(_("只有专班办公室可以组织专项行动。"))


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    name: str,
    region: Region,
    starts_on: dt.date,
    deadline: dt.date,
    scope: dict[str, Any] | None = None,
    description: str = "",
) -> Campaign:
    _require_office(actor)
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("请填写专项行动名称。"), fields={"name": [_("请填写专项行动名称。")]})
    if deadline < starts_on:
        raise InvalidInput(
            _("完成时限不能早于开始日期。"), fields={"deadline": [_("完成时限不能早于开始日期。")]}
        )
    campaign = Campaign.objects.create(
        name=name[:200],
        description=description,
        region=region,
        scope=clean_scope(scope),
        starts_on=starts_on,
        deadline=deadline,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record_event(
        actor=actor,
        action="ledger.campaign.created",
        obj=campaign,
        after={"name": campaign.name, "scope": campaign.scope, "starts_on": starts_on, "deadline": deadline},
    )
    return campaign


@transaction.atomic
def campaign_start(*, actor: Any, campaign: Campaign) -> Campaign:
    """Snapshot the items in scope with their balances: progress is measured against this."""
    _require_office(actor)
    now = timezone.now()
    touched = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.DRAFT).update(
        status=CampaignStatus.ACTIVE, started_at=now
    )
    if touched != 1:
        raise ConcurrentTransition(_("专项行动已启动或已结束。"))
    campaign.refresh_from_db()
    rows = scope_queryset(campaign).values_list("pk", "balance")
    batch: list[CampaignItem] = []
    count, amount = 0, Decimal("0.00")
    for pk, balance in rows.iterator(chunk_size=5000):
        batch.append(CampaignItem(campaign=campaign, item_id=pk, balance_at_start=balance))
        count, amount = count + 1, amount + balance
        if len(batch) >= 5000:
            CampaignItem.objects.bulk_create(batch)
            batch = []
    CampaignItem.objects.bulk_create(batch)
    record_event(
        actor=actor,
        action="ledger.campaign.started",
        obj=campaign,
        data={"items": count, "amount": amount},
    )
    return campaign


@transaction.atomic
def campaign_end(*, actor: Any, campaign: Campaign) -> Campaign:
    _require_office(actor)
    touched = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.ACTIVE).update(
        status=CampaignStatus.ENDED
    )
    if touched != 1:
        raise ConcurrentTransition(_("专项行动不在进行中。"))
    campaign.refresh_from_db()
    record_event(actor=actor, action="ledger.campaign.ended", obj=campaign)
    return campaign
