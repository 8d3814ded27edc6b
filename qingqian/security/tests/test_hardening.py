"""Web hardening: check --deploy in production settings, headers, caching, rate limits, uploads,
spreadsheet formula injection, error pages, API tokens."""

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qingqian.core.errors import InvalidInput
from qingqian.core.formula import safe_cell, safe_row
from qingqian.core.personal import PersonalText
from qingqian.core.uploads import check_upload

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "QINGQIAN_ENV": "production",
    "SECRET_KEY": "Zq8vN3xL0pR7tY2wK5mB9cD4fG6hJ1sA0eU8iO3pL7kM2nB5vC9xZ4qW",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "qingqian.sjz.example.gov.cn",
    "DATABASE_URL": "postgres://qq:secret@127.0.0.1:5432/qingqian",
    "DEMO_DATA_ALLOWED": "0",
    "PII_KEYS": "k1:00112233445566778899aabbccddeeff",
    "PII_INDEX_KEY": "00112233445566778899aabbccddeeff" * 2,
    "AUDIT_ANCHOR_KEY": "ffeeddccbbaa99887766554433221100" * 2,
}


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "QINGQIAN_", "DEBUG"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    result = _manage(
        {**PRODUCTION_ENV, "QINGQIAN_VAR_DIR": str(tmp_path)}, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict(tmp_path) -> None:
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_NAME, s.X_FRAME_OPTIONS)"
    )
    result = _manage({**PRODUCTION_ENV, "QINGQIAN_VAR_DIR": str(tmp_path)}, "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False",
        "31536000",
        "True",
        "True",
        "True",
        "__Host-qq_session",
        "DENY",
    ], result.stderr


def test_production_refuses_to_start_without_the_data_keys(tmp_path) -> None:
    env = {**PRODUCTION_ENV, "QINGQIAN_VAR_DIR": str(tmp_path), "PII_KEYS": "", "AUDIT_ANCHOR_KEY": ""}
    result = _manage(env, "check")
    assert result.returncode != 0 and "PII_KEYS" in result.stderr and "AUDIT_ANCHOR_KEY" in result.stderr


def test_every_page_sends_the_security_headers(world, client_for) -> None:
    response = client_for(None).get("/")
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src and "unsafe-inline" not in script_src and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]


