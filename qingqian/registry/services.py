"""Writes to the registry. Each service is one transaction and appends its events."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from qingqian.core.errors import InvalidInput
from qingqian.core.events import changed, record_event, snapshot
from qingqian.core.permissions import Action, require
from qingqian.registry.choices import Industry, Level, OrganisationKind, RegionKind, SizeClass
from qingqian.registry.models import Enterprise, LprRate, Organisation, Region, RoutingRule
from qingqian.registry.selectors import active_rules, explain_routing
from qingqian.registry.uscc import UsccError, check_uscc

ORGANISATION_FIELDS = [
    "name",
    "short_name",
    "uscc",
    "uscc_warning",
    "kind",
    "level",
    "region",
    "supervising_department",
]
ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "uscc_warning",
    "industry",
    "size_class",
    "size_determined_on",
    "size_basis",
    "region",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
]


def _clean_uscc(raw: str, *, required: bool) -> tuple[str, str]:
    if not raw.strip():
        if required:
            raise InvalidInput(
                _("请填写统一社会信用代码。"),
                fields={"uscc": [_("请填写统一社会信用代码。")]},
                code="uscc_required",
            )
        return "", ""
    try:
        result = check_uscc(raw)
    except UsccError as exc:
        raise InvalidInput(str(exc), fields={"uscc": [str(exc)]}, code="uscc_malformed") from exc
    return result.value, result.warning


# --- Regions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def regions_load_csv(*, actor: Any, path: Path) -> LoadReport:
    """Load GB/T 2260 divisions from a CSV (code,name,kind,parent_code). Idempotent."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_code = {r["code"]: r for r in rows}
    kinds = set(RegionKind.values)
    created = updated = unchanged = 0

    def depth(code: str) -> int:
        parent = by_code[code]["parent_code"]
        return 0 if not parent or parent not in by_code else 1 + depth(parent)

    for row in sorted(rows, key=lambda r: depth(r["code"])):
        if row["kind"] not in kinds:
            raise InvalidInput(
                _("第%(n)s行：未知的区划类型 %(kind)s") % {"n": rows.index(row) + 2, "kind": row["kind"]}
            )
        parent = Region.objects.get(code=row["parent_code"]) if row["parent_code"] else None
        region = Region.objects.filter(code=row["code"]).first()
        if region is None:
            region = Region(code=row["code"], name=row["name"], kind=row["kind"], parent=parent)
            region.compute_path()
            region.save()
            record_event(
                actor=actor,
                action="registry.region.created",
                obj=region,
                after=snapshot(region, ["code", "name", "kind"]),
            )
            created += 1
            continue
        before = snapshot(region, ["name", "kind", "parent"])
        region.name, region.kind, region.parent = row["name"], row["kind"], parent
        region.compute_path()
        after = snapshot(region, ["name", "kind", "parent"])
        if before == after:
            unchanged += 1
            continue
        region.save()
        b, a = changed(before, after)
        record_event(actor=actor, action="registry.region.updated", obj=region, before=b, after=a)
        updated += 1
    return LoadReport(created, updated, unchanged)


# --- Organisations ----------------------------------------------------------------------------------


