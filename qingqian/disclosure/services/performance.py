"""Publishing a body's payment performance for a year (beyond the law, UK payment-practices style)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.events import record_event
from qingqian.core.permissions import Action, require
from qingqian.disclosure import figures
from qingqian.disclosure.models import DisclosureReturn, PublishedPerformance
from qingqian.disclosure.services.returns import content_hash, sides_of
from qingqian.registry.models import Organisation
from qingqian.security.audit import audit_publication


@transaction.atomic
def performance_publish(*, actor: Any, body: Organisation, year: int, note: str = "") -> PublishedPerformance:
    """Freeze and publish the body's payment performance for `year` (the office only). Publishing again
    (e.g. after late registrations) adds a new version; the earlier one stays."""
    require(actor, Action.VIEW, body)
    require(actor, Action.CREATE, DisclosureReturn)
    body = Organisation.objects.select_related("region").get(pk=body.pk)
    if "office" not in sides_of(actor, body):
        raise NotPermitted(_("只有专班办公室可以发布付款表现数据。"))
    if not isinstance(year, int) or dt.date(year, 12, 31) >= timezone.localdate():
        raise InvalidInput(_("只能发布已结束年度的付款表现。"), fields={"year": [_("请选择已结束的年度。")]})
    p = figures.payment_performance(
        date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31), debtor_ids=[body.pk], by="all"
    ).get(None, figures.Performance())
    if p.paid_count == 0:
        raise InvalidInput(
            _("该单位该年度没有付清的合同，无付款表现数据可发布。"), fields={"year": [_("无数据。")]}
        )
    version = (
        PublishedPerformance.objects.filter(body=body, year=year)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    values = p.as_dict()
    now = timezone.now()
    row = PublishedPerformance.objects.create(
        body=body,
        year=year,
        version=version,
        body_name=body.name,
        region=body.region,
        region_path=body.region.path,
        as_of=dt.date(year, 12, 31),
        paid_count=p.paid_count,
        within_term_pct=values["within_term_pct"],
        within_30_pct=values["within_30_pct"],
        within_60_pct=values["within_60_pct"],
        over_60_pct=values["over_60_pct"],
        avg_days_to_pay=values["avg_days_to_pay"],
        avg_days_late=values["avg_days_late"],
        note=(note or "").strip()[:500],
        published_at=now,
        published_by=actor if getattr(actor, "is_authenticated", False) else None,
        content_hash=content_hash({"body": body.pk, "year": year, "version": version, **values}),
    )
    record_event(
        actor=actor,
        action="disclosure.performance.published",
        obj=body,
        data={"year": year, "version": version, "figures": values, "published": row.pk},
    )
    audit_publication(
        actor,
        obj=row,
        data={"what": "disclosure.performance", "body": body.name, "year": year, "version": version},
    )
    return row
