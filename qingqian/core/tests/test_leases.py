"""A lease is held by a live process and by nobody else; it is free again when the holder lets go or dies."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from qingqian.core.leases import is_free, lease
from qingqian.core.testing.leases import held_elsewhere


@pytest.mark.django_db
def test_one_holder_at_a_time_and_free_after() -> None:
    with held_elsewhere("test.lease", 7):
        with lease("test.lease", 7) as held:
            assert not held
        assert not is_free("test.lease", 7)
        assert is_free("test.lease", 8)  # another key is another lease
    assert is_free("test.lease", 7)


@pytest.mark.django_db
def test_a_killed_holder_leaves_the_lease_free() -> None:
    """The holder is a separate process that is killed while holding it (no cleanup runs)."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    else:
        url = "sqlite:///:memory:"  # the SQLite lease is a file lock; the database does not matter
    code = (
        "import django, os, sys, time; django.setup()\n"
        "from qingqian.core.leases import lease\n"
        "with lease('test.lease', 9) as held:\n"
        "    print(held, flush=True); time.sleep(60)\n"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url, "QINGQIAN_VAR_DIR": str(settings.VAR_DIR),
           "QINGQIAN_ENV": "test", "PATH": "/usr/bin:/bin"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "True"
        assert not is_free("test.lease", 9)
    finally:
        proc.kill()
        proc.wait()
    assert is_free("test.lease", 9)
