"""Models of ledger: filled in by its own issue."""
