"""Writes of the arrears ledger. Only these functions change ledger state (one transaction each)."""

from qingqian.ledger.services.campaigns import campaign_create, campaign_end, campaign_start
from qingqian.ledger.services.disputes import dispute_change_path, dispute_open, dispute_resolve
from qingqian.ledger.services.entries import entry_reverse, item_adjust, item_write_off
from qingqian.ledger.services.items import (
    ITEM_FIELDS,
    creditor_for,
    item_close,
    item_create,
    item_reconcile,
    item_update,
    validate_item_fields,
)
from qingqian.ledger.services.payments import (
    payment_report_confirm,
    payment_report_create,
    payment_report_reject,
    payment_report_withdraw,
    payment_reports_escalate,
)
from qingqian.ledger.services.plans import plan_approve, plan_propose, plan_reject, plans_check_breaches
from qingqian.ledger.services.reassess import ReassessResult, items_reassess

__all__ = [
    "ITEM_FIELDS",
    "ReassessResult",
    "campaign_create",
    "campaign_end",
    "campaign_start",
    "creditor_for",
    "dispute_change_path",
    "dispute_open",
    "dispute_resolve",
    "entry_reverse",
    "item_adjust",
    "item_close",
    "item_create",
    "item_reconcile",
    "item_update",
    "item_write_off",
    "items_reassess",
    "payment_report_confirm",
    "payment_report_create",
    "payment_report_reject",
    "payment_report_withdraw",
    "payment_reports_escalate",
    "plan_approve",
    "plan_propose",
    "plan_reject",
    "plans_check_breaches",
    "validate_item_fields",
]
