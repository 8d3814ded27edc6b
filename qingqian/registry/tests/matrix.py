from typing import Any

from qingqian.core.testing.matrix import ALL_PERSONAS, Endpoint, Page

READERS = frozenset({"office", "finance", "sasac", "county", "auditor", "leader", "sysadmin"})


def _org_in_every_scope(world: Any) -> dict[str, Any]:
    """市教育局: a city-level organ that the office, finance (responsible), auditors and leaders see."""
    from qingqian.registry.models import Organisation

    return {"org_id": Organisation.objects.get(name="石家庄市教育局").pk}


PAGES = [
    Page("registry:organisation_list", READERS),
    # sasac and county do not reach a city-level organ: 404, like an object that doesn't exist.
    Page(
        "registry:organisation_detail",
        frozenset({"office", "finance", "auditor", "leader", "sysadmin"}),
        kwargs=_org_in_every_scope,
    ),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/registry/regions", ALL_PERSONAS),
    Endpoint("GET", "/api/v1/registry/organisations", ALL_PERSONAS - {"public"} - {"secadmin", "auditadmin"}),
    Endpoint(
        "POST",
        "/api/v1/registry/organisations",
        frozenset({"office", "sysadmin"}),
        body=lambda w: {
            "name": "",
            "kind": "organ",
            "level": "city",
            "region_id": w.office.scope_grants()[0].region_id,
        },
        ok=frozenset({400}),  # passes the permission check, then fails validation: nothing is created
    ),
    Endpoint(
        "GET",
        "/api/v1/registry/organisations/{org_id}/routing",
        frozenset({"office", "finance", "auditor", "leader", "clerk", "enterprise", "sysadmin"}),
        params=_org_in_every_scope,
    ),
]

RULES_USERS = frozenset({"office", "finance", "sasac", "county", "clerk", "enterprise", "auditor", "leader"})

PAGES += [
    Page("rules:calculator", RULES_USERS),
    Page("rules:lpr", RULES_USERS | {"sysadmin"}),
    Page("rules:calendar", RULES_USERS | {"sysadmin"}),
]

ENDPOINTS += [
    Endpoint(
        "POST",
        "/api/v1/rules/assess",
        RULES_USERS,
        body=lambda w: {
            "payer_kind": "organ",
            "signed_on": "2025-07-01",
            "delivered_on": "2025-07-10",
            "amount": "100000.00",
            "as_of": "2025-12-31",
        },
    ),
]

EDITORS = frozenset({"office", "sysadmin"})


def _first_rule(world: Any) -> dict[str, Any]:
    from qingqian.registry.models import RoutingRule

    return {"rule_id": RoutingRule.objects.order_by("pk").first().pk}  # type: ignore[union-attr]


def _city(world: Any) -> dict[str, Any]:
    from qingqian.registry.models import Region

    return {"region_id": Region.objects.get(code="130100").pk}


PAGES += [
    Page("registry:organisation_create", EDITORS),
    Page("registry:organisation_edit", EDITORS, kwargs=_org_in_every_scope),
    Page("registry:routing", frozenset({"office", "sysadmin", "finance", "sasac", "county", "auditor"})),
    Page("registry:routing_edit", EDITORS, kwargs=_first_rule),
    Page("registry:regions", EDITORS),
    Page("registry:region_edit", EDITORS, kwargs=_city),
]
