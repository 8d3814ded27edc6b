"""A lease held by someone else, for tests: a thread with its own database connection holds it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from django.db import connection

from qingqian.core.leases import lease


@contextlib.contextmanager
def held_elsewhere(name: str, key: int) -> Iterator[None]:
    """Within the block another holder (another connection, as another process would) has the lease."""
    taken, release, seen = threading.Event(), threading.Event(), []

    def holder() -> None:
        try:
            with lease(name, key) as held:
                seen.append(held)
                taken.set()
                release.wait(timeout=60)
        finally:
            taken.set()
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert taken.wait(timeout=60)
        assert seen == [True], "the lease was not free to take"
        yield
    finally:
        release.set()
        thread.join()
