"""Schemas of the ledger API. Money is Decimal (JSON strings, exact); dates are ISO."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field


class ItemOut(Schema):
    id: int
    debtor_id: int
    debtor_name: str
    creditor_id: int
    creditor_name: str
    creditor_size_class: str
    contract_number: str
    contract_name: str
    subject_kind: str
    signed_on: dt.date
    contract_amount: Decimal
    status: str
    source: str
    principal_total: Decimal
    paid_total: Decimal
    written_off_total: Decimal
    balance: Decimal
    disputed_amount: Decimal
    undisputed_amount: Decimal
    due_on: dt.date | None
    regulation: str
    overdue_days: int | None = None
    bucket: str | None = None
    interest: Decimal | None = None
    reconciled_at: dt.datetime | None
    closed_at: dt.datetime | None


class ItemDetailOut(ItemOut):
    delivered_on: dt.date | None
    acceptance_required: bool
    acceptance_period_days: int | None
    accepted_on: dt.date | None
    settlement_confirmed_on: dt.date | None
    agreed_term_days: int | None
    agreed_annual_rate: Decimal | None
    clauses: dict[str, Any]
    project_name: str
    source_ref: str
    note: str
    start_on: dt.date | None
    term_days: int | None
    annual_rate_percent: Decimal | None
    findings: list[dict[str, Any]]
    explanation: dict[str, Any]
    close_basis: str


class ItemIn(Schema):
    debtor_id: int
    creditor_uscc: str
    creditor_name: str = ""
    arrears_amount: Decimal
    confirmed_on: dt.date | None = None
    contract_number: str
    contract_name: str = ""
    subject_kind: str
    signed_on: dt.date
    contract_amount: Decimal
    creditor_size_class: str | None = None
    delivered_on: dt.date | None = None
    acceptance_required: bool = False
    acceptance_period_days: int | None = None
    accepted_on: dt.date | None = None
    settlement_confirmed_on: dt.date | None = None
    agreed_term_days: int | None = None
    agreed_annual_rate: Decimal | None = None
    clauses: dict[str, Any] = Field(default_factory=dict)
    project_name: str = ""
    source: str = "self_inspection"
    source_ref: str = ""
    note: str = ""


class ItemPatch(Schema):
    contract_number: str | None = None
    contract_name: str | None = None
    subject_kind: str | None = None
    signed_on: dt.date | None = None
    contract_amount: Decimal | None = None
    creditor_size_class: str | None = None
    delivered_on: dt.date | None = None
    acceptance_required: bool | None = None
    acceptance_period_days: int | None = None
    accepted_on: dt.date | None = None
    settlement_confirmed_on: dt.date | None = None
    agreed_term_days: int | None = None
    agreed_annual_rate: Decimal | None = None
    clauses: dict[str, Any] | None = None
    project_name: str | None = None
    source_ref: str | None = None
    note: str | None = None


class ItemFilters(Schema):
    q: str | None = None
    debtor: int | None = None
    creditor: int | None = None
    region: int | None = None
    department: int | None = None
    debtor_kind: str | None = None
    level: str | None = None
    status: str | None = None
    bucket: str | None = None
    source: str | None = None
    subject_kind: str | None = None
    disputed: str | None = None
    overdue: str | None = None
    warnings: str | None = None
    plan: str | None = None
    balance_min: Decimal | None = None
    balance_max: Decimal | None = None
    campaign: int | None = None


class EntryOut(Schema):
    id: int
    item_id: int
    kind: str
    bucket: str
    amount: Decimal
    effective_on: dt.date
    reason: str
    reference: str
    reverses_id: int | None
    payment_report_id: int | None
    dispute_id: int | None
    recorded_at: dt.datetime


class ReportIn(Schema):
    amount: Decimal
    paid_on: dt.date
    method: str
    reference: str = ""
    note: str = ""


class ReportOut(Schema):
    id: int
    item_id: int
    amount: Decimal
    paid_on: dt.date
    method: str
    non_cash: bool
    reference: str
    note: str
    status: str
    reported_at: dt.datetime
    confirm_due_at: dt.datetime
    escalated_at: dt.datetime | None
    decided_at: dt.datetime | None
    reject_reason: str


class ReasonIn(Schema):
    reason: str = ""


class NoteIn(Schema):
    note: str = ""


class AdjustIn(Schema):
    amount: Decimal
    effective_on: dt.date
    reason: str


class WriteOffIn(Schema):
    amount: Decimal
    effective_on: dt.date
    reference: str
    reason: str


class DisputeIn(Schema):
    amount: Decimal
    reason: str
    path: str
    case_ref: str = ""


class DisputePathIn(Schema):
    path: str
    case_ref: str = ""
    note: str = ""


class DisputeResolveIn(Schema):
    amount_owed: Decimal
    note: str
    reference: str = ""


class DisputeOut(Schema):
    id: int
    item_id: int
    amount: Decimal
    reason: str
    path: str
    case_ref: str
    status: str
    raised_at: dt.datetime
    resolved_at: dt.datetime | None
    amount_owed: Decimal | None
    outcome_note: str


class InstalmentIn(Schema):
    due_on: dt.date
    amount: Decimal


class PlanIn(Schema):
    instalments: list[InstalmentIn]
    reason: str = ""
    grace_days: int | None = None


class InstalmentOut(Schema):
    seq: int
    due_on: dt.date
    amount: Decimal
    state: str


class PlanOut(Schema):
    id: int
    item_id: int
    version: int
    revises_id: int | None
    reason: str
    status: str
    total: Decimal
    grace_days: int
    proposed_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by_id: int | None
    decision_note: str
    instalments: list[InstalmentOut]


class DecisionIn(Schema):
    note: str = ""


class TotalsOut(Schema):
    count: int
    open_count: int
    principal: Decimal
    paid: Decimal
    written_off: Decimal
    balance: Decimal
    disputed: Decimal
    undisputed: Decimal
    interest: Decimal
    pending_reports: int


class BreakdownRowOut(Schema):
    key: str | None
    label: str
    amount: Decimal
    payments: int
    items: int


class ClearedOut(Schema):
    total: Decimal
    by: str
    rows: list[BreakdownRowOut]


class ClearedQuery(ItemFilters):
    by: str = "period"
    period: str = "month"
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class AdherenceOut(Schema):
    judged: int
    met: int
    breached: int
    pending: int
    rate: int | None
    plans: int


class WarningOut(Schema):
    id: int
    kind: str
    item_id: int
    debtor_id: int
    plan_id: int | None
    payment_report_id: int | None
    message: str
    raised_at: dt.datetime
    resolved_at: dt.datetime | None


class DebtorOut(Schema):
    id: int
    name: str
    totals: TotalsOut
    cleared: Decimal
    adherence: AdherenceOut
    warnings: list[WarningOut]


class AdherenceRowOut(Schema):
    debtor_id: int
    debtor_name: str
    judged: int
    met: int
    breached: int
    rate: int | None


class CampaignIn(Schema):
    name: str
    region_id: int
    starts_on: dt.date
    deadline: dt.date
    scope: dict[str, Any] = Field(default_factory=dict)
    description: str = ""


class CampaignOut(Schema):
    id: int
    name: str
    region_id: int
    scope: dict[str, Any]
    starts_on: dt.date
    deadline: dt.date
    status: str
    started_at: dt.datetime | None


class ProgressOut(Schema):
    items_at_start: int
    amount_at_start: Decimal
    cleared: Decimal
    written_off: Decimal
    left: Decimal
    items_closed: int
    items_left: int
    percent: int


class CampaignDetailOut(CampaignOut):
    progress: ProgressOut


class ImportOut(Schema):
    id: int
    original_name: str
    unit: str
    status: str
    phase: str
    total_rows: int
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    unchanged_count: int
    errors: list[dict[str, Any]]
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class RejectIn(Schema):
    reason: str
