"""The calculator form: what a clerk types in, turned into the rules' JSON input."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qingqian.core.forms import StyledForm

PAYER_KINDS = [
    ("organ", _("机关")),
    ("institution", _("事业单位")),
    ("soe_large", _("国有大型企业")),
    ("large_enterprise", _("其他大型企业")),
]
DEPOSIT_KINDS = [
    ("bid", _("投标保证金")),
    ("performance", _("履约保证金")),
    ("quality_retention", _("工程质量保证金")),
    ("migrant_wage", _("农民工工资保证金")),
    ("other", _("其他保证金")),
]
_PAYMENT_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+([\d,，.]+)\s*$")


class CalculatorForm(StyledForm):
    payer_kind = forms.ChoiceField(label=_("付款方类型"), choices=PAYER_KINDS)
    amount = forms.DecimalField(label=_("合同金额（元）"), max_digits=17, decimal_places=2, min_value=0.01)
    signed_on = forms.DateField(label=_("合同签订日"))
    delivered_on = forms.DateField(label=_("交付日（货物、工程、服务）"))
    acceptance_required = forms.BooleanField(label=_("以检验或验收合格为付款条件"), required=False)
    acceptance_period_days = forms.IntegerField(
        label=_("约定验收期限（日）"), required=False, min_value=0, max_value=3650
    )
    accepted_on = forms.DateField(label=_("验收合格日"), required=False)
    settlement_confirmed_on = forms.DateField(
        label=_("结算金额双方确认日（进度款/定期结算）"), required=False
    )
    agreed_term_days = forms.IntegerField(
        label=_("约定付款期限（日）"), required=False, min_value=0, max_value=3650
    )
    agreed_annual_rate = forms.DecimalField(
        label=_("约定逾期利率（年利率，%）"), required=False, min_value=0, max_value=100, decimal_places=4
    )
    payments = forms.CharField(
        label=_("已付款（每行：日期 金额，如 2025-09-30 40000.00）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    as_of = forms.DateField(label=_("计算截至日"))
    back_to_back = forms.BooleanField(label=_("背靠背条款（以第三方付款为付款条件）"), required=False)
    audit_settlement = forms.BooleanField(label=_("以审计结果作为结算依据"), required=False)
    audit_settlement_contract_agreed = forms.BooleanField(
        label=_("合同明确约定以审计结果结算"), required=False
    )
    forced_bills = forms.BooleanField(label=_("强制要求以商业汇票或应收账款电子凭证支付"), required=False)
    deposit_kinds = forms.MultipleChoiceField(
        label=_("收取的保证金"), choices=DEPOSIT_KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    retention_percent = forms.DecimalField(
        label=_("质量保证金比例（%）"), required=False, min_value=0, max_value=100
    )
    progress_payment_percent = forms.DecimalField(
        label=_("进度款支付比例（%）"), required=False, min_value=0, max_value=100
    )
    contractor_advance_funding = forms.BooleanField(label=_("政府投资项目由施工单位垫资"), required=False)
    without_budget = forms.BooleanField(label=_("无预算或超预算采购"), required=False)
    regulation_version_by = forms.ChoiceField(
        label=_("条例版本依据"),
        choices=[("signing", _("合同签订日")), ("delivery", _("交付日"))],
        initial="signing",
    )
    payment_allocation = forms.ChoiceField(
        label=_("部分付款冲抵顺序"),
        choices=[
            ("principal_first", _("先本金（清欠台账口径）")),
            ("civil_code_561", _("民法典第561条：先利息后本金")),
        ],
        initial="principal_first",
    )

    def clean_payments(self) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for number, line in enumerate(str(self.cleaned_data.get("payments") or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = _PAYMENT_LINE.match(line.replace("　", " "))
            if not match:
                raise forms.ValidationError(
                    _("第%(n)d行格式应为“日期 金额”，如 2025-09-30 40000.00") % {"n": number}
                )
            day, amount = match.groups()
            try:
                dt.date.fromisoformat(day)
            except ValueError as exc:
                raise forms.ValidationError(_("第%(n)d行的日期无效") % {"n": number}) from exc
            rows.append({"paid_on": day, "amount": amount.replace(",", "").replace("，", "")})
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("signed_on", "delivered_on", "accepted_on", "settlement_confirmed_on"):
            day = data.get(name)
            if day and day > today:
                self.add_error(name, _("日期不能晚于今天。"))
        return data

    def to_rules_input(self) -> dict[str, Any]:
        d = self.cleaned_data

        def iso(v: dt.date | None) -> str | None:
            return v.isoformat() if v else None

        def txt(v: Any) -> str | None:
            return None if v is None else str(v)

        return {
            "payer_kind": d["payer_kind"],
            "signed_on": iso(d["signed_on"]),
            "delivered_on": iso(d["delivered_on"]),
            "acceptance_required": bool(d.get("acceptance_required")),
            "acceptance_period_days": d.get("acceptance_period_days"),
            "accepted_on": iso(d.get("accepted_on")),
            "settlement_confirmed_on": iso(d.get("settlement_confirmed_on")),
            "agreed_term_days": d.get("agreed_term_days"),
            "agreed_annual_rate": txt(d.get("agreed_annual_rate")),
            "amount": f"{d['amount']:.2f}",
            "payments": d.get("payments") or [],
            "as_of": iso(d["as_of"]),
            "clauses": {
                "back_to_back": bool(d.get("back_to_back")),
                "audit_settlement": bool(d.get("audit_settlement")),
                "audit_settlement_contract_agreed": bool(d.get("audit_settlement_contract_agreed")),
                "forced_bills": bool(d.get("forced_bills")),
                "deposit_kinds": list(d.get("deposit_kinds") or []),
                "retention_percent": txt(d.get("retention_percent")),
                "progress_payment_percent": txt(d.get("progress_payment_percent")),
                "contractor_advance_funding": bool(d.get("contractor_advance_funding")),
                "without_budget": bool(d.get("without_budget")),
            },
            "policies": {
                "regulation_version_by": d["regulation_version_by"],
                "payment_allocation": d["payment_allocation"],
            },
        }


class LprRateForm(StyledForm):
    effective_on = forms.DateField(label=_("生效日期"))
    annual_rate_percent = forms.DecimalField(
        label=_("年利率（%）"), min_value=0.001, max_value=99.999, decimal_places=3
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)


class CalendarDayForm(StyledForm):
    date = forms.DateField(label=_("日期"))
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("holiday", _("法定节假日（休息）")), ("workday", _("调休上班日"))]
    )
    name = forms.CharField(label=_("节日名称"), required=False, max_length=50)
