from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from qingqian.core.api import ErrorOut, Pagination
from qingqian.core.permissions import Action, require
from qingqian.registry import selectors, services
from qingqian.registry.models import Organisation, Region

router = Router(tags=["registry"])


class RegionOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None


class OrganisationOut(Schema):
    id: int
    name: str
    uscc: str
    uscc_warning: str
    kind: str
    level: str
    region_id: int
    supervising_department_id: int | None
    responsible_department_id: int | None


class OrganisationIn(Schema):
    name: str
    uscc: str = ""
    kind: str
    level: str
    region_id: int
    supervising_department_id: int | None = None


class OrganisationFilters(Schema):
    q: str | None = None
    kind: str | None = None
    level: str | None = None
    region: int | None = None


class RoutingCheckOut(Schema):
    criterion: str
    rule_value: str
    debtor_value: str
    matched: bool


class RoutingOut(Schema):
    organisation_id: int
    rule_id: int | None
    rule_name: str | None
    responsible_id: int | None
    responsible_name: str | None
    reasons: list[str]
    checks: list[RoutingCheckOut]


@router.get("/regions", response=list[RegionOut], auth=None, summary="行政区划（公开）")
@paginate(Pagination)
def list_regions(request: HttpRequest) -> object:
    return selectors.region_list_for(user=request.user)


@router.get("/organisations", response=list[OrganisationOut], summary="单位名录（按权限范围）")
@paginate(Pagination)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters]) -> object:
    require(request.user, Action.VIEW, Organisation)
    return selectors.organisation_list_for(user=request.user, filters=filters.dict(exclude_none=True))


@router.post(
    "/organisations", response={201: OrganisationOut, 400: ErrorOut, 403: ErrorOut}, summary="登记单位"
)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Status:
    region = get_object_or_404(Region, pk=payload.region_id)
    sup = (
        get_object_or_404(
            Organisation.objects.restrict(request.user, Action.VIEW), pk=payload.supervising_department_id
        )
        if payload.supervising_department_id
        else None
    )
    org = services.organisation_create(
        actor=request.user,
        name=payload.name,
        uscc=payload.uscc,
        kind=payload.kind,
        level=payload.level,
        region=region,
        supervising_department=sup,
    )
    return Status(201, org)


@router.get("/organisations/{org_id}/routing", response=RoutingOut, summary="转办规则解释（谁主管谁负责）")
def explain_organisation_routing(request: HttpRequest, org_id: int) -> RoutingOut:
    org = get_object_or_404(
        Organisation.objects.restrict(request.user, Action.VIEW).select_related(
            "region", "supervising_department"
        ),
        pk=org_id,
    )
    ex = selectors.explain_routing(org)
    checks = []
    for ev in ex.considered:
        if ev.rule == ex.rule:
            checks = [
                RoutingCheckOut(
                    criterion=str(c.criterion),
                    rule_value=c.rule_value,
                    debtor_value=c.debtor_value,
                    matched=c.matched,
                )
                for c in ev.checks
            ]
    return RoutingOut(
        organisation_id=org.pk,
        rule_id=ex.rule.pk if ex.rule else None,
        rule_name=ex.rule.name if ex.rule else None,
        responsible_id=ex.responsible.pk if ex.responsible else None,
        responsible_name=ex.responsible.name if ex.responsible else None,
        reasons=[str(r) for r in ex.reasons],
        checks=checks,
    )
