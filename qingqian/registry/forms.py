"""Forms of the registry screens. They only parse input; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingqian.core.forms import StyledForm
from qingqian.registry.choices import Level, OrganisationKind, RegionKind
from qingqian.registry.models import Organisation, Region


def _departments() -> Any:
    return Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, active=True).order_by(
        "region__path", "name"
    )


class OrganisationForm(StyledForm):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("校验位不符时仅提示，不拒收。"),
    )
    kind = forms.ChoiceField(label=_("单位类型"), choices=OrganisationKind.choices)
    level = forms.ChoiceField(label=_("层级"), choices=Level.choices)
    region = forms.ModelChoiceField(label=_("所在区划"), queryset=Region.objects.order_by("path"))
    supervising_department = forms.ModelChoiceField(
        label=_("主管部门"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervising_department"].queryset = _departments()  # type: ignore[attr-defined]


class RoutingRuleForm(StyledForm):
    name = forms.CharField(label=_("规则名称"), max_length=100)
    debtor_kind = forms.ChoiceField(
        label=_("欠款单位类型"), choices=[("", _("不限")), *OrganisationKind.choices], required=False
    )
    level = forms.ChoiceField(label=_("层级"), choices=[("", _("不限")), *Level.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("区划（含下级）"),
        queryset=Region.objects.order_by("path"),
        required=False,
        empty_label=_("不限"),
    )
    supervising_department = forms.ModelChoiceField(
        label=_("主管部门"), queryset=Organisation.objects.none(), required=False, empty_label=_("不限")
    )
    responsible = forms.ModelChoiceField(label=_("责任部门"), queryset=Organisation.objects.none())
    priority = forms.IntegerField(label=_("优先级（小者优先）"), min_value=0, max_value=32767, initial=100)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervising_department"].queryset = _departments()  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = _departments()  # type: ignore[attr-defined]


class RegionForm(StyledForm):
    code = forms.CharField(label=_("区划代码"), max_length=12)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=RegionKind.choices)
    parent = forms.ModelChoiceField(
        label=_("上级区划"),
        queryset=Region.objects.order_by("path"),
        required=False,
        empty_label=_("无（顶级）"),
    )
