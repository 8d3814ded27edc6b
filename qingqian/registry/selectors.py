"""Reads of the registry. Lists that users see are scoped by `.restrict(user, action)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qingqian.core.permissions import Action
from qingqian.registry.models import Enterprise, Organisation, Region, RoutingRule


def region_list_for(*, user: Any) -> QuerySet[Region]:
    return Region.objects.restrict(user, Action.VIEW).order_by("path")


def organisation_list_for(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Organisation]:
    qs = Organisation.objects.restrict(user, Action.VIEW).select_related("region", "supervising_department")
    filters = filters or {}
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("level"):
        qs = qs.filter(level=filters["level"])
    if filters.get("region"):
        qs = qs.filter(region__path__startswith=Region.path_of(int(filters["region"])))
    return qs.order_by("region__path", "name")


def enterprise_list_for(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.restrict(user, Action.VIEW).select_related("region")
    filters = filters or {}
    if filters.get("q"):
        qs = qs.filter(name__icontains=filters["q"])
    return qs.order_by("name")


@dataclass(frozen=True)
class CriterionCheck:
    criterion: str
    rule_value: str
    debtor_value: str
    matched: bool


@dataclass
class RuleEvaluation:
    rule: RoutingRule
    checks: list[CriterionCheck]

    @property
    def matched(self) -> bool:
        return all(c.matched for c in self.checks)

    def specificity(self) -> tuple[int, int, int]:
        region_depth = self.rule.region.depth if self.rule.region_id and self.rule.region else 0
        return (self.rule.criteria_count(), region_depth, -self.rule.priority)


@dataclass
class RoutingExplanation:
    debtor: Organisation
    rule: RoutingRule | None
    responsible: Organisation | None
    reasons: list[str]
    considered: list[RuleEvaluation] = field(default_factory=list)

    def text(self) -> str:
        return "；".join(self.reasons)


def _evaluate(rule: RoutingRule, debtor: Organisation) -> RuleEvaluation:
    checks: list[CriterionCheck] = []
    if rule.debtor_kind:
        checks.append(
            CriterionCheck(
                _("单位类型"),
                rule.get_debtor_kind_display(),
                debtor.get_kind_display(),
                rule.debtor_kind == debtor.kind,
            )
        )
    if rule.level:
        checks.append(
            CriterionCheck(
                _("层级"), rule.get_level_display(), debtor.get_level_display(), rule.level == debtor.level
            )
        )
    if rule.region_id:
        assert rule.region is not None
        checks.append(
            CriterionCheck(
                _("区划"),
                rule.region.name,
                debtor.region.name,
                debtor.region.path.startswith(rule.region.path),
            )
        )
    if rule.supervising_department_id:
        checks.append(
            CriterionCheck(
                _("主管部门"),
                str(rule.supervising_department),
                str(debtor.supervising_department or _("无")),
                rule.supervising_department_id == debtor.supervising_department_id,
            )
        )
    return RuleEvaluation(rule=rule, checks=checks)


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(active=True).select_related(
            "region", "supervising_department", "responsible"
        )
    )


def explain_routing(debtor: Organisation, *, rules: list[RoutingRule] | None = None) -> RoutingExplanation:
    """Which routing rule sends this debtor's cases where, and why ("谁主管谁负责").

    The most specific matching rule wins: more criteria, then a deeper region, then the lower priority.
    """
    evaluations = [_evaluate(rule, debtor) for rule in (rules if rules is not None else active_rules())]
    matching = sorted((e for e in evaluations if e.matched), key=lambda e: e.specificity(), reverse=True)
    if not matching:
        return RoutingExplanation(
            debtor=debtor,
            rule=None,
            responsible=None,
            reasons=[_("没有任何启用的转办规则与该单位匹配，请专班办公室人工指定。")],
            considered=evaluations,
        )
    best = matching[0]
    reasons = [_("适用规则“%(rule)s”") % {"rule": best.rule.name}]
    reasons += [
        _("%(criterion)s：规则要求“%(rule)s”，该单位为“%(debtor)s”")
        % {"criterion": c.criterion, "rule": c.rule_value, "debtor": c.debtor_value}
        for c in best.checks
    ]
    if not best.checks:
        reasons.append(_("该规则不设条件，为兜底规则"))
    if len(matching) > 1:
        others = len(matching) - 1
        reasons.append(
            ngettext(
                "另有%(n)d条规则也匹配，但条件更宽泛或优先级较低",
                "另有%(n)d条规则也匹配，但条件更宽泛或优先级较低",
                others,
            )
            % {"n": others}
        )
    if best.rule.basis:
        reasons.append(_("依据：%(basis)s") % {"basis": best.rule.basis})
    return RoutingExplanation(
        debtor=debtor,
        rule=best.rule,
        responsible=best.rule.responsible,
        reasons=reasons,
        considered=evaluations,
    )
