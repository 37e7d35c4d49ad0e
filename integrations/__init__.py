"""Adapters for external services, one module per service, each implementing a core port."""
