"""Running a reliability drill (`drills/*.py`) from the test suite, on the engine of the test run.

A drill is a real deployment in separate processes (gunicorn, the task and outbox workers) on its own
scratch database: an SQLite file, or a temporary PostgreSQL database on the test run's server. Nothing
is mocked; the drill prints `TARGET|…|PASS` lines and exits non-zero on any failure.
"""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings
from django.db import connection


def drill_database_args() -> list[str]:
    """Where a drill makes its scratch database: beside this run's PostgreSQL, or an SQLite file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        return ["--postgres-server", f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"]
    return []


def run_drill(script: str, *args: str, timeout: float = 900) -> str:
    """Run `drills/<script>` with `args`; assert it passed; return its output."""
    result = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        [sys.executable, script, *args, *drill_database_args()],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out[-4000:] + result.stderr[-4000:]
    targets = [line for line in out.splitlines() if line.startswith("TARGET|")]
    assert targets, out[-4000:]
    assert all(line.endswith("|PASS") for line in targets), out[-4000:]
    return out
