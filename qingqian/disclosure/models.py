"""Models of disclosure: filled in by its own issue."""
