"""Adapters for persistence: the database, object storage and the durable job table."""
