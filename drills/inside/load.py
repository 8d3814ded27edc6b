"""The load test's data and credentials (see loadtest/run.py), made inside Django on its database."""

from __future__ import annotations

import time
from typing import Any

from drills import payloads
from drills.inside.common import HENGXIN, demo_city, standard_users


def bulk(payload: dict[str, Any]) -> dict[str, Any]:
    """Grow the demo city to `complaints` cases and `items` 台账 rows by copying the demo's own rows
    (every state, every kind) with fresh numbers — a stand-in until `manage.py generate_city` exists.
    Plain bulk inserts in chunks: test data, no events (the audit chain is unaffected)."""
    from django.db import models, transaction

    from qingqian.complaints.models import Complaint
    from qingqian.ledger.models import ArrearsItem

    demo_city()
    started = time.monotonic()
    made: dict[str, int] = {}
    plan: list[tuple[type[models.Model], str, str, int]] = [
        (Complaint, "number", "QQ-2019-{:06d}", payload.get("complaints", 0)),
        (ArrearsItem, "contract_number", "LOAD-{:07d}", payload.get("items", 0)),
    ]
    for model, field, fmt, want in plan:
        templates = list(model._default_manager.order_by("pk"))
        missing = max(0, want - len(templates))
        columns = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        for first in range(0, missing, 20000):  # in chunks: a province is a million rows
            rows = []
            for i in range(first, min(missing, first + 20000)):
                source = templates[i % len(templates)]
                row = model(**{c: getattr(source, c) for c in columns})
                setattr(row, field, fmt.format(i))
                rows.append(row)
            with transaction.atomic():
                model._default_manager.bulk_create(rows, batch_size=5000)
        made[model._meta.model_name or ""] = missing
    return {
        "made": made,
        "seconds": round(time.monotonic() - started, 1),
        "complaints": Complaint.objects.count(),
        "items": ArrearsItem.objects.count(),
    }


def context(payload: dict[str, Any]) -> dict[str, Any]:
    """Tokens for the enterprise, signed-in sessions (second factor passed) for the office, ids to read."""
    from django.conf import settings
    from django.test import Client

    from qingqian.accounts.models import User
    from qingqian.accounts.testing import sign_in
    from qingqian.complaints.models import Complaint
    from qingqian.registry.models import Organisation

    users = standard_users()
    office = User.objects.get(username="drill_office")
    sessions = []
    for _ in range(payload.get("sessions", 8)):
        client = Client()
        sign_in(client, office)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return {
        "enterprise_token": users["enterprise"]["token"],
        "office_sessions": sessions,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "own_complaints": list(
            Complaint.objects.filter(complainant__name=HENGXIN)
            .order_by("-pk")
            .values_list("pk", flat=True)[:200]
        ),
        "respondent_id": Organisation.objects.get(name="石家庄市教育局").pk,
    }


def profile(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Each endpoint of the mix in-process (Django's test client, no HTTP, no gunicorn) under cProfile:
    milliseconds per request, queries per request, and the functions with the most own time."""
    import cProfile
    import json
    import pstats
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ctx, n = payload["context"], int(payload["n"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {ctx['enterprise_token']}"}
    public = Client()
    body = (re.findall(r"/disclosure/bodies/(\d+)/", public.get("/disclosure/").content.decode()) or ["0"])[0]
    filing = payloads.complaint(ctx["respondent_id"], "剖析用投诉：货款逾期未付。", "PROFILE-1")
    endpoints: list[tuple[str, str, str, dict[str, Any], bool]] = [
        ("trivial: /healthz", "GET", "/healthz", {}, False),
        ("public: home", "GET", "/", {}, False),
        ("public: bodies", "GET", "/disclosure/", {}, False),
        ("public: body page", "GET", f"/disclosure/bodies/{body}/", {}, False),
        ("enterprise: my complaints (API)", "GET", "/api/v1/complaints?page=1", auth, False),
        (
            "enterprise: a complaint (API)",
            "GET",
            f"/api/v1/complaints/{ctx['own_complaints'][0]}",
            auth,
            False,
        ),
        ("enterprise: file a complaint (intake)", "POST", "/api/v1/complaints", auth, False),
        ("office: complaint queue", "GET", "/complaints/", {}, True),
        ("office: 台账 list", "GET", "/ledger/", {}, True),
    ]
    out = []
    for name, method, path, headers, office in endpoints:
        client = Client()
        if office:
            client.cookies[ctx["session_cookie"]] = ctx["office_sessions"][0]

        def one(
            client: Client = client, method: str = method, path: str = path, headers: dict[str, Any] = headers
        ) -> int:
            if method == "POST":
                return client.post(
                    path, data=json.dumps(filing), content_type="application/json", **headers
                ).status_code
            return client.get(path, **headers).status_code

        status = one()
        with CaptureQueriesContext(connection) as queries:
            one()
        query_count = len(queries.captured_queries)  # now: the next request's start clears the log
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(n):
            one()
        profiler.disable()
        per = (time.perf_counter() - started) / n * 1000
        stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
        db = sum(v[2] for (fn, _l, _f), v in stats.items() if "/psycopg/" in fn) / n * 1000
        python = sorted(
            ((k, v) for k, v in stats.items() if "/psycopg/" not in k[0]),
            key=lambda kv: kv[1][2],
            reverse=True,
        )[:3]
        out.append(
            {
                "name": f"{name} ({status})",
                "ms": per,
                "db_ms": db,
                "queries": query_count,
                "top": "; ".join(
                    f"{short_path(fn)}:{func} {v[2] / n * 1000:.1f}" for (fn, _l, func), v in python
                ),
            }
        )
    return out


def short_path(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 else filename
