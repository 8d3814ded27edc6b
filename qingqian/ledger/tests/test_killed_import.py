"""A 台账 import killed half-way (`kill -9` of the task worker while checking and while writing) leaves
nothing behind, and the next run imports it exactly once — at small size on the engine of this test run."""

from __future__ import annotations

import pytest

from qingqian.core.testing.drills import run_drill


@pytest.mark.django_db
def test_an_import_killed_half_way_leaves_nothing_and_completes_exactly_once() -> None:
    out = run_drill("drills/killed_import.py", "--rows", "6500")
    # killed at the first write progress: after the first batch of 5,000 new items went into the transaction
    assert "| killed while writing | write 5,000/6,500 |" in out, out[-3000:]
    assert (
        "| run to the end | — (ran to the end) |" in out and "| succeeded | 6,500 | 6,500 | 65 | 1 |" in out
    )
