from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded evidence goes to a temporary MEDIA_ROOT (outside the web root, as in production)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def as_user(world: Any) -> Any:
    """`as_user("office")` → the persona's User."""
    return lambda name: getattr(world, name)
