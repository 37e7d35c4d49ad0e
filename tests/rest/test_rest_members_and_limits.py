"""/api/v1/members, and what every /api/v1 request meets: the key never in logs, 413 for a
large body, 429 with Retry-After per key, problem details for unknown routes, another
organization's key refused."""

from __future__ import annotations

import logging

from bot.admin.limits import LocalWindow
from bot.admin.v1.auth import KeyLimits
from core.domain import Role
from tests.rest.support import keyed
from tests.support import onboard, profile


async def test_members_are_read_with_orders_read(client, container):
    services = container.services
    owner, headers = await keyed(services)
    invite = await services.invites.create(owner, Role.WORKER)
    ivan = await onboard(services, profile("Ivan"))
    await services.invites.accept(ivan, invite.token)
    members = (await client.get("/api/v1/members", headers=headers)).json()
    assert [(m["name"], m["role"], m["active"]) for m in members] == [
        ("Owner", "owner", True),
        ("Ivan", "worker", True),
    ]
    _, clients_only = await keyed(services, ["clients:read"], "Другая")
    refused = await client.get("/api/v1/members", headers=clients_only)
    assert refused.status_code == 403


async def test_another_organization_s_key_sees_only_its_own_team(client, container):
    _, ours = await keyed(container.services)
    _, theirs = await keyed(container.services, name="Чужие")
    ids = {m["id"] for m in (await client.get("/api/v1/members", headers=ours)).json()}
    other = {m["id"] for m in (await client.get("/api/v1/members", headers=theirs)).json()}
    assert ids and other and not ids & other


async def test_the_key_is_never_logged(client, container, caplog):
    caplog.set_level(logging.DEBUG)
    _, headers = await keyed(container.services)
    secret = headers["Authorization"].removeprefix("Bearer ")
    await client.get("/api/v1/clients", headers=headers)
    await client.post("/api/v1/clients", json={"name": "x"}, headers=headers)
    revoked = {"Authorization": f"Bearer {secret[:-2]}zz"}
    assert (await client.get("/api/v1/clients", headers=revoked)).status_code == 401
    assert caplog.records  # the requests were logged at all
    assert secret not in caplog.text and secret[4:20] not in caplog.text


async def test_a_large_body_gets_413_before_parsing(client, container):
    _, headers = await keyed(container.services)
    big = {"name": "x", "notes": "я" * 70_000}
    refused = await client.post("/api/v1/clients", json=big, headers=headers)
    assert refused.status_code == 413
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "body_too_large"


async def test_each_key_has_its_own_rate_limit(client, container):
    _, first = await keyed(container.services)
    _, second = await keyed(container.services, name="Вторая")
    client._transport.app.state.api_v1 = KeyLimits(LocalWindow(3))
    codes = [(await client.get("/api/v1/clients", headers=first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = await client.get("/api/v1/clients", headers=first)
    assert 50 <= int(limited.headers["retry-after"]) <= 60  # the oldest hit's window
    assert limited.json()["code"] == "rate_limited"
    assert (await client.get("/api/v1/clients", headers=second)).status_code == 200


async def test_unknown_routes_and_bad_input_are_problems(client, container):
    _, headers = await keyed(container.services)
    missing = await client.get("/api/v1/nothing", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    invalid = await client.post("/api/v1/clients", json={"nme": "x"}, headers=headers)
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == "application/problem+json"
    assert invalid.json() == {
        "type": "urn:astracrm:problem:invalid_request",
        "title": "Unprocessable content",
        "status": 422,
        "detail": "Some fields are not valid.",
        "instance": "/api/v1/clients",
        "code": "invalid_request",
        "errors": [
            {"field": "body.name", "message": "This field is required."},
            {"field": "body.nme", "message": "This field is not taken here."},
        ],
    }
    russian = {**headers, "Accept-Language": "ru", "content-type": "application/json"}
    broken = await client.post("/api/v1/clients", content=b"{", headers=russian)
    assert broken.headers["content-type"] == "application/problem+json"
    assert broken.json() == {
        "type": "urn:astracrm:problem:json_invalid",
        "title": "Неверный запрос",
        "status": 400,
        "detail": "Тело запроса — не корректный JSON.",
        "instance": "/api/v1/clients",
        "code": "json_invalid",
    }
    keyless = await client.get("/api/v1/clients")
    assert keyless.headers["www-authenticate"] == "Bearer"
    assert keyless.json() == {
        "type": "urn:astracrm:problem:api_key_missing",
        "title": "Not authenticated",
        "status": 401,
        "detail": "Send the key as Authorization: Bearer <key>.",
        "instance": "/api/v1/clients",
        "code": "api_key_missing",
    }
    old = await client.get("/api/nothing")  # the owner's API: the same shape
    assert old.headers["content-type"] == "application/problem+json"
    assert old.json()["code"] == "not_found"
