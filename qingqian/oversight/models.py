"""Models of oversight: filled in by its own issue."""
