"""Who reaches which ledger rows (`scope_q`) and the side-specific checks the services use.

Debtor side (report payments, plans, disputes, close): the task-force office (its region subtree), a
department handler (bodies its department is responsible for or supervises, and the department
itself), a county handler (bodies in its region), a debtor-unit clerk (its own organisation).
Creditor side (confirm or reject payments, reconcile): the enterprise user of the creditor SME.
Auditors and leadership read their region. Administrators see no ledger data (三权分立).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from qingqian.core.permissions import Action, Grant, grants_of
from qingqian.registry.models import Region

OFFICE = "taskforce_office"
DEPARTMENT = "department_handler"
COUNTY = "county_handler"
CLERK = "debtor_clerk"
ENTERPRISE = "enterprise_user"
AUDITOR = "auditor"
LEADERSHIP = "leadership"

DEBTOR_SIDE = frozenset({OFFICE, DEPARTMENT, COUNTY, CLERK})
READERS = frozenset({AUDITOR, LEADERSHIP})
REGION_ROLES = frozenset({OFFICE, COUNTY, AUDITOR, LEADERSHIP})


def debtor_q(grant: Grant, prefix: str = "") -> Q | None:
    """Rows whose debtor organisation this grant reaches (`prefix` leads to the item, e.g. ``item__``)."""
    role = grant.role
    if role in REGION_ROLES:
        if grant.region_id is None:
            return Q()
        return Q(**{f"{prefix}debtor__region__path__startswith": Region.path_of(grant.region_id)})
    if role == DEPARTMENT:
        org = grant.organisation_id
        return (
            Q(**{f"{prefix}debtor__responsible_department_id": org})
            | Q(**{f"{prefix}debtor__supervising_department_id": org})
            | Q(**{f"{prefix}debtor_id": org})
        )
    if role == CLERK:
        return Q(**{f"{prefix}debtor_id": grant.organisation_id})
    return None


def item_scope_q(grant: Grant, action: str, prefix: str = "") -> Q | None:
    if grant.role == ENTERPRISE:
        return Q(**{f"{prefix}creditor_id": grant.enterprise_id}) if action == Action.VIEW else None
    if action == Action.VIEW:
        return debtor_q(grant, prefix) if grant.role in DEBTOR_SIDE | READERS else None
    return debtor_q(grant, prefix) if grant.role in DEBTOR_SIDE else None


def _region_covers(grant: Grant, path: str) -> bool:
    return grant.region_id is None or path.startswith(Region.path_of(grant.region_id))


def is_creditor_user(user: Any, item: Any) -> bool:
    """The user acts for the creditor SME of this item."""
    return any(g.role == ENTERPRISE and g.enterprise_id == item.creditor_id for g in grants_of(user))


def may_approve_plan(user: Any, item: Any) -> bool:
    """Repayment plans are approved by the responsible department (谁主管谁负责), a county office for its
    region, or the task-force office. The debtor itself never approves its own plan."""
    if user is None:
        return True
    debtor = item.debtor
    responsible = debtor.responsible_department_id or debtor.supervising_department_id
    for g in grants_of(user):
        if g.role == DEPARTMENT and responsible is not None and g.organisation_id == responsible:
            return True
        if g.role in (OFFICE, COUNTY) and _region_covers(g, debtor.region.path):
            return True
    return False


def is_office_user(user: Any) -> bool:
    return any(g.role == OFFICE for g in grants_of(user))


def org_q(grant: Grant) -> Q | None:
    """The organisations this grant may act for on the debtor side (what `debtor_q` reaches, on Organisation)."""
    role = grant.role
    if role in (OFFICE, COUNTY):
        if grant.region_id is None:
            return Q()
        return Q(region__path__startswith=Region.path_of(grant.region_id))
    if role == DEPARTMENT:
        org = grant.organisation_id
        return Q(responsible_department_id=org) | Q(supervising_department_id=org) | Q(pk=org)
    if role == CLERK:
        return Q(pk=grant.organisation_id)
    return None


def may_act_for_debtor(user: Any, debtor: Any, roles: frozenset[str] = DEBTOR_SIDE) -> bool:
    """Whether one of the user's grants with a role in `roles` reaches this debtor organisation."""
    if user is None:
        return True
    from qingqian.registry.models import Organisation

    combined: Q | None = None
    for g in grants_of(user):
        if g.role not in roles:
            continue
        q = org_q(g)
        if q is not None:
            combined = q if combined is None else combined | q
    return combined is not None and Organisation.objects.filter(combined, pk=debtor.pk).exists()


SUPERVISORS = frozenset({OFFICE, DEPARTMENT, COUNTY})
