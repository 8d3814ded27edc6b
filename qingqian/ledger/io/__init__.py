"""台账 import and export in the documented template (docs/ledger-template.md)."""
