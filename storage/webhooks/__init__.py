"""Outgoing webhooks' storage (docs/webhooks.md)."""
