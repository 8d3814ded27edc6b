"""Models of enforcement: filled in by its own issue."""
