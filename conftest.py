"""Shared fixtures. Personas come from qingqian.accounts.testing (the demo users)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Seed the demo city once per test database; each test then runs in a rolled-back transaction."""
    from qingqian.accounts.testing import build_world

    with django_db_blocker.unblock():
        build_world()


@pytest.fixture
def world(db: Any) -> Any:
    """The demo city with one user per role (see qingqian/accounts/testing.py). Re-seeded if a
    transactional test flushed the database."""
    from qingqian.accounts.testing import build_world

    return build_world()


@pytest.fixture
def client_for() -> Any:
    """`client_for(user)` → a Django test client logged in as that user, second factor passed (None: anonymous)."""
    from django.test import Client

    def _login(user: Any) -> Client:
        from qingqian.accounts.testing import sign_in

        c = Client()
        if user is not None:
            sign_in(c, user)  # force_login + the second factor passed (staff and administrators)
        return c

    return _login
