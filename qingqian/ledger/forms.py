"""Forms of the ledger. `ContractForm` is the one form for a contract's facts: the UI binds it to a POST,
the 台账 import binds every spreadsheet row to it (`core.io.importer.FormBinder`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qingqian.ledger.choices import (
    AmountUnit,
    DisputePath,
    ItemSource,
    PaymentMethod,
    SubjectKind,
)
from qingqian.ledger.services.items import validate_item_fields
from qingqian.registry.choices import SizeClass

MONEY: dict[str, Any] = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal("0.01")}
DATE: dict[str, Any] = {"widget": forms.DateInput(attrs={"type": "date"})}
CLAUSE_FLAGS = {
    "back_to_back": _("付款以第三方付款为条件（背靠背）"),
    "audit_settlement": _("以审计结果作为结算依据"),
    "forced_bills": _("强制以商业汇票或电子凭证支付"),
    "contractor_advance_funding": _("要求施工单位垫资"),
    "without_budget": _("无预算或超预算采购"),
}


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=_("合同编号"), max_length=100)
    contract_name = forms.CharField(label=_("合同名称"), max_length=200, required=False)
    subject_kind = forms.ChoiceField(label=_("标的类型"), choices=SubjectKind.choices)
    signed_on = forms.DateField(label=_("合同签订日期"), **DATE)
    contract_amount = forms.DecimalField(label=_("合同金额（元）"), **MONEY)
    creditor_size_class = forms.ChoiceField(
        label=_("企业规模（签约时）"), choices=[("", _("按企业名录")), *SizeClass.choices], required=False
    )
    delivered_on = forms.DateField(label=_("交付日期"), required=False, **DATE)
    acceptance_required = forms.BooleanField(label=_("以验收为付款条件"), required=False)
    acceptance_period_days = forms.IntegerField(
        label=_("约定验收期限（天）"), required=False, min_value=0, max_value=36500
    )
    accepted_on = forms.DateField(label=_("验收合格日期"), required=False, **DATE)
    settlement_confirmed_on = forms.DateField(label=_("结算确认日期"), required=False, **DATE)
    agreed_term_days = forms.IntegerField(
        label=_("约定付款期限（天）"), required=False, min_value=0, max_value=36500
    )
    agreed_annual_rate = forms.DecimalField(
        label=_("约定逾期利率（年%）"),
        required=False,
        max_digits=7,
        decimal_places=4,
        min_value=Decimal(0),
        max_value=Decimal("99.9999"),
    )
    project_name = forms.CharField(label=_("所属项目"), max_length=200, required=False)
    source = forms.ChoiceField(
        label=_("来源"), choices=ItemSource.choices, initial=ItemSource.SELF_INSPECTION
    )
    source_ref = forms.CharField(label=_("来源编号"), max_length=64, required=False)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    back_to_back = forms.BooleanField(label=CLAUSE_FLAGS["back_to_back"], required=False)
    audit_settlement = forms.BooleanField(label=CLAUSE_FLAGS["audit_settlement"], required=False)
    forced_bills = forms.BooleanField(label=CLAUSE_FLAGS["forced_bills"], required=False)
    contractor_advance_funding = forms.BooleanField(
        label=CLAUSE_FLAGS["contractor_advance_funding"], required=False
    )
    without_budget = forms.BooleanField(label=CLAUSE_FLAGS["without_budget"], required=False)
    retention_percent = forms.DecimalField(
        label=_("质量保证金比例（%）"),
        required=False,
        max_digits=6,
        decimal_places=3,
        min_value=Decimal(0),
        max_value=Decimal(100),
    )

    CLAUSE_FIELDS = (*CLAUSE_FLAGS, "retention_percent")
    today: dt.date | None = None  # the import sets it once for the whole file

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clauses: dict[str, Any] = {k: True for k in CLAUSE_FLAGS if data.get(k)}
        if data.get("retention_percent") is not None:
            clauses["retention_percent"] = str(data["retention_percent"])
        data["clauses"] = clauses
        if not data.get("creditor_size_class"):
            data.pop("creditor_size_class", None)
        # The shared business checks read the contract facts by name (the clause fields are left alone).
        for fld, messages in validate_item_fields(data, today=self.today).items():
            if fld in (self._errors or {}):  # type: ignore[attr-defined]  # the field already said so
                continue
            for message in messages:
                self.add_error(fld if fld in self.fields else None, message)
        return data

    def item_fields(self) -> dict[str, Any]:
        """The cleaned values as `item_create`/`item_update` keyword arguments."""
        data = dict(self.cleaned_data)
        for k in self.CLAUSE_FIELDS:
            data.pop(k, None)
        data.pop("arrears_amount", None)
        data.pop("confirmed_on", None)
        return data


class ItemCreateForm(ContractForm):
    """Registering an item in the UI: the contract facts plus the parties and the confirmed amount."""

    debtor: forms.ModelChoiceField = forms.ModelChoiceField(label=_("欠款单位"), queryset=None)
    creditor_uscc = forms.CharField(label=_("企业统一社会信用代码"), max_length=30)
    creditor_name = forms.CharField(label=_("企业名称"), max_length=200)
    arrears_amount = forms.DecimalField(label=_("确认欠款金额（元）"), **MONEY)
    confirmed_on = forms.DateField(label=_("确认日期"), required=False, **DATE)

    field_order = [
        "debtor",
        "creditor_uscc",
        "creditor_name",
        "contract_number",
        "contract_name",
        "subject_kind",
    ]

    def __init__(self, *args: Any, debtors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["debtor"].queryset = debtors  # type: ignore[attr-defined]

    def item_fields(self) -> dict[str, Any]:
        data = super().item_fields()
        for k in ("debtor", "creditor_uscc", "creditor_name"):
            data.pop(k, None)
        return data


class PaymentReportForm(forms.Form):
    amount = forms.DecimalField(label=_("付款金额（元）"), **MONEY)
    paid_on = forms.DateField(label=_("付款日期"), initial=dt.date.today, **DATE)
    method = forms.ChoiceField(label=_("支付方式"), choices=PaymentMethod.choices)
    reference = forms.CharField(label=_("凭证号"), max_length=100, required=False)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("驳回理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("事由"), max_length=500)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("事由"), max_length=500, required=False)


class AdjustForm(forms.Form):
    amount = forms.DecimalField(label=_("调整金额（元，调减填负数）"), max_digits=18, decimal_places=2)
    effective_on = forms.DateField(label=_("业务日期"), **DATE)
    reason = forms.CharField(label=_("事由"), max_length=500)


class WriteOffForm(forms.Form):
    amount = forms.DecimalField(label=_("核销金额（元）"), **MONEY)
    effective_on = forms.DateField(label=_("判决生效日期"), **DATE)
    reference = forms.CharField(label=_("判决书编号"), max_length=100)
    reason = forms.CharField(label=_("事由"), max_length=500)


class DisputeForm(forms.Form):
    amount = forms.DecimalField(label=_("有分歧金额（元）"), **MONEY)
    path = forms.ChoiceField(label=_("解决途径"), choices=DisputePath.choices)
    reason = forms.CharField(label=_("分歧事由"), max_length=500)
    case_ref = forms.CharField(label=_("案号或文书号"), max_length=100, required=False)


class DisputeResolveForm(forms.Form):
    amount_owed = forms.DecimalField(
        label=_("认定应付金额（元）"), max_digits=18, decimal_places=2, min_value=Decimal(0)
    )
    note = forms.CharField(label=_("解决结果"), max_length=500)
    reference = forms.CharField(label=_("文书编号"), max_length=100, required=False)


class PlanForm(forms.Form):
    """Instalments as lines "2025-03-31 200000" (one per line): simple to type and to paste from Excel."""

    instalments = forms.CharField(
        label=_("分期（每行：日期 金额）"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-31 200000\n2027-03-31 300000"}),
    )
    reason = forms.CharField(label=_("理由（修订时必填）"), max_length=500, required=False)

    def clean_instalments(self) -> list[tuple[dt.date, Decimal]]:
        from qingqian.core.io import cells

        out: list[tuple[dt.date, Decimal]] = []
        for n, line in enumerate(str(self.cleaned_data["instalments"]).splitlines(), start=1):
            parts = cells.fold(line).replace("\t", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise forms.ValidationError(_("第%(n)d行应为“日期 金额”。") % {"n": n})
            try:
                day, amount = cells.date(parts[0]), cells.amount(parts[1])
            except cells.CellError as exc:
                raise forms.ValidationError(_("第%(n)d行：%(e)s") % {"n": n, "e": exc}) from exc
            if day is None or amount is None or amount <= 0:
                raise forms.ValidationError(_("第%(n)d行应为“日期 金额”。") % {"n": n})
            out.append((day, amount))
        if not out:
            raise forms.ValidationError(_("请至少填写一期。"))
        return out


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("台账文件（.xlsx）"))
    unit = forms.ChoiceField(label=_("金额单位"), choices=AmountUnit.choices, initial=AmountUnit.AUTO)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    starts_on = forms.DateField(label=_("开始日期"), **DATE)
    deadline = forms.DateField(label=_("完成时限"), **DATE)
    balance_max = forms.DecimalField(
        label=_("每份合同欠款不超过（元）"), required=False, max_digits=18, decimal_places=2
    )
    debtor_kinds = forms.MultipleChoiceField(
        label=_("欠款单位类型"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from qingqian.registry.choices import OrganisationKind

        super().__init__(*args, **kwargs)
        self.fields["debtor_kinds"].choices = OrganisationKind.choices  # type: ignore[attr-defined]
