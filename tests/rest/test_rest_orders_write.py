"""/api/v1/orders changes on both databases: create (idempotent), PATCH with If-Match,
assign, offer and cancel through the bot's use cases (history, and the worker told in the
chat through the outbox), scopes, and another organization's key refused."""

from __future__ import annotations

from sqlalchemy import text

from core.domain import Role
from storage.db import create_engine
from tests.rest.support import keyed
from tests.support import onboard, profile


async def _worker(services, owner) -> int:
    invite = await services.invites.create(owner, Role.WORKER)
    ivan = await onboard(services, profile("Ivan"))
    await services.invites.accept(ivan, invite.token)
    return ivan.user.id


async def _outbox(db_url) -> int:
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        count = (await connection.execute(text("SELECT count(*) FROM outbox"))).scalar_one()
    await engine.dispose()
    return int(count)


async def test_create_edit_assign_offer_and_cancel(client, container, db_url):
    owner, headers = await keyed(container.services)
    ivan = await _worker(container.services, owner)
    petr = await client.post("/api/v1/clients", json={"name": "Пётр"}, headers=headers)
    body = {
        "client_id": petr.json()["id"],
        "address": "Тверская, 1",
        "scheduled_at": "2026-03-05T10:00:00Z",
        "price_minor": 350000,
        "description": "Окна",
    }
    once = {**headers, "Idempotency-Key": "crm-order-1"}
    made = await client.post("/api/v1/orders", json=body, headers=once)
    assert made.status_code == 201, made.text
    again = await client.post("/api/v1/orders", json=body, headers=once)
    order = made.json()
    assert again.json()["id"] == order["id"] and order["number"] == 1
    assert order["status"] == "new" and order["price_minor"] == 350000
    url = f"/api/v1/orders/{order['id']}"
    tag = made.headers["etag"]
    edited = await client.patch(
        url, json={"price_minor": 400000, "scheduled_at": "2026-03-06T10:00:00Z"},
        headers={**headers, "If-Match": tag},
    )  # fmt: skip
    assert edited.status_code == 200, edited.text
    assert edited.json()["price_minor"] == 400000
    assert edited.json()["scheduled_at"].startswith("2026-03-06T10:00:00")
    stale = await client.patch(
        url, json={"description": "x"}, headers={**headers, "If-Match": tag}
    )
    assert stale.status_code == 412
    before = await _outbox(db_url)
    assigned = await client.post(f"{url}/assign", json={"assignee_id": ivan}, headers=headers)
    assert assigned.status_code == 200 and assigned.json()["assignee_id"] == ivan
    assert await _outbox(db_url) > before  # Ivan hears of his new order in the chat
    offered = await client.post(f"{url}/offer", headers=headers)
    assert offered.json()["status"] == "new" and offered.json()["offered"] is True
    cancelled = await client.post(f"{url}/cancel", headers=headers)
    assert cancelled.json()["status"] == "cancelled"
    again = await client.post(f"{url}/cancel", headers=headers)
    assert again.status_code == 422 and again.headers["content-type"].startswith(
        "application/problem+json"
    )
    history = cancelled.json()["history"]
    assert [e["kind"] for e in history] == [
        "created", "edit", "reschedule", "assign", "offer", "cancel"
    ]  # fmt: skip
    assert {e["data"]["via"] for e in history} == {"api key test"}


async def test_scopes_and_references(client, container):
    owner, reader = await keyed(container.services, ["orders:read"])
    refused = await client.post("/api/v1/orders", json={}, headers=reader)
    assert refused.status_code == 403 and refused.json()["code"] == "api_scope_missing"
    _, theirs = await keyed(container.services, name="Чужие")
    foreign = await client.post("/api/v1/clients", json={"name": "Чужой"}, headers=theirs)
    issued = await container.services.api_keys.create(owner, "w", ["orders:write"])
    writer = {"Authorization": f"Bearer {issued.secret}"}
    bad = await client.post(
        "/api/v1/orders", json={"client_id": foreign.json()["id"]}, headers=writer
    )
    assert bad.status_code == 404


async def test_another_organization_s_key_cannot_change_an_order(client, container):
    _, ours = await keyed(container.services)
    made = (await client.post("/api/v1/orders", json={}, headers=ours)).json()
    _, theirs = await keyed(container.services, name="Чужие")
    url = f"/api/v1/orders/{made['id']}"
    assert (await client.patch(url, json={"description": "x"}, headers=theirs)).status_code == 404
    for action in ("offer", "cancel"):
        assert (await client.post(f"{url}/{action}", headers=theirs)).status_code == 404
    assign = await client.post(f"{url}/assign", json={"assignee_id": 1}, headers=theirs)
    assert assign.status_code == 404
    assert (await client.get(url, headers=ours)).json()["status"] == "new"


async def test_the_client_hears_of_a_new_order_a_new_time_and_a_cancellation(
    client, container, monkeypatch
):
    """The client loop's own message (Telegram, SMS or e-mail as the client has) is queued
    for the events a client hears of in the chat, and for nothing else."""
    from bot.admin.v1 import orders_write

    heard: list[tuple[int, str]] = []

    async def spy(_services, _catalogs, _outgoing, order, event, was=None):
        heard.append((order.number, event))

    monkeypatch.setattr(orders_write, "queue_client_message", spy)
    owner, headers = await keyed(container.services)
    ivan = await _worker(container.services, owner)
    made = (await client.post("/api/v1/orders", json={}, headers=headers)).json()
    url = f"/api/v1/orders/{made['id']}"
    await client.post(f"{url}/assign", json={"assignee_id": ivan}, headers=headers)
    await client.patch(url, json={"scheduled_at": "2026-03-06T10:00:00Z"}, headers=headers)
    await client.post(f"{url}/cancel", headers=headers)
    assert heard == [(1, "created"), (1, "reschedule"), (1, "cancel")]
