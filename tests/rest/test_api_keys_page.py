"""The admin page of API keys on both databases: an owner signed in makes a key (shown once,
in Russian), sees it listed without the secret, and revokes it; a form without CSRF is
refused."""

from __future__ import annotations

import re

from tests.admin.test_admin_http import signed_in

SECRET = re.compile(r'data-testid="new-api-key">(crm_[A-Za-z0-9_-]+)<')


async def test_an_owner_makes_lists_and_revokes_a_key_on_the_page(client, container):
    _, csrf = await signed_in(client, container.services)
    settings = await client.get("/settings")
    assert 'href="/settings/api-keys"' in settings.text
    empty = await client.get("/settings/api-keys")
    assert empty.status_code == 200 and "Ключей пока нет." in empty.text
    form = {"csrf": csrf, "name": "Сайт", "scope:orders:read": "1", "scope:clients:write": "1"}
    made = await client.post("/settings/api-keys", data=form)
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = SECRET.search(made.text).group(1)
    caller = await container.services.api_keys.caller(secret)
    assert [s.value for s in caller.key.scopes] == ["orders:read", "clients:write"]
    listed = await client.get("/settings/api-keys")
    assert secret not in listed.text and secret[:8] + "…" in listed.text
    assert "orders:read, clients:write" in listed.text
    none = await client.post("/settings/api-keys", data={"csrf": csrf, "name": "x"})
    assert none.status_code == 422 and "Выберите одну или несколько" in none.text
    forged = await client.post(f"/settings/api-keys/{caller.key.id}/revoke", data={})
    assert forged.status_code == 403
    revoked = await client.post(f"/settings/api-keys/{caller.key.id}/revoke", data={"csrf": csrf})
    assert revoked.status_code == 303
    assert "Ключей пока нет." in (await client.get("/settings/api-keys")).text
