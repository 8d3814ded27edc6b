"""Who a user is to one case (office, handler, complainant, respondent, co-handler), and who to notify."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qingqian.accounts.models import User
from qingqian.complaints.models import CoHandler, Complaint
from qingqian.complaints.transitions import COHANDLER, COMPLAINANT, HANDLER, OFFICE, RESPONDENT
from qingqian.core.permissions import grants_of


def _path_of_grant(grant: Any) -> str | None:
    region = getattr(grant, "region", None)
    return region.path if region is not None else None


def _department_path(case: Complaint) -> str:
    dept = case.responsible_department
    return dept.region.path if dept is not None else ""


def parties_of(user: Any, case: Complaint) -> set[str]:
    parties: set[str] = set()
    for grant in grants_of(user):
        role = grant.role
        if role == "taskforce_office":
            path = _path_of_grant(grant)
            if path is None or case.region_path.startswith(path):
                parties.add(OFFICE)
        elif role == "department_handler":
            if case.responsible_department_id and grant.organisation_id == case.responsible_department_id:
                parties.add(HANDLER)
            elif CoHandler.objects.filter(
                complaint=case, organisation_id=grant.organisation_id or 0
            ).exists():
                parties.add(COHANDLER)
        elif role == "county_handler":
            path = _path_of_grant(grant)
            if case.responsible_department_id and path and _department_path(case).startswith(path):
                parties.add(HANDLER)
        elif role == "enterprise_user":
            if case.complainant_id and grant.enterprise_id == case.complainant_id:
                parties.add(COMPLAINANT)
        elif role == "debtor_clerk" and case.respondent_id and grant.organisation_id == case.respondent_id:
            parties.add(RESPONDENT)
    return parties


# --- Recipients ---------------------------------------------------------------------------------------


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _users(q: Q) -> QuerySet[User]:
    return User.objects.filter(is_active=True).filter(
        pk__in=User.objects.filter(q, grants__active=True).values("pk")
    )


def office_users(case: Complaint) -> QuerySet[User]:
    return _users(Q(grants__role="taskforce_office", grants__region__path__in=_prefixes(case.region_path)))


def leaders(case: Complaint) -> QuerySet[User]:
    return _users(Q(grants__role="leadership", grants__region__path__in=_prefixes(case.region_path)))


def handler_users(case: Complaint) -> QuerySet[User]:
    if not case.responsible_department_id:
        return User.objects.none()
    q = Q(grants__role="department_handler", grants__organisation_id=case.responsible_department_id)
    path = _department_path(case)
    if case.responsible_department is not None and case.responsible_department.level == "county":
        q |= Q(grants__role="county_handler", grants__region__path__in=_prefixes(path))
    return _users(q)


def cohandler_users(case: Complaint) -> QuerySet[User]:
    orgs = CoHandler.objects.filter(complaint=case).values("organisation_id")
    return _users(Q(grants__role="department_handler", grants__organisation_id__in=orgs))


def complainant_users(case: Complaint) -> QuerySet[User]:
    if not case.complainant_id:
        return User.objects.none()
    return _users(Q(grants__role="enterprise_user", grants__enterprise_id=case.complainant_id))


def respondent_users(case: Complaint) -> QuerySet[User]:
    if not case.respondent_id:
        return User.objects.none()
    return _users(Q(grants__role="debtor_clerk", grants__organisation_id=case.respondent_id))