def _validate_org(data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = [_("请填写单位名称。")]
    elif len(name) > 200:
        errors["name"] = [_("单位名称不能超过200个字符。")]
    if data.get("kind") not in OrganisationKind.values:
        errors["kind"] = [_("请选择有效的单位类型。")]
    if data.get("level") not in Level.values:
        errors["level"] = [_("请选择有效的层级。")]
    if not isinstance(data.get("region"), Region):
        errors["region"] = [_("请选择所在区划。")]
    sup = data.get("supervising_department")
    if sup is not None and sup.kind != OrganisationKind.DEPARTMENT:
        errors["supervising_department"] = [_("主管部门必须是职能部门。")]
    if errors:
        raise InvalidInput(_("单位信息有误，请检查标出的字段。"), fields=errors)


@transaction.atomic
def organisation_create(*, actor: Any, **data: Any) -> Organisation:
    require(actor, Action.CREATE, Organisation)
    _validate_org(data)
    uscc, warning = _clean_uscc(str(data.get("uscc", "")), required=False)
    if uscc and Organisation.objects.filter(uscc=uscc).exists():
        raise InvalidInput(
            _("该统一社会信用代码已登记。"),
            fields={"uscc": [_("该统一社会信用代码已登记。")]},
            code="duplicate",
        )
    if Organisation.objects.filter(region=data["region"], name=data["name"].strip()).exists():
        raise InvalidInput(
            _("该区划下已有同名单位。"), fields={"name": [_("该区划下已有同名单位。")]}, code="duplicate"
        )
    org = Organisation(
        name=data["name"].strip(),
        short_name=data.get("short_name", ""),
        uscc=uscc,
        uscc_warning=warning,
        kind=data["kind"],
        level=data["level"],
        region=data["region"],
        supervising_department=data.get("supervising_department"),
        is_example=bool(data.get("is_example", False)),
    )
    org.save()
    record_event(
        actor=actor, action="registry.organisation.created", obj=org, after=snapshot(org, ORGANISATION_FIELDS)
    )
    routing_refresh(actor=actor, organisations=[org])
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **data: Any) -> Organisation:
    require(actor, Action.CHANGE, organisation)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    merged = {f: getattr(organisation, f) for f in ORGANISATION_FIELDS} | data
    _validate_org(merged)
    if "uscc" in data:
        merged["uscc"], merged["uscc_warning"] = _clean_uscc(str(data["uscc"]), required=False)
        if (
            merged["uscc"]
            and Organisation.objects.filter(uscc=merged["uscc"]).exclude(pk=organisation.pk).exists()
        ):
            raise InvalidInput(
                _("该统一社会信用代码已登记。"),
                fields={"uscc": [_("该统一社会信用代码已登记。")]},
                code="duplicate",
            )
    for name in ORGANISATION_FIELDS:
        setattr(organisation, name, merged[name])
    organisation.save()
    b, a = changed(before, snapshot(organisation, ORGANISATION_FIELDS))
    if a:
        record_event(actor=actor, action="registry.organisation.updated", obj=organisation, before=b, after=a)
        routing_refresh(actor=actor, organisations=[organisation])
    return organisation


# --- Enterprises ------------------------------------------------------------------------------------


@transaction.atomic
def enterprise_create(*, actor: Any, **data: Any) -> Enterprise:
    uscc, warning = _clean_uscc(str(data.get("uscc", "")), required=True)
    name = str(data.get("name", "")).strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写企业名称。")]
    elif len(name) > 200:
        errors["name"] = [_("企业名称不能超过200个字符。")]
    if data.get("industry", Industry.OTHER) not in Industry.values:
        errors["industry"] = [_("请选择有效的行业。")]
    if data.get("size_class", SizeClass.UNKNOWN) not in SizeClass.values:
        errors["size_class"] = [_("请选择有效的企业规模。")]
    if errors:
        raise InvalidInput(_("企业信息有误，请检查标出的字段。"), fields=errors)
    if Enterprise.objects.filter(uscc=uscc).exists():
        raise InvalidInput(
            _("该统一社会信用代码已登记。"),
            fields={"uscc": [_("该统一社会信用代码已登记。")]},
            code="duplicate",
        )
    ent = Enterprise(
        name=name,
        uscc=uscc,
        uscc_warning=warning,
        industry=data.get("industry", Industry.OTHER),
        size_class=data.get("size_class", SizeClass.UNKNOWN),
        size_determined_on=data.get("size_determined_on"),
        size_basis=data.get("size_basis", ""),
        employees=data.get("employees"),
        revenue_wan=data.get("revenue_wan"),
        assets_wan=data.get("assets_wan"),
        region=data.get("region"),
        address=data.get("address", ""),
        contact_name=data.get("contact_name", ""),
        contact_phone=data.get("contact_phone", ""),
        contact_email=data.get("contact_email", ""),
        is_example=bool(data.get("is_example", False)),
    )
    ent.save()
    # Contact details are personal data: the event records that they were set, not their values.
    after = snapshot(ent, [f for f in ENTERPRISE_FIELDS if not f.startswith("contact_")])
    record_event(actor=actor, action="registry.enterprise.created", obj=ent, after=after)
    return ent


