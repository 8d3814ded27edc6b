"""The commands `python -m drills.inside` knows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from drills.inside import crash, imports, load, races
from drills.inside.common import demo_city

COMMANDS: dict[str, Callable[[Any], Any]] = {
    "seed": lambda _payload: demo_city(),
    "crash_setup": crash.setup,
    "crash_verify": crash.verify,
    "import_setup": imports.setup,
    "import_state": imports.state,
    "import_resume": imports.resume,
    "import_again": imports.upload_again,
    "load_bulk": load.bulk,
    "load_context": load.context,
    "load_profile": load.profile,
    "race_setup": races.setup,
    "race_verify": races.verify,
}
