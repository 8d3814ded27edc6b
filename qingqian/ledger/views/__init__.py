"""Ledger pages (Chinese, Bootstrap, htmx)."""

from qingqian.ledger.views import actions, campaigns, io, items, portal

__all__ = ["actions", "campaigns", "io", "items", "portal"]
