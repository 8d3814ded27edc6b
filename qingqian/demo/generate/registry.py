"""Stage 1: debtor bodies of every kind and the SMEs they owe, in the divisions loaded from GB/T 2260.

Bodies get the responsible department the routing table gives them (`explain_routing`, the same rules
`routing_refresh` applies); credit codes come from `names.UsccFactory` (checked by the registry's
validator), and a few bodies carry an early pilot code that fails the checksum, flagged as the registry
flags it (warn, don't reject).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from qingqian.core.personal import PHONE, index_for
from qingqian.demo.generate import names
from qingqian.demo.generate.common import Context, weighted
from qingqian.registry.choices import COUNTY_LEVEL_KINDS, Level, OrganisationKind, RegionKind, SizeClass
from qingqian.registry.models import Enterprise, Organisation, Region
from qingqian.registry.selectors import active_rules, explain_routing
from qingqian.registry.uscc import WARNING_CHECKSUM

DEBTOR_KINDS = [
    (OrganisationKind.ORGAN, 30),
    (OrganisationKind.INSTITUTION, 50),
    (OrganisationKind.SOE, 12),
    (OrganisationKind.LARGE_ENTERPRISE, 8),
]
SIZES = [(SizeClass.SMALL, 50), (SizeClass.MICRO, 30), (SizeClass.MEDIUM, 18), (SizeClass.UNKNOWN, 2)]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌鹏辉飞宇浩然欣怡晨阳"
BODY_FIELDS = [
    "id", "name", "short_name", "uscc", "uscc_warning", "kind", "level", "region", "supervising_department",
    "responsible_department", "is_example", "active", "created_at", "updated_at",
]  # fmt: skip
ENTERPRISE_FIELDS = [
    "id", "name", "uscc", "uscc_warning", "industry", "size_class", "size_determined_on", "size_basis",
    "employees", "revenue_wan", "assets_wan", "region", "address", "contact_name", "contact_phone",
    "contact_phone_bidx", "contact_email", "is_example", "created_at", "updated_at",
]  # fmt: skip


@dataclass(frozen=True)
class Body:
    id: int
    name: str
    kind: str
    level: str
    region_id: int
    region_path: str
    responsible_department_id: int | None


@dataclass(frozen=True)
class Sme:
    id: int
    name: str
    uscc: str
    size_class: str
    industry: str
    region_id: int | None


@dataclass
class Registry:
    bodies: list[Body]
    smes: list[Sme]
    city_id: int


def _upper_and_county_regions() -> tuple[list[Region], list[Region]]:
    regions = list(Region.objects.order_by("code"))
    upper = [r for r in regions if r.kind == RegionKind.PREFECTURE_CITY]
    county = [r for r in regions if r.kind in COUNTY_LEVEL_KINDS]
    if not upper or not county:
        raise RuntimeError("no divisions loaded: run `manage.py load_regions` (seed_demo does) first")
    return upper, county


class BodyNames:
    """Unique names per division: organs first (bureaus, then towns), institutions, SOEs, large firms."""

    def __init__(self, ctx: Context, taken: set[tuple[int, str]]) -> None:
        self.rng = ctx.rng("body-names")
        self.taken = taken
        self.places = names.places(ctx.rng("places"))
        self.counters: dict[tuple[int, str], int] = {}

    def _free(self, region: Region, name: str) -> bool:
        return (region.pk, name) not in self.taken

    def _take(self, region: Region, name: str) -> str:
        self.taken.add((region.pk, name))
        return name

    def _next(self, region: Region, key: str) -> int:
        n = self.counters.get((region.pk, key), 0) + 1
        self.counters[(region.pk, key)] = n
        return n

    def name(self, region: Region, kind: str, level: str) -> str:
        prefix = region.name
        rng = self.rng
        for _attempt in range(50):
            if kind == OrganisationKind.ORGAN:
                pool = names.CITY_ORGANS + names.COUNTY_ORGANS if level == Level.CITY else names.COUNTY_ORGANS
                if rng.random() < 0.5:
                    candidate = prefix + rng.choice(pool)
                else:
                    suffix = weighted(rng, names.TOWN_KINDS)
                    candidate = prefix + rng.choice(self.places) + suffix
            elif kind == OrganisationKind.INSTITUTION:
                roll = rng.random()
                if roll < 0.45:
                    school = rng.choice(names.SCHOOL_KINDS)
                    candidate = f"{prefix}第{names.chinese_number(self._next(region, school))}{school}"
                elif roll < 0.65:
                    place = rng.choice(self.places)
                    candidate = (
                        prefix + place + rng.choice(["中心小学", "卫生院", "中学", "社区卫生服务中心"])
                    )
                else:
                    candidate = prefix + rng.choice(names.SERVICE_CENTRES)
            elif kind == OrganisationKind.SOE:
                word = rng.choice(names.SOE_WORDS)
                candidate = prefix + word + rng.choice(names.SOE_SUFFIXES)
                if not self._free(region, candidate):
                    candidate = f"{prefix}{word}{rng.choice(self.places)}项目有限公司"
            else:
                candidate = (
                    rng.choice(names.LARGE_PREFIXES)
                    + rng.choice(names.LARGE_WORDS)
                    + rng.choice(names.LARGE_WORDS)
                    + rng.choice(names.LARGE_SUFFIXES)
                )
            if self._free(region, candidate):
                return self._take(region, candidate)
        # a crowded division: number the bodies of this kind
        n = self._next(region, f"fallback:{kind}")
        return self._take(region, f"{prefix}{OrganisationKind(kind).label}（编号{n:05d}）")


def person_name(rng: Any) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def generate_registry(ctx: Context, *, bodies: int, enterprises: int) -> Registry:
    upper, county = _upper_and_county_regions()
    city = upper[0]
    rng = ctx.rng("bodies")
    rules = active_rules()
    routing: dict[tuple[str, str, int, int | None], Organisation | None] = {}
    sasac = Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, name__contains="国有资产").first()
    existing = list(Organisation.objects.select_related("region"))
    taken_names = {(o.region_id, o.name) for o in existing}
    codes = names.UsccFactory(
        ctx.rng("uscc"),
        set(Organisation.objects.exclude(uscc="").values_list("uscc", flat=True))
        | set(Enterprise.objects.values_list("uscc", flat=True)),
    )
    namer = BodyNames(ctx, taken_names)
    first = ctx.reserve(Organisation, bodies)
    out: list[Body] = [
        Body(o.pk, o.name, o.kind, o.level, o.region_id, o.region.path, o.responsible_department_id)
        for o in existing
        if o.kind != OrganisationKind.DEPARTMENT and o.active
    ]
    rows: list[tuple[Any, ...]] = []
    for n in range(bodies):
        kind = weighted(rng, DEBTOR_KINDS)
        level = Level.CITY if rng.random() < 0.25 else Level.COUNTY
        region = rng.choice(upper) if level == Level.CITY else rng.choice(county)
        name = namer.name(region, kind, level)
        unit = {"organ": "11", "institution": "12"}.get(kind, "91")
        uscc = codes(unit, region.code)
        warning = ""
        if rng.random() < 0.005:  # an early pilot code that fails the checksum: warn, don't reject
            wrong = names.USCC_ALPHABET[(names.USCC_ALPHABET.index(uscc[-1]) + 1) % 31]
            uscc, warning = uscc[:-1] + wrong, WARNING_CHECKSUM
        supervising = (
            sasac if kind == OrganisationKind.SOE and level == Level.CITY and rng.random() < 0.8 else None
        )
        key = (kind, level, region.pk, supervising.pk if supervising else None)
        if key not in routing:  # the routing table depends on these four only: ask it once per combination
            probe = Organisation(
                name=name, kind=kind, level=level, region=region, supervising_department=supervising
            )
            routing[key] = explain_routing(probe, rules=rules).responsible
        routed = routing[key]
        created = ctx.at(ctx.as_of - dt.timedelta(days=rng.randrange(400, 2400)), 10)
        pk = first + n
        rows.append(
            (pk, name, "", uscc, warning, kind, level, region.pk, supervising.pk if supervising else None,
             routed.pk if routed else None, True, True, created, created)
        )  # fmt: skip
        out.append(Body(pk, name, kind, level, region.pk, region.path, routed.pk if routed else None))
    ctx.progress(f"registry: {bodies:,} debtor bodies")
    ctx.writer(
        Organisation,
        BODY_FIELDS,
        refs={
            "id": Organisation,
            "supervising_department": Organisation,
            "responsible_department": Organisation,
        },
    ).write(rows)

    smes = [
        Sme(e.pk, e.name, e.uscc, e.size_class, e.industry, e.region_id)
        for e in Enterprise.objects.order_by("pk")
    ]
    smes.extend(_enterprises(ctx, enterprises, [city, *county], codes))
    return Registry(bodies=out, smes=smes, city_id=city.pk)


def _enterprises(ctx: Context, count: int, regions: list[Region], codes: names.UsccFactory) -> list[Sme]:
    rng = ctx.rng("enterprises")
    first = ctx.reserve(Enterprise, count)
    seen = set(Enterprise.objects.values_list("name", flat=True))
    out: list[Sme] = []
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        region = regions[0] if rng.random() < 0.4 else rng.choice(regions)
        industry = weighted(rng, names.INDUSTRY_WEIGHTS)
        place = "石家庄" if region == regions[0] or rng.random() < 0.3 else names.short_region(region.name)
        if rng.random() < 0.15:
            place = "河北"
        for _attempt in range(20):
            brand = rng.choice(names.BRAND) + rng.choice(names.BRAND)
            suffix = "有限公司" if rng.random() < 0.9 else "有限责任公司"
            name = place + brand + rng.choice(names.INDUSTRY_WORDS[industry]) + suffix
            if name not in seen:
                break
        else:
            name = f"{place}{brand}{names.INDUSTRY_WORDS[industry][0]}{n:06d}有限公司"
        seen.add(name)
        size = weighted(rng, SIZES)
        employees = {"medium": rng.randrange(100, 900), "small": rng.randrange(10, 100)}.get(
            size, rng.randrange(1, 10)
        )
        revenue = Decimal(rng.randrange(50, 40000 if size == "medium" else 5000)).quantize(Decimal("0.01"))
        assets = Decimal(rng.randrange(50, 30000)).quantize(Decimal("0.01"))
        contact = person_name(rng)
        phone = "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))
        registered = ctx.as_of - dt.timedelta(days=rng.randrange(200, 3000))
        created = ctx.at(registered, 11)
        pk = first + n
        uscc = codes("91", region.code)
        rows.append(
            (pk, name, uscc, "", industry, size, registered if size != "unknown" else None,
             "按工信部联企业〔2011〕300号认定（合成数据）" if size != "unknown" else "", employees, revenue, assets,
             region.pk, f"{region.name}{rng.choice(names.PLACE_FIRST)}{rng.choice(names.PLACE_SECOND)}路{rng.randrange(1, 400)}号",
             contact, phone, phone, "", True, created, created)
        )  # fmt: skip
        out.append(Sme(pk, name, uscc, size, industry, region.pk))
    field = Enterprise._meta.get_field("contact_phone")
    ctx.progress(f"registry: {count:,} enterprises")
    ctx.writer(
        Enterprise,
        ENTERPRISE_FIELDS,
        refs={"id": Enterprise},
        store={"contact_phone": field.get_prep_value, "contact_phone_bidx": lambda v: index_for(PHONE, v)},
    ).write(rows)
    return out
