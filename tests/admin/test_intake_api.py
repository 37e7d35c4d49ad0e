"""Issue 21, items 2-3: the public intake API refuses what it must, each with its status:
an unknown key 401, a website not on the list 403 (preflights too, without CORS headers),
field errors 422 (phone, sizes, consent, service, the honeypot, a form sent too fast), 413
over the body limit before parsing, 429 with Retry-After per address; the same request twice
is one order; the catalogue and DaData's suggestions with the organization's own key; every
outcome counted in /metrics. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pytest

from tests.admin.test_client_page import world as page_world
from tests.fakes.dadata import FakeDaData

world = page_world
SITE = "https://shop.example"
ORDERS = "/api/public/v1/orders"
DADATA_KEY = "org-own-dadata-key"


@pytest.fixture
async def dadata():
    async with FakeDaData(api_key=DADATA_KEY) as fake:
        yield fake


@pytest.fixture
async def container(db_url, bank, clock, dadata):
    from bot.container import build_container
    from tests.admin.support import admin_settings

    settings = admin_settings(
        database_url=db_url, tbank_base_url=bank.base_url, dadata_base_url=dadata.base_url
    )
    built = build_container(settings, clock)
    yield built
    await built.close()


@pytest.fixture
async def site(world):
    """Intake on, drafts, one allowed website: (key, a category id)."""
    services = world.services
    await services.org_settings.set_categories(world.owner, ["Уборка", "Ремонт"])
    view = await services.intake_settings.configure(world.owner, True, "draft", [SITE])
    return view.public_key


def _body(**changes):
    body = {
        "clientPhone": "79161234567",
        "clientName": "Вера",
        "description": "Помыть окна",
        "serviceText": "Мойка окон",
        "consent": True,
        "policyVersion": "2025-01",
        "fillMs": 8000,
    }
    return {k: v for k, v in {**body, **changes}.items() if v is not None}


def _from(client: httpx.AsyncClient, address: str) -> httpx.AsyncClient:
    """Another browser, at another address, on the same app."""
    app = client._transport.app  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://admin.test")


async def test_keys_and_origins(client, site):
    good = {"X-Widget-Key": site, "Origin": SITE}
    for headers in ({"X-Widget-Key": "pk_live_1_nope"}, {}, {"X-Widget-Key": site + "x"}):
        refused = await client.post(ORDERS, json=_body(), headers=headers)
        assert refused.status_code == 401 and refused.json()["code"] == "key_invalid"
    russian = await client.get("/api/public/v1/catalogue", headers={"Accept-Language": "ru"})
    assert russian.headers["content-type"] == "application/problem+json"
    assert russian.json() == {
        "type": "urn:astracrm:problem:key_invalid",
        "title": "Вход не выполнен",
        "status": 401,
        "detail": "Этот публичный ключ не относится ни к одной организации, "
        "принимающей заявки с сайта.",
        "instance": "/api/public/v1/catalogue",
        "code": "key_invalid",
    }
    other = await client.post(
        ORDERS, json=_body(), headers={**good, "Origin": "https://evil.example"}
    )
    assert other.status_code == 403 and "access-control-allow-origin" not in other.headers
    ask = {"Origin": SITE, "Access-Control-Request-Method": "POST"}
    allowed = await client.options(f"{ORDERS}?key={site}", headers=ask)
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert "x-widget-key" in allowed.headers["access-control-allow-headers"]
    for url, origin in ((f"{ORDERS}?key={site}", "https://evil.example"), (ORDERS, SITE)):
        refused = await client.options(url, headers={**ask, "Origin": origin})
        assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    listed = await client.get("/api/public/v1/catalogue", headers=good)
    assert listed.status_code == 200 and listed.headers["access-control-allow-origin"] == SITE
    names = [c["name"] for c in listed.json()["categories"]]
    assert names == ["Уборка", "Ремонт"]


async def test_field_errors_and_nothing_made(client, world, site, container):
    headers = {"X-Widget-Key": site, "Origin": SITE}
    cases = {
        "clientPhone": _body(clientPhone="12345"),
        "description": _body(description=""),
        "consent": _body(consent=False),
        "policyVersion": _body(policyVersion=None),
        "serviceId": _body(serviceText=None),
        "website": _body(website="http://spam.example"),
        "fillMs": _body(fillMs=900),
        "email": _body(email="not-an-address"),
        "clientName": _body(clientName="Я" * 201),
        "address": _body(address="д" * 501),
        "preferredAt": _body(preferredAt="2030-01-01T10:00:00"),  # no offset
    }
    cases["subServiceId"] = _body(serviceId="1", subServiceId="١٢")
    cases["serviceId"] = _body(serviceId="999999")  # not this organization's
    for n, (field, body) in enumerate(cases.items()):
        async with _from(client, f"10.0.1.{n}") as web:
            refused = await web.post(ORDERS, json=body, headers=headers)
        assert refused.status_code == 422, (field, refused.text)
        assert field in refused.json()["fieldErrors"], (field, refused.json())
        assert refused.headers["access-control-allow-origin"] == SITE
    async with _from(client, "10.0.2.1") as web:
        broken = await web.post(ORDERS, content=b"{", headers=headers)
    assert broken.status_code == 422 and "body" in broken.json()["fieldErrors"]
    async with _from(client, "10.0.2.2") as web:
        blank = await web.post(ORDERS, json=_body(description="\u200b\x00 "), headers=headers)
    assert blank.status_code == 422
    assert blank.headers["content-type"] == "application/problem+json"
    assert blank.json() == {  # problem details, and the widget's fieldErrors beside errors
        "type": "urn:astracrm:problem:invalid",
        "title": "Unprocessable content",
        "status": 422,
        "detail": "Some fields are not valid.",
        "instance": ORDERS,
        "code": "invalid",
        "errors": [{"field": "description", "message": "Please describe what needs doing."}],
        "fieldErrors": {"description": ["Please describe what needs doing."]},
    }
    assert not (await world.services.clients.find(world.owner, "+79161234567")).items
    metrics = (await container.metrics.render()).decode()
    assert 'astracrm_intake_requests_total{outcome="honeypot"} 1.0' in metrics
    assert 'astracrm_intake_requests_total{outcome="too_fast"} 1.0' in metrics


async def test_rate_limits_body_limit_and_repeats(client, world, site, container):
    headers = {"X-Widget-Key": site, "Origin": SITE}
    big = await client.post(ORDERS, content=b"x" * (64 * 1024 + 1), headers=headers)
    assert big.status_code == 413
    first = await client.post(ORDERS, json=_body(), headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(ORDERS, json=_body(clientPhone="+7 916 123-45-67"), headers=headers)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    assert again.json()["orderId"] == first.json()["orderId"]
    for _ in range(8):
        assert (await client.post(ORDERS, json=_body(), headers=headers)).status_code == 200
    limited = await client.post(ORDERS, json=_body(), headers=headers)
    # Retry-After: until the oldest hit leaves the 60 s window (less on a slow machine).
    assert limited.status_code == 429 and 50 <= int(limited.headers["retry-after"]) <= 60
    async with _from(client, "10.0.0.9") as other:
        fine = await other.post(ORDERS, json=_body(description="Другое"), headers=headers)
        assert fine.status_code == 201
    metrics = (await container.metrics.render()).decode()
    assert 'astracrm_intake_requests_total{outcome="rate_limited"} 1.0' in metrics
    assert 'astracrm_intake_requests_total{outcome="created"} 2.0' in metrics
    assert 'astracrm_intake_requests_total{outcome="repeated"} 9.0' in metrics


async def test_control_characters_are_dropped_before_storing(client, world, site):
    """A website sends whatever it is given: NUL and invisible characters never reach the
    database (PostgreSQL refuses NUL in text), lines of the description are kept."""
    headers = {"X-Widget-Key": site, "Origin": SITE}
    body = _body(
        clientName="Ве\x00ра\u202e",
        description="Окна\x00\nи балкон\u200b",
        address="ул.\x07 Тихая, 7",
        policyVersion="v\x001",
    )
    sent = await client.post(ORDERS, json=body, headers=headers)
    assert sent.status_code == 201, sent.text
    card = await world.services.orders.by_number(world.owner, sent.json()["number"])
    assert card.order.description == "Мойка окон\nОкна\nи балкон"
    assert card.order.address == "ул. Тихая, 7"
    (found,) = (await world.services.clients.find(world.owner, "+79161234567")).items
    assert found.name == "Вера"


async def test_address_suggestions_use_the_organizations_key(client, world, site, dadata):
    url = f"/api/public/v1/address-suggestions?key={site}&q=Сухонская"
    assert (await client.get(url, headers={"Origin": SITE})).json() == {"suggestions": []}
    await world.services.org_settings.set_credential(world.owner, "dadata_token", DADATA_KEY)
    found = await client.get(url, headers={"Origin": SITE})
    assert found.status_code == 200 and DADATA_KEY not in found.text
    first = found.json()["suggestions"][0]
    assert "Сухонская" in first["value"] and first["data"]["geo_lat"]
    assert dadata.requests[-1].headers["authorization"] == f"Token {DADATA_KEY}"


async def test_the_key_is_limited_across_addresses(client, site):
    """60 POSTs a minute per key, wherever they come from (each address stays under its 10)."""
    headers = {"X-Widget-Key": site, "Origin": SITE}
    answers = []
    for n in range(61):
        async with _from(client, f"10.0.3.{n // 9}") as web:
            sent = await web.post(ORDERS, json=_body(website="spam"), headers=headers)
        answers.append(sent.status_code)
    assert answers[:60] == [422] * 60 and answers[60] == 429
