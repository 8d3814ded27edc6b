"""Permission decisions for every disclosure page and endpoint (see qingqian/core/testing/matrix.py).

Public pages and the public API are open to everyone, signed in or not. The staff side works on the
demo city's returns for last year (drafted by the demo seed): 市教育局's is still drafted and belongs to
the `clerk` persona; its responsible department is 市财政局 (`finance`).
"""

from typing import Any

from qingqian.core.testing.matrix import ALL_PERSONAS, STAFF, Endpoint, Page

EDU = "石家庄市教育局"
EDU_VIEWERS = frozenset({"office", "finance", "clerk", "auditor", "leader"})
REPORT_READERS = frozenset({"office", "leader", "auditor"})


def _year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


def edu_body(world: Any) -> dict[str, Any]:
    from qingqian.registry.models import Organisation

    return {"pk": Organisation.objects.get(name=EDU).pk}


def edu_body_id(world: Any) -> dict[str, Any]:
    return {"body_id": edu_body(world)["pk"]}


def edu_return(world: Any) -> dict[str, Any]:
    from qingqian.disclosure.models import DisclosureReturn

    return {"pk": DisclosureReturn.objects.get(body__name=EDU, year=_year(), status="drafted").pk}


def edu_return_id(world: Any) -> dict[str, Any]:
    return {"return_id": edu_return(world)["pk"]}


def confirm_edu(world: Any) -> dict[str, Any]:
    return {**edu_return(world), "action": "confirm"}


def published_city_return(world: Any) -> dict[str, Any]:
    from qingqian.disclosure.models import DisclosureReturn

    ret = (
        DisclosureReturn.objects.filter(year=_year(), status="published", body__level="city", version=1)
        .exclude(body__name=EDU)
        .order_by("pk")
        .first()
    )
    assert ret is not None
    return {"pk": ret.pk}


def report(world: Any) -> dict[str, Any]:
    from qingqian.disclosure.models import MonthlyReport

    return {"pk": MonthlyReport.objects.order_by("pk").first().pk, "fmt": "docx"}  # type: ignore[union-attr]


def performance_body(world: Any) -> dict[str, Any]:
    from qingqian.registry.models import Organisation

    return {"body": Organisation.objects.get(name="石家庄市第一医院").pk, "year": _year()}


PAGES = [
    Page("public:home", ALL_PERSONAS),
    Page("public:bodies", ALL_PERSONAS),
    Page("public:body", ALL_PERSONAS, kwargs=edu_body),
    Page("public:regions", ALL_PERSONAS),
    Page("public:methodology", ALL_PERSONAS),
    Page("public:open_data", ALL_PERSONAS),
    Page("public:open_data_file", ALL_PERSONAS, kwargs=lambda w: {"dataset": "disclosures", "fmt": "csv"}),
    Page("disclosure:board", STAFF),
    Page(
        "disclosure:draft",
        frozenset({"office", "clerk"}),
        method="POST",
        data=lambda w: {"year": _year()},
        ok=frozenset({302}),
    ),
    Page("disclosure:remind", frozenset({"office"}), method="POST", ok=frozenset({302})),
    Page("disclosure:return_detail", EDU_VIEWERS, kwargs=edu_return),
    # only the body's own clerk confirms; the department and the office see it but may not confirm
    Page(
        "disclosure:return_act", frozenset({"clerk"}), kwargs=confirm_edu, method="POST", ok=frozenset({302})
    ),
    Page(
        "disclosure:return_reopen",
        frozenset({"office"}),
        kwargs=published_city_return,
        method="POST",
        data=lambda w: {"reason": "补登一笔年末已逾期的合同"},
        ok=frozenset({302}),
    ),
    # publishing asks for a fresh re-authentication first (a redirect to it)
    Page(
        "disclosure:performance_publish",
        frozenset({"office"}),
        method="POST",
        data=performance_body,
        ok=frozenset({302}),
    ),
    Page("disclosure:reports", REPORT_READERS),
    Page("disclosure:report_generate", frozenset({"office"}), method="POST", ok=frozenset({302})),
    Page("disclosure:report_download", REPORT_READERS, kwargs=report),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/public/disclosures", ALL_PERSONAS),
    Endpoint("GET", "/api/v1/public/disclosures/{body_id}", ALL_PERSONAS, params=edu_body_id),
    Endpoint("GET", "/api/v1/public/regions", ALL_PERSONAS),
    Endpoint("GET", "/api/v1/public/performance", ALL_PERSONAS),
    Endpoint("GET", "/api/v1/disclosure/returns", STAFF),
    Endpoint("GET", "/api/v1/disclosure/returns/{return_id}", EDU_VIEWERS, params=edu_return_id),
    Endpoint("GET", "/api/v1/disclosure/completeness", STAFF),
]
