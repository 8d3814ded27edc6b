from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse

# Once this process has seen no pending migration, it does not look again: loading the migration graph
# costs tens of milliseconds, and a schema does not move under a running process (a deploy restarts it).
_MIGRATED: list[bool] = []


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
    pending = []
    if not _MIGRATED:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not pending:
            _MIGRATED.append(True)
    body["migrations"] = {"status": "ok" if not pending else "pending", "pending": len(pending)}
    if pending:
        body["status"] = "degraded"
        status = 503
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
