"""Models of dashboards: filled in by its own issue."""
