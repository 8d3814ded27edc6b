"""Idempotent demo seeding through the real services: running it twice changes nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.db import transaction

from qingqian.accounts.models import User
from qingqian.accounts.services import role_grant, user_create
from qingqian.core.events import record_event
from qingqian.demo import data
from qingqian.registry import services as registry
from qingqian.registry.choices import COUNTY_LEVEL_KINDS, Level, OrganisationKind, RegionKind
from qingqian.registry.models import (
    Enterprise,
    Handler,
    Organisation,
    Region,
    RoutingRule,
    TaskForce,
    TaskForceMember,
)
from qingqian.registry.uscc import with_check_character

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def demo_uscc(unit_type: str, region_code: str, name: str, *, break_checksum: bool = False) -> str:
    """A deterministic credit code: unit type + region + 9 characters from the name's hash + check character."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(USCC_ALPHABET[b % len(USCC_ALPHABET)] for b in digest[:9])
    code = with_check_character(unit_type + region_code + body)
    if break_checksum:
        wrong = USCC_ALPHABET[(USCC_ALPHABET.index(code[-1]) + 1) % len(USCC_ALPHABET)]
        code = code[:-1] + wrong
    return code


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    passwords: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


def _org(
    report: SeedReport, *, name: str, kind: str, level: str, region: Region, uscc_type: str, **extra: Any
) -> Organisation:
    existing = Organisation.objects.filter(region=region, name=name).first()
    if existing:
        return existing
    org = registry.organisation_create(
        actor=None,
        name=name,
        kind=kind,
        level=level,
        region=region,
        uscc=demo_uscc(uscc_type, region.code, name, break_checksum=extra.pop("break_checksum", False)),
        **extra,
    )
    report.add("organisations")
    return org


def seed_registry(report: SeedReport) -> None:
    call_command("load_regions", verbosity=0)
    call_command("load_lpr", verbosity=0)
    call_command("seed_calendar", verbosity=0)
    city = Region.objects.get(code=data.CITY_CODE)
    departments: dict[str, Organisation] = {}
    for name, short, _resp, _real in data.DEPARTMENTS:
        departments[name] = _org(
            report,
            name=name,
            short_name=short,
            kind=OrganisationKind.DEPARTMENT,
            level=Level.CITY,
            region=city,
            uscc_type="11",
            is_example=not _real,
        )
    county_offices: dict[str, Organisation] = {}
    counties = list(Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).order_by("code"))
    for county in counties:
        gov = "管理委员会" if county.kind == RegionKind.FUNCTIONAL_ZONE else "人民政府"
        county_offices[county.code] = _org(
            report,
            name=f"{county.name}{gov}清欠工作办公室",
            short_name=f"{county.name}清欠办",
            kind=OrganisationKind.DEPARTMENT,
            level=Level.COUNTY,
            region=county,
            uscc_type="11",
        )

    # Routing table "谁主管谁负责", from the seed document. Seeded once; administrators edit it afterwards.
    if not RoutingRule.objects.exists():
        finance, sasac, office = departments[data.FINANCE], departments[data.SASAC], departments[data.OFFICE]
        basis = "《防范拖欠中小企业账款长效机制的通知》：属地管理、分级负责、谁主管谁负责"
        for kind in (OrganisationKind.ORGAN, OrganisationKind.INSTITUTION, OrganisationKind.DEPARTMENT):
            registry.routing_rule_create(
                actor=None,
                name=f"市本级{OrganisationKind(kind).label} → 市财政局",
                debtor_kind=kind,
                level=Level.CITY,
                region=city,
                responsible=finance,
                basis=basis,
            )
        registry.routing_rule_create(
            actor=None,
            name="市国资委监管的国有企业 → 市国资委",
            debtor_kind=OrganisationKind.SOE,
            level=Level.CITY,
            supervising_department=sasac,
            responsible=sasac,
            basis=basis,
        )
        for county in counties:
            registry.routing_rule_create(
                actor=None,
                name=f"{county.name}辖区内单位 → {county.name}清欠办",
                level=Level.COUNTY,
                region=county,
                responsible=county_offices[county.code],
                basis=basis,
            )
        registry.routing_rule_create(
            actor=None,
            name="兜底：其他情形 → 专班办公室",
            responsible=office,
            priority=1000,
            basis="专班办公室统筹，人工指定责任部门",
        )
        report.add("routing_rules")

    # Debtor bodies.
    for i, name in enumerate(data.CITY_ORGANS):
        _org(
            report,
            name=name,
            kind=OrganisationKind.ORGAN,
            level=Level.CITY,
            region=city,
            uscc_type="11",
            break_checksum=(i == 3),
        )
    for name in data.CITY_INSTITUTIONS:
        _org(
            report,
            name=name,
            kind=OrganisationKind.INSTITUTION,
            level=Level.CITY,
            region=city,
            uscc_type="12",
        )
    for name in data.CITY_SOES:
        _org(
            report,
            name=name,
            kind=OrganisationKind.SOE,
            level=Level.CITY,
            region=city,
            uscc_type="91",
            supervising_department=departments[data.SASAC],
        )
    for name in data.LARGE_ENTERPRISES:
        _org(
            report,
            name=name,
            kind=OrganisationKind.LARGE_ENTERPRISE,
            level=Level.CITY,
            region=city,
            uscc_type="91",
        )
    for county in counties[:12]:
        for suffix in data.COUNTY_ORGAN_SUFFIXES:
            _org(
                report,
                name=f"{county.name}{suffix}",
                kind=OrganisationKind.ORGAN,
                level=Level.COUNTY,
                region=county,
                uscc_type="11",
            )
        for suffix in data.COUNTY_INSTITUTION_SUFFIXES:
            _org(
                report,
                name=f"{county.name}{suffix}",
                kind=OrganisationKind.INSTITUTION,
                level=Level.COUNTY,
                region=county,
                uscc_type="12",
            )
        _org(
            report,
            name=f"{county.name}{data.COUNTY_SOE_SUFFIX}",
            kind=OrganisationKind.SOE,
            level=Level.COUNTY,
            region=county,
            uscc_type="91",
        )

    # Enterprises (SMEs) with valid credit codes.
    regions = [city, *counties]
    for i, (name, industry, size) in enumerate(data.ENTERPRISE_NAMES):
        if Enterprise.objects.filter(name=name).exists():
            continue
        region = regions[i % len(regions)]
        registry.enterprise_create(
            actor=None,
            name=name,
            uscc=demo_uscc("91", region.code, name),
            industry=industry,
            size_class=size,
            size_basis="演示数据：按工信部联企业〔2011〕300号自报",
            region=region,
            is_example=True,
            employees=10 + (i * 37) % 250,
            revenue_wan=Decimal(200 + (i * 613) % 9000),
        )
        report.add("enterprises")

    # The task force of the seed document.
    if not TaskForce.objects.filter(region=city).exists():
        with transaction.atomic():
            tf = TaskForce.objects.create(
                name="石家庄市清理拖欠企业账款工作专班",
                region=city,
                office=departments[data.OFFICE],
                hotline="0311-12345678（演示）",
                mailbox="qingqian-demo@sjz.example.cn",
                address="石家庄市（演示地址）",
            )
            for order, (name, _short, resp, real) in enumerate(data.DEPARTMENTS):
                TaskForceMember.objects.create(
                    taskforce=tf,
                    organisation=departments[name],
                    responsibility=resp,
                    is_office=(name == data.OFFICE),
                    is_example=not real,
                    order=order,
                )
            Handler.objects.create(
                taskforce=tf,
                organisation=departments[data.OFFICE],
                name="刘洋（演示）",
                duty="受理、转办投诉线索",
                phone="0311-12345678",
                published=True,
            )
            Handler.objects.create(
                taskforce=tf,
                organisation=departments[data.FINANCE],
                name="张伟（演示）",
                duty="市本级机关、事业单位线索办理",
                published=True,
            )
            record_event(
                actor=None,
                action="registry.taskforce.created",
                obj=tf,
                data={"members": len(data.DEPARTMENTS)},
            )
        report.add("taskforce")


