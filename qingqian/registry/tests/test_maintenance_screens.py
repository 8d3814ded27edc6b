"""The office keeps the registry in the product: bodies, the routing table, regions."""

from typing import Any

from qingqian.core.models import Event
from qingqian.registry.models import Organisation, Region, RoutingRule


def test_the_office_registers_a_body_and_it_is_routed_at_once(world: Any, client_for: Any) -> None:
    city = Region.objects.get(code="130100")
    response = client_for(world.office).post(
        "/registry/new/",
        {
            "name": "石家庄市档案馆",
            "kind": "institution",
            "level": "city",
            "region": city.pk,
            "uscc": "91110000600037341A",
        },
    )
    org = Organisation.objects.get(name="石家庄市档案馆")
    assert response.status_code == 302
    assert response["Location"] == f"/registry/{org.pk}/"
    assert org.responsible_department is not None
    assert org.responsible_department.name == "石家庄市财政局"
    assert org.uscc_warning == "uscc_checksum_mismatch"
    page = client_for(world.office).get(response["Location"]).content.decode()
    assert "校验位不符" in page


def test_a_malformed_code_or_a_missing_name_changes_nothing_and_says_why(world: Any, client_for: Any) -> None:
    city = Region.objects.get(code="130100")
    c = client_for(world.office)
    before = (Organisation.objects.count(), Event.objects.count())
    html = c.post(
        "/registry/new/",
        {"name": "坏代码单位", "kind": "organ", "level": "city", "region": city.pk, "uscc": "ABC"},
    ).content.decode()
    assert "统一社会信用代码格式不正确" in html
    html = c.post(
        "/registry/new/", {"name": "", "kind": "organ", "level": "city", "region": city.pk}
    ).content.decode()
    assert "这个字段是必填项" in html or "必填" in html
    assert (Organisation.objects.count(), Event.objects.count()) == before


def test_switching_off_a_rule_reroutes_its_bodies_to_the_next_rule(world: Any, client_for: Any) -> None:
    rule = RoutingRule.objects.get(name="市本级机关 → 市财政局")
    edu = Organisation.objects.get(name="石家庄市教育局")
    form = {
        "name": rule.name,
        "debtor_kind": rule.debtor_kind,
        "level": rule.level,
        "region": rule.region_id,
        "responsible": rule.responsible_id,
        "priority": rule.priority,
        "basis": rule.basis,
        # "active" unticked
    }
    assert client_for(world.office).post(f"/registry/routing/{rule.pk}/", form).status_code == 302
    edu.refresh_from_db()
    assert edu.responsible_department is not None
    assert edu.responsible_department.name == "石家庄市工业和信息化局"  # the fallback rule
    assert Event.objects.filter(action="registry.routing_rule.updated", object_id=str(rule.pk)).exists()


def test_a_department_handler_reads_the_routing_table_but_cannot_change_it(
    world: Any, client_for: Any
) -> None:
    c = client_for(world.finance)
    assert "市本级机关 → 市财政局" in c.get("/registry/routing/").content.decode()
    assert c.post("/registry/routing/", {"name": "x"}).status_code == 403


def test_moving_a_region_moves_its_subtree(world: Any, client_for: Any) -> None:
    c = client_for(world.sysadmin)
    assert (
        c.post(
            "/registry/regions/",
            {
                "code": "130199",
                "name": "测试新区",
                "kind": "functional_zone",
                "parent": Region.objects.get(code="130100").pk,
            },
        ).status_code
        == 302
    )
    new = Region.objects.get(code="130199")
    assert new.path == "130000/130100/130199/"
    zhengding = Region.objects.get(code="130123")
    c.post(
        f"/registry/regions/{zhengding.pk}/",
        {"code": "130123", "name": "正定县", "kind": "county", "parent": new.pk},
    )
    zhengding.refresh_from_db()
    assert zhengding.path == "130000/130100/130199/130123/"
    html = c.post(
        f"/registry/regions/{new.pk}/",
        {"code": "130199", "name": "测试新区", "kind": "functional_zone", "parent": zhengding.pk},
    ).content.decode()
    assert "上级区划不能是本区划或其下级" in html
