"""Request bodies the drills and the load test send, in one place."""

from __future__ import annotations

from typing import Any

ELIGIBLE = dict.fromkeys(("bound_payer", "has_contract", "performed", "overdue", "no_other_procedure"), True)


def complaint(
    respondent_id: int, summary: str, contract_number: str, amount: str = "5000.00"
) -> dict[str, Any]:
    """An enterprise's complaint for `POST /api/v1/complaints` (eligible, one overdue contract)."""
    return {
        "respondent_id": respondent_id,
        "contact_name": "陈刚",
        "contact_phone": "13800000000",
        "complainant_size": "small",
        "amount_claimed": amount,
        "summary": summary,
        "contracts": [
            {
                "number": contract_number,
                "subject": "办公用品采购",
                "signed_on": "2024-03-01",
                "amount": amount,
                "delivered_on": "2024-04-01",
                "due_on": "2024-05-01",
            }
        ],
        "eligibility": ELIGIBLE,
        "pledge": True,
    }
