"""Production refuses to start on insecure settings."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured


def assert_production_ready(settings: dict[str, Any]) -> None:
    problems = []
    if settings["DEBUG"]:
        problems.append("DEBUG must be off")
    if not settings["ALLOWED_HOSTS"] or "*" in settings["ALLOWED_HOSTS"]:
        problems.append("ALLOWED_HOSTS must name the real host names")
    if settings["DEMO_DATA_ALLOWED"]:
        problems.append("DEMO_DATA_ALLOWED must be off")
    if settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3":
        problems.append("production runs on PostgreSQL (DATABASE_URL=postgres://...)")
    if len(settings["SECRET_KEY"]) < 40:
        problems.append("SECRET_KEY must be at least 40 characters")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))
