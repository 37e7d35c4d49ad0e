"""Issue 21: the public intake's and /api/v1's request budgets are shared by every process
through Redis (REDIS_URL; bot/admin/limits.py): two app instances on one database and one
Redis answer the request over the budget with 429 and Retry-After on the second instance.
Without Redis (or when it cannot be reached) each process counts alone. Behind a trusted
proxy the client's address comes from X-Forwarded-For (TRUSTED_PROXIES; bot/client_ip.py),
and a spoofed header from anyone else changes nothing."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.admin.app import build_admin_app
from bot.admin.limits import LocalWindow, RedisWindow
from bot.client_ip import client_address, parse_networks
from bot.container import build_container
from tests.admin.support import admin_settings
from tests.rest.support import keyed
from tests.support import owner_with_org

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SITE = "https://shop.example"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2.0)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        pytest.skip(f"Redis not reachable at {REDIS_URL} ({type(error).__name__})")
    yield client
    await client.aclose()


@pytest.fixture
async def containers(db_url, bank, clock, redis):
    """Two processes' containers: one database, one Redis, proxies on 10.0.0.0/8."""
    settings = admin_settings(
        database_url=db_url, tbank_base_url=bank.base_url, redis_url=REDIS_URL,
        trusted_proxies="10.0.0.0/8, ::1",
    )  # fmt: skip
    built = [build_container(settings, clock), build_container(settings, clock)]
    yield built
    for container in built:
        await container.close()


def _apps(containers, budgets: dict[str, int]):
    """Each container's app, with small budgets in a Redis namespace of this test alone."""
    namespace = f"test:{uuid.uuid4().hex}:"
    apps = []
    for container in containers:
        app = build_admin_app(container)
        limits = app.state.admin.limits
        assert limits.client is not None  # REDIS_URL: the budgets live in Redis
        limits.prefix = namespace
        for name, limit in budgets.items():
            limits.get(name, limit, 60.0)
        apps.append(app)
    return apps


def _browser(app, peer: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://admin.test")


async def test_two_instances_share_the_api_key_budget(containers):
    first, second = _apps(containers, {"api:key": 3})
    _, headers = await keyed(containers[0].services)
    async with _browser(first, "198.51.100.1") as a, _browser(second, "198.51.100.2") as b:
        assert (await a.get("/api/v1/members", headers=headers)).status_code == 200
        assert (await a.get("/api/v1/members", headers=headers)).status_code == 200
        assert (await b.get("/api/v1/members", headers=headers)).status_code == 200
        refused = await b.get("/api/v1/members", headers=headers)
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert (await a.get("/api/v1/members", headers=headers)).status_code == 429


async def test_two_instances_share_the_intake_budgets_per_address(containers):
    first, second = _apps(containers, {"intake:read": 2})
    services = containers[0].services
    owner = await owner_with_org(services)
    await services.org_settings.set_categories(owner, ["Уборка"])
    key = (await services.intake_settings.configure(owner, True, "draft", [SITE])).public_key
    headers = {"X-Widget-Key": key, "Origin": SITE}
    path = "/api/public/v1/catalogue"
    async with _browser(first, "198.51.100.7") as a, _browser(second, "198.51.100.7") as b:
        assert (await a.get(path, headers=headers)).status_code == 200
        assert (await b.get(path, headers=headers)).status_code == 200
        refused = await b.get(path, headers=headers)
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # Behind a trusted proxy each client has its own budget; a spoofed header from a
        # peer that is not a proxy is ignored (the peer is the client).
        async with _browser(second, "10.0.0.5") as proxy:
            for _ in range(2):
                fine = await proxy.get(path, headers={**headers, "X-Forwarded-For": "192.0.2.1"})
                assert fine.status_code == 200
            forged = {**headers, "X-Forwarded-For": "203.0.113.99, 192.0.2.1"}
            assert (await proxy.get(path, headers=forged)).status_code == 429
            other = {**headers, "X-Forwarded-For": "192.0.2.2"}
            assert (await proxy.get(path, headers=other)).status_code == 200
        spoofed = {**headers, "X-Forwarded-For": "192.0.2.50"}
        assert (await a.get(path, headers=spoofed)).status_code == 429


async def test_without_redis_each_process_counts_alone(caplog):
    away = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    budget = RedisWindow(away, "test", 2, 60.0)
    try:
        assert [await budget.take("k") for _ in range(2)] == [None, None]
        assert await budget.take("k") is not None  # the process's own count
    finally:
        await away.aclose()
    assert "Redis unreachable" in caplog.text
    now = [100.0]
    local = LocalWindow(2, 60.0, clock=lambda: now[0])
    assert await local.take("a") is None and await local.take("a") is None
    assert await local.take("a") == 60.0 and await local.take("b") is None
    now[0] += 60.0
    assert await local.take("a") is None


def test_the_client_address_behind_trusted_proxies():
    proxies = parse_networks("10.0.0.0/8, 192.168.1.5 ::1")
    assert client_address("203.0.113.9", ["1.2.3.4"], proxies) == "203.0.113.9"  # spoofed
    assert client_address("203.0.113.9", [], ()) == "203.0.113.9"
    assert client_address("10.1.1.1", ["1.2.3.4"], ()) == "10.1.1.1"  # no proxies set
    assert client_address("10.1.1.1", ["1.2.3.4"], proxies) == "1.2.3.4"
    # The client's own X-Forwarded-For is to the left of what our proxies appended.
    chain = ["6.6.6.6, 1.2.3.4", "192.168.1.5"]
    assert client_address("10.1.1.1", chain, proxies) == "1.2.3.4"
    assert client_address("::1", ["[2001:db8::7]:5555"], proxies) == "2001:db8::7"
    assert client_address("10.1.1.1", ["1.2.3.4:80, 10.0.0.2"], proxies) == "1.2.3.4"
    assert client_address("10.1.1.1", ["1.2.3.4, nonsense"], proxies) == "10.1.1.1"
    assert client_address("10.1.1.1", ["10.0.0.3"], proxies) == "10.0.0.3"  # all ours
    assert client_address("10.1.1.1", [], proxies) == "10.1.1.1"
    assert client_address("::ffff:10.1.1.1", ["1.2.3.4"], proxies) == "1.2.3.4"
    assert client_address(None, ["1.2.3.4"], proxies) == "?"
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, proxy.example")
