"""Compliance findings on a contract's clauses and practices (DOMAIN §1.5, §2).

| code | who | when |
|---|---|---|
| ``back_to_back_clause`` | large enterprises (incl. state-owned) | 2025 only (Art 9 para 2) |
| ``audit_settlement_basis`` | organs, institutions, state-owned large | 2020 unless the contract agreed it (Art 11); 2025 always (Art 12) |
| ``forced_bills`` | all payers | both versions (Art 11 [10]) |
| ``unlawful_deposit`` | all payers | both versions (Art 13 [12]) |
| ``retention_above_cap`` | all payers | retention > 3 % (建质〔2017〕138号) |
| ``progress_payment_below_floor`` | organs, institutions, state-owned large | < 80 % (财建〔2022〕183号) |
| ``contractor_advance_funding`` | government investment projects | always (Art 8 [7]; 政府投资条例 Art 22) |
| ``purchase_without_budget`` | organs, institutions | both versions (Art 8 [7]) |

Findings that rest on the SME payment regulation are only raised when a version is in force; the
retention, progress-payment and advance-funding rules have their own dated sources.
"""

from __future__ import annotations

from .model import LARGE_PAYERS, LAWFUL_DEPOSIT_KINDS, PUBLIC_PAYERS, Clauses
from .params import RulesAt

#: payers bound by the audit-settlement rule and the progress-payment floor
_PUBLIC_OR_STATE_OWNED = PUBLIC_PAYERS | {"soe_large"}


def compliance_codes(payer_kind: str, clauses: Clauses, rules: RulesAt) -> list[str]:
    """Finding codes for ``clauses`` under the rules in force (``rules.regulation`` may be ``None``)."""
    version = rules.regulation
    codes: list[str] = []
    if version is not None:
        if clauses.back_to_back and version == "2025" and payer_kind in LARGE_PAYERS:
            codes.append("back_to_back_clause")
        if (
            clauses.audit_settlement
            and payer_kind in _PUBLIC_OR_STATE_OWNED
            and (version != "2020" or not clauses.audit_settlement_contract_agreed)
        ):
            codes.append("audit_settlement_basis")
        if clauses.forced_bills:
            codes.append("forced_bills")
        if any(kind not in LAWFUL_DEPOSIT_KINDS for kind in clauses.deposit_kinds):
            codes.append("unlawful_deposit")
        if clauses.without_budget and payer_kind in PUBLIC_PAYERS:
            codes.append("purchase_without_budget")
    cap = rules.retention_cap_percent
    if clauses.retention_percent is not None and cap is not None and clauses.retention_percent > cap:
        codes.append("retention_above_cap")
    floor = rules.progress_floor_percent
    if (
        clauses.progress_payment_percent is not None
        and floor is not None
        and payer_kind in _PUBLIC_OR_STATE_OWNED
        and clauses.progress_payment_percent < floor
    ):
        codes.append("progress_payment_below_floor")
    if clauses.contractor_advance_funding:
        codes.append("contractor_advance_funding")
    return codes
