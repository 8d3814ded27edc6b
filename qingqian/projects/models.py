"""Models of projects: filled in by its own issue."""
