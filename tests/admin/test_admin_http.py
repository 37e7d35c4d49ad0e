"""The admin endpoint over ASGI: sign-in from the bot's link, the settings forms with CSRF,
the API with tokens, request validation, body limits, rate limits and the probes."""

from __future__ import annotations

import re

from sqlalchemy import text

from core.domain import Role
from storage.db import create_engine
from tests.support import onboard, owner_with_org, profile, profile_of

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
DADATA = "0123456789abcdef0123456789abcdefDADATA"


async def signed_in(client, services):
    """An owner who opened the bot's link; returns (owner, csrf token of the page)."""
    owner = await owner_with_org(services)
    link = (await services.admin.issue_link(owner)).url
    path = link.removeprefix("http://admin.test")
    landing = await client.get(path)
    assert landing.status_code == 200 and 'data-testid="sign-in"' in landing.text
    opened = await client.post(path)
    assert opened.status_code == 303 and opened.headers["location"] == "/settings"
    cookie = opened.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    again = await client.post(path)
    assert again.status_code == 401 and "/admin" in again.text
    page = await client.get("/settings")
    assert page.status_code == 200 and "Чистый дом" in page.text
    return owner, CSRF.search(page.text).group(1)


async def test_sign_in_and_change_the_time_zone(client, container):
    _, csrf = await signed_in(client, container.services)
    form = {"name": "Чистый дом", "timezone": "Asia/Yekaterinburg", "currency": "RUB"}
    form["language"] = "ru"
    forged = await client.post("/settings/profile", data=form)
    assert forged.status_code == 403
    saved = await client.post("/settings/profile", data={**form, "csrf": csrf})
    assert saved.status_code == 303 and saved.headers["location"] == "/settings?saved=1"
    page = await client.get("/settings?saved=1")
    assert "Сохранено" in page.text and 'value="Asia/Yekaterinburg"' in page.text
    wrong = await client.post("/settings/profile", data={**form, "timezone": "Mars", "csrf": csrf})
    assert wrong.status_code == 422 and "Mars" in wrong.text
    api = await client.get("/api/settings")
    assert api.json()["profile"]["timezone"] == "Asia/Yekaterinburg"
    unsafe = await client.patch("/api/settings/profile", json={"currency": "EUR"})
    assert unsafe.status_code == 403 and unsafe.json()["code"] == "csrf_invalid"
    headers = {"X-CSRF-Token": csrf}
    ok = await client.patch("/api/settings/profile", json={"currency": "EUR"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["profile"]["currency"] == "EUR"


async def test_a_dadata_token_is_stored_encrypted_and_shown_masked(client, container, db_url):
    _, csrf = await signed_in(client, container.services)
    form = {"name": "dadata_token", "value": DADATA, "csrf": csrf}
    assert (await client.post("/settings/credentials", data=form)).status_code == 303
    page = (await client.get("/settings")).text
    assert DADATA not in page and "••••DATA" in page
    engine = create_engine(db_url)
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM org_secret"))).all()
    await engine.dispose()
    assert (
        len(rows) == 1 and DADATA not in repr(rows) and DADATA.encode() not in repr(rows).encode()
    )
    api = (await client.get("/api/settings")).json()
    dadata = next(c for c in api["credentials"] if c["name"] == "dadata_token")
    assert dadata == {"name": "dadata_token", "masked": "••••DATA", "readable": True}


async def test_api_tokens_and_roles(client, container):
    services = container.services
    owner, csrf = await signed_in(client, services)
    created = await client.post("/settings/tokens", data={"name": "CRM sync", "csrf": csrf})
    token = re.search(r'data-testid="new-token">([^<]+)<', created.text).group(1)
    assert created.headers["cache-control"] == "no-store"
    assert token not in (await client.get("/settings")).text
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    me = await client.get("/api/me", headers=bearer)
    assert me.status_code == 200 and me.json()["role"] == "owner"
    changed = await client.patch(
        "/api/settings/preferences",
        json={"photos_required": 2, "digest_time": "07:30"},
        headers=bearer,
    )
    assert changed.status_code == 200
    assert (changed.json()["photos_required"], changed.json()["digest_time"]) == (2, "07:30")
    invite = await services.invites.create(owner, Role.MANAGER)
    manager = await onboard(services, profile("Mila"))
    await services.invites.accept(manager, invite.token)
    member = next(v for v in await services.team.team(owner) if v.user.id == manager.user.id)
    await services.team.change_role(owner, member.membership.id, Role.OWNER)
    issued = await services.admin.create_token(
        await services.users.identify(profile_of(manager)), "m"
    )
    await services.team.change_role(owner, member.membership.id, Role.MANAGER)
    refused = await client.get(
        "/api/settings", headers={"Authorization": f"Bearer {issued.token}"}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    listed = (await client.get("/api/tokens", headers=bearer)).json()
    assert [t["name"] for t in listed] == ["CRM sync", "m"]
    gone = await client.delete(f"/api/tokens/{listed[0]['id']}", headers=bearer)
    assert gone.status_code == 204
    assert (await client.get("/api/me", headers=bearer)).status_code == 401


async def test_bad_requests_get_clear_4xx(client, container):
    owner = await owner_with_org(container.services)
    token = (await container.services.admin.create_token(owner, "t")).token
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/me")).status_code == 401
    broken = await client.patch(
        "/api/settings/profile",
        content=b"{not json",
        headers={**bearer, "content-type": "application/json"},
    )
    assert broken.status_code == 400 and broken.json()["code"] == "json_invalid"
    for strangers in ({}, {"Authorization": "Basic x"}, {"cookie": "astracrm_session=forged"}):
        before_auth = await client.patch(
            "/api/settings/profile",
            content=b"{not json",
            headers={**strangers, "content-type": "application/json"},
        )  # credentials are looked at before the body is read
        assert before_auth.status_code == 401, strangers
    not_here = await client.options("/api/api-keys")  # GET and POST are two routes
    assert not_here.status_code == 405 and not_here.headers["allow"] == "GET, HEAD, POST"
    as_number = await client.patch(
        "/api/settings/preferences", json={"photos_required": False}, headers=bearer
    )
    assert as_number.status_code == 422  # a boolean is not taken for a number
    typed = await client.patch(
        "/api/settings/preferences", json={"reminder_minutes": "soon"}, headers=bearer
    )
    assert typed.status_code == 422 and typed.json()["errors"][0]["field"].endswith(
        "reminder_minutes"
    )
    extra = await client.patch("/api/settings/profile", json={"owner": "me"}, headers=bearer)
    assert extra.status_code == 422
    zone = await client.patch(
        "/api/settings/profile", json={"timezone": "Mars/Base"}, headers=bearer
    )
    assert zone.status_code == 422 and zone.json()["code"] == "timezone_invalid"
    big = await client.put("/api/settings/categories", content=b"x" * 70_000, headers=bearer)
    assert big.status_code == 413 and big.json()["code"] == "body_too_large"
    unknown = await client.put(
        "/api/settings/credentials/aws", json={"value": "x"}, headers=bearer
    )
    assert unknown.status_code == 422


async def test_failed_tokens_and_sign_ins_are_rate_limited(client):
    codes = [
        (
            await client.get("/api/me", headers={"Authorization": "Bearer ak_" + "x" * 40})
        ).status_code
        for _ in range(32)
    ]
    assert codes[:30] == [401] * 30 and codes[-1] == 429
    sign_ins = [(await client.post("/signin/sl_" + "y" * 40)).status_code for _ in range(11)]
    assert sign_ins[:10] == [401] * 10 and sign_ins[-1] == 429


async def test_tbank_notifications_over_http(client, container, bank):
    owner = await owner_with_org(container.services)
    token = (await container.services.admin.create_token(owner, "t")).token
    bearer = {"Authorization": f"Bearer {token}"}
    body = {"plan": "pro", "months": 1, "email": "owner@example.com"}
    checkout = await client.post("/api/billing/checkout", json=body, headers=bearer)
    assert checkout.status_code == 200 and checkout.json()["payment_url"].startswith(bank.url)
    (payment,) = bank.payments.values()
    confirmed = bank.notification(payment.payment_id, "CONFIRMED")
    forged = await client.post("/tbank/notify", json={**confirmed, "Token": "f" * 64})
    assert forged.status_code == 403 and forged.text != "OK"
    for _ in range(2):
        answer = await client.post("/tbank/notify", json=confirmed)
        assert (answer.status_code, answer.text) == (200, "OK")
    billing = (await client.get("/api/billing", headers=bearer)).json()
    assert billing["plan"]["code"] == "pro" and billing["paid_until"]
    assert (await client.post("/tbank/notify", content=b"[]")).status_code == 400


async def test_probes_and_docs(client):
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200 and ready.json() == {"database": "ok", "bot": "ok"}
    schema = (await client.get("/openapi.json")).json()
    assert "/api/settings/profile" in schema["paths"] and "/tbank/notify" not in schema["paths"]
    assert (await client.get("/docs")).status_code == 200
    assert (await client.post("/telegram/webhook", json={})).status_code in (404, 405)
