"""The commands `python -m drills.inside` knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.inside import crash

COMMANDS: dict[str, Callable[[Any], Any]] = {
    "crash_setup": crash.setup,
    "crash_verify": crash.verify,
}
