"""API keys of an organization for the REST API under /api/v1 (docs/rest-api.md)."""
