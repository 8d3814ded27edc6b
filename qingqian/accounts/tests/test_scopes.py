"""Each role sees exactly its scope: `.restrict(user, action)` on the registry."""

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from qingqian.accounts.services import role_grant
from qingqian.core.errors import InvalidInput, NotPermitted
from qingqian.core.permissions import Action, can, may, require
from qingqian.registry.models import Enterprise, Organisation, Region


def names(qs: Any) -> set[str]:
    return set(qs.values_list("name", flat=True))


def test_the_office_sees_every_body_in_the_city(world: Any) -> None:
    assert Organisation.objects.restrict(world.office).count() == Organisation.objects.count()


def test_the_finance_bureau_sees_city_level_organs_and_institutions_but_not_county_bodies_or_soes(
    world: Any,
) -> None:
    seen = Organisation.objects.restrict(world.finance)
    assert "石家庄市教育局" in names(seen)
    assert "石家庄市第一医院" in names(seen)
    assert "长安区教育局" not in names(seen)
    assert "石家庄市热力集团有限公司" not in names(seen)


def test_sasac_sees_the_soes_it_supervises(world: Any) -> None:
    seen = names(Organisation.objects.restrict(world.sasac))
    assert "石家庄市热力集团有限公司" in seen
    assert "石家庄市教育局" not in seen


def test_a_county_handler_sees_only_bodies_in_its_county(world: Any) -> None:
    seen = Organisation.objects.restrict(world.county).select_related("region")
    assert seen.exists()
    assert {o.region.code for o in seen} == {"130102"}


def test_a_debtor_clerk_sees_only_its_own_organisation(world: Any) -> None:
    assert names(Organisation.objects.restrict(world.clerk)) == {"石家庄市教育局"}


def test_an_enterprise_user_sees_only_its_own_enterprise(world: Any) -> None:
    assert names(Enterprise.objects.restrict(world.enterprise)) == {"石家庄恒信建筑劳务有限公司"}


def test_administrators_see_no_enterprise_data_except_the_system_administrator(world: Any) -> None:
    assert not Enterprise.objects.restrict(world.secadmin).exists()
    assert not Enterprise.objects.restrict(world.auditadmin).exists()


def test_the_public_sees_active_bodies_but_no_enterprises(world: Any) -> None:
    anon = AnonymousUser()
    assert Organisation.objects.restrict(anon).count() == Organisation.objects.filter(active=True).count()
    assert not Enterprise.objects.restrict(anon).exists()


def test_only_editors_may_change_the_registry(world: Any) -> None:
    edu = Organisation.objects.get(name="石家庄市教育局")
    assert can(world.office, Action.CHANGE, edu)
    assert not can(world.finance, Action.CHANGE, edu)
    assert may(world.office, Action.CREATE, Organisation)
    assert not may(world.clerk, Action.CREATE, Organisation)
    with pytest.raises(NotPermitted):
        require(world.clerk, Action.CHANGE, edu)


def test_an_unknown_action_is_a_programming_error(world: Any) -> None:
    with pytest.raises(ValueError, match="unknown action"):
        Organisation.objects.restrict(world.office, "delete")


def test_the_three_administrator_roles_cannot_be_combined(world: Any) -> None:
    with pytest.raises(InvalidInput) as exc:
        role_grant(actor=None, user=world.sysadmin, role="security_admin")
    assert exc.value.code == "separation_of_duties"
    with pytest.raises(InvalidInput):
        role_grant(actor=None, user=world.office, role="audit_admin")
    with pytest.raises(InvalidInput):
        role_grant(
            actor=None, user=world.auditadmin, role="auditor", region=Region.objects.get(code="130100")
        )


def test_a_role_must_be_bound_to_the_scope_it_needs(world: Any) -> None:
    with pytest.raises(InvalidInput, match="必须且只能绑定到单位"):
        role_grant(
            actor=None, user=world.office, role="debtor_clerk", region=Region.objects.get(code="130100")
        )
    with pytest.raises(InvalidInput, match="部门经办人只能绑定到职能部门"):
        role_grant(
            actor=None,
            user=world.office,
            role="department_handler",
            organisation=Organisation.objects.get(name="石家庄市教育局"),
        )


def test_granting_the_same_role_twice_changes_nothing(world: Any) -> None:
    region = Region.objects.get(code="130100")
    g1 = role_grant(actor=None, user=world.leader, role="leadership", region=region)
    g2 = role_grant(actor=None, user=world.leader, role="leadership", region=region)
    assert g1.pk == g2.pk
