"""End-to-end harness: a real server (gunicorn, 2 workers) on a fresh seeded database, driven by
Debian's Chromium through Playwright. Never downloads a browser.

Fixtures: `server` (base URL), `page` (a fresh zh-CN browser tab), `login(page, username)`,
`shot(page, name)` → var/screenshots/<name>.png. Demo users and passwords: qingqian/demo/data.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    tmp = Path(tempfile.mkdtemp(prefix="qq-e2e-"))
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": os.environ.get("E2E_DATABASE_URL", f"sqlite:///{tmp / 'e2e.sqlite3'}"),
            "QINGQIAN_VAR_DIR": str(tmp),
            "QINGQIAN_ENV": "development",
            "DEBUG": "0",
            "DEMO_DATA_ALLOWED": "1",
            "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            # every journey logs in from 127.0.0.1: keep the login rate limit out of their way
            "RATE_LIMIT_LOGIN": "1000/60",
        }
    )
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    _manage(env, "collectstatic", "--noinput")
    port = _free_port()
    log = (tmp / "server.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_healthy(base, proc, tmp / "server.log", "e2e server")
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=server)
    pg = context.new_page()
    yield pg
    context.close()


# Sessions of demo users already logged in during this run (session cookie only), and the last TOTP
# time step each one used: a TOTP code is accepted once (replay protection), so a second login within
# the same 30 s must use the next step, and the fixture reuses a live session where it can.
_SESSION_COOKIES = ("sessionid", "__Host-qq_session")
_sessions: dict[str, list[dict[str, Any]]] = {}
_last_step: dict[str, int] = {}


def _next_totp_code(username: str) -> str:
    from qingqian.demo.seed import demo_totp_code

    while True:
        now = int(time.time() // 30)
        for step in (now - 1, now, now + 1):  # the server accepts one step of drift either way
            if step > _last_step.get(username, -1):
                _last_step[username] = step
                return demo_totp_code(username, at=step * 30 + 1)
        time.sleep(max(0.5, (now + 1) * 30 - time.time()))


def _landed(url: str) -> bool:
    return not any(p in url for p in ("/accounts/login/", "/accounts/home/", "/accounts/two-factor/"))


@pytest.fixture
def login() -> Any:
    """`login(page, username)`: a demo user signed in with password and TOTP (staff and administrators),
    on their start page."""
    from qingqian.demo.seed import demo_password

    def _login(page: Any, username: str) -> None:
        page.context.clear_cookies()
        cached = _sessions.get(username)
        if cached:
            page.context.add_cookies(cached)
            page.goto("/accounts/home/")
            # a live session lands on the user's start page; a dead one on the public home ("/")
            if _landed(page.url) and urllib.parse.urlsplit(page.url).path != "/":
                return
            page.context.clear_cookies()
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", demo_password(username))
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url and "/accounts/home/" not in url)
        if "/accounts/two-factor/" in page.url:
            page.fill("input[name=code]", _next_totp_code(username))
            with page.expect_navigation():
                page.click("main button[type=submit]")
            page.wait_for_url(_landed)
        _sessions[username] = [c for c in page.context.cookies() if c["name"] in _SESSION_COOKIES]

    return _login


AXE_URL = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_serious(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (served by the app itself, so the CSP allows it) on the page as it is now and keep
    the serious and critical findings."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [(n["target"], (n.get("failureSummary") or "")[-160:]) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Any, name: str = "") -> None:
    found = axe_serious(page)
    assert not found, (name, page.url, found)


@pytest.fixture
def shot() -> Any:
    """`shot(page, name)`: a full-page screenshot in var/screenshots/<name>.png — and axe-core on the same
    page, failing on any serious or critical violation (every page a journey shows a person is checked;
    `axe=False` only for a screenshot of a state that is not a page, e.g. a file rendered to PNG)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page: Any, name: str, *, axe: bool = True) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        if axe:
            assert_accessible(page, name)
        return path

    return _shot


def wait_until_healthy(base: str, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    """Wait up to 60 s for `/healthz` to answer 200; kill the server and show its log if it doesn't."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"{what} did not start: " + log.read_text()[-2000:])
        time.sleep(0.3)
