"""The admin endpoint's fixtures (tests/admin/conftest.py) for the REST API's tests."""

from tests.admin.conftest import bank, client, container, http, services

__all__ = ["bank", "client", "container", "http", "services"]
