"""Models of complaints: filled in by its own issue."""
