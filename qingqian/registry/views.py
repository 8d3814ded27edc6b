from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from qingqian.accounts.choices import Role
from qingqian.accounts.decorators import role_required
from qingqian.core.permissions import Action, can, may
from qingqian.core.timeline import timeline_for
from qingqian.registry import selectors
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation

REGISTRY_READERS = (
    Role.TASKFORCE_OFFICE,
    Role.DEPARTMENT_HANDLER,
    Role.COUNTY_HANDLER,
    Role.AUDITOR,
    Role.LEADERSHIP,
    Role.SYSTEM_ADMIN,
)


@role_required(*REGISTRY_READERS)
def organisation_list(request: HttpRequest) -> HttpResponse:
    filters = {k: str(v) for k, v in request.GET.items() if k in {"q", "kind", "level", "region"} and v}
    if "region" in filters and not filters["region"].isdigit():
        filters.pop("region")
    qs = selectors.organisation_list_for(user=request.user, filters=filters)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/organisation_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": OrganisationKind.choices,
            "levels": Level.choices,
            "regions": selectors.region_list_for(user=request.user),
            "can_edit": may(request.user, Action.CREATE, Organisation),
        },
    )


@role_required(*REGISTRY_READERS)
def organisation_detail(request: HttpRequest, org_id: int) -> HttpResponse:
    org = get_object_or_404(
        Organisation.objects.restrict(request.user, Action.VIEW).select_related(
            "region", "supervising_department", "responsible_department"
        ),
        pk=org_id,
    )
    return render(
        request,
        "registry/organisation_detail.html",
        {
            "org": org,
            "routing": selectors.explain_routing(org),
            "events": timeline_for(org),
            "can_edit": can(request.user, Action.CHANGE, org),
        },
    )
