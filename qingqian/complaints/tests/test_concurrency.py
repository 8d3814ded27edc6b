"""Conflicting changes at the same moment: exactly one wins (compare-and-swap), the others get a 409.

The stale-copy case runs in-process; the real races run through the API against gunicorn on a
scratch database of this run's engine (`drills/concurrency.py`): 50 parallel conflicting transitions
on one case, 50 confirmations/rejections of one payment report, 50 payment reports that together
would over-pay an item, 50 filings that must get distinct consecutive numbers."""

from __future__ import annotations

from typing import Any

import pytest

from qingqian.complaints import services
from qingqian.complaints.choices import Status
from qingqian.complaints.models import Complaint
from qingqian.complaints.tests.factories import make_case, payload_for
from qingqian.core.errors import ConcurrentTransition
from qingqian.core.models import Event
from qingqian.core.testing.drills import run_drill


def test_a_stale_copy_cannot_overwrite_a_newer_state(world: Any) -> None:
    case = make_case(world, Status.UNDER_REVIEW)
    first, second = Complaint.objects.get(pk=case.pk), Complaint.objects.get(pk=case.pk)
    services.apply_transition(actor=world.office, complaint=first, action="accept")
    with pytest.raises(ConcurrentTransition):
        services.apply_transition(
            actor=world.office, complaint=second, action="reject", payload=payload_for("reject")
        )
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert not Event.objects.filter(action="complaints.case.reject", object_id=str(case.pk)).exists()


@pytest.mark.django_db
def test_fifty_parallel_conflicting_requests_through_the_api_one_wins_the_others_get_a_chinese_409() -> None:
    out = run_drill("drills/concurrency.py", "--parallel", "50")
    for race, winners in (("transition", 1), ("decision", 1), ("overpay", 3), ("filing", 50)):
        assert f"| {race} | 50 | {winners} | {50 - winners} |" in out, out[-3000:]
    assert "invariants hold|all|all|PASS" in out
