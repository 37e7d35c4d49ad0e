"""/api/v1/clients over ASGI on both databases: scopes, cursor pages and search, create with
Idempotency-Key, PATCH with If-Match, merge, problem details, and another organization's key
refused."""

from __future__ import annotations

from sqlalchemy import text

from storage.db import create_engine
from tests.rest.support import keyed

PROBLEM = "application/problem+json"


async def _make(client, headers, name, phone=None, **extra):
    body = {"name": name, **({"phone": phone} if phone else {}), **extra}
    made = await client.post("/api/v1/clients", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()


async def test_create_read_list_search_and_page(client, container):
    _, headers = await keyed(container.services)
    petr = await _make(client, headers, "Пётр Сидоров", "+7 916 123-45-67", email="p@example.com")
    assert petr["phones"] == ["+79161234567"] and petr["email"] == "p@example.com"
    assert petr["created_at"].endswith("Z") or petr["created_at"].endswith("+00:00")
    for n in range(4):
        await _make(client, headers, f"Анна {n}")
    got = await client.get(f"/api/v1/clients/{petr['id']}", headers=headers)
    assert got.status_code == 200 and got.json() == petr and got.headers["etag"]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/clients", params=params, headers=headers)).json()
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["Пётр Сидоров", "Анна 0", "Анна 1", "Анна 2", "Анна 3"]
    found = await client.get("/api/v1/clients", params={"q": "916 123"}, headers=headers)
    assert [c["id"] for c in found.json()["items"]] == [petr["id"]]
    anna = await client.get("/api/v1/clients", params={"q": "Анна", "limit": 3}, headers=headers)
    more = anna.json()["next_cursor"]
    rest = await client.get(
        "/api/v1/clients", params={"q": "Анна", "cursor": more}, headers=headers
    )
    assert len(anna.json()["items"]) == 3 and len(rest.json()["items"]) == 1
    mixed = await client.get("/api/v1/clients", params={"cursor": more}, headers=headers)
    assert mixed.status_code == 422 and mixed.json()["code"] == "cursor_invalid"


async def test_idempotent_create_and_a_reused_key(client, container, clock):
    _, headers = await keyed(container.services)
    once = {**headers, "Idempotency-Key": "order-form-17"}
    body = {"name": "Ольга", "phone": "+79160000001"}
    first = await client.post("/api/v1/clients", json=body, headers=once)
    again = await client.post("/api/v1/clients", json=body, headers=once)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    listed = (await client.get("/api/v1/clients", headers=headers)).json()["items"]
    assert len(listed) == 1
    other = await client.post("/api/v1/clients", json={"name": "Другая"}, headers=once)
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert other.headers["content-type"] == PROBLEM
    clock.advance(hours=25)  # a day later the key is forgotten: a new request
    later = await client.post("/api/v1/clients", json={"name": "Другая"}, headers=once)
    assert later.status_code == 201 and later.json()["id"] != first.json()["id"]
    duplicate = await client.post("/api/v1/clients", json=body, headers=headers)
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "client_duplicate"


async def test_patch_with_if_match_and_merge(client, container, db_url):
    _, headers = await keyed(container.services)
    petr = await _make(client, headers, "Пётр", "+79161234567")
    copy = await _make(client, headers, "Петя", "+79169999999", allow_duplicate=True)
    tag = (await client.get(f"/api/v1/clients/{petr['id']}", headers=headers)).headers["etag"]
    changed = await client.patch(
        f"/api/v1/clients/{petr['id']}",
        json={"name": "Пётр Сидоров", "address": "Тверская, 1"},
        headers={**headers, "If-Match": tag},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Пётр Сидоров" and changed.headers["etag"] != tag
    stale = await client.patch(
        f"/api/v1/clients/{petr['id']}", json={"notes": "x"}, headers={**headers, "If-Match": tag}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    merged = await client.post(
        f"/api/v1/clients/{petr['id']}/merge", json={"other_id": copy["id"]}, headers=headers
    )
    assert merged.status_code == 200
    assert merged.json()["phones"] == ["+79161234567", "+79169999999"]
    gone = await client.get(f"/api/v1/clients/{copy['id']}", headers=headers)
    assert gone.status_code == 404 and gone.json()["type"] == "urn:astracrm:problem:not_found"
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        query = text("SELECT kind, data FROM client_event ORDER BY id")
        events = (await connection.execute(query)).all()
    await engine.dispose()
    kinds = [kind for kind, _ in events]
    assert kinds == ["created", "created", "edited", "edited", "merged", "merged_into"]
    assert all("api key test" in str(data) for _, data in events)


async def test_scopes_are_enforced(client, container):
    _, reader = await keyed(container.services, ["clients:read"])
    _, writer = await keyed(container.services, ["clients:write"], "Другая")
    refused = await client.post("/api/v1/clients", json={"name": "x"}, headers=reader)
    assert refused.status_code == 403 and refused.json()["code"] == "api_scope_missing"
    assert refused.headers["content-type"] == PROBLEM
    assert (await client.get("/api/v1/clients", headers=writer)).status_code == 403
    assert (await client.get("/api/v1/clients", headers=reader)).status_code == 200
    nobody = await client.get("/api/v1/clients")
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
    bad = await client.get("/api/v1/clients", headers={"Authorization": "Bearer crm_nope"})
    assert bad.status_code == 401 and bad.json()["code"] == "api_key_invalid"


async def test_another_organization_s_key_is_refused(client, container):
    _, ours = await keyed(container.services)
    _, theirs = await keyed(container.services, name="Чужие")
    petr = await _make(client, ours, "Пётр", "+79161234567")
    url = f"/api/v1/clients/{petr['id']}"
    assert (await client.get(url, headers=theirs)).status_code == 404
    patched = await client.patch(url, json={"name": "x"}, headers=theirs)
    assert patched.status_code == 404
    merge = await client.post(f"{url}/merge", json={"other_id": petr["id"]}, headers=theirs)
    assert merge.status_code in (404, 422)
    assert (await client.get("/api/v1/clients", headers=theirs)).json()["items"] == []
    assert (await client.get(url, headers=ours)).json()["name"] == "Пётр"
