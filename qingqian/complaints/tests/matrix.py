"""Permission decisions for every complaints page and endpoint (see qingqian/core/testing/matrix.py).

Cases are built through the real services: a complaint by the demo enterprise (恒信建筑劳务) against
市教育局, which the routing table sends to 市财政局 (persona `finance`).
"""

from typing import Any

from qingqian.core.testing.matrix import Endpoint, Page

STAFF_READERS = frozenset({"office", "finance", "sasac", "county", "clerk", "auditor", "leader"})
# Who sees a routed case against 市教育局: the office, the finance bureau, the clerk of 市教育局, the
# complainant, and the city-wide readers.
CASE_VIEWERS = frozenset({"office", "finance", "clerk", "enterprise", "auditor", "leader"})
CASE_PARTIES = frozenset({"office", "finance", "clerk", "enterprise"})
STATS_READERS = frozenset({"office", "finance", "sasac", "county", "auditor", "leader"})


def case_in(state: str) -> Any:
    def build(world: Any) -> dict[str, Any]:
        from qingqian.complaints.tests.factories import make_case

        return {"pk": make_case(world, state).pk}

    return build


def case_id_in(state: str) -> Any:
    def build(world: Any) -> dict[str, Any]:
        from qingqian.complaints.tests.factories import make_case

        return {"complaint_id": make_case(world, state).pk}

    return build


def reopened_feedback(world: Any) -> dict[str, Any]:
    from qingqian.complaints import services
    from qingqian.complaints.tests.factories import make_case, payload_for

    case = make_case(world, "feedback_sent")
    for action in ("rate_unsatisfied", "submit_result", "approve_result"):
        case = services.apply_transition(
            actor=None, complaint=case, action=action, payload=payload_for(action)
        )
    return {"complaint_id": case.pk}


def case_with_evidence(world: Any) -> dict[str, Any]:
    from qingqian.complaints import services
    from qingqian.complaints.tests.factories import make_case
    from qingqian.complaints.validation import as_stream

    case = make_case(world, "transferred")
    ev = services.evidence_add(
        actor=None, complaint=case, files=[as_stream(b"%PDF-1.4\n%%EOF\n", "合同.pdf")]
    )[0]
    return {"pk": case.pk, "evidence_id": ev.pk}


def act_receive(world: Any) -> dict[str, Any]:
    return {**case_in("transferred")(world), "action": "receive"}


PAGES = [
    Page("complaints:queue", STAFF_READERS),
    Page("complaints:mine", frozenset({"enterprise"})),
    Page("complaints:eligibility", frozenset({"enterprise"})),
    # Without a finished eligibility check the form sends the enterprise back to it.
    Page("complaints:file", frozenset({"enterprise"}), ok=frozenset({302})),
    Page("complaints:register", frozenset({"office"})),
    Page("complaints:import", frozenset({"office"})),
    Page("complaints:export", STAFF_READERS),
    Page("complaints:stats", STATS_READERS),
    Page("complaints:bulk", frozenset({"office"}), method="POST", ok=frozenset({302})),
    Page("complaints:detail", CASE_VIEWERS, kwargs=case_in("transferred")),
    # Only the responsible department may sign for a transferred case.
    Page("complaints:act", frozenset({"finance"}), kwargs=act_receive, method="POST", ok=frozenset({302})),
    Page(
        "complaints:supervise",
        frozenset({"office"}),
        kwargs=case_in("transferred"),
        method="POST",
        ok=frozenset({302}),
    ),
    Page(
        "complaints:confirm_respondent",
        frozenset({"office"}),
        kwargs=case_in("registered"),
        method="POST",
        ok=frozenset({302}),
    ),
    Page(
        "complaints:upload", CASE_PARTIES, kwargs=case_in("transferred"), method="POST", ok=frozenset({302})
    ),
    Page("complaints:note", CASE_PARTIES, kwargs=case_in("transferred"), method="POST", ok=frozenset({302})),
    Page("complaints:evidence", CASE_VIEWERS, kwargs=case_with_evidence),
]

