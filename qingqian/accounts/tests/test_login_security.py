"""Lockout, two factors, idle and absolute timeouts, re-authentication, password policy, 三权分立."""

import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from qingqian.accounts.models import User
from qingqian.core.models import Event
from qingqian.demo.seed import demo_password, demo_totp_code

LOCKED = "登录失败次数过多"


def _post_login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- lockout (django-axes) -----------------------------------------------------------------------


def test_five_failures_lock_the_account_and_the_sixth_attempt_is_refused_even_with_the_right_password(
    world,
) -> None:
    client = Client()
    for _ in range(4):
        response = _post_login(client, "office", "wrong-Password1")
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    fifth = _post_login(client, "office", "wrong-Password1")
    assert fifth.status_code == 429
    sixth = _post_login(client, "office", demo_password("office"))
    assert sixth.status_code == 429
    html = sixth.content.decode()
    assert LOCKED in html and "30 分钟" in html
    assert int(sixth["Retry-After"]) == 30 * 60
    assert Event.objects.filter(action="accounts.login.locked_out", data__username="office").exists()


def test_the_lockout_is_released_after_thirty_minutes(world) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            _post_login(Client(), "finance", "wrong-Password1")
        assert _post_login(Client(), "finance", demo_password("finance")).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert _post_login(Client(), "finance", demo_password("finance")).status_code == 429
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        response = _post_login(Client(), "finance", demo_password("finance"))
        assert response.status_code == 302


def test_a_lockout_reads_the_same_for_an_unknown_username(world) -> None:
    known, unknown = Client(), Client()
    for _ in range(5):
        _post_login(known, "county", "wrong-Password1", ip="10.0.0.2")
        _post_login(unknown, "nobody-here", "wrong-Password1", ip="10.0.0.3")
    a = _post_login(known, "county", "wrong-Password1", ip="10.0.0.2")
    b = _post_login(unknown, "nobody-here", "wrong-Password1", ip="10.0.0.3")
    assert a.status_code == b.status_code == 429
    strip = lambda r: r.content.decode().split("<main")[1].split("</main>")[0]  # noqa: E731
    assert strip(a).replace("county", "X") == strip(b).replace("nobody-here", "X")


def test_five_failures_from_one_address_lock_that_address_for_every_account(world) -> None:
    for i in range(5):
        _post_login(Client(), f"guess{i}", "wrong-Password1", ip="10.9.9.9")
    assert _post_login(Client(), "clerk", demo_password("clerk"), ip="10.9.9.9").status_code == 429
    assert _post_login(Client(), "clerk", demo_password("clerk"), ip="10.9.9.10").status_code == 302


def test_the_security_administrator_releases_a_lockout(world, client_for) -> None:
    for _ in range(5):
        _post_login(Client(), "sasac", "wrong-Password1", ip="10.0.0.5")
    response = client_for(world.secadmin).post("/security/unlock/", {"username": "sasac", "ip": "10.0.0.5"})
    assert response.status_code == 302
    assert _post_login(Client(), "sasac", demo_password("sasac"), ip="10.0.0.5").status_code == 302
    assert Event.objects.filter(action="accounts.lockout.released", actor=world.secadmin).exists()


# --- two factors -----------------------------------------------------------------------------------


def test_staff_need_the_second_factor_before_any_page(world) -> None:
    client = Client()
    response = _post_login(client, "office", demo_password("office"))
    assert response.status_code == 302
    staff = client.get("/staff/")
    assert staff.status_code == 302 and staff["Location"].startswith("/accounts/two-factor/?next=")
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 401 and api.json()["code"] == "two_factor_required"
    ok = client.post("/accounts/two-factor/", {"code": demo_totp_code("office"), "next": "/staff/"})
    assert ok.status_code == 302 and ok["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    assert Event.objects.filter(
        action="accounts.2fa.verified", actor=world.office, data__method="totp"
    ).exists()