def test_staff_pages_api_responses_and_exports_are_not_cached(world, client_for) -> None:
    from qingqian.disclosure.models import MonthlyReport

    office = client_for(world.office)
    assert office.get("/staff/")["Cache-Control"] == "no-store"
    assert office.get("/api/v1/accounts/me")["Cache-Control"] == "no-store"
    assert office.get("/api/v1/disclosure/returns")["Cache-Control"] == "no-store"
    assert office.get("/disclosure/returns/")["Cache-Control"] == "no-store"
    assert office.get("/dashboards/")["Cache-Control"] == "no-store"
    assert office.get("/complaints/export.xlsx")["Cache-Control"] == "no-store"
    export = client_for(world.auditadmin).get("/security/audit/export/", {"format": "csv"})
    assert export["Cache-Control"] == "no-store"
    report = MonthlyReport.objects.order_by("-pk")[0]
    download = client_for(world.leader).get(f"/disclosure/reports/{report.pk}/xlsx/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"


PUBLIC_READS = [
    "/",
    "/disclosure/",
    "/disclosure/bodies/{body}/",
    "/disclosure/regions/",
    "/disclosure/methodology/",
    "/disclosure/open-data/",
    "/disclosure/open-data/disclosures.csv",
    "/disclosure/open-data/disclosures.json",
    "/api/v1/public/disclosures",
    "/api/v1/public/disclosures/{body}",
    "/api/v1/public/regions",
    "/api/v1/public/performance",
]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_public_pages_and_the_public_api_are_cacheable_for_anonymous_readers_only(
    world, client_for, settings, path
) -> None:
    from qingqian.disclosure.models import PublishedDisclosure

    settings.DISCLOSURE_PUBLIC_MAX_AGE = 123
    url = path.format(body=PublishedDisclosure.objects.order_by("pk").values_list("body_id", flat=True)[0])
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 200, url
    assert anonymous["Cache-Control"] == "public, max-age=123" and "Pragma" not in anonymous
    assert "Cookie" in anonymous["Vary"]
    signed_in = client_for(world.office).get(url)
    assert signed_in.status_code == 200 and signed_in["Cache-Control"] == "no-store"


def test_public_api_errors_are_not_cached(world, client_for) -> None:
    missing = client_for(None).get("/api/v1/public/disclosures/999999999")
    assert missing.status_code == 404 and missing["Cache-Control"] == "no-store"


def test_the_audit_export_neutralises_formulas_and_is_itself_audited(world, client_for) -> None:
    from django.db import transaction

    from qingqian.core.events import record_event
    from qingqian.core.models import Event

    with transaction.atomic():
        record_event(actor=None, action="test.formula", data={"x": 1}, obj=None)
    Event.objects.filter(action="test.formula")  # the repr below is the dangerous part
    response = client_for(world.auditadmin).get(
        "/security/audit/export/", {"format": "xlsx", "action": "test."}
    )
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "序号" and sheet.max_row == 2
    assert Event.objects.filter(action="security.audit.exported", actor=world.auditadmin).exists()


def test_formula_cells_are_neutralised_and_personal_data_masked() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    for dangerous in ("+1", "-1+2", "@SUM(A1)", "\tcmd", "＝1+1"):
        assert str(safe_cell(dangerous)).startswith("'")
    assert safe_cell(-5) == -5 and safe_cell("石家庄") == "石家庄"
    assert safe_row([PersonalText("13812345678"), None]) == ["138****5678", None]
    assert safe_row([PersonalText("13812345678")], unmasked=True) == ["13812345678"]


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_uploads_are_checked_by_content_not_by_name() -> None:
    assert check_upload(SimpleUploadedFile("合同.pdf", b"%PDF-1.7\n...")) == "pdf"
    assert check_upload(SimpleUploadedFile("发票.PNG", b"\x89PNG\r\n\x1a\n" + b"0" * 20)) == "png"
    assert check_upload(SimpleUploadedFile("说明.docx", _docx())) == "docx"
    assert check_upload(SimpleUploadedFile("台账.csv", "单位,金额\n教育局,100\n".encode())) == "text"
    refused = [
        ("invoice.pdf", b"MZ\x90\x00 an exe"),  # an executable named .pdf
        ("photo.png", b"%PDF-1.4"),  # a PDF named .png: extension disagrees
        ("page.pdf", b"<!DOCTYPE html><script>alert(1)</script>"),
        ("pic.svg", b"<svg onload=alert(1)>"),
        ("archive.docx", _zip_without_manifest()),
        ("empty.pdf", b""),
    ]
    for name, content in refused:
        with pytest.raises(InvalidInput):
            check_upload(SimpleUploadedFile(name, content))
    with pytest.raises(InvalidInput, match="过大"):
        check_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000), max_bytes=1000)


def _zip_without_manifest() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("evil.sh", "rm -rf /")
    return out.getvalue()


def test_login_is_rate_limited_with_429_and_retry_after(world, settings) -> None:
    from django.test import Client

    from qingqian.security import ratelimit

    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_RULES = [("login", r"^/accounts/login/", {"POST"}, "3/60")]
    ratelimit._rules.cache_clear()
    try:
        client = Client(REMOTE_ADDR="10.1.1.1")
        statuses = [
            client.post("/accounts/login/", {"username": f"u{i}", "password": "x"}).status_code
            for i in range(4)
        ]
        assert statuses[:3] == [200, 200, 200] and statuses[3] == 429
        limited = client.post("/accounts/login/", {"username": "u", "password": "x"})
        assert 1 <= int(limited["Retry-After"]) <= 60 and "请求过于频繁" in limited.content.decode()
        api = Client(REMOTE_ADDR="10.1.1.1").post("/accounts/login/", {}, HTTP_ACCEPT="application/json")
        assert api.status_code == 429 and api.json()["code"] == "rate_limited"
        assert (
            Client(REMOTE_ADDR="10.1.1.2").get("/accounts/login/").status_code == 200
        )  # GETs and others pass
    finally:
        ratelimit._rules.cache_clear()