# (action, state, allowed personas, ok statuses) for the empty body `{}`: actions that need input
# answer 400 after the permission checks (nothing changes); those without input succeed once.
ACTION_ROWS: list[tuple[str, str, frozenset[str], frozenset[int]]] = [
    ("start_review", "registered", frozenset({"office"}), frozenset({200})),
    ("request_material", "registered", frozenset({"office"}), frozenset({400})),
    ("provide_material", "awaiting_material", frozenset({"enterprise", "office"}), frozenset({200, 409})),
    ("reject", "registered", frozenset({"office"}), frozenset({400})),
    ("accept", "registered", frozenset({"office"}), frozenset({200})),
    ("route", "accepted", frozenset({"office"}), frozenset({400})),
    ("receive", "transferred", frozenset({"finance"}), frozenset({200})),
    ("return_misrouted", "transferred", frozenset({"finance"}), frozenset({400})),
    ("request_extension", "in_handling", frozenset({"finance"}), frozenset({400})),
    ("approve_extension", "extension_requested", frozenset({"office"}), frozenset({200})),
    ("refuse_extension", "extension_requested", frozenset({"office"}), frozenset({400})),
    ("submit_result", "in_handling", frozenset({"finance"}), frozenset({400})),
    ("approve_result", "result_submitted", frozenset({"office"}), frozenset({200})),
    ("return_result", "result_submitted", frozenset({"office"}), frozenset({400})),
    ("confirm_satisfied", "feedback_sent", frozenset({"enterprise"}), frozenset({200})),
    ("rate_unsatisfied", "feedback_sent", frozenset({"enterprise"}), frozenset({400})),
    ("rate_unsatisfied_again", "feedback_sent_reopened", frozenset({"enterprise"}), frozenset({400})),
    ("close_unrated", "feedback_sent", frozenset({"office"}), frozenset({409})),  # guard: not yet 15 days
    ("office_close", "office_review", frozenset({"office"}), frozenset({400})),
    ("reassign", "office_review", frozenset({"office"}), frozenset({400})),
    ("withdraw", "registered", frozenset({"enterprise"}), frozenset({200})),
    ("terminate", "under_review", frozenset({"office"}), frozenset({400})),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/complaints", STAFF_READERS | {"enterprise"}),
    Endpoint("POST", "/api/v1/complaints", frozenset({"enterprise"}), body=lambda w: {}, ok=frozenset({400})),
    Endpoint(
        "POST", "/api/v1/complaints/leads", frozenset({"office"}), body=lambda w: {}, ok=frozenset({400})
    ),
    Endpoint(
        "POST", "/api/v1/complaints/upstream", frozenset({"office"}), body=lambda w: {}, ok=frozenset({400})
    ),
    Endpoint("POST", "/api/v1/complaints/import", frozenset({"office"}), ok=frozenset({400})),
    Endpoint(
        "POST",
        "/api/v1/complaints/bulk",
        frozenset({"office"}),
        body=lambda w: {"ids": [], "action": "x"},
        ok=frozenset({400}),
    ),
    Endpoint("GET", "/api/v1/complaints/stats", STATS_READERS),
    Endpoint("GET", "/api/v1/complaints/{complaint_id}", CASE_VIEWERS, params=case_id_in("transferred")),
    Endpoint(
        "GET", "/api/v1/complaints/{complaint_id}/timeline", CASE_VIEWERS, params=case_id_in("transferred")
    ),
    Endpoint(
        "GET",
        "/api/v1/complaints/{complaint_id}/duplicates",
        frozenset({"office"}),
        params=case_id_in("transferred"),
    ),
    Endpoint(
        "POST",
        "/api/v1/complaints/{complaint_id}/supervise",
        frozenset({"office"}),
        params=case_id_in("transferred"),
        body=lambda w: {},
        ok=frozenset({400}),
    ),
    Endpoint(
        "POST",
        "/api/v1/complaints/{complaint_id}/respondent",
        frozenset({"office"}),
        params=case_id_in("registered"),
        body=lambda w: {"organisation_id": w.finance.scope_grants()[0].organisation_id},
        ok=frozenset({400}),  # a department cannot be the respondent
    ),
    Endpoint(
        "POST",
        "/api/v1/complaints/{complaint_id}/notes",
        CASE_PARTIES,
        params=case_id_in("transferred"),
        body=lambda w: {},
        ok=frozenset({400}),
    ),
    Endpoint(
        "POST",
        "/api/v1/complaints/{complaint_id}/evidence",
        CASE_PARTIES,
        params=case_id_in("transferred"),
        ok=frozenset({400}),
    ),
]

for _action, _state, _allowed, _ok in ACTION_ROWS:
    ENDPOINTS.append(
        Endpoint(
            "POST",
            "/api/v1/complaints/{complaint_id}/" + _action.replace("_", "-"),
            _allowed,
            params=reopened_feedback if _state == "feedback_sent_reopened" else case_id_in(_state),
            body=lambda w: {},
            ok=_ok,
        )
    )
