"""Two conflicting transitions on one case at the same moment: exactly one wins (compare-and-swap)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from qingqian.complaints import services
from qingqian.complaints.choices import Status
from qingqian.complaints.models import Complaint, ComplaintCounter
from qingqian.complaints.tests.factories import intake_data, make_case, payload_for
from qingqian.core.errors import ConcurrentTransition
from qingqian.core.models import Event


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


def _race(world: Any, case_pk: int, actions: list[tuple[str, dict[str, Any]]]) -> list[str]:
    barrier = threading.Barrier(len(actions))
    results: list[str] = []
    lock = threading.Lock()

    def run(action: str, payload: dict[str, Any]) -> None:
        try:
            stale = Complaint.objects.get(pk=case_pk)
            barrier.wait(timeout=10)
            services.apply_transition(actor=world.office, complaint=stale, action=action, payload=payload)
            outcome = f"won:{action}"
        except ConcurrentTransition:
            outcome = "lost"
        except Exception as exc:  # pragma: no cover - shown in the assertion
            outcome = f"error:{exc!r}"
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run, args=a) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


IN_MEMORY_SQLITE = pytest.mark.skipif(
    "connection.vendor == 'sqlite'",
    reason="the test runner's in-memory SQLite locks whole tables; see test_the_race_on_a_database_file",
)


@IN_MEMORY_SQLITE
@pytest.mark.django_db(transaction=True)
def test_two_threads_racing_on_one_case_exactly_one_wins(world: Any) -> None:
    case = make_case(world, Status.UNDER_REVIEW)
    results = _race(world, case.pk, [("accept", {}), ("reject", payload_for("reject"))])
    assert sorted(r.split(":")[0] for r in results) == ["lost", "won"], results
    winner = next(r for r in results if r.startswith("won")).split(":")[1]
    case.refresh_from_db()
    assert case.status == (Status.ACCEPTED if winner == "accept" else Status.NOT_ACCEPTED)
    assert (
        Event.objects.filter(
            object_id=str(case.pk), action__in=["complaints.case.accept", "complaints.case.reject"]
        ).count()
        == 1
    )


@IN_MEMORY_SQLITE
@pytest.mark.django_db(transaction=True)
def test_concurrent_filings_get_distinct_consecutive_numbers(world: Any) -> None:
    errors: list[str] = []
    barrier = threading.Barrier(4)
    before = set(Complaint.objects.values_list("number", flat=True))

    def file_one() -> None:
        try:
            barrier.wait(timeout=10)
            services.complaint_file(actor=world.enterprise, data=intake_data())
        except Exception as exc:  # pragma: no cover
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    numbers = sorted(set(Complaint.objects.values_list("number", flat=True)) - before)
    assert len(numbers) == 4
    serials = [int(n[-6:]) for n in numbers]
    assert serials == list(range(serials[0], serials[0] + 4))
    assert ComplaintCounter.objects.get(year=int(numbers[0][3:7])).last == serials[-1]


def test_the_race_on_a_database_file(tmp_path: Path) -> None:
    """The same races in a separate process on a real SQLite file (WAL, IMMEDIATE), as deployed."""
    from django.conf import settings

    if connection.vendor != "sqlite":
        pytest.skip("covered in-process on this database")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
        QINGQIAN_VAR_DIR=str(tmp_path),
        QINGQIAN_ENV="test",
        DEMO_DATA_ALLOWED="1",
    )
    out = subprocess.run(
        [sys.executable, "-m", "qingqian.complaints.tests.race_check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert [o.split(":")[0] for o in result["outcomes"]] == ["lost", "won"], result
    assert result["status"] in ("accepted", "not_accepted") and result["events"] == 1
    assert result["filed"] == 4 and not result["filing_errors"] and result["numbers_unique"], result
