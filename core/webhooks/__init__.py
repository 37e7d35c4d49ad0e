"""Outgoing webhooks (issue 21, item 7; docs/webhooks.md)."""
