"""Fixtures for the admin endpoint and billing tests."""

from __future__ import annotations

import httpx
import pytest

from tests.admin.support import PASSWORD, TERMINAL, admin_services
from tests.fakes.tbank import FakeTBank


@pytest.fixture
async def bank():
    async with FakeTBank(terminal_key=TERMINAL, password=PASSWORD) as fake:
        yield fake


@pytest.fixture
async def http():
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def services(uow_factory, clock, bank, http):
    return admin_services(uow_factory, clock, bank, http)


@pytest.fixture
async def container(db_url, bank, clock):
    from bot.container import build_container
    from tests.admin.support import admin_settings

    built = build_container(
        admin_settings(database_url=db_url, tbank_base_url=bank.base_url), clock
    )
    yield built
    await built.close()


@pytest.fixture
async def client(container):
    from bot.admin.app import build_admin_app

    app = build_admin_app(container)
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://admin.test") as web:
        yield web
