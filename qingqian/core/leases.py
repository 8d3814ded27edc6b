"""Leases: "is the process that claimed this piece of work still alive?", answered by the database
server or the kernel — not by a clock, so a slow job is never taken over and a dead one at once.

    with lease("ledger.import", job.pk) as held:
        if not held:
            ...  # a live process is working on it
        ...      # ours until the block ends (or this process dies)

PostgreSQL: a session advisory lock, released by the server when the holder's connection goes away
(`kill -9` included). SQLite: an exclusive `flock` on a file under `VAR_DIR/locks/`, released by the
kernel when the holder dies (an SQLite deployment is one machine). `is_free()` asks without keeping it.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection


def _keys(name: str, key: int) -> tuple[int, int]:
    """Two int4 advisory-lock keys: the lease's name (hashed) and the object's id."""
    digest = int.from_bytes(
        hashlib.sha1(name.encode(), usedforsecurity=False).digest()[:4], "big", signed=True
    )
    return digest, int(key) % 2**31


def _lock_file(name: str, key: int) -> Path:
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}-{int(key)}.lock"


@contextlib.contextmanager
def lease(name: str, key: int) -> Iterator[bool]:
    """Try to take the lease without waiting; yields whether this process holds it."""
    if connection.vendor == "postgresql":
        a, b = _keys(name, key)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [a, b])
            held = bool(cursor.fetchone()[0])
        try:
            yield held
        finally:
            if held:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [a, b])
        return
    fd = os.open(_lock_file(name, key), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def is_free(name: str, key: int) -> bool:
    """Nobody alive holds the lease (asked by taking and giving it back at once)."""
    with lease(name, key) as held:
        return held
