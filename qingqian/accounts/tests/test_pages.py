from typing import Any


def test_the_public_home_shows_the_hotline_and_the_task_force_in_chinese(world: Any, client_for: Any) -> None:
    html = client_for(None).get("/").content.decode()
    assert 'lang="zh-CN"' in html
    assert "投诉举报电话" in html and "0311-12345678" in html
    assert "石家庄市财政局" in html  # a member department
    assert "cdn" not in html.lower()  # static assets are local


def test_the_staff_home_counts_only_the_users_scope(world: Any, client_for: Any) -> None:
    from qingqian.registry.models import Organisation

    response = client_for(world.clerk).get("/staff/")
    assert response.status_code == 200
    assert response.context["body_count"] == 1
    assert response["Cache-Control"] == "no-store"
    office = client_for(world.office).get("/staff/")
    assert office.context["body_count"] == Organisation.objects.exclude(kind="department").count()


def test_navigation_differs_by_role(world: Any, client_for: Any) -> None:
    office = client_for(world.office).get("/staff/").content.decode()
    enterprise = client_for(world.enterprise).get("/portal/").content.decode()
    assert "单位名录" in office and "企业服务" not in office
    assert "企业服务" in enterprise and "单位名录" not in enterprise


def test_the_portal_shows_the_enterprises_own_record(world: Any, client_for: Any) -> None:
    html = client_for(world.enterprise).get("/portal/").content.decode()
    assert "石家庄恒信建筑劳务有限公司" in html
    assert "石家庄市鑫源机械制造有限公司" not in html


def test_home_sends_each_user_to_their_start_page(world: Any, client_for: Any) -> None:
    assert client_for(world.office).get("/accounts/home/")["Location"] == "/staff/"
    assert client_for(world.enterprise).get("/accounts/home/")["Location"] == "/portal/"
    assert client_for(world.secadmin).get("/accounts/home/")["Location"] == "/system/"
    assert client_for(None).get("/accounts/home/")["Location"] == "/"


def test_a_wrong_password_gets_a_chinese_message(world: Any, client_for: Any) -> None:
    html = (
        client_for(None).post("/accounts/login/", {"username": "office", "password": "nope"}).content.decode()
    )
    assert "用户名或密码不正确" in html
