"""Reminders before (and weekly after) the 31 March deadline, to whoever holds each unpublished return."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.core.events import record_event
from qingqian.disclosure import conf
from qingqian.disclosure.choices import OPEN_RETURN_STATES, ReturnStatus
from qingqian.disclosure.models import DisclosureReturn
from qingqian.disclosure.services.notify import notify, office_users_for, users_with


@dataclass(frozen=True)
class ReminderResult:
    year: int
    due_today: bool
    days_left: int
    returns: int
    not_drafted: int
    notifications: int


def reminder_due(today: dt.date, deadline: dt.date) -> bool:
    """On the configured days before the deadline, on the deadline, and every 7 days after it."""
    left = (deadline - today).days
    if left >= 0:
        return left in conf.reminder_days() or left == 0
    return (-left) % 7 == 0


@transaction.atomic
def disclosure_remind(
    *, today: dt.date | None = None, year: int | None = None, force: bool = False
) -> ReminderResult:
    """Queue the reminders due today (idempotent per day: a second run queues nothing new)."""
    from qingqian.disclosure.services.returns import disclosure_bodies

    today = today or timezone.localdate()
    year = year or today.year - 1
    deadline = conf.deadline_for(year)
    left = (deadline - today).days
    due = force or reminder_due(today, deadline)
    if not due:
        return ReminderResult(year, False, left, 0, 0, 0)
    open_returns = list(
        DisclosureReturn.objects.filter(year=year, status__in=list(OPEN_RETURN_STATES)).select_related(
            "body__region"
        )
    )
    sent = 0
    when = (
        _("距公开期限（%(d)s）还有%(n)s天") % {"d": deadline.isoformat(), "n": left}
        if left >= 0
        else _("已超过公开期限（%(d)s）%(n)s天") % {"d": deadline.isoformat(), "n": -left}
    )
    for ret in open_returns:
        body = ret.body
        if ret.status == ReturnStatus.DRAFTED:
            recipients = users_with("debtor_clerk", organisation_id=body.pk)
            what = _("请核实并确认本单位%(year)s年末逾期未付中小企业款项数据。")
        elif ret.status == ReturnStatus.CONFIRMED:
            dept = body.responsible_department_id or body.supervising_department_id
            recipients = users_with("department_handler", organisation_id=dept) if dept else []
            what = _("%(body)s的%(year)s年度公开数据待您审核。")
        else:
            recipients = office_users_for(body)
            what = _("%(body)s的%(year)s年度公开数据已审核，待发布。")
        sent += notify(
            recipients=recipients,
            topic="disclosure.reminder",
            subject=_("年度公开提醒：%(body)s") % {"body": body.name},
            body=(what % {"body": body.name, "year": year}) + when,
            link=reverse("disclosure:return_detail", args=[ret.pk]),
            obj=ret,
            dedupe_key=f"disclosure.reminder:{year}:{today.isoformat()}:{ret.pk}",
        )
    drafted_bodies = DisclosureReturn.objects.filter(year=year).values("body_id")
    not_drafted = disclosure_bodies().exclude(pk__in=drafted_bodies).count()
    if not_drafted:
        from qingqian.registry.models import TaskForce

        offices: dict[int, Any] = {}
        for tf in TaskForce.objects.select_related("region", "office"):
            for u in office_users_for(tf.office):
                offices[u.pk] = u
        sent += notify(
            recipients=offices.values(),
            topic="disclosure.reminder",
            subject=_("年度公开提醒：%(n)s个单位尚未起草%(year)s年度公开数据")
            % {"n": not_drafted, "year": year},
            body=when,
            link=reverse("disclosure:board") + f"?year={year}",
            dedupe_key=f"disclosure.reminder:{year}:{today.isoformat()}:not_drafted",
        )
    record_event(
        actor=None,
        action="disclosure.reminders.sent",
        data={
            "year": year,
            "date": today,
            "returns": len(open_returns),
            "not_drafted": not_drafted,
            "queued": sent,
        },
    )
    return ReminderResult(year, True, left, len(open_returns), not_drafted, sent)