LIMITED = [
    ("POST", "/complaints/new/", "intake"),
    ("POST", "/complaints/new/form/", "intake"),
    ("POST", "/api/v1/complaints", "intake"),
    ("GET", "/api/v1/public/disclosures", "public_api"),
    ("GET", "/api/v1/public/regions", "public_api"),
    ("GET", "/", "public_pages"),
    ("GET", "/disclosure/", "public_pages"),
    ("GET", "/disclosure/bodies/{body}/", "public_pages"),
    ("GET", "/disclosure/regions/", "public_pages"),
    ("GET", "/disclosure/methodology/", "public_pages"),
    ("GET", "/disclosure/open-data/", "public_pages"),
    ("GET", "/disclosure/open-data/disclosures.csv", "public_pages"),
]


def _tight(settings, rules=None):
    """The real RATE_LIMIT_RULES (their paths and methods) with every limit cut to 2 an hour (a long
    window, so the three requests never straddle two windows)."""
    from qingqian.security import ratelimit

    settings.RATE_LIMIT_ENABLED = True
    settings.RATE_LIMIT_RULES = [(n, p, m, "2/3600") for n, p, m, _spec in rules or settings.RATE_LIMIT_RULES]
    ratelimit._rules.cache_clear()


@pytest.mark.parametrize(("method", "path", "rule"), LIMITED)
def test_intake_the_public_api_and_the_public_pages_answer_429_with_retry_after(
    world, settings, method, path, rule
) -> None:
    from django.test import Client

    from qingqian.registry.models import Organisation
    from qingqian.security import ratelimit

    body = Organisation.objects.filter(kind="institution").order_by("pk")[0]
    url = path.format(body=body.pk)
    _tight(settings)
    try:
        client = Client(REMOTE_ADDR=f"10.2.{LIMITED.index((method, path, rule))}.1")
        send = client.post if method == "POST" else client.get
        first = [send(url).status_code for _ in range(2)]
        assert 429 not in first and all(code < 500 for code in first), first
        limited = send(url)
        assert limited.status_code == 429, (url, limited.status_code)
        assert 1 <= int(limited["Retry-After"]) <= 3600
        assert ratelimit.RateCounter.objects.filter(key__startswith=f"{rule}:10.2.").exists()
        other = Client(REMOTE_ADDR="10.3.0.1")  # another address has its own count
        assert (other.post if method == "POST" else other.get)(url).status_code != 429
    finally:
        ratelimit._rules.cache_clear()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/disclosure/returns/"),
        ("GET", "/disclosure/reports/"),
        ("POST", "/complaints/register/"),
        ("POST", "/api/v1/complaints/leads"),
        ("GET", "/complaints/new/"),
        ("GET", "/healthz"),
    ],
)
def test_staff_pages_and_reads_of_the_intake_form_are_not_counted(world, settings, method, path) -> None:
    from django.test import Client

    from qingqian.security import ratelimit

    _tight(settings)
    try:
        client = Client(REMOTE_ADDR="10.4.0.1")
        send = client.post if method == "POST" else client.get
        assert all(send(path).status_code != 429 for _ in range(4))
    finally:
        ratelimit._rules.cache_clear()


def test_the_error_page_shows_no_stack_trace(world, settings) -> None:
    from django.test import Client
    from django.urls import path

    def boom(request):
        raise RuntimeError("secret internals")

    settings.DEBUG = False
    from config import urls as real

    settings.ROOT_URLCONF = type("U", (), {"urlpatterns": [path("boom/", boom), *real.urlpatterns]})
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "secret internals" not in body and "Traceback" not in body and "服务器内部错误" in body


def test_api_tokens_are_hashed_scoped_expiring_and_revocable(world, client_for) -> None:
    import datetime as dt

    import time_machine
    from django.test import Client
    from django.utils import timezone

    from qingqian.accounts.models import ApiToken
    from qingqian.accounts.services import token_create, token_revoke

    issued = token_create(actor=world.office, user=world.office, name="t", days=1)
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64
    auth = {"Authorization": f"Bearer {issued.secret}"}
    assert Client().get("/api/v1/accounts/me", headers=auth).status_code == 200
    # read scope: no writes
    post = Client().post(
        "/api/v1/accounts/tokens", data={"name": "x"}, content_type="application/json", headers=auth
    )
    assert post.status_code == 401
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert Client().get("/api/v1/accounts/me", headers=auth).status_code == 401
    token_revoke(actor=world.office, token=stored)
    assert Client().get("/api/v1/accounts/me", headers=auth).status_code == 401
