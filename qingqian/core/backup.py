"""Backup and restore of the whole database, and per-table checksums for restore drills.

PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean --if-exists`. SQLite: the online backup
API (consistent while the application keeps running). See docs/operations.md for schedules, WAL
archiving and point-in-time recovery.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connections


@dataclass(frozen=True)
class TableSum:
    rows: int
    sha256: str


class BackupError(Exception):
    pass


def _pg_env_and_url(settings_dict: dict[str, Any], name: str | None = None) -> tuple[dict[str, str], str]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    user = quote(str(settings_dict.get("USER") or ""))
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or "5432"
    db = name or settings_dict["NAME"]
    auth = f"{user}@" if user else ""
    return env, f"postgresql://{auth}{host}:{port}/{db}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def backup_database(output: Path, *, alias: str = "default") -> Path:
    conn = connections[alias]
    output.parent.mkdir(parents=True, exist_ok=True)
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        src = conn.connection
        dst = sqlite3.connect(str(output))
        try:
            src.backup(dst)
        finally:
            dst.close()
        return output
    if conn.vendor == "postgresql":
        env, url = _pg_env_and_url(conn.settings_dict)
        subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={output}", url], env=env, check=True
        )
        return output
    raise BackupError(f"backup is not implemented for {conn.vendor}")


def restore_database(source: Path, *, alias: str = "default", target_name: str | None = None) -> None:
    """Restore `source` into the database `alias` (or, for PostgreSQL, into `target_name` on the
    same server, which must exist). Replaces what is there."""
    conn = connections[alias]
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if conn.vendor == "sqlite":
        src = sqlite3.connect(str(source))
        try:
            if target_name:
                dst = sqlite3.connect(target_name)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
            else:
                conn.ensure_connection()
                src.backup(conn.connection)
        finally:
            src.close()
        return
    if conn.vendor == "postgresql":
        env, url = _pg_env_and_url(conn.settings_dict, target_name)
        subprocess.run(  # noqa: S603 - fixed program, arguments from our own settings
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={url}",
                str(source),
            ],
            env=env,
            check=True,
        )
        return
    raise BackupError(f"restore is not implemented for {conn.vendor}")


def _digest_rows(cursor: Any, table: str, quote_name: Any) -> TableSum:
    cursor.execute(f"SELECT * FROM {quote_name(table)}")  # noqa: S608 - table names come from introspection
    rows = [tuple("" if v is None else str(v) for v in row) for row in cursor.fetchall()]
    rows.sort()
    h = hashlib.sha256()
    for row in rows:
        h.update("\x1f".join(row).encode())
        h.update(b"\x1e")
    return TableSum(rows=len(rows), sha256=h.hexdigest())


def table_checksums(*, alias: str = "default", database: str | None = None) -> dict[str, TableSum]:
    """Row count and a content hash per table (rows sorted, so physical order doesn't matter).

    Reads through a fresh driver connection to `database` (a SQLite file or a PostgreSQL database
    name on the same server; default: the configured one), so the same code reads the original and
    the restored copy alike. The database's content must be committed.
    """
    conn = connections[alias]
    if conn.vendor == "sqlite":
        path = database or str(conn.settings_dict["NAME"])
        db = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
        try:
            cursor = db.cursor()
            tables = sorted(
                r[0]
                for r in cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
                )
            )
            return {t: _digest_rows(cursor, t, lambda n: '"' + n.replace('"', '""') + '"') for t in tables}
        finally:
            db.close()
    import psycopg

    _env, url = _pg_env_and_url(conn.settings_dict, database)
    with psycopg.connect(url) as pg, pg.cursor() as pg_cursor:
        pg_cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        pg_tables = [r[0] for r in pg_cursor.fetchall()]
        return {t: _digest_rows(pg_cursor, t, lambda n: '"' + n.replace('"', '""') + '"') for t in pg_tables}
