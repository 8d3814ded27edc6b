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
    if not (settings.get("PII_KEYS") or settings.get("PII_KEY_FILE")):
        problems.append("PII_KEYS or PII_KEY_FILE must hold the SM4 data keys")
    for name in ("PII_INDEX_KEY", "AUDIT_ANCHOR_KEY"):
        if len(settings.get(name, "")) < 64:
            problems.append(f"{name} must be set (64 hex characters)")
    if settings.get("AUDIT_RETENTION_DAYS", 184) < 184:
        problems.append("AUDIT_RETENTION_DAYS must be at least 184 (six months)")
    if not settings.get("TWO_FACTOR_REQUIRED", True):
        problems.append("TWO_FACTOR_REQUIRED must stay on")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems))
