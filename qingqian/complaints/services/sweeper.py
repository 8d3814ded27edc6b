"""The supervision ladder sweeper: 催办 before a deadline, 超期 at it, 督办 and 提级 after it.

Safe to run every minute and from several processes: each case's step is claimed with a
compare-and-swap on (`next_reminder_at`, `ladder_step`, `due_on`), so a step is taken once, and
notifications carry a dedupe key as a second guard. Running it twice in a row sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qingqian.complaints import deadlines
from qingqian.complaints.choices import OPEN_STATES, DeadlineKind, LadderStep
from qingqian.complaints.models import Complaint
from qingqian.complaints.services import parties as P
from qingqian.complaints.services.common import tell
from qingqian.core.events import record_event
from qingqian.registry.reference import working_calendar

STEP_ACTIONS: dict[int, str] = {
    LadderStep.REMINDED: "reminded",
    LadderStep.OVERDUE: "overdue",
    LadderStep.SUPERVISED: "supervised",
    LadderStep.ESCALATED: "escalated",
}


@dataclass
class SweepReport:
    examined: int = 0
    advanced: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.advanced.values())


def _recipients(case: Complaint, step: int) -> list[Any]:
    office_owned = case.due_kind in (DeadlineKind.REVIEW, DeadlineKind.TRANSFER)
    doers = list(P.office_users(case)) if office_owned else list(P.handler_users(case))
    if step == LadderStep.REMINDED:
        return doers
    if step == LadderStep.OVERDUE:
        return doers + list(P.office_users(case))
    if step == LadderStep.SUPERVISED:
        return doers + list(P.office_users(case)) + list(P.respondent_users(case))
    return doers + list(P.office_users(case)) + list(P.leaders(case))


def _message(case: Complaint, step: int) -> tuple[str, str]:
    kind = DeadlineKind(case.due_kind).label if case.due_kind else ""
    due = case.due_on.isoformat() if case.due_on else ""
    if step == LadderStep.REMINDED:
        return _("催办：%(kind)s将于%(due)s届满") % {"kind": kind, "due": due}, _("请在期限内办理。")
    if step == LadderStep.OVERDUE:
        return _("超期提醒：%(kind)s已于%(due)s届满") % {"kind": kind, "due": due}, _(
            "该投诉已超期，请尽快办理并说明原因。"
        )
    if step == LadderStep.SUPERVISED:
        return _("督办通知：%(kind)s超期未办") % {"kind": kind}, _("请办理单位负责人督促办理，并报告进展。")
    return _("提级督办：%(kind)s严重超期") % {"kind": kind}, _("已提请上级部门督办。")


def sweep(*, now: dt.datetime | None = None, limit: int = 1000) -> SweepReport:
    now = now or timezone.now()
    cal = working_calendar()
    report = SweepReport()
    due = list(
        Complaint.objects.filter(
            next_reminder_at__lte=now, status__in=list(OPEN_STATES), due_on__isnull=False
        )
        .order_by("next_reminder_at", "id")
        .values_list("pk", "next_reminder_at", "ladder_step", "due_on")[:limit]
    )
    for pk, claimed_at, step, due_on in due:
        report.examined += 1
        target = deadlines.due_step(due_on, step, now, cal)
        nxt = deadlines.next_step(due_on, target, cal)
        with transaction.atomic():
            touched = Complaint.objects.filter(
                pk=pk, next_reminder_at=claimed_at, ladder_step=step, due_on=due_on
            ).update(
                ladder_step=target,
                lateness=deadlines.lateness_of(target),
                next_reminder_at=nxt[1] if nxt else None,
            )
            if touched != 1:
                report.skipped += 1  # another sweeper, or a transition, got there first
                continue
            if target == step:
                continue
            case = Complaint.objects.select_related("responsible_department__region").get(pk=pk)
            action = STEP_ACTIONS[target]
            subject, body = _message(case, target)
            record_event(
                actor=None,
                action=f"complaints.case.{action}",
                obj=case,
                data={"step": int(target), "due_on": due_on, "due_kind": case.due_kind, "explain": subject},
            )
            tell(
                _recipients(case, target),
                case,
                topic=f"complaints.case.{action}",
                subject=subject,
                body=body,
                dedupe_key=f"ladder:{pk}:{case.due_kind}:{due_on.isoformat()}:{int(target)}",
                sms=target >= LadderStep.SUPERVISED,
            )
            report.advanced[action] = report.advanced.get(action, 0) + 1
    return report
