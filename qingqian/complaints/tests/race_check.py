"""Run the concurrency checks against a real database file (not the test runner's in-memory SQLite,
whose shared-cache mode locks whole tables): `python -m qingqian.complaints.tests.race_check`.

Uses DATABASE_URL from the environment; migrates and seeds it, then races two conflicting
transitions on one case and four filings for numbers. Prints one JSON line.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any


def main() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from qingqian.accounts.testing import build_world
    from qingqian.complaints import services
    from qingqian.complaints.models import Complaint
    from qingqian.complaints.tests.factories import intake_data, make_case, payload_for
    from qingqian.core.errors import ConcurrentTransition
    from qingqian.core.models import Event

    world = build_world()
    case = make_case(world, "under_review")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(action: str) -> None:
        try:
            stale = Complaint.objects.get(pk=case.pk)
            barrier.wait(timeout=10)
            services.apply_transition(
                actor=world.office, complaint=stale, action=action, payload=payload_for(action)
            )
            outcomes.append("won:" + action)
        except ConcurrentTransition:
            outcomes.append("lost")
        except Exception as exc:
            outcomes.append("error:" + repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in ("accept", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    case.refresh_from_db()
    events = Event.objects.filter(
        object_id=str(case.pk), action__in=["complaints.case.accept", "complaints.case.reject"]
    ).count()

    before = Complaint.objects.count()
    barrier4 = threading.Barrier(4)
    filing_errors: list[str] = []

    def file_one() -> None:
        try:
            barrier4.wait(timeout=10)
            services.complaint_file(actor=world.enterprise, data=intake_data())
        except Exception as exc:
            filing_errors.append(repr(exc))
        finally:
            connection.close()

    fs = [threading.Thread(target=file_one) for _ in range(4)]
    for t in fs:
        t.start()
    for t in fs:
        t.join(timeout=60)
    numbers = list(Complaint.objects.values_list("number", flat=True))
    return {
        "vendor": connection.vendor,
        "outcomes": sorted(outcomes),
        "status": case.status,
        "events": events,
        "filed": Complaint.objects.count() - before,
        "filing_errors": filing_errors,
        "numbers_unique": len(numbers) == len(set(numbers)),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