# --- Routing ------------------------------------------------------------------------------------


@transaction.atomic
def routing_rule_create(*, actor: Any, **data: Any) -> RoutingRule:
    require(actor, Action.CREATE, RoutingRule)
    responsible = data.get("responsible")
    if not isinstance(responsible, Organisation) or responsible.kind != OrganisationKind.DEPARTMENT:
        raise InvalidInput(
            _("责任部门必须是职能部门。"), fields={"responsible": [_("责任部门必须是职能部门。")]}
        )
    rule = RoutingRule.objects.create(
        name=data["name"],
        debtor_kind=data.get("debtor_kind", ""),
        level=data.get("level", ""),
        region=data.get("region"),
        supervising_department=data.get("supervising_department"),
        responsible=responsible,
        priority=data.get("priority", 100),
        basis=data.get("basis", ""),
    )
    record_event(
        actor=actor,
        action="registry.routing_rule.created",
        obj=rule,
        after=snapshot(
            rule,
            ["name", "debtor_kind", "level", "region", "supervising_department", "responsible", "priority"],
        ),
    )
    routing_refresh(actor=actor)
    return rule


RULE_FIELDS = [
    "name",
    "debtor_kind",
    "level",
    "region",
    "supervising_department",
    "responsible",
    "priority",
    "basis",
    "active",
]


@transaction.atomic
def routing_rule_update(*, actor: Any, rule: RoutingRule, **data: Any) -> RoutingRule:
    """Change a rule (or switch it off with active=False); every organisation is re-routed."""
    require(actor, Action.CHANGE, rule)
    responsible = data.get("responsible", rule.responsible)
    if not isinstance(responsible, Organisation) or responsible.kind != OrganisationKind.DEPARTMENT:
        raise InvalidInput(
            _("责任部门必须是职能部门。"), fields={"responsible": [_("责任部门必须是职能部门。")]}
        )
    if "name" in data and not str(data["name"]).strip():
        raise InvalidInput(_("请填写规则名称。"), fields={"name": [_("请填写规则名称。")]})
    before = snapshot(rule, RULE_FIELDS)
    for name in RULE_FIELDS:
        if name in data:
            setattr(rule, name, data[name])
    rule.save()
    b, a = changed(before, snapshot(rule, RULE_FIELDS))
    if a:
        record_event(actor=actor, action="registry.routing_rule.updated", obj=rule, before=b, after=a)
        routing_refresh(actor=actor)
    return rule


