"""谁主管谁负责: the routing table sends each debtor to the responsible department, and says why."""

from typing import Any

from qingqian.registry import services
from qingqian.registry.choices import Level, OrganisationKind
from qingqian.registry.models import Organisation, Region
from qingqian.registry.selectors import explain_routing


def _org(name: str) -> Organisation:
    return Organisation.objects.select_related("region", "supervising_department").get(name=name)


def test_a_city_level_organ_goes_to_the_finance_bureau(world: Any) -> None:
    ex = explain_routing(_org("石家庄市教育局"))
    assert ex.responsible is not None and ex.responsible.name == "石家庄市财政局"
    assert ex.rule is not None and ex.rule.name == "市本级机关 → 市财政局"
    text = ex.text()
    assert "单位类型：规则要求“机关”，该单位为“机关”" in text
    assert "层级：规则要求“市本级”，该单位为“市本级”" in text
    assert "兜底" not in text  # the fallback also matches, but the specific rule wins
    assert "另有1条规则也匹配" in text


def test_a_city_institution_also_goes_to_the_finance_bureau(world: Any) -> None:
    assert explain_routing(_org("石家庄市第一医院")).responsible.name == "石家庄市财政局"  # type: ignore[union-attr]


def test_an_soe_supervised_by_sasac_goes_to_sasac(world: Any) -> None:
    ex = explain_routing(_org("石家庄市热力集团有限公司"))
    assert ex.responsible is not None and ex.responsible.name == "石家庄市人民政府国有资产监督管理委员会"
    assert any("主管部门" in r for r in ex.reasons)


def test_anything_in_a_county_goes_to_that_countys_office(world: Any) -> None:
    ex = explain_routing(_org("长安区教育局"))
    assert ex.responsible is not None and ex.responsible.name == "长安区人民政府清欠工作办公室"
    assert any("区划：规则要求“长安区”" in r for r in ex.reasons)


def test_a_case_no_rule_covers_falls_back_to_the_task_force_office(world: Any) -> None:
    ex = explain_routing(_org("冀中建设工程集团有限公司"))  # a city-level large enterprise
    assert ex.responsible is not None and ex.responsible.name == "石家庄市工业和信息化局"
    assert any("兜底" in r for r in ex.reasons)


def test_with_no_rules_at_all_the_explanation_says_so(world: Any) -> None:
    ex = explain_routing(_org("石家庄市教育局"), rules=[])
    assert ex.responsible is None and ex.rule is None
    assert "人工指定" in ex.text()


def test_the_responsible_department_is_stored_and_refreshed_when_a_rule_is_added(world: Any) -> None:
    org = _org("石家庄市教育局")
    assert org.responsible_department is not None and org.responsible_department.name == "石家庄市财政局"
    housing = Organisation.objects.get(name="石家庄市住房和城乡建设局")
    services.routing_rule_create(
        actor=None,
        name="市教育系统 → 市住建局（测试）",
        debtor_kind=OrganisationKind.ORGAN,
        level=Level.CITY,
        region=Region.objects.get(code="130100"),
        supervising_department=None,
        responsible=housing,
        priority=1,
    )
    org.refresh_from_db()
    # Same criteria count and region depth as the finance rule: the lower priority number wins.
    assert org.responsible_department_id == housing.pk
    assert org.responsible_department is not None


def test_a_new_organisation_is_routed_on_creation_with_an_event(world: Any) -> None:
    from qingqian.core.events import events_for

    county = Region.objects.get(code="130123")  # 正定县
    org = services.organisation_create(
        actor=None, name="正定县文化馆", kind=OrganisationKind.INSTITUTION, level=Level.COUNTY, region=county
    )
    org.refresh_from_db()
    assert (
        org.responsible_department is not None
        and org.responsible_department.name == "正定县人民政府清欠工作办公室"
    )
    actions = [e.action for e in events_for(org)]
    assert actions == ["registry.organisation.created", "registry.organisation.rerouted"]
