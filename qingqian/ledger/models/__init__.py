"""Models of the arrears ledger (台账)."""

from qingqian.ledger.models.campaigns import Campaign, CampaignItem, ImportJob
from qingqian.ledger.models.entries import LedgerEntry
from qingqian.ledger.models.items import AgingRun, ArrearsItem, ItemAging, payer_kind_of
from qingqian.ledger.models.workflow import (
    Dispute,
    Instalment,
    LedgerWarning,
    PaymentReport,
    RepaymentPlan,
)

__all__ = [
    "AgingRun",
    "ArrearsItem",
    "Campaign",
    "CampaignItem",
    "Dispute",
    "ImportJob",
    "Instalment",
    "ItemAging",
    "LedgerEntry",
    "LedgerWarning",
    "PaymentReport",
    "RepaymentPlan",
    "payer_kind_of",
]
