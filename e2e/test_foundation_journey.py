"""Every demo role logs in and lands on its own home, in Chinese; the public home needs no login."""

from __future__ import annotations

from typing import Any

import pytest

HOMES = [
    ("office", "/staff/", "工作台"),
    ("finance", "/staff/", "工作台"),
    ("county", "/staff/", "工作台"),
    ("clerk", "/staff/", "工作台"),
    ("auditor", "/staff/", "工作台"),
    ("leader", "/staff/", "工作台"),
    ("enterprise", "/portal/", "企业服务"),
    ("sysadmin", "/system/", "系统管理"),
    ("secadmin", "/system/", "系统管理"),
    ("auditadmin", "/system/", "系统管理"),
]


def test_the_public_home_is_in_chinese_without_login(page: Any, shot: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "清理拖欠中小企业账款" in page.inner_text("h1")
    assert "投诉举报电话" in page.inner_text("main")
    shot(page, "public-home")


@pytest.mark.parametrize(("username", "path", "heading"), HOMES)
def test_each_role_lands_on_its_own_home(
    page: Any, login: Any, shot: Any, username: str, path: str, heading: str
) -> None:
    login(page, username)
    assert page.url.endswith(path), page.url
    assert heading in page.inner_text("h1")
    shot(page, f"home-{username}")


def test_the_office_opens_a_body_and_sees_why_it_is_routed_there(page: Any, login: Any, shot: Any) -> None:
    login(page, "office")
    page.goto("/registry/?q=教育局")
    with page.expect_navigation():
        page.click("text=石家庄市教育局")
    body = page.inner_text("main")
    assert "市本级机关 → 市财政局" in body
    assert "登记单位" in body  # the timeline shows the creation event
    shot(page, "organisation-detail-routing")


def test_the_language_switch_shows_english(page: Any, login: Any, shot: Any) -> None:
    login(page, "office")
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.locator("html").get_attribute("lang") == "en"
    shot(page, "staff-home-english")
