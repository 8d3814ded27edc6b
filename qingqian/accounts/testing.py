"""Named personas for tests, one per role (Healthchecks' alice/bob, Zulip's hamlet/iago).

    def test_the_finance_bureau_sees_only_city_level_bodies(world):
        world.finance ...

They are the demo users of `seed_demo`, so tests, demo and end-to-end journeys speak of the same people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qingqian.accounts.models import User
from qingqian.demo.seed import demo_password, seed_all

PERSONAS = (
    "office",
    "finance",
    "sasac",
    "county",
    "clerk",
    "enterprise",
    "auditor",
    "leader",
    "sysadmin",
    "secadmin",
    "auditadmin",
)


@dataclass
class World:
    office: User  # 专班办公室 (whole city)
    finance: User  # 市财政局 handler (city-level organs and institutions)
    sasac: User  # 市国资委 handler (SOEs it supervises)
    county: User  # 长安区 handler (its region)
    clerk: User  # debtor-unit clerk of 市教育局
    enterprise: User  # an SME's user
    auditor: User
    leader: User
    sysadmin: User
    secadmin: User
    auditadmin: User

    def password(self, username: str) -> str:
        return demo_password(username)

    def all(self) -> dict[str, User]:
        return {name: getattr(self, name) for name in PERSONAS}


def build_world() -> World:
    if not User.objects.filter(username="office").exists():
        seed_all()
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    return World(**{name: users[name] for name in PERSONAS})


def sign_in(client: Any, user: User) -> Any:
    """Log `client` in as `user` with the second factor already passed (what a real login reaches)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qingqian.accounts.session_policy import mark_login
    from qingqian.accounts.twofactor import requires_two_factor

    client.force_login(user)
    session = client.session
    mark_login(session)
    if requires_two_factor(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
