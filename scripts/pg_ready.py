"""Exit 0 if the PostgreSQL server behind a DATABASE_URL answers (used by `make test`)."""

import sys

import psycopg

url = sys.argv[1]
# Connect to the maintenance database: the test run creates its own test_<name> database.
base, _, _name = url.rpartition("/")
try:
    with psycopg.connect(base + "/postgres", connect_timeout=3) as conn:
        conn.execute("SELECT 1")
except Exception as exc:  # any failure means "not reachable"
    print(f"PostgreSQL not reachable: {exc.__class__.__name__}: {exc}".strip()[:300])
    sys.exit(1)
