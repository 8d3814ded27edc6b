"""Deadlines with frozen time over the 2025 National Day holiday (Oct 1–8; Sun Sep 28 and Sat Oct 11
were adjusted working days), the clock stop for material, and the supervision ladder."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from qingqian.complaints import deadlines, services
from qingqian.complaints.choices import DeadlineKind, LadderStep, Lateness, Status
from qingqian.complaints.models import Complaint, DeadlineHistory, Pause
from qingqian.complaints.tests.factories import make_case, payload_for, route_payload
from qingqian.core.models import Event
from qingqian.notifications.models import Notification

SH = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, h: int = 10) -> Any:
    return time_machine.travel(dt.datetime(y, m, d, h, 0, tzinfo=SH), tick=False)


def test_the_review_deadline_skips_the_national_day_holiday_and_counts_the_adjusted_sunday(
    world: Any,
) -> None:
    with at(2025, 9, 26):  # Friday
        case = make_case(world)
    # 10 working days: Sun 9/28 (adjusted working day), 9/29, 9/30, [Oct 1–8 off], 10/9, 10/10,
    # Sat 10/11 (adjusted working day), 10/13, 10/14, 10/15, 10/16.
    assert case.received_on == dt.date(2025, 9, 26)
    assert case.review_due_on == dt.date(2025, 10, 16)
    assert (case.due_on, case.due_kind) == (dt.date(2025, 10, 16), DeadlineKind.REVIEW)
    assert DeadlineHistory.objects.get(complaint=case).new_value == dt.date(2025, 10, 16)


def test_the_transfer_deadline_counts_ten_working_days_from_acceptance(world: Any) -> None:
    with at(2025, 9, 26):
        case = make_case(world)
    with at(2025, 9, 30):
        case = services.apply_transition(actor=world.office, complaint=case, action="accept")
    assert case.accepted_on == dt.date(2025, 9, 30)
    assert case.transfer_due_on == dt.date(2025, 10, 21)  # 10/9 10/10 10/11(Sat) 10/13–17 10/20 10/21
    assert case.due_kind == DeadlineKind.TRANSFER


def test_the_handling_deadline_is_thirty_calendar_days_rolled_past_a_holiday(world: Any) -> None:
    with at(2025, 9, 1):
        case = make_case(world, Status.ACCEPTED)
    with at(2025, 9, 5):
        case = services.apply_transition(
            actor=world.office, complaint=case, action="route", payload=route_payload()
        )
    # 9/5 + 30 days = Sun 10/5, inside the holiday: the period ends on the next working day (Art 203).
    assert case.handle_due_on == dt.date(2025, 10, 9)
    assert case.due_kind == DeadlineKind.HANDLE


def test_pausing_for_material_moves_the_review_deadline_by_the_paused_time(world: Any) -> None:
    with at(2025, 9, 1):  # Monday
        case = make_case(world)
    assert case.review_due_on == dt.date(2025, 9, 15)
    with at(2025, 9, 3):
        case = services.apply_transition(
            actor=world.office, complaint=case, action="request_material", payload={"text": "请补充验收单"}
        )
    assert case.status == Status.AWAITING_MATERIAL and case.due_on is None and case.next_reminder_at is None
    pause = Pause.objects.get(complaint=case)
    assert pause.remaining_working_days == 8  # 9/4 … 9/15
    with at(2025, 9, 24):
        case = services.apply_transition(
            actor=world.enterprise,
            complaint=case,
            action="provide_material",
            payload={"text": "已上传验收单"},
        )
    # 8 working days from 9/24: 9/25, 9/26, Sun 9/28, 9/29, 9/30, 10/9, 10/10, Sat 10/11
    assert case.review_due_on == dt.date(2025, 10, 11)
    assert case.due_on == dt.date(2025, 10, 11) and case.status == Status.UNDER_REVIEW
    pause.refresh_from_db()
    assert pause.ended_on == dt.date(2025, 9, 24)
    moved = DeadlineHistory.objects.filter(complaint=case, kind=DeadlineKind.REVIEW).order_by("id").last()
    assert moved is not None
    assert (moved.old_value, moved.new_value) == (dt.date(2025, 9, 15), dt.date(2025, 10, 11))
    assert "暂停21日" in moved.reason


def test_the_countdown_is_in_working_days() -> None:
    assert deadlines.countdown(dt.date(2025, 10, 9), on=dt.date(2025, 9, 30)) == 1
    assert deadlines.countdown(dt.date(2025, 10, 16), on=dt.date(2025, 9, 26)) == 10
    assert deadlines.countdown(dt.date(2025, 9, 26), on=dt.date(2025, 9, 30)) == -3


def test_an_earlier_upstream_deadline_is_the_one_watched(world: Any) -> None:
    with at(2025, 9, 1):
        case = make_case(world, Status.ACCEPTED)
        Complaint.objects.filter(pk=case.pk).update(
            upstream_ref="MIIT-2025-1", upstream_due_on=dt.date(2025, 9, 20)
        )
        case.refresh_from_db()
        case = services.apply_transition(
            actor=world.office, complaint=case, action="route", payload=route_payload()
        )
    assert (case.due_on, case.due_kind) == (dt.date(2025, 9, 20), DeadlineKind.UPSTREAM)


# --- The supervision ladder ------------------------------------------------------------------------------


def _counts(case: Complaint) -> tuple[int, int]:
    return (
        Notification.objects.filter(object_id=str(case.pk), topic__startswith="complaints.case.").count(),
        Event.objects.filter(object_id=str(case.pk)).count(),
    )


def test_the_ladder_reminds_marks_overdue_supervises_and_escalates_once_each(world: Any) -> None:
    with at(2025, 9, 1):
        case = make_case(world)  # review due Mon 9/15
    steps = []
    for day, expected_step, expected_lateness in [
        ((2025, 9, 10), LadderStep.NONE, Lateness.ON_TIME),
        ((2025, 9, 11), LadderStep.REMINDED, Lateness.DUE_SOON),  # 2 working days before
        ((2025, 9, 16), LadderStep.OVERDUE, Lateness.OVERDUE),
        ((2025, 9, 18), LadderStep.SUPERVISED, Lateness.SERIOUSLY_OVERDUE),  # 3 working days after
        ((2025, 9, 29), LadderStep.ESCALATED, Lateness.SERIOUSLY_OVERDUE),  # 10 working days after
    ]:
        with at(*day, h=12):
            first = services.sweep()
            after_first = _counts(case)
            second = services.sweep()
            assert second.total == 0, day
            assert _counts(case) == after_first, f"second sweep on {day} sent something again"
        case.refresh_from_db()
        assert (case.ladder_step, case.lateness) == (expected_step, expected_lateness), day
        steps.append(first.total)
    assert steps == [0, 1, 1, 1, 1]
    assert case.next_reminder_at is None
    actions = list(
        Event.objects.filter(
            object_id=str(case.pk),
            action__in=[
                "complaints.case.reminded",
                "complaints.case.overdue",
                "complaints.case.supervised",
                "complaints.case.escalated",
            ],
        ).values_list("action", flat=True)
    )
    assert actions == [
        "complaints.case.reminded",
        "complaints.case.overdue",
        "complaints.case.supervised",
        "complaints.case.escalated",
    ]
    # 提级 goes to the leadership too
    assert Notification.objects.filter(
        object_id=str(case.pk), topic="complaints.case.escalated", recipient=world.leader
    ).exists()


def test_a_late_sweep_jumps_to_the_current_step_and_the_command_is_idempotent(world: Any) -> None:
    with at(2025, 9, 1):
        case = make_case(world)
    with at(2025, 9, 19, h=8):
        call_command("sweep_complaints", verbosity=0)
        n = _counts(case)
        call_command("sweep_complaints", verbosity=0)
        assert _counts(case) == n
    case.refresh_from_db()
    assert case.ladder_step == LadderStep.SUPERVISED
    assert Event.objects.filter(object_id=str(case.pk), action="complaints.case.supervised").count() == 1
    assert not Event.objects.filter(object_id=str(case.pk), action="complaints.case.reminded").exists()


def test_a_transition_starts_a_fresh_ladder_for_the_next_deadline(world: Any) -> None:
    with at(2025, 9, 1):
        case = make_case(world)
    with at(2025, 9, 16, h=12):
        services.sweep()
        case.refresh_from_db()
        assert case.lateness == Lateness.OVERDUE
        case = services.apply_transition(actor=world.office, complaint=case, action="accept")
    assert (case.ladder_step, case.lateness, case.due_kind) == (
        LadderStep.NONE,
        Lateness.ON_TIME,
        DeadlineKind.TRANSFER,
    )
    assert case.next_reminder_at is not None
    assert case.reviewed_on is not None
    assert case.review_due_on is not None
    assert case.reviewed_on > case.review_due_on  # reviewed late: counts against the on-time rate


def test_the_office_can_issue_a_supervision_notice_by_hand(world: Any) -> None:
    case = make_case(world, Status.IN_HANDLING)
    services.complaint_supervise(actor=world.office, complaint=case, text="请于三日内报送进展")
    case.refresh_from_db()
    assert case.manual_supervision_count == 1
    assert Notification.objects.filter(
        topic="complaints.case.supervised_manually", recipient=world.finance
    ).exists()
    assert Event.objects.filter(object_id=str(case.pk), action="complaints.case.supervised_manually").exists()
    assert payload_for("route")  # the factory's routing target is the finance bureau