@transaction.atomic
def region_save(
    *, actor: Any, region: Region | None, code: str, name: str, kind: str, parent: Region | None
) -> Region:
    """Create or edit a division (GB/T 2260 code). Its subtree's paths follow a change of parent or code."""
    require(actor, Action.CREATE if region is None else Action.CHANGE, region or Region)
    errors: dict[str, list[str]] = {}
    code = code.strip()
    if not (code.isdigit() and 6 <= len(code) <= 12):
        errors["code"] = [_("区划代码应为6–12位数字（GB/T 2260）。")]
    elif Region.objects.filter(code=code).exclude(pk=region.pk if region else None).exists():
        errors["code"] = [_("该区划代码已存在。")]
    if not name.strip():
        errors["name"] = [_("请填写名称。")]
    if kind not in RegionKind.values:
        errors["kind"] = [_("请选择区划类型。")]
    if region is not None and parent is not None and parent.path.startswith(region.path):
        errors["parent"] = [_("上级区划不能是本区划或其下级。")]
    if errors:
        raise InvalidInput(_("区划信息有误，请检查标出的字段。"), fields=errors)
    creating = region is None
    obj = region or Region()
    before = None if creating else snapshot(obj, ["code", "name", "kind", "parent"])
    old_path = obj.path
    obj.code, obj.name, obj.kind, obj.parent = code, name.strip(), kind, parent
    obj.compute_path()
    obj.save()
    if not creating and old_path != obj.path:
        for child in Region.objects.filter(path__startswith=old_path).exclude(pk=obj.pk).order_by("depth"):
            child.compute_path()
            child.save(update_fields=["path", "depth"])
    if creating:
        record_event(
            actor=actor,
            action="registry.region.created",
            obj=obj,
            after=snapshot(obj, ["code", "name", "kind", "parent"]),
        )
    else:
        assert before is not None
        b, a = changed(before, snapshot(obj, ["code", "name", "kind", "parent"]))
        if a:
            record_event(actor=actor, action="registry.region.updated", obj=obj, before=b, after=a)
    return obj


@transaction.atomic
def routing_refresh(*, actor: Any, organisations: list[Organisation] | None = None) -> int:
    """Recompute each organisation's responsible department from the routing table. Returns changes."""
    rules = active_rules()
    targets = (
        organisations
        if organisations is not None
        else list(Organisation.objects.select_related("region", "supervising_department"))
    )
    changes = 0
    for org in targets:
        explanation = explain_routing(org, rules=rules)
        new_id = explanation.responsible.pk if explanation.responsible else None
        if org.responsible_department_id == new_id:
            continue
        old_id = org.responsible_department_id
        Organisation.objects.filter(pk=org.pk).update(responsible_department_id=new_id)
        org.responsible_department_id = new_id
        record_event(
            actor=actor,
            action="registry.organisation.rerouted",
            obj=org,
            before={"responsible_department": old_id},
            after={"responsible_department": new_id},
            data={"rule": explanation.rule.pk if explanation.rule else None, "explain": explanation.text()},
        )
        changes += 1
    return changes


# --- Reference data: 1-year LPR -----------------------------------------------------------------------


@transaction.atomic
def lpr_rate_upsert(
    *, actor: Any, effective_on: dt.date, annual_rate_percent: Decimal, note: str = ""
) -> LprRate:
    from qingqian.registry.reference import reference_changed

    if not (Decimal("0") < annual_rate_percent < Decimal("100")):
        raise InvalidInput(
            _("利率须大于0且小于100（单位：%）。"), fields={"annual_rate_percent": [_("利率超出范围。")]}
        )
    rate = LprRate.objects.filter(effective_on=effective_on).first()
    if rate is None:
        rate = LprRate.objects.create(
            effective_on=effective_on, annual_rate_percent=annual_rate_percent, note=note
        )
        record_event(
            actor=actor,
            action="registry.lpr.created",
            obj=rate,
            after=snapshot(rate, ["effective_on", "annual_rate_percent"]),
        )
        reference_changed.send(sender=LprRate, since=effective_on)
    elif rate.annual_rate_percent != annual_rate_percent or rate.note != note:
        if rate.annual_rate_percent != annual_rate_percent:
            reference_changed.send(sender=LprRate, since=effective_on)
        before = snapshot(rate, ["annual_rate_percent", "note"])
        rate.annual_rate_percent, rate.note = annual_rate_percent, note
        rate.save()
        record_event(
            actor=actor,
            action="registry.lpr.updated",
            obj=rate,
            before=before,
            after=snapshot(rate, ["annual_rate_percent", "note"]),
        )
    from qingqian.registry.reference import invalidate

    transaction.on_commit(invalidate)
    return rate
