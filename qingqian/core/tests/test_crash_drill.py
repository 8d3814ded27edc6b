"""The reliability drills at small size, on the database engine of this test run (full size: `make
drills`). Each drill is a real deployment in separate processes on its own scratch database (an SQLite
file, or a temporary PostgreSQL database on the test run's server), so nothing here is mocked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


def drill_database_args() -> list[str]:
    """Where a drill makes its scratch database: beside this run's PostgreSQL, or an SQLite file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return ["--postgres-server", f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"]
    return []


def run_drill(script: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, script, *args, *drill_database_args()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out[-4000:] + result.stderr[-4000:]
    targets = [line for line in out.splitlines() if line.startswith("TARGET|")]
    assert targets and all(line.endswith("|PASS") for line in targets), out[-4000:]
    return out


@pytest.mark.django_db
def test_nothing_acknowledged_is_lost_when_the_server_and_the_worker_are_killed() -> None:
    out = run_drill("drills/crash.py", "--requests", "60", "--kills", "3", "--clients", "4")
    # all three kinds of request went through kills and came out exactly once, e-mails too
    for kind in ("organisation", "complaint", "payment"):
        assert f"| 20 | {kind} | 20 | 20 | 0 | 0 | 0 | 0 |" in out, out[-3000:]
    assert "sent twice 0" in out and "Audit chain:" in out
