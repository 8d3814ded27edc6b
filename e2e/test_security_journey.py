"""A staff member logs in with a password and a TOTP code, gets the idle-timeout warning, extends the
session with one click; a second, short-timeout server (SESSION_IDLE_TIMEOUT_SECONDS=45) keeps the
wait short."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from e2e.conftest import ROOT, _free_port, _manage, wait_until_healthy

IDLE = 45
WARNING = 30


@pytest.fixture(scope="module")
def short_server() -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="qq-e2e-sec-"))
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "QINGQIAN_VAR_DIR": str(tmp),
            "QINGQIAN_ENV": "development",
            "DEBUG": "0",
            "DEMO_DATA_ALLOWED": "1",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "SESSION_IDLE_TIMEOUT_SECONDS": str(IDLE),
            "SESSION_IDLE_TIMEOUT_ADMIN_SECONDS": str(IDLE),
            "SESSION_IDLE_WARNING_SECONDS": str(WARNING),
            "RATE_LIMIT_LOGIN": "1000/60",
        }
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    _manage(env, "collectstatic", "--noinput")
    port = _free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, proc, tmp / "server.log", "short-timeout server")
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def short_page(browser: Any, short_server: str) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=short_server
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.csp_errors = errors
    yield page
    context.close()


def test_staff_log_in_with_totp_see_the_timeout_warning_and_extend_the_session(
    short_page: Any, login: Any, shot: Any
) -> None:
    page = short_page
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "county")
    from qingqian.demo.seed import demo_password

    page.fill("input[name=password]", demo_password("county"))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/accounts/two-factor/" in page.url
    assert "动态验证码" in page.inner_text("main")
    shot(page, "security-two-factor")
    login(page, "county")  # the fixture computes the TOTP code, as every journey does
    assert page.url.endswith("/staff/")
    warning = page.locator("#qq-session")
    assert warning.is_hidden()
    # the warning appears WARNING seconds before the idle timeout, with a live countdown
    warning.wait_for(state="visible", timeout=(IDLE - WARNING + 10) * 1000)
    text = page.inner_text("#qq-session")
    assert "即将自动退出" in text
    assert "继续使用" in text
    seconds = int(page.inner_text("#qq-session-seconds"))
    assert 20 <= seconds <= WARNING
    shot(page, "security-timeout-warning")
    page.click("#qq-session-extend")
    warning.wait_for(state="hidden", timeout=5000)
    status = page.evaluate("fetch('/accounts/session/status/').then(r => r.json())")
    assert status["remaining"] >= IDLE - 3
    # still signed in after the original deadline has passed
    time.sleep(seconds + 2)
    page.goto("/staff/")
    assert page.url.endswith("/staff/")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_an_ignored_warning_ends_the_session(short_page: Any, login: Any, shot: Any) -> None:
    page = short_page
    login(page, "leader")
    page.locator("#qq-session").wait_for(state="visible", timeout=(IDLE - WARNING + 10) * 1000)
    page.wait_for_url(lambda url: "/accounts/login/" in url, timeout=(WARNING + 15) * 1000)
    assert "由于长时间未操作" in page.inner_text("main")
    shot(page, "security-timed-out")
