"""The crash drill at small size, on the database engine of this test run (the full size: `make drills`)."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_nothing_acknowledged_is_lost_when_the_server_is_killed() -> None:
    args = [sys.executable, "drills/crash.py", "--requests", "40", "--kills", "3", "--clients", "4"]
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        args += [
            "--postgres-server",
            f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}",
        ]
    result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "|PASS" in result.stdout
