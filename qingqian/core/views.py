from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database answers and no migration is pending."""
    body: dict[str, object] = {"status": "ok"}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:
        body["database"] = {"status": "error", "error": exc.__class__.__name__}
        body["status"] = "error"
        return JsonResponse(body, status=503)
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    body["migrations"] = {"status": "ok" if not pending else "pending", "pending": len(pending)}
    if pending:
        body["status"] = "degraded"
        status = 503
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