def test_a_wrong_code_is_refused_and_logged(world) -> None:
    client = Client()
    _post_login(client, "clerk", demo_password("clerk"))
    wrong = client.post("/accounts/two-factor/", {"code": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    assert client.get("/staff/").status_code == 302
    assert Event.objects.filter(action="accounts.2fa.failed", actor=world.clerk).exists()


def test_administrators_need_the_second_factor_too(world) -> None:
    client = Client()
    _post_login(client, "auditadmin", demo_password("auditadmin"))
    assert client.get("/security/audit/")["Location"].startswith("/accounts/two-factor/")


def test_the_enterprise_user_is_not_asked_for_a_second_factor(world) -> None:
    client = Client()
    _post_login(client, "enterprise", demo_password("enterprise"))
    assert client.get("/portal/").status_code == 200


def test_a_new_staff_member_enrols_an_authenticator_and_gets_recovery_codes(world) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qingqian.accounts.services import role_grant, user_create

    user = user_create(actor=None, username="newhire", password="Xin-Ren2026!")
    role_grant(actor=None, user=user, role="auditor", region=world.auditor.grants.first().region)
    client = Client()
    _post_login(client, "newhire", "Xin-Ren2026!")
    assert client.get("/staff/")["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/accounts/two-factor/setup/", {"code": f"{TOTP(device.bin_key).token():06d}"})
    codes = response.context["codes"]
    assert len(codes) == 10
    assert client.get("/staff/").status_code == 200
    # a recovery code works once in a new session
    other = Client()
    _post_login(other, "newhire", "Xin-Ren2026!")
    assert other.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    again = Client()
    _post_login(again, "newhire", "Xin-Ren2026!")
    assert again.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 200  # used up


def test_the_security_administrator_resets_a_second_factor_after_reauthenticating(world, client_for) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = client_for(world.secadmin)
    url = f"/security/users/{world.leader.pk}/two-factor/reset/"
    first = admin.post(url)
    assert first.status_code == 302 and first["Location"].startswith("/accounts/reauth/")
    reauth = admin.post(
        "/accounts/reauth/",
        {"password": demo_password("secadmin"), "code": demo_totp_code("secadmin"), "next": url},
    )
    assert reauth.status_code == 302
    assert admin.post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.leader).exists()
    assert Event.objects.filter(action="accounts.2fa.reset", actor=world.secadmin).exists()


# --- sessions ----------------------------------------------------------------------------------


def test_a_staff_session_ends_after_thirty_idle_minutes(world, client_for) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(world.office)
        assert client.get("/staff/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/staff/").status_code == 200  # activity resets the clock
    with time_machine.travel(start + dt.timedelta(minutes=29 + 31), tick=False):
        response = client.get("/staff/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/") and "expired=idle" in response["Location"]
        assert client.get("/staff/")["Location"].startswith("/accounts/login/")
    assert Event.objects.filter(
        action="accounts.session.expired", actor=world.office, data__reason="idle"
    ).exists()


def test_administrators_time_out_after_fifteen_minutes(world, client_for) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(world.secadmin)
        assert client.get("/system/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert client.get("/system/")["Location"].startswith("/accounts/login/")


def test_polling_the_remaining_time_is_not_activity_but_extending_is(world, client_for) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(world.office)
        client.get("/staff/")
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        status = client.get("/accounts/session/status/").json()
        assert 55 <= status["remaining"] <= 60 and status["warning"] >= 20
        extended = client.post("/accounts/session/extend/").json()
        assert extended["remaining"] == 30 * 60
    with time_machine.travel(start + dt.timedelta(minutes=29 + 20), tick=False):
        assert client.get("/staff/").status_code == 200


def test_a_session_ends_after_twelve_hours_whatever_the_activity(world, client_for) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = client_for(world.office)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get("/accounts/session/extend/").status_code in (200, 405)
            client.post("/accounts/session/extend/")
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=1), tick=False):
        response = client.get("/staff/")
        assert "expired=absolute" in response["Location"]


def test_every_page_carries_the_timeout_warning_and_its_script(world, client_for) -> None:
    html = client_for(world.office).get("/staff/").content.decode()
    assert 'id="qq-session"' in html and "session-timeout.js" in html and "继续使用" in html
    assert "<script>" not in html  # no inline script: CSP forbids it


# --- passwords ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Ab1!", "password_too_short"),
        ("abcdefgh123", "password_too_simple"),  # two classes of four
        ("Password1!", "password_too_common"),  # Django's list of 20,000 common passwords
        ("Qingqian-Zhuanban", None),
    ],
)
def test_the_password_policy(world, password: str, problem: str | None) -> None:
    user = User(username="policy-test")
    if problem is None:
        validate_password(password, user)
        return
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert problem in {e.code for e in exc.value.error_list}, exc.value.messages


def test_a_password_equal_to_the_username_is_refused(world) -> None:
    with pytest.raises(ValidationError, match="用户名"):
        validate_password("Zhang.Wei-01", User(username="zhang.wei-01"))


def test_the_last_five_passwords_cannot_be_reused(world) -> None:
    user = world.clerk
    passwords = [f"Jiaoyu-Ju-{i}!x" for i in range(6)]
    for p in passwords:
        validate_password(p, user)
        user.set_password(p)
        user.save()
    for recent in passwords[1:]:
        with pytest.raises(ValidationError, match="最近5次"):
            validate_password(recent, user)
    validate_password(passwords[0], user)  # the sixth-newest may come back