def seed_users(report: SeedReport) -> None:
    for username, display, role, scope_kind, key in data.DEMO_USERS:
        if User.objects.filter(username=username).exists():
            continue
        password = username.capitalize() + data.DEMO_PASSWORD_SUFFIX
        user = user_create(actor=None, username=username, password=password, display_name=display)
        scope: dict[str, Any] = {}
        if scope_kind == "region":
            scope["region"] = Region.objects.get(code=key)
        elif scope_kind == "organisation":
            scope["organisation"] = Organisation.objects.get(name=key)
        elif scope_kind == "enterprise":
            scope["enterprise"] = Enterprise.objects.get(name=key)
        role_grant(actor=None, user=user, role=role, **scope)
        report.passwords.append((username, password, display))
        report.add("users")


def demo_password(username: str) -> str:
    return username.capitalize() + data.DEMO_PASSWORD_SUFFIX


def demo_totp_key(username: str) -> str:
    """The demo users' TOTP secret (hex), derived from the username: demo only, so the e2e `login`
    fixture and a person trying the demo can compute the code. Never in production (seed_demo refuses)."""
    return hashlib.sha1(f"qingqian-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def demo_totp_code(username: str, *, at: float | None = None) -> str:
    """The demo user's current 6-digit code (or at time `at`)."""
    import time

    from django_otp.oath import hotp

    step = int((at if at is not None else time.time()) // 30)
    return f"{hotp(bytes.fromhex(demo_totp_key(username)), step):06d}"


def seed_two_factor(report: SeedReport) -> None:
    """Staff and administrator demo users get a confirmed authenticator with the deterministic key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qingqian.accounts.twofactor import requires_two_factor

    for username, *_rest in data.DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None or not requires_two_factor(user) or TOTPDevice.objects.filter(user=user).exists():
            continue
        TOTPDevice.objects.create(
            user=user, name="演示身份验证器", key=demo_totp_key(username), confirmed=True
        )
        report.add("authenticators")


def seed_all() -> SeedReport:
    report = SeedReport()
    seed_registry(report)
    seed_users(report)
    from qingqian.demo.complaints_seed import seed_complaints  # demo complaints (issue 4)

    seed_complaints(report)
    seed_two_factor(report)
    from qingqian.demo.ledger_seed import seed_ledger  # demo 台账 (issue 5), through the ledger services

    seed_ledger(report)
    from qingqian.demo.disclosure_seed import seed_disclosure  # annual disclosure and reports (issue 6)

    seed_disclosure(report)
    return report
