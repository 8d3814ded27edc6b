"""Nothing acknowledged is lost, at small size on the engine of this test run (full size: `make drills`)."""

from __future__ import annotations

import pytest

from qingqian.core.testing.drills import run_drill


@pytest.mark.django_db
def test_nothing_acknowledged_is_lost_when_the_server_and_the_worker_are_killed() -> None:
    out = run_drill("drills/crash.py", "--requests", "60", "--kills", "3", "--clients", "4")
    # each kind of request went through the kills and came out exactly once, with its e-mail
    for kind in ("organisation", "complaint", "payment"):
        assert f"| 20 | {kind} | 20 | 20 | 0 | 0 | 0 | 0 |" in out, out[-3000:]
    assert "sent twice 0" in out and "verifies" in out
