"""Deadline arithmetic for complaints: the legal limits from the rules' dated parameters and the
working-day calendar (holidays and 调休 from the registry), the clock stop for material, and the
supervision ladder (催办 → 超期 → 督办 → 提级).

Pure functions of dates; the services store the results as columns with a history row each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from qingqian.complaints import conf
from qingqian.complaints.choices import DeadlineKind, LadderStep, Lateness, Status
from qingqian.registry.reference import working_calendar
from qingqian.rules import Calendar, get_parameters

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limits:
    review_working_days: int
    transfer_working_days: int
    handling_days: int
    total_with_extension_days: int


def limits_on(day: dt.date) -> Limits:
    """The time limits in force on `day` (dated YAML parameters with citations, see docs/rules/)."""
    p = get_parameters()

    def need(name: str) -> int:
        value = p.days(name, day)
        if value is None:
            raise ValueError(f"parameter {name} not in force on {day}")
        return value

    return Limits(
        review_working_days=need("complaint_review_working_days"),
        transfer_working_days=need("complaint_transfer_working_days"),
        handling_days=need("complaint_handling_days"),
        total_with_extension_days=need("complaint_total_with_extension_days"),
    )


def today() -> dt.date:
    return timezone.localdate()


def review_due(received_on: dt.date, cal: Calendar | None = None) -> dt.date:
    """Review (accept / ask for material / reject) within N working days of receipt."""
    cal = cal or working_calendar()
    return cal.add_working_days(received_on, limits_on(received_on).review_working_days)


def transfer_due(accepted_on: dt.date, cal: Calendar | None = None) -> dt.date:
    """Transfer to the handling department within N working days of formal acceptance."""
    cal = cal or working_calendar()
    return cal.add_working_days(accepted_on, limits_on(accepted_on).transfer_working_days)


def handle_due(base_on: dt.date, extension_days: int = 0, cal: Calendar | None = None) -> dt.date:
    """Result within N calendar days of receipt of materials (+ approved extension); a period that
    ends on a rest day ends on the next working day (Civil Code Art 203)."""
    cal = cal or working_calendar()
    return cal.roll_forward(base_on + dt.timedelta(days=limits_on(base_on).handling_days + extension_days))


def max_extension_days(base_on: dt.date) -> int:
    lim = limits_on(base_on)
    return lim.total_with_extension_days - lim.handling_days


def working_days_between(start: dt.date, end: dt.date, cal: Calendar | None = None) -> int:
    """Working days in (start, end]; negative when end is before start."""
    cal = cal or working_calendar()
    if end == start:
        return 0
    sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
    n, day = 0, lo
    while day < hi:
        day += ONE_DAY
        if cal.is_working_day(day):
            n += 1
    return sign * n


def subtract_working_days(day: dt.date, n: int, cal: Calendar | None = None) -> dt.date:
    cal = cal or working_calendar()
    while n > 0:
        day -= ONE_DAY
        if cal.is_working_day(day):
            n -= 1
    return day


def resume_after_pause(
    remaining_working_days: int, resumed_on: dt.date, cal: Calendar | None = None
) -> dt.date:
    """The clock restarts with the working days that were left when it stopped."""
    cal = cal or working_calendar()
    return cal.add_working_days(resumed_on, remaining_working_days)


# --- The active deadline of a state ------------------------------------------------------------------

REVIEW_STATES = frozenset({Status.REGISTERED, Status.UNDER_REVIEW})
TRANSFER_STATES = frozenset({Status.ACCEPTED})
HANDLE_STATES = frozenset({Status.TRANSFERRED, Status.IN_HANDLING, Status.EXTENSION_REQUESTED})


def active_deadline(
    status: str,
    *,
    review_due_on: dt.date | None,
    transfer_due_on: dt.date | None,
    handle_due_on: dt.date | None,
    upstream_due_on: dt.date | None = None,
) -> tuple[dt.date | None, str]:
    """(due_on, kind) the ladder watches in `status`; none while paused or waiting on others."""
    if status in REVIEW_STATES:
        return review_due_on, DeadlineKind.REVIEW if review_due_on else ""
    if status in TRANSFER_STATES:
        return transfer_due_on, DeadlineKind.TRANSFER if transfer_due_on else ""
    if status in HANDLE_STATES:
        if upstream_due_on and (handle_due_on is None or upstream_due_on < handle_due_on):
            return upstream_due_on, DeadlineKind.UPSTREAM
        return handle_due_on, DeadlineKind.HANDLE if handle_due_on else ""
    return None, ""


# --- Supervision ladder ------------------------------------------------------------------------------


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def ladder_schedule(due_on: dt.date, cal: Calendar | None = None) -> list[tuple[int, dt.datetime]]:
    """When each step of the ladder falls due for a deadline, in order."""
    cal = cal or working_calendar()
    steps: list[tuple[int, dt.datetime]] = []
    if conf.remind_days() > 0:
        steps.append((LadderStep.REMINDED, start_of(subtract_working_days(due_on, conf.remind_days(), cal))))
    steps.append((LadderStep.OVERDUE, start_of(due_on + ONE_DAY)))
    steps.append((LadderStep.SUPERVISED, start_of(cal.add_working_days(due_on, conf.supervise_days()))))
    steps.append((LadderStep.ESCALATED, start_of(cal.add_working_days(due_on, conf.escalate_days()))))
    return steps


def next_step(
    due_on: dt.date | None, current: int, cal: Calendar | None = None
) -> tuple[int, dt.datetime] | None:
    """The first ladder step after `current`, and when it falls due."""
    if due_on is None:
        return None
    for step, at in ladder_schedule(due_on, cal):
        if step > current:
            return step, at
    return None


def due_step(due_on: dt.date, current: int, now: dt.datetime, cal: Calendar | None = None) -> int:
    """The highest step whose time has come (≥ current)."""
    reached = current
    for step, at in ladder_schedule(due_on, cal):
        if at <= now and step > reached:
            reached = step
    return reached


def lateness_of(step: int) -> str:
    if step >= LadderStep.SUPERVISED:
        return Lateness.SERIOUSLY_OVERDUE
    if step == LadderStep.OVERDUE:
        return Lateness.OVERDUE
    if step == LadderStep.REMINDED:
        return Lateness.DUE_SOON
    return Lateness.ON_TIME


def countdown(due_on: dt.date | None, on: dt.date | None = None, cal: Calendar | None = None) -> int | None:
    """Working days left until `due_on` (0 on the day, negative when overdue)."""
    if due_on is None:
        return None
    return working_days_between(on or today(), due_on, cal)
