"""The dashboards app has no models: it only reads (import-linter forbids it any service)."""
