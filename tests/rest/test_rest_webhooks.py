"""/api/v1/webhooks (issue 21): a key with `webhooks:write` subscribes a URL (the secret in
that answer only, an Idempotency-Key replay without it), reads, updates with If-Match,
switches off, lists deliveries, redelivers and deletes; private and plain-http URLs are
refused with problem details; a key without the scope and another organization's key are
refused on every route. SQLite and PostgreSQL."""

from __future__ import annotations

from tests.rest.support import keyed

HOOK = {"url": "https://hooks.example/crm", "events": ["client.created", "order.paid"]}
PROBLEM = "application/problem+json"


async def test_a_key_manages_a_subscription_end_to_end(client, container):
    services = container.services
    owner, headers = await keyed(services)
    assert (await client.get("/api/v1/webhooks", headers=headers)).json() == []
    first = {**headers, "Idempotency-Key": "hook-1"}
    made = await client.post("/api/v1/webhooks", json=HOOK, headers=first)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) > 40
    assert body["events"] == ["order.paid", "client.created"] and body["active"] is True
    again = await client.post("/api/v1/webhooks", json=HOOK, headers=first)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == body["id"] and again.json()["secret"] is None  # shown once
    listed = (await client.get("/api/v1/webhooks", headers=headers)).json()
    assert [s["id"] for s in listed] == [body["id"]] and "secret" not in listed[0]
    path = f"/api/v1/webhooks/{body['id']}"
    read = await client.get(path, headers=headers)
    etag = read.headers["ETag"]
    stale = {**headers, "If-Match": '"0000"'}
    refused = await client.patch(path, json={"active": False}, headers=stale)
    assert refused.status_code == 412 and refused.headers["content-type"] == PROBLEM
    changed = await client.patch(
        path, json={"events": ["order.created", "client.created"]},
        headers={**headers, "If-Match": etag},
    )  # fmt: skip
    assert changed.status_code == 200
    assert changed.json()["events"] == ["order.created", "client.created"]
    # A new client is a delivery in the log; it is sent again on request.
    await services.clients.create(owner, "Анна Смирнова", "+79165550001")
    log = (await client.get(f"{path}/deliveries", headers=headers)).json()
    assert [(d["event_type"], d["status"]) for d in log] == [("client.created", "pending")]
    redo = await client.post(f"{path}/deliveries/{log[0]['id']}/redeliver", headers=headers)
    assert redo.status_code == 200 and redo.json()["status"] == "pending"
    off = await client.patch(path, json={"active": False}, headers=headers)
    assert off.json()["active"] is False and off.json()["disabled_at"] is not None
    on = await client.patch(path, json={"active": True}, headers=headers)
    assert on.json()["active"] is True and on.json()["failures"] == 0
    assert (await client.delete(path, headers=headers)).status_code == 204
    assert (await client.get(path, headers=headers)).status_code == 404
    async with services.orders._uow() as uow:
        entries = await uow.audit.listing(owner.organization.id, 50, 0)
    changes = sorted(e.data["change"] for e in entries if e.data.get("name") == "webhooks")
    assert changes == ["added", "events", "off", "on", "redeliver", "remove"]
    assert all("url" not in e.data for e in entries)


async def test_urls_that_are_not_public_https_are_refused(client, container):
    _, headers = await keyed(container.services)
    for url in (
        "http://hooks.example/crm",
        "https://127.0.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://10.0.0.8/x",
        "https://localhost/x",
        "https://printer.local/x",
        "https://intranet/x",
        "https://user:pw@hooks.example/x",
    ):
        refused = await client.post("/api/v1/webhooks", json={**HOOK, "url": url}, headers=headers)
        assert refused.status_code == 422, url
        assert refused.headers["content-type"] == PROBLEM
        problem = refused.json()
        assert problem["code"] == "webhook_url_refused"
        assert problem["errors"][0]["field"] == "body.url"
    unknown = await client.post(
        "/api/v1/webhooks", json={**HOOK, "events": ["order.deleted"]}, headers=headers
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_request"
    assert (await client.get("/api/v1/webhooks", headers=headers)).json() == []


async def test_the_scope_is_needed_and_another_organization_is_refused(client, container):
    services = container.services
    owner, ours = await keyed(services)
    sub = (await client.post("/api/v1/webhooks", json=HOOK, headers=ours)).json()
    await services.clients.create(owner, "Анна Смирнова", "+79165550001")
    (delivery,) = (
        await client.get(f"/api/v1/webhooks/{sub['id']}/deliveries", headers=ours)
    ).json()
    path = f"/api/v1/webhooks/{sub['id']}"
    redo = f"{path}/deliveries/{delivery['id']}/redeliver"
    _, narrow = await keyed(services, ["orders:read", "clients:write"], "Узкие")
    for method, url, body in (
        ("GET", "/api/v1/webhooks", None),
        ("POST", "/api/v1/webhooks", HOOK),
        ("GET", path, None),
        ("PATCH", path, {"active": False}),
        ("DELETE", path, None),
        ("GET", f"{path}/deliveries", None),
        ("POST", redo, None),
    ):
        refused = await client.request(method, url, json=body, headers=narrow)
        assert refused.status_code == 403, (method, url)
        assert refused.json()["code"] == "api_scope_missing"
    _, theirs = await keyed(services, name="Чужие")
    assert (await client.get("/api/v1/webhooks", headers=theirs)).json() == []
    for method, url, body in (
        ("GET", path, None),
        ("PATCH", path, {"active": False}),
        ("DELETE", path, None),
        ("GET", f"{path}/deliveries", None),
        ("POST", redo, None),
    ):
        refused = await client.request(method, url, json=body, headers=theirs)
        assert refused.status_code == 404, (method, url)
        assert refused.headers["content-type"] == PROBLEM
    # A delivery is redelivered only under its own subscription.
    other = (await client.post("/api/v1/webhooks", json=HOOK, headers=ours)).json()
    wrong = f"/api/v1/webhooks/{other['id']}/deliveries/{delivery['id']}/redeliver"
    assert (await client.post(wrong, headers=ours)).status_code == 404
    still = (await client.get(path, headers=ours)).json()
    assert still["active"] is True


async def test_the_openapi_documents_the_routes_with_examples(client):
    schema = (await client.get("/openapi.json")).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/webhooks"]) == {"get", "post"}
    assert set(paths["/api/v1/webhooks/{sub_id}"]) == {"get", "patch", "delete"}
    assert "post" in paths["/api/v1/webhooks/{sub_id}/deliveries/{delivery_id}/redeliver"]
    made = schema["components"]["schemas"]["SubscriptionIn"]["properties"]
    assert made["url"]["examples"] and made["events"]["examples"]