def test_a_staff_password_expires_after_ninety_days(world, client_for) -> None:
    User.objects.filter(pk=world.office.pk).update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    world.office.refresh_from_db()
    client = client_for(world.office)
    response = client.get("/staff/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/change/"
    assert client.get("/accounts/password/change/").status_code == 200
    new = "Zhuanban-Office-2027!"
    done = client.post(
        "/accounts/password/change/",
        {"old_password": demo_password("office"), "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_the_enterprise_users_password_does_not_expire(world, client_for) -> None:
    User.objects.filter(pk=world.enterprise.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=400)
    )
    world.enterprise.refresh_from_db()
    assert client_for(world.enterprise).get("/portal/").status_code == 200


def test_production_hashes_passwords_with_argon2(world, settings) -> None:
    from django.contrib.auth.hashers import check_password, make_password

    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    encoded = make_password("Qingqian-2026!")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Qingqian-2026!", encoded)


# --- separation of duties (三权分立) --------------------------------------------------------------


def test_create_admin_refuses_two_administrator_roles(world, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Liang-Ge-2026!\n"))
    with pytest.raises(CommandError, match="三权分立"):
        call_command(
            "create_admin", "--username", "twohats", "--role", "system", "--role", "audit", "--password-stdin"
        )
    assert not User.objects.filter(username="twohats").exists()


def test_create_admin_creates_one_administrator_who_is_not_a_superuser(world, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("Shen-Ji-Guan-2026!\n"))
    call_command(
        "create_admin", "--username", "audit2", "--role", "audit", "--password-stdin", stdout=io.StringIO()
    )
    user = User.objects.get(username="audit2")
    assert user.roles == {"audit_admin"} and not user.is_superuser and not user.is_staff


def test_the_three_administrator_roles_cannot_be_combined_or_held_with_a_business_role(world) -> None:
    from qingqian.accounts.services import role_grant
    from qingqian.core.errors import InvalidInput

    for holder, role in (
        (world.sysadmin, "audit_admin"),
        (world.secadmin, "system_admin"),
        (world.auditadmin, "security_admin"),
        (world.office, "audit_admin"),
    ):
        with pytest.raises(InvalidInput, match="三者互斥"):
            role_grant(actor=None, user=holder, role=role)
    with pytest.raises(InvalidInput, match="三者互斥"):
        role_grant(
            actor=None, user=world.sysadmin, role="leadership", region=world.leader.grants.first().region
        )


def test_role_changes_need_a_fresh_reauthentication_and_are_audited(world, client_for, settings) -> None:
    from qingqian.accounts.models import RoleGrant
    from qingqian.accounts.session_policy import REAUTH_AT, now

    sec = client_for(world.secadmin)
    grant_url = f"/security/users/{world.county.pk}/grant/"
    payload = {"role": "auditor", "region_code": "130100"}

    def reauthenticated(at: float) -> None:
        session = sec.session
        session[REAUTH_AT] = at
        session.save()

    def grants() -> set[str]:
        active = RoleGrant.objects.filter(user=world.county, active=True)
        return set(active.values_list("role", flat=True))

    assert sec.post(grant_url, payload)["Location"].startswith("/accounts/reauth/")
    reauthenticated(now() - settings.REAUTH_MAX_AGE_SECONDS - 1)  # too old
    assert sec.post(grant_url, payload)["Location"].startswith("/accounts/reauth/")
    assert "auditor" not in grants()
    assert not Event.objects.filter(action="accounts.role.granted", actor=world.secadmin).exists()
    reauthenticated(now())
    assert sec.post(grant_url, payload)["Location"] == f"/security/users/{world.county.pk}/"
    assert "auditor" in grants()
    granted = Event.objects.get(action="accounts.role.granted", actor=world.secadmin)
    assert granted.object_id == str(world.county.pk)
    grant = RoleGrant.objects.get(user=world.county, role="auditor", active=True)
    revoke_url = f"/security/users/{world.county.pk}/grants/{grant.pk}/revoke/"
    reauthenticated(now() - settings.REAUTH_MAX_AGE_SECONDS - 1)
    assert sec.post(revoke_url)["Location"].startswith("/accounts/reauth/")
    assert "auditor" in grants()
    reauthenticated(now())
    sec.post(revoke_url)
    assert "auditor" not in grants()
    assert Event.objects.filter(action="accounts.role.revoked", actor=world.secadmin).exists()
